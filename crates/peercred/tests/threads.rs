//! Eight threads x 100,000 reads on their own sockets while two others open and
//! close sockets (so descriptor numbers keep being reused): every answer right.

mod common;

use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};

#[test]
fn eight_threads_while_sockets_come_and_go() {
    let stop = AtomicBool::new(false);
    let me = common::me();
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    drop(UnixStream::pair().unwrap());
                }
            });
        }
        let readers: Vec<_> = (0..8)
            .map(|_| {
                scope.spawn(move || {
                    let (a, _b) = UnixStream::pair().unwrap();
                    (0..100_000)
                        .filter(|_| {
                            peercred::read(&a).map(|c| (c.pid(), c.uid(), c.gid())) != Ok(me)
                        })
                        .count()
                })
            })
            .collect();
        let wrong: usize = readers.into_iter().map(|r| r.join().unwrap()).sum();
        stop.store(true, Ordering::Relaxed);
        assert_eq!(wrong, 0);
    });
}
