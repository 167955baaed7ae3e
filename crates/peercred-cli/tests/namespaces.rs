//! In a private PID namespace, where this test is pid 1 and can force pid
//! reuse (/proc/sys/kernel/ns_last_pid): a daemon's listener creator exits, an
//! impostor is forced onto its pid, and `peercred` must neither signal it nor
//! show it as the server. Needs root (unshare); a skip says why. One #[test]:
//! it forks.

mod common;

use std::ffi::CString;
use std::os::unix::net::UnixListener;
use std::process::Command;
use std::time::Duration;

use common::*;

const SKIP: i32 = 77;

#[test]
fn pid_reuse_in_a_private_pid_namespace() {
    if !is_root() {
        eprintln!("skipped: a private PID namespace needs root here (unshare)");
        return;
    }
    // Made out here: inside, every process id is small and would not keep it unique.
    let dir = TempDir::new("pidns");
    match in_child(|| as_init_of_new_pid_namespace(|| scenario(&dir))) {
        0 => {}
        SKIP => eprintln!("skipped: unshare(CLONE_NEWPID | CLONE_NEWNS) is not permitted here"),
        code => panic!("the namespace child failed with {code}"),
    }
}

/// Runs `child` in a forked process and returns its exit status; a panic is 101.
fn in_child(child: impl FnOnce() -> i32) -> i32 {
    // SAFETY: this test binary runs one test, so no other thread holds a lock
    // the child could need.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(child)).unwrap_or(101);
        // SAFETY: leaves the forked child without running the parent's destructors.
        unsafe { libc::_exit(code) };
    }
    let mut status = 0;
    // SAFETY: waits for our own child.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        128 + libc::WTERMSIG(status)
    }
}

/// As pid 1 of a new PID namespace with its own /proc: `child`'s status, or SKIP.
fn as_init_of_new_pid_namespace(child: impl FnOnce() -> i32) -> i32 {
    // SAFETY: affects this forked, single-threaded process only.
    if unsafe { libc::unshare(libc::CLONE_NEWPID | libc::CLONE_NEWNS) } != 0 {
        return SKIP;
    }
    in_child(|| {
        let proc_ = CString::new("proc").unwrap();
        let root = CString::new("/").unwrap();
        let target = CString::new("/proc").unwrap();
        // SAFETY: private mounts in our own mount namespace, so /proc shows our PID namespace.
        let mounted = unsafe {
            libc::mount(
                std::ptr::null(),
                root.as_ptr(),
                std::ptr::null(),
                libc::MS_REC | libc::MS_PRIVATE,
                std::ptr::null(),
            ) == 0
                && libc::mount(
                    proc_.as_ptr(),
                    target.as_ptr(),
                    proc_.as_ptr(),
                    0,
                    std::ptr::null(),
                ) == 0
        };
        if !mounted {
            return SKIP;
        }
        child()
    })
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

    for signal in ["TERM", "KILL"] {
        let out = peercred(&["kill", p, "-s", signal]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(stderr(&out).contains("has exited"), "{}", stderr(&out));
        assert!(stderr(&out).contains("nothing signalled"));
    }
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        impostor.try_wait().unwrap().is_none(),
        "the impostor was signalled"
    );

    let out = peercred(&["who", "--json", p]);
    let value: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(value["alive"], false);
    assert_eq!(value["pid"], serde_json::Value::Null);
    assert_eq!(value["recorded_pid"], creator);
    assert_eq!(
        value["exe"],
        serde_json::Value::Null,
        "not the impostor's exe"
    );
    let text = stdout(&peercred(&["who", p]));
    assert!(text.contains("pid=none (it has exited"), "{text}");
    assert!(!text.contains("sleep"), "{text}");
    let out = peercred(&["who", "--pid", p]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(
        peercred(&["wait", p, "--timeout", "5"]).status.code(),
        Some(1)
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
