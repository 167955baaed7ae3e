//! Sockets whose SO_PEERCRED names someone other than a connected peer, in the
//! arrangements that hand them over: a listening socket inherited by a fork
//! (pre-fork servers), by a fork + exec as fd 3 (socket activation), and by a
//! child of a raw clone(2), which runs no atfork handler; and a raw clone
//! child's own socketpair. Every read is refused with ENOTCONN.
//! One #[test] does the forking parts (see in_child); `reads_fd_3` is what
//! the exec'd child runs.

mod common;

use std::os::fd::{AsRawFd, BorrowedFd};
use std::os::unix::net::{UnixListener, UnixStream};
use std::os::unix::process::CommandExt;
use std::process::Command;

use common::in_child;
use peercred::{Error, NotConnected};

const LISTENING: Error = Error::NotConnected(NotConnected::Listening);
const OWN: Error = Error::NotConnected(NotConnected::OwnProcess);
const EXECED: &str = "PEERCRED_TEST_READ_FD_3";

#[test]
fn inherited() {
    let dir = common::TempDir::new();
    let listener = UnixListener::bind(dir.path("s")).unwrap();
    // A read before the children exist: a cached own pid would go stale here.
    assert_eq!(peercred::read(&listener), Err(LISTENING));

    assert_eq!(
        in_child(|| i32::from(peercred::read(&listener) != Err(LISTENING))),
        0,
        "a forked child read its parent's listener as a peer"
    );
    assert_eq!(
        raw_clone_child(|| {
            let (a, _b) = UnixStream::pair().unwrap();
            let own = peercred::read(&a);
            let inherited = peercred::read(&listener);
            i32::from(own != Err(OWN)) | i32::from(inherited != Err(LISTENING)) << 1
        }),
        0,
        "in a raw clone child (1: its own socketpair passed, 2: the listener passed)"
    );

    let mut child = Command::new(std::env::current_exe().unwrap());
    child
        .args(["--exact", "reads_fd_3", "--test-threads=1", "--nocapture"])
        .env(EXECED, "1");
    let fd = listener.as_raw_fd();
    // SAFETY: dup2 and fcntl are async-signal-safe. fd 3 is the
    // socket-activation slot, kept open across exec (dup2 onto itself would
    // leave close-on-exec set).
    unsafe {
        child.pre_exec(move || {
            let ok = if fd == 3 {
                libc::fcntl(3, libc::F_SETFD, 0) == 0
            } else {
                libc::dup2(fd, 3) == 3
            };
            if ok {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        })
    };
    let out = child.output().unwrap();
    assert!(
        out.status.success() && String::from_utf8_lossy(&out.stdout).contains("refused: listening"),
        "an exec'd child read fd 3:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// In the child exec'd by `inherited`: fd 3 is the parent's listener.
#[test]
fn reads_fd_3() {
    if std::env::var_os(EXECED).is_none() {
        return;
    }
    // SAFETY: the parent put a socket on fd 3 for the lifetime of this process.
    let fd3 = unsafe { BorrowedFd::borrow_raw(3) };
    assert_eq!(peercred::read(&fd3), Err(LISTENING));
    println!("refused: listening");
}

/// Runs `child` in a process made by the clone(2) system call itself, as
/// systemd's safe_fork does: the C library's fork() and its atfork handlers do
/// not run. Returns its exit code.
fn raw_clone_child(child: impl FnOnce() -> i32) -> i32 {
    // SAFETY: without CLONE_VM the child gets a copy of this single-threaded
    // test's memory, like fork(); flags SIGCHLD and no stack are valid on every
    // architecture's argument order.
    let pid = unsafe { libc::syscall(libc::SYS_clone, libc::SIGCHLD, 0, 0, 0, 0) };
    assert!(pid >= 0, "clone: {}", std::io::Error::last_os_error());
    if pid == 0 {
        let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(child)).unwrap_or(101);
        // SAFETY: leave without running this copy's exit handlers.
        unsafe { libc::_exit(code) };
    }
    let mut status = 0;
    // SAFETY: waits for our own child.
    unsafe { libc::waitpid(pid as i32, &mut status, 0) };
    assert!(libc::WIFEXITED(status), "status {status}");
    libc::WEXITSTATUS(status)
}
