//! Eight threads x 100,000 reads, each on its own connection from another
//! process, while two others open and close sockets (so descriptor numbers
//! keep being reused): every answer right.

mod common;

use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};

#[test]
fn eight_threads_while_sockets_come_and_go() {
    let stop = AtomicBool::new(false);
    // The clients fork before any other thread starts.
    let mut peers: Vec<_> = (0..8).map(|_| common::accept_client(|| {})).collect();
    let (_, uid, gid) = common::me();
    let wrong: usize = std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    drop(UnixStream::pair().unwrap());
                }
            });
        }
        let readers: Vec<_> = peers
            .iter()
            .map(|(conn, client, _)| {
                let want = Ok((Some(client.pid), uid, gid));
                scope.spawn(move || {
                    (0..100_000)
                        .filter(|_| {
                            peercred::read(conn).map(|c| (c.pid(), c.uid(), c.gid())) != want
                        })
                        .count()
                })
            })
            .collect();
        let wrong = readers.into_iter().map(|r| r.join().unwrap()).sum();
        stop.store(true, Ordering::Relaxed);
        wrong
    });
    // Each client holds copies of the earlier ones' pipes: let all go before
    // reaping any.
    for (_, client, _) in &mut peers {
        client.release();
    }
    assert_eq!(wrong, 0);
}
