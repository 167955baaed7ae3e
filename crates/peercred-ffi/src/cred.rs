//! peercred_read.

use std::os::raw::c_int;

use crate::guard::{guard, writable};

/// The peer's credentials as the kernel recorded them at connect().
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct peercred_ucred {
    /// The peer's pid, or 0 when the peer is outside the caller's PID namespace.
    ///
    /// Check for 0 before using it: kill(0, sig) signals the caller's OWN
    /// process group. And a pid names the peer only while it lives: to signal
    /// or inspect the peer, use the pidfd from peercred_pidfd()
    /// (pidfd_send_signal(2), peercred_process_*()), never kill(pid) unchecked.
    pub pid: i32,
    /// The peer's effective uid at connect(), as the caller's user namespace
    /// numbers it: the overflow uid (/proc/sys/kernel/overflowuid, usually
    /// 65534) when it has none there; peercred_uid_mapping() tells which.
    pub uid: u32,
    /// The peer's effective gid at connect(); the overflow gid when it has none
    /// in the caller's user namespace; peercred_gid_mapping() tells which.
    pub gid: u32,
}

/// Reads the credentials of the peer of the connected Unix domain socket `fd`.
///
/// Returns 0 and writes `*out`, or returns a negative errno and leaves `*out`
/// untouched: -EBADF (closed, negative or O_PATH fd), -ENOTSOCK (not a socket),
/// -EAFNOSUPPORT (not a Unix domain socket), -ENOTCONN (unconnected, listening
/// or datagram socket, whoever created it: pass the accepted connection; or a
/// socketpair this process made, or a connection to itself, whose credentials
/// name the caller, not the other end), -EINVAL (`out` is NULL). The kernel's
/// placeholder for "no peer" is never returned as credentials.
/// `fd` is borrowed, not closed. Thread-safe.
#[no_mangle]
pub extern "C" fn peercred_read(fd: c_int, out: *mut peercred_ucred) -> c_int {
    guard(|| {
        let slot = writable(out)?;
        let cred = peercred::raw::read(fd)?;
        *slot = peercred_ucred {
            pid: cred.pid().unwrap_or(0),
            uid: cred.uid(),
            gid: cred.gid(),
        };
        Ok(0)
    })
}
