//! The right process and the right thread: a server thread with its own
//! descriptor table, a server whose main thread has exited, and a peer whose
//! main thread has exited and which then changed uid. Also run with the
//! fallback of kernels before 6.13 (PEERCRED_FAULT=no-pidfd-info, see
//! mk/rust.mk). One #[test]: the parts fork.

mod common;

use std::ffi::c_void;
use std::os::fd::{AsFd, AsRawFd};
use std::os::unix::net::{UnixListener, UnixStream};
use std::process::Command;
use std::sync::mpsc;

use common::{
    accept_client, in_child, is_root, me, own_session, pidfd_open, proc_state, read_byte,
    wait_until, write_byte, NOBODY,
};
use peercred::PeerProcess;

#[test]
fn right_process_and_thread() {
    thread_with_its_own_descriptor_table();
    server_whose_main_thread_exited();
    peer_whose_main_thread_exited();
}

fn args() -> Vec<std::ffi::OsString> {
    std::env::args_os().collect()
}

/// The bug: the pid was read from /proc/self/fdinfo/N, the *leader's* table,
/// where N named another process's pidfd (here a decoy `sleep`).
fn thread_with_its_own_descriptor_table() {
    let (conn, client, _dir) = accept_client(|| {});
    let mut decoy = Command::new("/bin/sleep").arg("30").spawn().unwrap();
    let decoy_pidfd = pidfd_open(decoy.id() as i32);
    let exe = std::env::current_exe().unwrap();
    let (number_tx, number_rx) = mpsc::channel();
    let (decoy_tx, decoy_rx) = mpsc::channel::<()>();
    let outcome = std::thread::scope(|scope| {
        let (conn, client, exe) = (&conn, &client, &exe);
        let worker = scope.spawn(move || {
            // SAFETY: gives this thread a copy of the descriptor table.
            assert_eq!(unsafe { libc::unshare(libc::CLONE_FILES) }, 0);
            let peer = PeerProcess::from_socket(conn).unwrap();
            number_tx.send(peer.as_fd().as_raw_fd()).unwrap();
            decoy_rx.recv().unwrap();
            // Its pid learned from the pidfd alone (PIDFD_GET_INFO, or this
            // thread's fdinfo on older kernels).
            let again =
                PeerProcess::from_pidfd(peer.as_fd().try_clone_to_owned().unwrap()).unwrap();
            for process in [&peer, &again] {
                assert_eq!(process.pid(), Some(client.pid));
                assert_eq!(&process.exe().unwrap(), exe);
                assert!(process.exe_matches(exe).unwrap());
                assert!(!process.exe_matches("/bin/sleep").unwrap());
                assert_eq!(process.cmdline().unwrap(), args());
            }
        });
        let number = number_rx.recv().unwrap();
        // The same number in the main thread's table now names the decoy.
        // SAFETY: fcntl and dup2 on numbers of this process; dup2 only onto a free one.
        let free = unsafe { libc::fcntl(number, libc::F_GETFD) } < 0;
        assert!(free, "descriptor {number} is in use in the main table");
        assert_eq!(
            unsafe { libc::dup2(decoy_pidfd.as_raw_fd(), number) },
            number
        );
        decoy_tx.send(()).unwrap();
        let outcome = worker.join();
        // SAFETY: our own duplicate.
        unsafe { libc::close(number) };
        outcome
    });
    decoy.kill().unwrap();
    decoy.wait().unwrap();
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// A daemon whose main thread exited (pthread_exit in main): /proc/self is a
/// zombie leader without a descriptor table; its other thread still reads.
fn server_whose_main_thread_exited() {
    let (conn, client, _dir) = accept_client(|| {});
    let client_pid = client.pid;
    let exe = std::env::current_exe().unwrap();
    let code = in_child(move || {
        // SAFETY: plain getter. After fork this thread is the process's main thread.
        let leader = unsafe { libc::getpid() };
        std::thread::spawn(move || {
            let checks = std::panic::catch_unwind(|| {
                wait_until("the main thread has exited", || {
                    proc_state(leader) == Some('Z')
                });
                let peer = PeerProcess::from_socket(&conn).unwrap();
                assert_eq!(peer.pid(), Some(client_pid));
                assert_eq!(peer.exe().unwrap(), exe);
                assert!(peer.exe_matches(&exe).unwrap());
                let own = PeerProcess::own().unwrap();
                assert_eq!(own.pid(), Some(leader));
                assert!(own.is_alive().unwrap());
                assert_eq!(own.exe().unwrap(), exe);
                assert!(own.exe_matches(&exe).unwrap());
                assert_eq!(own.cmdline().unwrap(), args());
                assert_eq!((own.uid().unwrap(), own.gid().unwrap()), (me().1, me().2));
                assert_eq!(own.session_id().unwrap(), own_session());
            });
            // SAFETY: ends the process with this thread's verdict.
            unsafe { libc::_exit(if checks.is_ok() { 0 } else { 101 }) };
        });
        // SAFETY: SYS_exit ends this thread only (not exit_group), without
        // unwinding: the process lives on in the other thread.
        unsafe { libc::syscall(libc::SYS_exit, 0) };
        unreachable!("SYS_exit returned")
    });
    assert_eq!(
        code, 0,
        "the daemon whose main thread exited got wrong facts"
    );
    drop(client);
}

/// A peer whose main thread exited, after which its live thread dropped to
/// nobody (as root): /proc/PID/status is then the zombie leader's, still root,
/// with no command line and no executable. The facts must come from the live
/// thread.
fn peer_whose_main_thread_exited() {
    let dir = common::TempDir::new();
    let listener = UnixListener::bind(dir.path("s")).unwrap();
    let addr = common::sockaddr(&dir.path("s"));
    let (mut parent_end, child_end) = UnixStream::pair().unwrap();
    let pid = common::leaderless_peer(&addr, drop_ids_then_wait, child_end.as_raw_fd());
    let (conn, _) = listener.accept().unwrap();
    assert_eq!(
        read_byte(&mut parent_end),
        1,
        "the peer's thread could not change ids"
    );
    wait_until("the peer's main thread has exited", || {
        proc_state(pid) == Some('Z')
    });
    let leader_status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let dropped = if is_root() {
        (NOBODY, NOBODY)
    } else {
        (me().1, me().2)
    };

    let peer = PeerProcess::from_socket(&conn).unwrap();
    assert!(
        peer.is_alive().unwrap(),
        "a process with a live thread runs"
    );
    assert_eq!((peer.uid().unwrap(), peer.gid().unwrap()), dropped);
    if is_root() {
        assert!(
            leader_status.contains("\nUid:\t0\t0\t0\t0\n"),
            "the arrangement: the zombie leader still says root:\n{leader_status}"
        );
    }
    assert_eq!(
        peercred::read(&conn).unwrap().uid(),
        me().1,
        "connect-time uid"
    );
    assert_eq!(peer.cmdline().unwrap(), args());
    let exe = std::env::current_exe().unwrap();
    assert_eq!(peer.exe().unwrap(), exe);
    assert!(peer.exe_matches(&exe).unwrap());
    assert_eq!(peer.parent_pid().unwrap(), me().0);
    assert!(peer.start_time().unwrap() > 0);
    assert_eq!(peer.session_id().unwrap(), own_session());

    write_byte(&mut parent_end, 0);
    let mut status = 0;
    // SAFETY: waits for our own child.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "peer status {status}"
    );
}

/// The peer's surviving thread: as root, drops this thread's ids with raw
/// system calls (glibc's setuid would change every thread's), says so on the
/// `hold` socket, and ends the process when the test closes it.
extern "C" fn drop_ids_then_wait(hold: *mut c_void) -> *mut c_void {
    let hold = hold as usize as i32;
    let mut byte = 1u8;
    // SAFETY: system calls on integers and a one-byte buffer.
    unsafe {
        if libc::geteuid() == 0
            && (libc::syscall(libc::SYS_setgroups, 0, std::ptr::null::<libc::gid_t>()) != 0
                || libc::syscall(libc::SYS_setresgid, NOBODY, NOBODY, NOBODY) != 0
                || libc::syscall(libc::SYS_setresuid, NOBODY, NOBODY, NOBODY) != 0)
        {
            byte = 0;
        }
        libc::write(hold, (&byte as *const u8).cast(), 1);
        libc::read(hold, (&mut byte as *mut u8).cast(), 1);
        libc::_exit(0);
    }
}
