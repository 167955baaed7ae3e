//! Program identity: the calling process read like a peer, an executable
//! compared by file (not by the path a peer renders in its own mount
//! namespace), its SHA-256, and login sessions where "no session" matches
//! nothing. One #[test]: the parts fork.

mod common;

use std::io::{BufRead, BufReader};
use std::os::unix::net::UnixListener;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{accept_client, in_child, is_root, me, own_session, TempDir};
use peercred::{Error, PeerProcess};

const PYTHON: &str = "/usr/bin/python3";

#[test]
fn identity() {
    own_process();
    exe_matches_the_file_not_the_path();
    sessions();
}

fn own_process() {
    let own = PeerProcess::own().unwrap();
    let exe = std::env::current_exe().unwrap();
    assert_eq!(own.pid(), me().0);
    assert!(own.is_alive().unwrap());
    assert_eq!(own.exe().unwrap(), exe);
    assert!(own.exe_matches(&exe).unwrap());
    assert!(!own.exe_matches("/bin/sh").unwrap());
    assert_eq!(
        own.exe_matches("/nonexistent/peercred"),
        Err(Error::Os(libc::ENOENT))
    );
    assert_eq!(own.exe_matches("nul\0inside"), Err(Error::Os(libc::EINVAL)));
    // SAFETY: plain libc getters.
    let (ppid, uid, gid) = unsafe { (libc::getppid(), libc::geteuid(), libc::getegid()) };
    assert_eq!(own.parent_pid().unwrap(), Some(ppid));
    assert_eq!((own.uid().unwrap(), own.gid().unwrap()), (uid, gid));
    assert_eq!(own.session_id().unwrap(), own_session());
    assert_eq!(
        own.same_session(&own).unwrap(),
        own_session().is_some(),
        "no session matches nothing, not even itself"
    );
    assert_eq!(own.exe_sha256().unwrap(), sha256sum(&exe));
}

/// `unshare -rm`: the peer bind-mounts another file (a copy of python with a
/// byte appended) over /usr/bin/python3.11 in its own mount namespace and runs
/// it by that path. `exe()` repeats the path; `exe_matches` and `exe_sha256`
/// see the file.
fn exe_matches_the_file_not_the_path() {
    let genuine = std::fs::canonicalize(PYTHON).unwrap();
    let dir = TempDir::new();
    let evil = dir.path("evil");
    let mut bytes = std::fs::read(&genuine).unwrap();
    bytes.push(b'\n');
    std::fs::write(&evil, bytes).unwrap();
    common::chmod(&evil, 0o755);
    let listener = UnixListener::bind(dir.path("s")).unwrap();
    let connect = "import socket, sys; s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); \
                   print('connected', flush=True); sys.stdin.read()";

    let mut spoof = Command::new("unshare");
    spoof
        .args([
            "-rm",
            "sh",
            "-c",
            "mount --bind \"$0\" \"$1\" && exec \"$1\" -c \"$2\" \"$3\"",
        ])
        .arg(&evil)
        .arg(&genuine)
        .arg(connect)
        .arg(dir.path("s"));
    let Some(peer) = run_peer(&mut spoof, &listener) else {
        eprintln!("skipped the mount-namespace spoof: unshare -rm is not permitted here");
        return;
    };
    let (process, mut child) = peer;
    assert_eq!(
        process.exe().unwrap(),
        genuine,
        "exe() is the peer's own rendering"
    );
    assert!(!process.exe_matches(&genuine).unwrap());
    assert!(!process.exe_matches(PYTHON).unwrap());
    assert!(process.exe_matches(&evil).unwrap());
    assert_eq!(process.exe_sha256().unwrap(), sha256sum(&evil));
    assert_ne!(process.exe_sha256().unwrap(), sha256sum(&genuine));
    drop(child.stdin.take());
    child.wait().unwrap();

    let mut plain = Command::new(PYTHON);
    plain.args(["-c", connect]).arg(dir.path("s"));
    let (process, mut child) = run_peer(&mut plain, &listener).expect("python3 runs");
    assert!(
        process.exe_matches(PYTHON).unwrap(),
        "a symlink names its target"
    );
    assert!(process.exe_matches(&genuine).unwrap());
    assert!(!process.exe_matches(&evil).unwrap());
    assert_eq!(process.exe_sha256().unwrap(), sha256sum(&genuine));
    drop(child.stdin.take());
    child.wait().unwrap();
}

/// Starts `command` (a client that prints "connected"), accepts it and holds its process.
fn run_peer(
    command: &mut Command,
    listener: &UnixListener,
) -> Option<(PeerProcess, std::process::Child)> {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    if line.trim() != "connected" {
        child.wait().unwrap();
        return None;
    }
    let (conn, _) = listener.accept().unwrap();
    Some((PeerProcess::from_socket(&conn).unwrap(), child))
}

/// As root, new login sessions are made by writing /proc/self/loginuid (what
/// pam_loginuid does): a peer in our session matches, one in another does
/// not, and two processes in no session do not match each other.
fn sessions() {
    if !is_root() || !Path::new("/proc/self/loginuid").exists() {
        eprintln!("skipped the session parts: new login sessions need root and audit support");
        return;
    }
    if own_session().is_none() {
        let (conn, _client, _dir) = accept_client(|| {});
        let peer = PeerProcess::from_socket(&conn).unwrap();
        assert_eq!(peer.session_id().unwrap(), None);
        assert!(!peer.same_session(&PeerProcess::own().unwrap()).unwrap());
    } else {
        eprintln!("skipped \"no session matches nothing\" between peers: this test runs in a login session");
    }
    let code = in_child(|| {
        if !new_session() {
            return 77;
        }
        let own = PeerProcess::own().unwrap();
        let ours = own.session_id().unwrap().expect("a session was just made");
        let (conn, _client, _dir) = accept_client(|| {});
        let peer = PeerProcess::from_socket(&conn).unwrap();
        assert_eq!(peer.session_id().unwrap(), Some(ours));
        assert!(peer.same_session(&own).unwrap());
        let (conn, _client, _dir) = accept_client(|| {
            if !new_session() {
                // SAFETY: ends the forked client.
                unsafe { libc::_exit(5) };
            }
        });
        let other = PeerProcess::from_socket(&conn).unwrap();
        assert_ne!(other.session_id().unwrap(), Some(ours));
        assert!(other.session_id().unwrap().is_some());
        assert!(!other.same_session(&own).unwrap());
        0
    });
    match code {
        0 => {}
        77 => eprintln!("skipped the session parts: writing /proc/self/loginuid is refused here"),
        code => panic!("sessions: the child failed with {code}"),
    }
}

/// Starts a new audit login session for this process (only system calls, so
/// that a forked child may call it).
fn new_session() -> bool {
    // SAFETY: open/write/close with a NUL-terminated path and a small buffer.
    unsafe {
        let fd = libc::open(c"/proc/self/loginuid".as_ptr(), libc::O_WRONLY);
        if fd < 0 {
            return false;
        }
        let ok = libc::write(fd, b"4242".as_ptr().cast(), 4) == 4;
        libc::close(fd);
        ok
    }
}

fn sha256sum(path: &Path) -> [u8; 32] {
    let out = Command::new("sha256sum").arg(path).output().unwrap();
    let hex = String::from_utf8(out.stdout).unwrap();
    let mut digest = [0u8; 32];
    for (i, byte) in digest.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
    }
    digest
}
