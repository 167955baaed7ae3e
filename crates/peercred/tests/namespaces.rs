//! Across namespaces, compared with the kernel's own translation: a reader in
//! a child PID namespace, a client in a new user namespace, and a forced pid
//! reuse that the peer process must refuse to describe. Needs root (unshare);
//! each part prints why when it is skipped. One #[test]: the parts fork.

mod common;

use std::os::unix::net::{UnixListener, UnixStream};
use std::process::Command;

use common::{as_init_of_new_pid_namespace, in_child, is_root, NOBODY, SKIP};
use peercred::{Error, PeerProcess};

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
