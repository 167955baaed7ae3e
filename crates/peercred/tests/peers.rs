//! Peers in other processes, under other ids, and changing ids after connect().
//! Each test forks, so this binary runs its tests one at a time (see in_child).

mod common;

use std::os::fd::AsRawFd;
use std::os::unix::net::{UnixListener, UnixStream};

use common::{accept_client, become_nobody, is_root, me, NOBODY};
use peercred::NotConnected;

#[test]
fn peers() {
    // One #[test]: forking while other test threads run could copy a held lock.
    client_in_another_process();
    client_under_another_uid_and_gid();
    connect_time_ids_are_reported_after_a_uid_change();
    own_socketpair_and_connection_to_itself_are_refused();
    the_connecting_side_names_the_listener();
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

/// Credentials that name the caller itself describe no other end: both ends of
/// its own socketpair, and both ends of a connection it made to itself.
fn own_socketpair_and_connection_to_itself_are_refused() {
    let own = Err(peercred::Error::NotConnected(NotConnected::OwnProcess));
    let (a, b) = UnixStream::pair().unwrap();
    assert_eq!((peercred::read(&a), peercred::read(&b)), (own, own));
    let dir = common::TempDir::new();
    let listener = UnixListener::bind(dir.path("s")).unwrap();
    let client = UnixStream::connect(dir.path("s")).unwrap();
    let (server, _) = listener.accept().unwrap();
    assert_eq!(
        (peercred::read(&client), peercred::read(&server)),
        (own, own)
    );
    assert_eq!(
        peercred::read(&listener),
        Err(peercred::Error::NotConnected(NotConnected::Listening))
    );
}

/// The connecting end names whoever called listen(): a server in another process.
fn the_connecting_side_names_the_listener() {
    let dir = common::TempDir::new();
    let path = dir.path("s");
    let addr = common::sockaddr(&path);
    let (mut parent_end, child_end) = UnixStream::pair().unwrap();
    // SAFETY: the child only makes system calls, then _exit.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        unsafe {
            let fd = libc::socket(libc::AF_UNIX, libc::SOCK_STREAM, 0);
            libc::bind(
                fd,
                (&addr as *const libc::sockaddr_un).cast(),
                size_of_val(&addr) as u32,
            );
            libc::listen(fd, 1);
            let mut byte = 1u8;
            libc::write(child_end.as_raw_fd(), (&byte as *const u8).cast(), 1); // "listening"
            libc::read(child_end.as_raw_fd(), (&mut byte as *mut u8).cast(), 1); // wait to exit
            libc::_exit(0);
        }
    }
    common::read_byte(&mut parent_end);
    let conn = UnixStream::connect(&path).unwrap();
    let cred = peercred::read(&conn).unwrap();
    assert_eq!(
        (cred.pid(), cred.uid(), cred.gid()),
        (Some(pid), me().1, me().2)
    );
    common::write_byte(&mut parent_end, 0);
    // SAFETY: waits for our own child.
    unsafe { libc::waitpid(pid, std::ptr::null_mut(), 0) };
}
