//! In a private PID namespace, where this test is pid 1 and can force pid
//! reuse (/proc/sys/kernel/ns_last_pid): a daemon's listener creator exits, an
//! impostor is forced onto its pid, and `peercred` must neither signal it nor
//! show it as the server. Needs root (unshare); a skip says why. One #[test]:
//! it forks.

mod common;

use std::os::unix::net::UnixListener;
use std::process::Command;
use std::time::Duration;

use common::core_tests::{as_init_of_new_pid_namespace, in_child, SKIP};
use common::*;

#[test]
fn pid_reuse_in_a_private_pid_namespace() {
    if !is_root() {
        eprintln!("skipped: a private PID namespace needs root here (unshare)");
        return;
    }
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
