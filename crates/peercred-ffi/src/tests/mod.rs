//! Rust tests of the exported functions: the C conventions (NULL handling,
//! outputs untouched on failure, the -ERANGE size protocol, the panic guard).
//! The semantics table itself runs through the C suite in tests/c, which uses
//! the library the way C programs do.

mod conventions;
mod mapping;
mod message;
mod panic;
mod process;
mod whereabouts;

use std::os::fd::AsRawFd;
use std::os::linux::net::SocketAddrExt;
use std::os::unix::net::{SocketAddr, UnixListener, UnixStream};
use std::sync::atomic::{AtomicUsize, Ordering};

/// An accepted connection whose client is a forked child of this process (a
/// socketpair of our own is refused with -ENOTCONN). The child is killed on
/// drop: other tests fork at the same time, so their children hold copies of
/// any pipe this one could wait on.
pub(super) struct Peer {
    pub(super) conn: UnixStream,
    pub(super) pid: i32,
}

impl Peer {
    pub(super) fn start() -> Peer {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "peercred-ffi-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let listener =
            UnixListener::bind_addr(&SocketAddr::from_abstract_name(&name).unwrap()).unwrap();
        // SAFETY: all-zero is a valid sockaddr_un; the abstract name starts with a NUL.
        let mut addr: libc::sockaddr_un = unsafe { std::mem::zeroed() };
        addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
        for (dst, src) in addr.sun_path[1..].iter_mut().zip(name.bytes()) {
            *dst = src as libc::c_char;
        }
        let addr_len = (std::mem::size_of::<libc::sa_family_t>() + 1 + name.len()) as u32;
        // SAFETY: the child makes only async-signal-safe system calls.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0);
        if pid == 0 {
            unsafe {
                let fd = libc::socket(libc::AF_UNIX, libc::SOCK_STREAM, 0);
                if libc::connect(fd, (&addr as *const libc::sockaddr_un).cast(), addr_len) != 0 {
                    libc::_exit(1);
                }
                loop {
                    libc::pause(); // until killed
                }
            }
        }
        let (conn, _) = listener.accept().unwrap();
        Peer { conn, pid }
    }

    pub(super) fn fd(&self) -> i32 {
        self.conn.as_raw_fd()
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        // SAFETY: our own child, killed and reaped.
        unsafe {
            libc::kill(self.pid, libc::SIGKILL);
            libc::waitpid(self.pid, std::ptr::null_mut(), 0);
        }
    }
}

/// A connected pair made by this process: every function refuses it.
fn pair() -> (UnixStream, UnixStream) {
    UnixStream::pair().expect("socketpair")
}

fn raw(stream: &UnixStream) -> i32 {
    stream.as_raw_fd()
}

/// Runs the test `test` of this binary again, alone, in a child process with
/// `flag` set (its body runs only then) and PEERCRED_FAULT=`fault`: a switch
/// that would disturb the other tests of this process stays in the child.
fn in_child_process(test: &str, flag: &str, fault: &str) -> std::process::Output {
    std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--test-threads=1"])
        .env(flag, "1")
        .env("PEERCRED_FAULT", fault)
        .output()
        .unwrap()
}
