//! Across namespaces, compared with the kernel's own translation: a reader in
//! a child PID namespace (with and without a /proc of its own), a reader whose
//! /proc shows another namespace, a client in a new user namespace, and a
//! forced pid reuse that the peer process must refuse to describe. Needs root
//! (unshare); each part prints why when it is skipped. One #[test]: the parts
//! fork.

mod common;

use std::os::unix::net::{UnixListener, UnixStream};
use std::process::Command;

use common::{accept_client, as_init_of_new_pid_namespace, in_child, is_root, me, NOBODY, SKIP};
use peercred::{Error, PeerProcess};

/// Whether this run exercises the fallback of kernels before 6.13 (no
/// PIDFD_GET_INFO): `PEERCRED_FAULT=no-pidfd-info` with the core's
/// fault-injection feature (mk/rust.mk runs these tests both ways).
pub fn without_pidfd_info() -> bool {
    cfg!(feature = "fault-injection")
        && std::env::var_os("PEERCRED_FAULT").is_some_and(|v| v == "no-pidfd-info")
}

#[test]
fn namespaces() {
    if !is_root() {
        eprintln!("skipped: namespaces need root here (unshare)");
        return;
    }
    report(
        "reader in a child PID namespace",
        in_child(reader_in_child_pid_namespace),
    );
    report(
        "reader in a child PID namespace under the parent's /proc",
        in_child(reader_under_the_parents_proc),
    );
    report(
        "reader whose /proc is a child namespace's",
        in_child(reader_whose_proc_is_a_child_namespaces),
    );
    client_in_a_user_namespace();
    report("forced pid reuse", in_child(forced_pid_reuse));
}

fn report(what: &str, code: i32) {
    match code {
        0 => {}
        SKIP => {
            eprintln!("skipped {what}: unshare(CLONE_NEWPID | CLONE_NEWNS) is not permitted here")
        }
        code => panic!("{what}: the child failed with {code}"),
    }
}

/// The socketpair's creator (this test process) is outside the reader's PID
/// namespace: the kernel says pid 0, so peercred says "unknown", never a wrong pid.
fn reader_in_child_pid_namespace() -> i32 {
    let (a, _b) = UnixStream::pair().unwrap();
    as_init_of_new_pid_namespace(move || {
        assert_eq!(std::process::id(), 1);
        let cred = peercred::read(&a).unwrap();
        assert_eq!((cred.pid(), cred.uid()), (None, 0));
        let peer = PeerProcess::from_socket(&a).unwrap();
        assert_eq!(peer.pid(), None);
        assert_eq!(peer.exe(), Err(Error::PidNotVisible));
        assert!(peer.is_alive().unwrap());
        0
    })
}

/// `unshare --pid --fork` without `--mount-proc`: the reader is pid 1 of its
/// namespace, /proc still numbers the parent's. The peer's pid is the
/// reader's numbering (read()'s), its facts come from the right /proc entry,
/// and a peer outside the reader's namespace has none, though /proc shows it.
fn reader_under_the_parents_proc() -> i32 {
    let (outside, _other_end) = UnixStream::pair().unwrap(); // made out here
                                                             // SAFETY: unshare affects this (forked, single-threaded) process only.
    if unsafe { libc::unshare(libc::CLONE_NEWPID) } != 0 {
        return SKIP;
    }
    in_child(move || {
        assert_eq!(std::process::id(), 1);
        let exe = std::env::current_exe().unwrap();
        let (conn, client, _dir) = accept_client(|| {});
        let cred = peercred::read(&conn).unwrap();
        assert_eq!(cred.pid(), Some(client.pid));
        let peer = PeerProcess::from_socket(&conn).unwrap();
        assert_eq!(peer.pid(), cred.pid());
        assert_eq!(peer.exe().unwrap(), exe);
        assert!(peer.exe_matches(&exe).unwrap());
        assert!(!peer.exe_matches("/bin/sh").unwrap());
        assert_eq!(
            peer.cmdline().unwrap(),
            std::env::args_os().collect::<Vec<_>>()
        );
        let again = PeerProcess::from_pidfd(peercred::pidfd(&conn).unwrap());
        let own = PeerProcess::own().unwrap();
        assert_eq!(own.pid(), Some(1));
        assert!(own.exe_matches(&exe).unwrap());
        if without_pidfd_info() {
            // The fdinfo's numbers are /proc's, not ours: no answer in the wrong numbering.
            assert_eq!(again.err(), Some(Error::ForeignProc));
            assert_eq!(peer.parent_pid(), Err(Error::ForeignProc));
        } else {
            assert_eq!(again.unwrap().pid(), cred.pid());
            assert_eq!(peer.parent_pid().unwrap(), Some(1));
            assert_eq!(own.parent_pid().unwrap(), None, "our parent is outside");
        }

        let again = PeerProcess::from_pidfd(peercred::pidfd(&outside).unwrap());
        if without_pidfd_info() {
            assert_eq!(again.err(), Some(Error::ForeignProc));
        } else {
            assert_eq!(again.unwrap().pid(), None);
        }
        let outside = PeerProcess::from_socket(&outside).unwrap();
        assert_eq!(outside.pid(), None);
        assert!(outside.is_alive().unwrap());
        assert_eq!(outside.exe(), Err(Error::PidNotVisible));
        assert_eq!(outside.exe_matches(&exe), Err(Error::PidNotVisible));
        assert_eq!(outside.parent_pid(), Err(Error::PidNotVisible));
        assert_eq!(outside.uid(), Err(Error::PidNotVisible));
        0
    })
}

/// A reader in the parent namespace whose mount namespace got the /proc of a
/// child PID namespace: /proc shows neither the reader nor the peer, so every
/// /proc fact says so (ENXIO) instead of reading some other process's entry.
fn reader_whose_proc_is_a_child_namespaces() -> i32 {
    let (conn, client, _dir) = accept_client(|| {});
    if !common::unshare_with_private_mounts(libc::CLONE_NEWPID) {
        return SKIP;
    }
    let (mut ready, mut init_end) = UnixStream::pair().unwrap();
    // SAFETY: the child (init of the new namespace) only mounts, then waits.
    let init = unsafe { libc::fork() };
    if init == 0 {
        drop(ready);
        // SAFETY: mounts a proc for its namespace over /proc of the shared mount namespace.
        let mounted = unsafe {
            libc::mount(
                c"proc".as_ptr(),
                c"/proc".as_ptr(),
                c"proc".as_ptr(),
                0,
                std::ptr::null(),
            )
        } == 0;
        common::write_byte(&mut init_end, u8::from(mounted));
        let _ = std::io::Read::read(&mut init_end, &mut [0]);
        unsafe { libc::_exit(0) };
    }
    drop(init_end);
    if common::read_byte(&mut ready) != 1 {
        return SKIP;
    }
    let peer = PeerProcess::from_socket(&conn).unwrap();
    assert_eq!(peer.pid(), Some(client.pid));
    assert!(peer.is_alive().unwrap());
    assert_eq!(peer.exe(), Err(Error::ForeignProc));
    assert_eq!(peer.exe_matches("/bin/sh"), Err(Error::ForeignProc));
    assert_eq!(peer.uid(), Err(Error::ForeignProc));
    assert_eq!(PeerProcess::own().unwrap().exe(), Err(Error::ForeignProc));
    if without_pidfd_info() {
        assert_eq!(peer.parent_pid(), Err(Error::ForeignProc));
    } else {
        assert_eq!(peer.parent_pid().unwrap(), me().0, "no /proc needed");
    }
    drop(ready);
    // SAFETY: waits for our own child.
    unsafe { libc::waitpid(init, std::ptr::null_mut(), 0) };
    0
}

/// A client whose root is mapped to 65534 outside: we see 65534, which is what
/// its /proc/self/uid_map says its uid 0 is out here.
fn client_in_a_user_namespace() {
    let dir = common::TempDir::new();
    let path = dir.path("s");
    let listener = UnixListener::bind(&path).unwrap();
    common::chmod(&path, 0o666);
    let script = "import os,socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); \
                  print(os.geteuid(), open('/proc/self/uid_map').read().split()[1], flush=True); s.recv(1)";
    let child = Command::new("setpriv")
        .args([
            format!("--reuid={NOBODY}"),
            format!("--regid={NOBODY}"),
            "--clear-groups".into(),
        ])
        .args([
            "unshare",
            "--user",
            "--map-root-user",
            "python3",
            "-c",
            script,
        ])
        .arg(&path)
        .stdout(std::process::Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        eprintln!("skipped the user-namespace client: setpriv, unshare or python3 is missing");
        return;
    };
    let (conn, _) = listener.accept().unwrap();
    let mut says = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut says,
    )
    .unwrap();
    let cred = peercred::read(&conn).unwrap();
    drop(conn);
    child.wait().unwrap();
    let [inside, outside]: [u32; 2] = says
        .split_whitespace()
        .map(|v| v.parse().unwrap())
        .collect::<Vec<_>>()
        .try_into()
        .unwrap();
    assert_eq!(inside, 0, "the client is root in its namespace");
    assert_eq!(
        cred.uid(),
        outside,
        "we see the kernel's translation of its root"
    );
    assert_eq!(cred.uid(), NOBODY);
}

/// In a private PID namespace: the client connects, exits and is reaped; the
/// next fork is forced onto its pid. /proc/PID now describes the impostor, but
/// the peer process taken at accept() refuses to.
fn forced_pid_reuse() -> i32 {
    as_init_of_new_pid_namespace(|| {
        let dir = common::TempDir::new();
        let listener = UnixListener::bind(dir.path("s")).unwrap();
        let mut client = common::Client::start(&dir.path("s"), || {});
        let (conn, _) = listener.accept().unwrap();
        let peer = PeerProcess::from_socket(&conn).unwrap();
        assert_eq!(peer.pid(), Some(client.pid));
        let original_exe = peer.exe().unwrap();
        client.reap();

        std::fs::write("/proc/sys/kernel/ns_last_pid", (client.pid - 1).to_string()).unwrap();
        let mut impostor = common::Client::start(&dir.path("s"), || {
            // SAFETY: exec a different program under the reused pid.
            unsafe {
                libc::execl(
                    c"/bin/sleep".as_ptr(),
                    c"sleep".as_ptr(),
                    c"30".as_ptr(),
                    std::ptr::null::<libc::c_char>(),
                )
            };
        });
        assert_eq!(impostor.pid, client.pid, "the impostor got the reused pid");
        // /proc/PID describes the impostor once it has exec'd ...
        while std::fs::read_link(format!("/proc/{}/exe", impostor.pid)).ok()
            == Some(original_exe.clone())
        {
            std::thread::yield_now();
        }
        assert_eq!(
            std::fs::read_link(format!("/proc/{}/exe", impostor.pid))
                .unwrap()
                .to_str(),
            Some("/usr/bin/sleep")
        );
        // ... the peer process does not.
        assert!(!peer.is_alive().unwrap());
        assert_eq!(peer.exe(), Err(Error::PeerExited));
        assert_eq!(peer.cmdline(), Err(Error::PeerExited));
        assert_eq!(peer.uid(), Err(Error::PeerExited));
        // SAFETY: our own child.
        unsafe { libc::kill(impostor.pid, libc::SIGKILL) };
        impostor.reap();
        0
    })
}
