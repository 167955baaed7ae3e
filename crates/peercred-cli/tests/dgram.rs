//! `peercred serve --dgram`, run as a user would: senders in other processes
//! and (as root) another uid, util-linux `logger -u`, senders that exited, the
//! path rules it shares with the stream server, and a kernel without SCM_PIDFD.

mod common;

use std::os::unix::fs::FileTypeExt;
use std::os::unix::net::UnixDatagram;
use std::path::Path;
use std::process::Command;

use common::*;

/// A sender (tests/sender.py) as another uid, once it has said its pid.
fn sender(path: &str, text: &str, options: &[&str]) -> (Server, i32) {
    let args: Vec<&str> = [SENDER, path, text]
        .into_iter()
        .chain(options.iter().copied())
        .collect();
    let mut sender = Server::spawn(as_other_uid(python(), &args));
    let pid = sender.line().trim().parse().unwrap();
    (sender, pid)
}

/// The sender's executable, as /proc names it.
fn python_exe() -> String {
    let out = Command::new(python())
        .args([
            "-c",
            "import os, sys; print(os.path.realpath(sys.executable))",
        ])
        .output()
        .unwrap();
    stdout(&out).trim().into()
}

/// Asserts that `line` names the sender `pid` of `as_other_uid`, and ends with `end`.
fn assert_sender(line: &str, pid: i32, end: &str) {
    let uid = server_uid();
    assert!(
        line.starts_with(&format!("pid={pid} uid={uid} ")),
        "pid {pid}: {line}"
    );
    if is_root() {
        // The account's name; the group's is the system's (nogroup, nobody).
        assert!(line.contains("uid=65534 (nobody) gid=65534 ("), "{line}");
    }
    assert!(line.ends_with(&format!("{end}\n")), "{end:?}: {line}");
}

fn open_fds(pid: i32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .count()
}

/// `serve --dgram` at a fresh path that every uid may send to.
fn log_server() -> (TempDir, String, Server) {
    let dir = shared_dir();
    let path = dir.path("log");
    let server = Server::serve_dgram(&path);
    (dir, arg(&path).to_owned(), server)
}

fn signal(server: &Server, signal: libc::c_int) {
    // SAFETY: signals our own child.
    assert_eq!(unsafe { libc::kill(server.pid(), signal) }, 0);
}

#[test]
fn prints_each_sender_as_the_kernel_attached_it() {
    let (dir, p, mut server) = log_server();
    let p = p.as_str();
    let exe = python_exe();

    // A sender in another uid, which tries to forge a line of its own.
    let (_running, pid) = sender(p, "hello\nuid=0 pid=1 exe=/sbin/init: forged\n", &[]);
    assert_sender(
        &server.line(),
        pid,
        &format!(" exe={exe}: hello\\x0auid=0 pid=1 exe=/sbin/init: forged"),
    );

    // Bound senders: their addresses, escaped, since they chose them.
    let bound = dir.path("reply\tto");
    let (_running, pid) = sender(p, "from a path", &["--from", arg(&bound)]);
    assert_sender(
        &server.line(),
        pid,
        &format!(
            " exe={exe} from={}: from a path",
            arg(&bound).replace('\t', "\\x09")
        ),
    );
    let name = format!("@peercred-cli-sender-{}", std::process::id());
    let (_running, pid) = sender(p, "from a name", &["--from", &name]);
    assert_sender(
        &server.line(),
        pid,
        &format!(" exe={exe} from={name}: from a name"),
    );

    // Longer than what is printed: said, never silent.
    let (_running, pid) = sender(p, "", &["--size", "100000"]);
    let line = server.line();
    assert_sender(
        &line,
        pid,
        &format!(
            " exe={exe} truncated (the first 65536 of 100000 bytes): {}",
            "A".repeat(65536)
        ),
    );

    // Descriptors a sender attaches are closed, never kept.
    let before = open_fds(server.pid());
    let (_running, pid) = sender(p, "with descriptors", &["--fds"]);
    assert_sender(
        &server.line(),
        pid,
        " fds=2 (attached by the sender, closed unread): with descriptors",
    );
    assert_eq!(open_fds(server.pid()), before);

    // SIGTERM: exit 0, and its own socket removed.
    signal(&server, libc::SIGTERM);
    assert_eq!(server.child.wait().unwrap().code(), Some(0));
    assert_eq!(
        server.rest_of_stderr(),
        "peercred: SIGTERM, removed the socket\n"
    );
    assert!(std::fs::symlink_metadata(p).is_err());
}

/// util-linux logger(1) exits as soon as it has sent: by the time its line is
/// written it may be gone, and then neither its pid nor its executable is
/// shown as if it still ran.
#[test]
fn logger_from_util_linux() {
    let (_dir, p, mut server) = log_server();
    let p = p.as_str();
    let mut as_us = Command::new("logger");
    as_us.args(["-u", p, "as us"]);
    // SAFETY: plain libc getter.
    let our_uid = unsafe { libc::getuid() };
    for (mut command, uid, text) in [
        (as_us, our_uid, "as us"),
        (
            as_other_uid("logger", &["-u", p, "as another uid"]),
            server_uid(),
            "as another uid",
        ),
    ] {
        let mut logger = command.spawn().unwrap();
        let pid = logger.id();
        let line = server.line();
        assert!(logger.wait().unwrap().success(), "logger -u {p}");
        let running = format!("pid={pid} uid={uid} ");
        let exited = format!(
            "pid=none (it has exited; the kernel recorded pid {pid}, which may name another \
             process now) uid={uid} "
        );
        assert!(
            line.starts_with(&running) || line.starts_with(&exited),
            "{line}"
        );
        // While it exits, before its pidfd says so, /proc no longer names its
        // executable (ENOENT): unknown, never guessed.
        assert!(
            line.contains(" exe=/usr/bin/logger: ") || line.contains(" exe=unknown ("),
            "{line}"
        );
        // After the syslog header that logger writes, the text.
        assert!(line.ends_with(&format!(": {text}\n")), "{line}");
    }
}

/// A sender that exits before its message is read: its credentials are still
/// those it sent with, and neither its pid nor its executable is shown as if
/// it ran, whether it is a zombie or reaped.
#[test]
fn a_sender_that_exited() {
    let (_dir, p, mut server) = log_server();
    let p = p.as_str();
    // Nothing is read while it is stopped.
    signal(&server, libc::SIGSTOP);
    let (mut zombie, zombie_pid) = sender(p, "from a zombie", &["--exit"]);
    let (mut reaped, reaped_pid) = sender(p, "from the reaped", &["--exit"]);
    assert!(reaped.child.wait().unwrap().success());
    // The zombie stays unreaped until both lines are read.
    let zombie_path = format!("/proc/{zombie_pid}/stat");
    while !std::fs::read_to_string(&zombie_path)
        .unwrap()
        .contains(") Z ")
    {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    signal(&server, libc::SIGCONT);
    for (pid, text) in [
        (zombie_pid, "from a zombie"),
        (reaped_pid, "from the reaped"),
    ] {
        let line = server.line();
        let uid = server_uid();
        assert!(
            line.starts_with(&format!(
                "pid=none (it has exited; the kernel recorded pid {pid}, which may name another \
                 process now) uid={uid} "
            )),
            "{line}"
        );
        assert!(
            line.ends_with(&format!(" exe=unknown (it has exited): {text}\n")),
            "{line}"
        );
    }
    assert!(zombie.child.wait().unwrap().success());
}

/// The stream server's rules (a regular file, a directory and a symbolic link
/// are refused for both in cli.rs): a live socket of any type is refused, a
/// socket nobody receives on is replaced, and on exit only its own socket is
/// removed.
#[test]
fn replaces_only_a_socket_nobody_listens_on() {
    let dir = shared_dir();
    // A live datagram socket, for both kinds of server.
    let path = dir.path("log");
    let p = arg(&path);
    let live = UnixDatagram::bind(&path).unwrap();
    for args in [&["serve", "--dgram", p][..], &["serve", p]] {
        assert_fails(
            &peercred(args),
            &["another server is live there (a datagram socket)"],
        );
    }
    assert!(is_socket(&path));

    // Once nobody receives there, the stale datagram socket is replaced.
    drop(live);
    let mut server = Server::serve_dgram(&path);
    let (_running, pid) = sender(p, "replaced", &[]);
    assert_sender(&server.line(), pid, ": replaced");

    // A live stream server's socket.
    let stream = dir.path("stream");
    let _stream_server = Server::serve(&stream);
    assert_fails(
        &peercred(&["serve", "--dgram", arg(&stream)]),
        &["another server is live there"],
    );

    // PATH replaced by a regular file meanwhile: the server must leave it.
    std::fs::remove_file(&path).unwrap();
    std::fs::write(&path, "not yours").unwrap();
    signal(&server, libc::SIGINT);
    assert_eq!(server.child.wait().unwrap().code(), Some(0));
    assert_eq!(server.rest_of_stderr(), "peercred: SIGINT\n");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "not yours");
}

fn is_socket(path: &Path) -> bool {
    std::fs::symlink_metadata(path)
        .unwrap()
        .file_type()
        .is_socket()
}

/// `@NAME`: a name in the abstract namespace, which has no file to remove.
#[test]
fn abstract_names() {
    let name = format!("@peercred-cli-dgram-{}", std::process::id());
    let mut server = Server::serve_dgram(Path::new(&name));
    let (_running, pid) = sender(&name, "to a name", &[]);
    assert_sender(&server.line(), pid, ": to a name");
    assert_fails(
        &peercred(&["serve", "--dgram", &name]),
        &["another server is live there (a datagram socket)"],
    );
    assert_fails(&peercred(&["who", &name]), &["a datagram socket"]);
    signal(&server, libc::SIGTERM);
    assert_eq!(server.child.wait().unwrap().code(), Some(0));
    assert_eq!(server.rest_of_stderr(), "peercred: SIGTERM\n");
}

/// A kernel without SO_PASSPIDFD (a seccomp filter answers ENOPROTOOPT, as
/// Linux before 6.5 does): messages carry credentials but no pidfd, so no
/// process is proven to be the sender and no executable is read.
#[test]
fn without_scm_pidfd_nothing_is_read_from_a_pid() {
    let dir = shared_dir();
    let path = dir.path("log");
    let p = arg(&path);
    if let Err(err) = peercred_without_so_peerpidfd(&["--version"]) {
        eprintln!("skipped: this kernel refuses a seccomp filter ({err})");
        return;
    }
    let mut command = Command::new(PEERCRED);
    command.args(["serve", "--dgram", p]);
    without_so_passpidfd(&mut command);
    let mut server = Server::receiving(command, &path);
    let (_running, pid) = sender(p, "old kernel", &[]);
    let line = server.line();
    let uid = server_uid();
    assert!(
        line.starts_with(&format!(
            "pid=unproven (the kernel recorded pid {pid}; whether that process still runs is \
             unknown: not supported by this kernel: SCM_PIDFD needs Linux 6.5"
        )),
        "{line}"
    );
    assert!(line.contains(&format!(") uid={uid} ")), "{line}");
    assert!(
        line.ends_with(
            " exe=unknown (without a pidfd, no process is proven to be the sender): old kernel\n"
        ),
        "{line}"
    );
}

/// Whoever read its output has gone (`| head -1`): it removes its own socket
/// and exits 1 at the next message, instead of receiving for nobody.
#[test]
fn a_closed_output_ends_it() {
    let dir = shared_dir();
    let path = dir.path("log");
    let mut child = Command::new(PEERCRED)
        .args(["serve", "--dgram", arg(&path)])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let sender = UnixDatagram::unbound().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while sender.send_to(b"to nobody", &path).is_err() {
        assert!(std::time::Instant::now() < deadline, "it never bound");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_eq!(child.wait().unwrap().code(), Some(1));
    assert!(std::fs::symlink_metadata(&path).is_err());
}
