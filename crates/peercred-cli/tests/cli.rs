//! The `peercred` command run as a user would, against servers in other
//! processes and (as root) another uid: who, kill, wait and serve, the
//! arrangements where a pid would lie, and the exit statuses.

mod common;

use std::os::unix::fs::FileTypeExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    for args in [
        &[][..],
        &["who"],
        &["who", "a", "b"],
        &["who", "--bogus", "a"],
        &["who", "--json", "--pid", "a"],
        &["who", "a", "--timeout", "-1"],
        &["who", "a", "--timeout", "soon"],
        &["kill"],
        &["kill", "a", "-s", "FOO"],
        &["kill", "a", "-s", "99"],
        &["kill", "a", "-s"],
        &["wait"],
        &["wait", "a", "--timeout", "NaN"],
        &["serve"],
        &["serve", "a", "b"],
        &["frobnicate"],
    ] {
        let out = peercred(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).is_empty(), "{args:?} says why");
    }
    for (args, usage) in [
        (&["--help"][..], "Usage: peercred <COMMAND>"),
        (&["who", "--help"], "Usage: peercred who [OPTIONS] <PATH>"),
        (&["kill", "-h"], "Usage: peercred kill [OPTIONS] <PATH>"),
        (&["help", "wait"], "Usage: peercred wait [OPTIONS] <PATH>"),
        (
            &["serve", "--help"],
            "Usage: peercred serve [OPTIONS] <PATH>",
        ),
    ] {
        let out = peercred(args);
        assert!(out.status.success(), "{args:?}");
        assert!(stdout(&out).contains(usage), "{args:?}: {}", stdout(&out));
        assert!(stdout(&out).contains("Exit status:"), "{args:?}");
    }
    // The JSON schema is part of who's help.
    assert!(stdout(&peercred(&["who", "--help"])).contains("recorded_pid: int or null"));
    let version = peercred(&["--version"]);
    assert_eq!(
        stdout(&version).trim(),
        format!("peercred {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn who_describes_a_server_in_another_uid() {
    let dir = shared_dir();
    let path = dir.path("s");
    let mut server = Server::serve(&path);
    let pid = server.pid();
    let uid = server_uid();
    let exe = std::fs::canonicalize(PEERCRED).unwrap();

    let out = peercred(&["who", arg(&path)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with(&format!(
            "{}: listening socket created by pid={pid} uid={uid}",
            path.display()
        )),
        "{text}"
    );
    assert!(text.contains(&format!("exe={}", exe.display())), "{text}");

    let out = peercred(&["who", "--pid", arg(&path)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{pid}\n"));

    let value = json(&peercred(&["who", "--json", arg(&path)]));
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "alive",
            "cgroup",
            "container",
            "exe",
            "gid",
            "gid_mapping",
            "group",
            "namespaces",
            "path",
            "pid",
            "recorded_pid",
            "uid",
            "uid_mapping",
            "user"
        ]
    );
    // The server runs in our namespaces, readable here: as root (CAP_SYS_PTRACE)
    // or, without root, as the server's own uid.
    assert_eq!(value["namespaces"]["all_shared"], true);
    assert_eq!(value["namespaces"]["differing"], serde_json::json!([]));
    assert_eq!(value["container"], serde_json::Value::Null);
    assert!(value["cgroup"]["path"].as_str().unwrap().starts_with('/'));
    assert!(text.contains(" in=same namespaces"), "{text}");
    assert_eq!(value["path"], arg(&path));
    assert_eq!(value["pid"], pid);
    assert_eq!(value["recorded_pid"], pid);
    assert_eq!(value["alive"], true);
    assert_eq!(value["uid"], uid);
    assert_eq!(value["exe"], exe.to_str().unwrap());
    // In the initial user namespace every id is an id: 65534 is the account nobody.
    assert_eq!(value["uid_mapping"], "mapped");
    if is_root() {
        assert_eq!(value["user"], "nobody");
    }
    // Each `who` was a client of the server, which printed a line for it.
    assert!(server.line().starts_with("pid="));
}

#[test]
fn kill_sends_sigterm_by_default_and_signals_by_name_and_number() {
    let dir = shared_dir();
    let path = dir.path("s");

    let mut server = Server::serve(&path);
    let out = peercred(&["kill", arg(&path)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
    assert_eq!(server.child.wait().unwrap().code(), Some(0));
    assert_eq!(
        server.rest_of_stderr(),
        "peercred: SIGTERM, removed the socket\n",
        "the server recorded SIGTERM"
    );
    assert!(!path.exists());

    for (signal, number) in [
        ("usr1", libc::SIGUSR1),
        ("SIGHUP", libc::SIGHUP),
        ("2", libc::SIGINT),
    ] {
        let mut server = Server::serve(&path);
        let out = peercred(&["kill", arg(&path), "-s", signal]);
        assert!(out.status.success(), "{signal}: {}", stderr(&out));
        let status = server.child.wait().unwrap();
        if number == libc::SIGINT {
            // serve records SIGINT and exits 0, like SIGTERM.
            assert_eq!(status.code(), Some(0));
            assert!(server.rest_of_stderr().starts_with("peercred: SIGINT"));
        } else {
            assert_eq!(status.signal(), Some(number), "{signal}");
            std::fs::remove_file(&path).unwrap();
        }
    }

    // Signal 0 delivers nothing: a check that the server runs and may be signalled.
    let mut server = Server::serve(&path);
    let out = peercred(&["kill", "--signal", "0", arg(&path)]);
    assert!(out.status.success(), "{}", stderr(&out));
    std::thread::sleep(Duration::from_millis(100));
    assert!(server.running());
}

#[test]
fn nothing_serving_is_one_line_and_exit_1() {
    let dir = shared_dir();
    let stale = dir.path("stale");
    drop(UnixListener::bind(&stale).unwrap()); // the file stays, nobody listens
    let file = dir.path("file");
    std::fs::write(&file, "notes").unwrap();
    let missing = dir.path("missing");
    for (path, says) in [
        (&stale, "nothing is listening (a stale socket file)"),
        (&file, "not a socket"),
        (&missing, "no such socket"),
    ] {
        assert_fails(&peercred(&["who", arg(path)]), &[says]);
        assert_fails(&peercred(&["who", "--pid", arg(path)]), &[says]);
        assert_fails(
            &peercred(&["kill", arg(path)]),
            &[says, "nothing signalled"],
        );
        assert_fails(&peercred(&["wait", arg(path)]), &[says, "not waiting"]);
    }
    let long = format!("/tmp/{}", "x".repeat(120));
    assert_fails(
        &peercred(&["who", &long]),
        &["too long for a socket address"],
    );
}

/// True once `pid` holds a pidfd and no socket: `peercred wait` has let go of
/// its connection and is about to poll (or polls).
fn waits_on_a_pidfd(pid: u32) -> bool {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return false;
    };
    let targets: Vec<String> = fds
        .filter_map(|fd| std::fs::read_link(fd.ok()?.path()).ok())
        .map(|target| target.to_string_lossy().into_owned())
        .collect();
    targets.iter().any(|t| t.contains("pidfd")) && !targets.iter().any(|t| t.starts_with("socket:"))
}

#[test]
fn wait_returns_when_the_server_exits_and_times_out_while_it_runs() {
    let dir = shared_dir();
    let path = dir.path("s");
    let mut server = Server::serve(&path);

    let (out, took) = timed(&["wait", arg(&path), "--timeout", "0.3"]);
    assert_eq!(out.status.code(), Some(124), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("still runs after 0.3s"),
        "{}",
        stderr(&out)
    );
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_secs(5),
        "{took:?}"
    );
    assert!(server.running());

    let mut waiter = Command::new(PEERCRED)
        .args(["wait", arg(&path)])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !waits_on_a_pidfd(waiter.id()) {
        assert!(Instant::now() < deadline, "wait never took the pidfd");
        assert!(waiter.try_wait().unwrap().is_none(), "wait ended early");
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(
        waiter.try_wait().unwrap().is_none(),
        "wait returned while the server runs"
    );
    assert!(peercred(&["kill", arg(&path)]).status.success());
    let status = waiter.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(!server.running());
}

#[test]
fn a_full_backlog_never_blocks() {
    let dir = shared_dir();
    let path = dir.path("s");
    let (mut server, ready) = Server::python("full", &path);
    assert_eq!(ready.trim(), "ready");
    // Its backlog is 0: one queued connection fills the accept queue.
    let _queued = UnixStream::connect(&path).unwrap();

    let bounded = |args: &[&str], waits: f64, says: &[&str]| {
        let (out, took) = timed(args);
        assert_fails(&out, says);
        assert!(
            took >= Duration::from_secs_f64(waits) && took < Duration::from_secs_f64(waits + 3.0),
            "{args:?} took {took:?}"
        );
    };
    let p = arg(&path);
    for (args, waits, says) in [
        (
            &["who", p, "--timeout", "0.5"][..],
            0.5,
            &["alive but not accepting", "0.5s"][..],
        ),
        (
            &["who", p, "--timeout", "0"],
            0.0,
            &["alive but not accepting"],
        ),
        (
            &["kill", p, "--timeout", "0.3"],
            0.3,
            &["alive but not accepting", "nothing signalled"],
        ),
        (
            &["wait", p, "--timeout", "0.3"],
            0.3,
            &["alive but not accepting", "not waiting"],
        ),
        (
            &["serve", p, "--timeout", "0.3"],
            0.3,
            &["alive but not accepting", "leaving it alone"],
        ),
    ] {
        bounded(args, waits, says);
    }
    // The default bound: five seconds.
    bounded(&["who", p], 5.0, &["alive but not accepting", "5s"]);
    assert!(std::fs::symlink_metadata(&path)
        .unwrap()
        .file_type()
        .is_socket());
    assert!(server.running(), "nothing was signalled");
}

#[test]
fn serve_replaces_only_a_socket_nobody_listens_on() {
    let dir = shared_dir();
    let file = dir.path("notes.txt");
    std::fs::write(&file, "precious").unwrap();
    // A symbolic link is not followed, even to a stale socket.
    let stale = dir.path("stale");
    drop(UnixListener::bind(&stale).unwrap());
    std::fs::set_permissions(&stale, std::os::unix::fs::PermissionsExt::from_mode(0o666)).unwrap();
    let link = dir.path("link");
    std::os::unix::fs::symlink(&stale, &link).unwrap();
    // The same rules with and without --dgram.
    for dgram in [&[][..], &["--dgram"]] {
        let serve = |path: &std::path::Path| {
            let args: Vec<&str> = ["serve"]
                .iter()
                .chain(dgram)
                .copied()
                .chain([arg(path)])
                .collect();
            peercred(&args)
        };
        assert_fails(
            &serve(&file),
            &["a regular file is there, not a socket: refusing to replace it"],
        );
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "precious");

        assert_fails(&serve(&dir.0), &["a directory"]);
        assert!(dir.0.is_dir());

        assert_fails(&serve(&link), &["a symbolic link"]);
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert!(std::fs::symlink_metadata(&stale)
            .unwrap()
            .file_type()
            .is_socket());
    }

    // A live server's socket is left alone.
    let live = dir.path("live");
    let mut server = Server::serve(&live);
    assert_fails(
        &peercred(&["serve", arg(&live)]),
        &["another server is live there"],
    );
    assert!(server.running());

    // A stale socket is replaced.
    let mut replacing = Server::serve(&stale);
    assert!(peercred(&["who", "--pid", arg(&stale)]).status.success());
    assert!(replacing.running());
}

#[test]
fn serve_prints_each_client_and_removes_only_its_own_socket() {
    let dir = shared_dir();
    let path = dir.path("s");
    let mut server = Server::serve(&path);
    let conn = UnixStream::connect(&path).unwrap();
    let line = server.line();
    // SAFETY: plain libc getter.
    let uid = unsafe { libc::geteuid() };
    assert!(
        line.starts_with(&format!("pid={} uid={uid}", std::process::id())),
        "{line}"
    );
    drop(conn);

    // PATH replaced by a regular file meanwhile: the server must leave it.
    std::fs::remove_file(&path).unwrap();
    std::fs::write(&path, "not yours").unwrap();
    // SAFETY: signals our own child.
    unsafe { libc::kill(server.pid(), libc::SIGTERM) };
    assert_eq!(server.child.wait().unwrap().code(), Some(0));
    assert_eq!(server.rest_of_stderr(), "peercred: SIGTERM\n");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "not yours");
}

/// The classic daemon: listen() as one process, fork, the parent exits and the
/// child serves. The kernel recorded the parent, which is gone.
#[test]
fn a_daemon_whose_listener_creator_exited_has_no_pid() {
    let dir = shared_dir();
    let path = dir.path("s");
    let (mut daemon, pids) = Server::python("daemon", &path);
    let [creator, serving]: [i32; 2] = pids
        .split_whitespace()
        .map(|pid| pid.parse().unwrap())
        .collect::<Vec<_>>()
        .try_into()
        .unwrap();
    assert_eq!(creator, daemon.pid());
    let p = arg(&path);

    let check = || assert_creator_gone(p, creator);
    // While the creator is a zombie, then once it is reaped.
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::fs::read_to_string(format!("/proc/{creator}/stat"))
        .is_ok_and(|s| !s.contains(") Z "))
    {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(10));
    }
    check();
    // Child::wait closes the child's stdin, which the serving process shares: keep it.
    let keep_serving = daemon.child.stdin.take();
    assert!(daemon.child.wait().unwrap().success());
    check();
    // The process that really serves was never signalled.
    // SAFETY: signal 0 checks existence only.
    assert_eq!(unsafe { libc::kill(serving, 0) }, 0);
    drop(keep_serving);
}

/// A kernel without SO_PEERPIDFD (a seccomp filter answers ENOPROTOOPT, as
/// Linux before 6.5 does): a pid alone is never shown as alive nor signalled.
#[test]
fn without_so_peerpidfd_no_pid_is_vouched_for() {
    let dir = shared_dir();
    let path = dir.path("s");
    let mut server = Server::serve(&path);
    let p = arg(&path);
    let old = |args: &[&str]| peercred_without_so_peerpidfd(args).unwrap();
    let value = match peercred_without_so_peerpidfd(&["who", "--json", p]) {
        Ok(out) => json(&out),
        Err(err) => {
            eprintln!("skipped: this kernel refuses a seccomp filter ({err})");
            return;
        }
    };
    assert_eq!(value["alive"], serde_json::Value::Null);
    assert_eq!(value["pid"], serde_json::Value::Null);
    assert_eq!(value["recorded_pid"], server.pid());
    let text = stdout(&old(&["who", p]));
    assert!(
        text.contains(&format!(
            "pid=unproven (the kernel recorded pid {}",
            server.pid()
        )),
        "{text}"
    );
    assert_fails(&old(&["who", "--pid", p]), &["SO_PEERPIDFD"]);
    assert_fails(
        &old(&["kill", p, "-s", "KILL"]),
        &["SO_PEERPIDFD", "nothing signalled"],
    );
    assert_fails(&old(&["wait", p]), &["SO_PEERPIDFD", "not waiting"]);
    assert!(server.running());
}

/// A seqpacket listener is described like a stream one; a datagram socket has
/// no listener, so nothing to describe, and serve leaves a live one alone.
#[test]
fn seqpacket_and_datagram_sockets() {
    let dir = shared_dir();
    let _listener = core_tests::seqpacket_listener(&dir);
    let seqpacket = dir.path("seq");
    let out = peercred(&["who", "--pid", arg(&seqpacket)]);
    assert_eq!(
        stdout(&out),
        format!("{}\n", std::process::id()),
        "{}",
        stderr(&out)
    );

    let datagram = dir.path("dgram");
    let _bound = std::os::unix::net::UnixDatagram::bind(&datagram).unwrap();
    assert_fails(&peercred(&["who", arg(&datagram)]), &["a datagram socket"]);
    assert_fails(
        &peercred(&["serve", arg(&datagram)]),
        &["another server is live there (a datagram socket)"],
    );
    assert!(std::fs::symlink_metadata(&datagram)
        .unwrap()
        .file_type()
        .is_socket());
}

/// `@NAME` is a name in Linux's abstract namespace, as `ss` writes it.
#[test]
fn abstract_names() {
    let name = format!("@peercred-cli-test-{}", std::process::id());
    let mut server = Server::serve(std::path::Path::new(&name));
    let out = peercred(&["who", "--pid", &name]);
    assert_eq!(
        stdout(&out),
        format!("{}\n", server.pid()),
        "{}",
        stderr(&out)
    );
    assert_fails(
        &peercred(&["serve", &name]),
        &["another server is live there"],
    );
    assert!(peercred(&["kill", &name]).status.success());
    assert_eq!(server.child.wait().unwrap().code(), Some(0));
    assert_eq!(server.rest_of_stderr(), "peercred: SIGTERM\n");
    assert_fails(
        &peercred(&["who", &name]),
        &["nothing is listening at this abstract name"],
    );
}

/// An abstract name is per socket type: a seqpacket listener there is found
/// behind no stream one, and a datagram socket is said to be one.
#[test]
fn abstract_seqpacket_and_datagram_names() {
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    use std::os::linux::net::SocketAddrExt;

    let name = format!("peercred-cli-seq-{}", std::process::id());
    // SAFETY: socket(2) returns a new descriptor, which we own.
    let seqpacket = unsafe {
        OwnedFd::from_raw_fd(libc::socket(
            libc::AF_UNIX,
            libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC,
            0,
        ))
    };
    // SAFETY: all-zero is a valid sockaddr_un.
    let mut addr: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
    for (dst, src) in addr.sun_path[1..].iter_mut().zip(name.as_bytes()) {
        *dst = *src as libc::c_char;
    }
    let len = (2 + 1 + name.len()) as libc::socklen_t;
    // SAFETY: addr holds len valid bytes; the socket is ours.
    unsafe {
        assert_eq!(
            libc::bind(
                seqpacket.as_raw_fd(),
                (&addr as *const libc::sockaddr_un).cast(),
                len
            ),
            0
        );
        assert_eq!(libc::listen(seqpacket.as_raw_fd(), 4), 0);
    }
    let out = peercred(&["who", "--pid", &format!("@{name}")]);
    assert_eq!(
        stdout(&out),
        format!("{}\n", std::process::id()),
        "{}",
        stderr(&out)
    );

    let name = format!("peercred-cli-dgram-{}", std::process::id());
    let addr = std::os::unix::net::SocketAddr::from_abstract_name(&name).unwrap();
    let _datagram = std::os::unix::net::UnixDatagram::bind_addr(&addr).unwrap();
    assert_fails(
        &peercred(&["who", &format!("@{name}")]),
        &["a datagram socket"],
    );
}
