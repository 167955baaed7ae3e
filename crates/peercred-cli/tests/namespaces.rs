//! Namespaces, created for real. In a private PID namespace, where this test is
//! pid 1 and can force pid reuse (/proc/sys/kernel/ns_last_pid): a daemon's
//! listener creator exits, an impostor is forced onto its pid, and `peercred`
//! must neither signal it nor show it as the server. From user namespaces: the
//! kernel's overflow id is never printed as the account "nobody", and a
//! datagram whose sender the reader's namespaces cannot name is printed as
//! such. Needs root
//! (unshare); a skip says why. One #[test] per binary: the parts fork.

mod common;

use std::os::unix::net::UnixListener;
use std::process::Command;
use std::time::Duration;

use common::core_tests::{as_init_of_new_pid_namespace, in_child, SKIP};
use common::*;

#[test]
fn namespaces() {
    if !is_root() {
        eprintln!("skipped: namespaces need root here (unshare, uid_map)");
        return;
    }
    readers_in_user_namespaces();
    datagram_readers_in_namespaces();
    who_says_where_the_server_lives();
    // Made out here: inside, every process id is small and would not keep it unique.
    let dir = shared_dir();
    match in_child(|| as_init_of_new_pid_namespace(|| scenario(&dir))) {
        0 => {}
        SKIP => eprintln!("skipped: unshare(CLONE_NEWPID | CLONE_NEWNS) is not permitted here"),
        code => panic!("the namespace child failed with {code}"),
    }
}

fn scenario(dir: &TempDir) -> i32 {
    assert_eq!(std::process::id(), 1);
    let path = dir.path("s");
    let p = path.to_str().unwrap();

    // The classic daemon in another uid: its creator exits and is reaped.
    let (mut daemon, pids) = Server::python("daemon", &path);
    let creator: i32 = pids.split_whitespace().next().unwrap().parse().unwrap();
    let keep_serving = daemon.child.stdin.take();
    assert!(daemon.child.wait().unwrap().success());

    // The next process is forced onto the creator's pid.
    std::fs::write("/proc/sys/kernel/ns_last_pid", (creator - 1).to_string()).unwrap();
    let mut impostor = Command::new("sleep").arg("60").spawn().unwrap();
    assert_eq!(
        impostor.id() as i32,
        creator,
        "the impostor got the reused pid"
    );

    assert_creator_gone(p, creator);
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        impostor.try_wait().unwrap().is_none(),
        "the impostor was signalled"
    );

    // A listener created by pid 1 (this process: the init of the namespace, as a
    // service manager is for socket-activated services) is refused without --allow-init.
    let init_path = dir.path("init");
    let _listener = UnixListener::bind(&init_path).unwrap();
    let i = init_path.to_str().unwrap();
    let out = peercred(&["kill", i, "-s", "0"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--allow-init"), "{}", stderr(&out));
    assert_eq!(peercred(&["wait", i]).status.code(), Some(1));
    let out = peercred(&["kill", i, "-s", "0", "--allow-init"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = peercred(&["wait", i, "--allow-init", "--timeout", "0.1"]);
    assert_eq!(out.status.code(), Some(124));

    impostor.kill().unwrap();
    impostor.wait().unwrap();
    drop(keep_serving);
    0
}

/// Runs `peercred args` in a new user namespace whose uid_map and gid_map this
/// process (root) writes as `map`, which an unprivileged `unshare` cannot do
/// for more than one id. Its standard output, or None when not permitted.
fn peercred_in_user_namespace(map: &str, args: &[&str]) -> Option<String> {
    use std::ffi::CString;
    use std::io::{Read, Write};
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

    let program = CString::new(PEERCRED).unwrap();
    let argv: Vec<CString> = std::iter::once(PEERCRED)
        .chain(args.iter().copied())
        .map(|arg| CString::new(arg).unwrap())
        .collect();
    let mut argv_ptrs: Vec<*const libc::c_char> = argv.iter().map(|arg| arg.as_ptr()).collect();
    argv_ptrs.push(std::ptr::null());
    let pipe = || {
        let mut fds = [0; 2];
        // SAFETY: fds has room for two descriptors, which we then own.
        assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
        unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
    };
    let ((ready_r, ready_w), (go_r, go_w), (out_r, out_w)) = (pipe(), pipe(), pipe());
    // SAFETY: the child makes system calls only, then execs or _exits; this
    // binary runs one test, so no other thread holds a lock it could need.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        unsafe {
            let mut byte = 0u8;
            if libc::unshare(libc::CLONE_NEWUSER) != 0
                || libc::write(ready_w.as_raw_fd(), (&byte as *const u8).cast(), 1) != 1
                || libc::read(go_r.as_raw_fd(), (&mut byte as *mut u8).cast(), 1) != 1
                || libc::dup2(out_w.as_raw_fd(), 1) != 1
            {
                libc::_exit(SKIP);
            }
            libc::execv(program.as_ptr(), argv_ptrs.as_ptr());
            libc::_exit(127);
        }
    }
    drop((ready_w, go_r, out_w));
    let mut ready = std::fs::File::from(ready_r);
    let mut byte = [0u8];
    let unshared = ready.read(&mut byte).unwrap() == 1;
    let mapped = unshared
        && ["uid_map", "setgroups", "gid_map"].iter().all(|file| {
            let text = if *file == "setgroups" { "deny" } else { map };
            std::fs::write(format!("/proc/{pid}/{file}"), text).is_ok()
        });
    if mapped {
        std::fs::File::from(go_w).write_all(b"g").unwrap();
    } else {
        drop(go_w);
    }
    let mut out = String::new();
    std::fs::File::from(out_r).read_to_string(&mut out).unwrap();
    let mut status = 0;
    // SAFETY: waits for our own child.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    mapped.then_some(out)
}

/// A root server read from `unshare -U` (no ids mapped) is the kernel's overflow
/// id, unmapped; a server of uid 65534 read from a namespace that maps 0-65534
/// might be "nobody" or anyone unmapped, and the command says it cannot tell.
fn readers_in_user_namespaces() {
    let dir = shared_dir();
    let path = dir.path("root");
    let p = path.to_str().unwrap();
    let mut root_server = Server::spawn({
        let mut command = Command::new(PEERCRED);
        command.args(["serve", p]);
        command
    });
    assert!(root_server.stderr_line().contains("listening"));
    let out = Command::new("unshare")
        .args(["--user", PEERCRED, "who", "--json", p])
        .output()
        .unwrap();
    let value: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        (value["uid"].as_u64(), value["gid"].as_u64()),
        (Some(65534), Some(65534))
    );
    assert_eq!(
        (&value["uid_mapping"], &value["gid_mapping"]),
        (&"unmapped".into(), &"unmapped".into())
    );
    assert_eq!(
        (&value["user"], &value["group"]),
        (&serde_json::Value::Null, &serde_json::Value::Null)
    );
    let out = Command::new("unshare")
        .args(["--user", PEERCRED, "who", p])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(
        text.contains(
            "uid=65534 (overflow id: unmapped here, not an account) gid=65534 (overflow id"
        ),
        "{text}"
    );
    assert!(!text.contains("nobody"), "{text}");

    let nobody_path = dir.path("nobody");
    let _nobody_server = Server::serve(&nobody_path);
    let n = nobody_path.to_str().unwrap();
    let Some(out) = peercred_in_user_namespace("0 0 65535", &["who", "--json", n]) else {
        eprintln!(
            "skipped the ambiguous overflow id: cannot write a user namespace's uid_map here"
        );
        return;
    };
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(value["uid"], 65534);
    assert_eq!(value["uid_mapping"], "unknown");
    assert_eq!(value["user"], serde_json::Value::Null);
    let text = peercred_in_user_namespace("0 0 65535", &["who", n]).unwrap();
    assert!(
        text.contains("uid=65534 (overflow id: unmapped here, or nobody; cannot tell)"),
        "{text}"
    );
    // The same namespace names root, which it maps and which is not the overflow id.
    let value: serde_json::Value = serde_json::from_str(
        &peercred_in_user_namespace("0 0 65535", &["who", "--json", p]).unwrap(),
    )
    .unwrap();
    assert_eq!(
        (&value["uid"], &value["uid_mapping"], &value["user"]),
        (&0.into(), &"mapped".into(), &"root".into())
    );
}

/// `serve --dgram` in namespaces that cannot name a sender from outside: an
/// unmapped uid is the overflow id, a pid outside is unknown, and with both
/// the kernel writes what is also its placeholder, pid 0 with the overflow
/// ids, which is printed as no credentials, never as the account nobody.
fn datagram_readers_in_namespaces() {
    let dir = shared_dir();
    // SAFETY: plain libc getter.
    let me = unsafe { libc::getpid() };
    for (namespaces, begins) in [
        (
            &["--user"][..],
            format!(
                "pid={me} uid=65534 (overflow id: unmapped here, not an account) gid=65534 (overflow id"
            ),
        ),
        (
            &["--pid", "--fork", "--kill-child", "--mount-proc"],
            "pid=unknown (outside this PID namespace; running) uid=0 (root) gid=0 (root) \
             exe=unknown (peer is outside this PID namespace"
                .into(),
        ),
        (
            &["--user", "--pid", "--fork", "--kill-child", "--mount-proc"],
            "credentials=none (the kernel attached its placeholder".into(),
        ),
    ] {
        let path = dir.path(&namespaces.join(""));
        let mut command = Command::new("unshare");
        command
            .args(namespaces)
            .args([PEERCRED, "serve", "--dgram", path.to_str().unwrap()]);
        let mut server = Server::receiving(command, &path);
        let sender = std::os::unix::net::UnixDatagram::unbound().unwrap();
        sender.send_to(b"from outside", &path).unwrap();
        let line = server.line();
        assert!(line.starts_with(&begins), "{namespaces:?}: {line}");
        assert!(line.ends_with(": from outside\n"), "{line}");
        assert!(!line.contains("nobody"), "{line}");
    }
}

/// `who` from a container-like process (its own PID, mount, network, UTS,
/// IPC and cgroup namespaces) sees a host server in other namespaces; from
/// the host, a server moved into a cgroup shaped like a Docker container's
/// is said to be in that container.
fn who_says_where_the_server_lives() {
    let dir = shared_dir();
    let path = dir.path("s");
    let p = path.to_str().unwrap();
    let server = Server::serve(&path);
    let contained = Command::new("unshare")
        .args([
            "--pid", "--fork", "--mount", "--net", "--uts", "--ipc", "--cgroup", PEERCRED, "who",
            "--json", p,
        ])
        .output()
        .unwrap();
    if contained.status.success() {
        let value = json(&contained);
        assert_eq!(value["namespaces"]["all_shared"], false);
        assert_eq!(
            value["namespaces"]["differing"],
            serde_json::json!(["cgroup", "ipc", "mnt", "net", "pid", "uts"])
        );
        assert_eq!(
            value["pid"],
            serde_json::Value::Null,
            "outside its PID namespace"
        );
    } else {
        eprintln!("skipped who from new namespaces: {}", stderr(&contained));
    }

    let Some(mount) = ["/sys/fs/cgroup", "/sys/fs/cgroup/unified"]
        .into_iter()
        .map(std::path::Path::new)
        .find(|dir| dir.join("cgroup.controllers").exists())
    else {
        eprintln!("skipped who of a server in a container's cgroup: no cgroup v2 hierarchy");
        return;
    };
    let id = "4f1c1d3f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5";
    let root = mount.join(format!("peercred-cli-{}", std::process::id()));
    let scope = root.join(format!("docker-{id}.scope"));
    std::fs::create_dir_all(&scope).unwrap();
    let moved = std::fs::write(scope.join("cgroup.procs"), server.pid().to_string());
    let (text, value) = (
        stdout(&peercred(&["who", p])),
        json(&peercred(&["who", "--json", p])),
    );
    drop(server);
    for dir in [&scope, &root] {
        let _ = std::fs::remove_dir(dir);
    }
    moved.unwrap();
    assert!(
        text.contains(" in=container(docker 4f1c1d3f1a2b; same namespaces)"),
        "{text}"
    );
    assert_eq!(
        value["container"],
        serde_json::json!({"runtime": "docker", "id": id, "pod_uid": null})
    );
    assert!(value["cgroup"]["path"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/docker-{id}.scope")));
}
