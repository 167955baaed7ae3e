//! Peers in other processes, under other ids, and changing ids after connect().
//! Each test forks, so this binary runs its tests one at a time (see in_child).

mod common;

use std::os::fd::AsRawFd;
use std::os::unix::net::{UnixListener, UnixStream};

use common::{accept_client, become_nobody, is_root, me, NOBODY};

#[test]
fn peers() {
    // One #[test]: forking while other test threads run could copy a held lock.
    client_in_another_process();
    client_under_another_uid_and_gid();
    connect_time_ids_are_reported_after_a_uid_change();
    socketpair_ends_and_the_connecting_side();
}

fn client_in_another_process() {
    let (conn, client, _dir) = accept_client(|| {});
    let cred = peercred::read(&conn).unwrap();
    assert_eq!(cred.pid(), Some(client.pid));
    assert_ne!(cred.pid(), me().0);
    assert_eq!((cred.uid(), cred.gid()), (me().1, me().2));
}

fn client_under_another_uid_and_gid() {
    if !is_root() {
        eprintln!("skipped: a client under another uid needs root (setuid)");
        return;
    }
    let (conn, client, _dir) = accept_client(|| become_nobody(&[]));
    let cred = peercred::read(&conn).unwrap();
    assert_eq!(
        (cred.pid(), cred.uid(), cred.gid()),
        (Some(client.pid), NOBODY, NOBODY)
    );
}

/// The kernel records the ids at connect(): a peer that changes uid afterwards
/// is still reported with the old ones (documented in SECURITY.md), while the
/// peer process shows its current ids.
fn connect_time_ids_are_reported_after_a_uid_change() {
    if !is_root() {
        eprintln!("skipped: changing uid after connect() needs root");
        return;
    }
    let dir = common::TempDir::new();
    let listener = UnixListener::bind(dir.path("s")).unwrap();
    let addr = common::sockaddr(&dir.path("s"));
    let (mut parent_end, child_end) = UnixStream::pair().unwrap();
    // SAFETY: the child only makes system calls, then _exit.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        common::connect_raw(&addr);
        unsafe {
            become_nobody(&[]);
            let mut byte = 1u8;
            libc::write(child_end.as_raw_fd(), (&byte as *const u8).cast(), 1); // "dropped"
            libc::read(child_end.as_raw_fd(), (&mut byte as *mut u8).cast(), 1); // wait to exit
            libc::_exit(0);
        }
    }
    let (conn, _) = listener.accept().unwrap();
    common::read_byte(&mut parent_end);
    let cred = peercred::read(&conn).unwrap();
    assert_eq!(
        (cred.pid(), cred.uid(), cred.gid()),
        (Some(pid), 0, 0),
        "connect-time ids"
    );
    match peercred::PeerProcess::from_socket(&conn) {
        Ok(process) => assert_eq!(
            (process.uid().unwrap(), process.gid().unwrap()),
            (NOBODY, NOBODY)
        ),
        Err(peercred::Error::Unsupported(why)) => eprintln!("skipped the current-ids half: {why}"),
        Err(err) => panic!("{err}"),
    }
    common::write_byte(&mut parent_end, 0);
    let mut status = 0;
    // SAFETY: waits for our own child.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    assert_eq!(status, 0);
}

fn socketpair_ends_and_the_connecting_side() {
    let (a, b) = UnixStream::pair().unwrap();
    let (ca, cb) = (peercred::read(&a).unwrap(), peercred::read(&b).unwrap());
    assert_eq!(ca, cb);
    assert_eq!((ca.pid(), ca.uid(), ca.gid()), me());
}
