//! Groups, the security label, the pidfd and the peer process, with real peers.
//! One #[test]: the parts fork, which is safe only without other test threads.

mod common;

use common::{accept_client, become_nobody, is_root, me, open_fds};
use peercred::{Error, PeerProcess};

#[test]
fn extras() {
    groups_of_peers();
    label_without_an_lsm();
    let (conn, _client, _dir) = accept_client(|| {});
    if peercred::pidfd(&conn).is_err_and(|e| matches!(e, Error::Unsupported(_))) {
        eprintln!("skipped the pidfd parts: this kernel has no SO_PEERPIDFD (Linux < 6.5)");
        return;
    }
    peer_process_of_a_live_zombie_and_reaped_peer();
    no_call_leaves_a_descriptor_behind();
}

fn groups_of_peers() {
    if !is_root() {
        eprintln!("skipped: a peer with chosen groups needs root (setgroups)");
        return;
    }
    for groups in [&[4242u32, 4343][..], &[]] {
        let (conn, _client, _dir) = accept_client(|| become_nobody(groups));
        // The kernel's list, verbatim: the primary gid (65534) is not added.
        assert_eq!(peercred::groups(&conn).unwrap(), groups);
    }
}

fn label_without_an_lsm() {
    let (conn, _client, _dir) = accept_client(|| {});
    match peercred::security_label(&conn).unwrap() {
        // A real label cannot be made without SELinux, AppArmor or Smack loaded.
        None => {}
        Some(label) => eprintln!(
            "skipped: a labelling LSM is loaded (label {label:?}); the None path cannot be shown"
        ),
    }
}

fn peer_process_of_a_live_zombie_and_reaped_peer() {
    let (conn, mut client, _dir) = accept_client(|| {});
    let peer = PeerProcess::from_socket(&conn).unwrap();
    assert_eq!(peer.pid(), Some(client.pid));
    assert!(peer.is_alive().unwrap());
    assert_eq!(peer.parent_pid().unwrap(), me().0);
    assert_eq!(
        peer.exe().unwrap(),
        std::env::current_exe().unwrap(),
        "a fork runs our executable"
    );
    assert_eq!(
        peer.cmdline().unwrap(),
        std::env::args_os().collect::<Vec<_>>()
    );
    let own_session: u32 = std::fs::read_to_string("/proc/self/sessionid")
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert_eq!(
        peer.session_id().unwrap(),
        (own_session != u32::MAX).then_some(own_session)
    );
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", client.pid)).unwrap();
    let start: u64 = stat
        .rsplit(')')
        .next()
        .unwrap()
        .split_whitespace()
        .nth(19)
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(peer.start_time().unwrap(), start);
    assert_eq!((peer.uid().unwrap(), peer.gid().unwrap()), (me().1, me().2));

    client.release();
    client.wait_exit(); // a zombie: exited, not reaped
    assert!(!peer.is_alive().unwrap());
    assert_eq!(peer.exe(), Err(Error::PeerExited));
    assert_eq!(peer.parent_pid(), Err(Error::PeerExited));
    drop(peercred::pidfd(&conn).expect("a zombie still has a pidfd"));

    client.reap();
    assert!(!peer.is_alive().unwrap());
    assert_eq!(peer.uid(), Err(Error::PeerExited));
    assert_eq!(peercred::pidfd(&conn).err(), Some(Error::PeerExited));
    assert_eq!(
        PeerProcess::from_socket(&conn).err(),
        Some(Error::PeerExited)
    );
    assert_eq!(
        PeerProcess::from_pidfd(peer.into()).err(),
        Some(Error::PeerExited)
    );
}

fn no_call_leaves_a_descriptor_behind() {
    let (a, _client, _dir) = accept_client(|| {});
    let (own, _other) = std::os::unix::net::UnixStream::pair().unwrap();
    let tcp = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let before = open_fds();
    for _ in 0..100 {
        peercred::read(&a).unwrap();
        peercred::groups(&a).unwrap();
        peercred::security_label(&a).unwrap();
        drop(peercred::pidfd(&a).unwrap());
        let peer = PeerProcess::from_socket(&a).unwrap();
        peer.exe().unwrap();
        peer.cmdline().unwrap();
        peer.uid().unwrap();
        assert!(peercred::pidfd(&tcp).is_err() && PeerProcess::from_socket(&tcp).is_err());
        assert!(peercred::pidfd(&own).is_err() && PeerProcess::from_socket(&own).is_err());
    }
    assert_eq!(open_fds(), before);
}
