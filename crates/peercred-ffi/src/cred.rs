//! peercred_read.

use std::os::raw::c_int;

use crate::guard::{guard, writable};

/// The peer's credentials as the kernel recorded them at connect().
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct peercred_ucred {
    /// The peer's pid, or 0 when the peer is outside the caller's PID namespace.
    pub pid: i32,
    /// The peer's effective uid at connect() (65534 when unmapped in the caller's user namespace).
    pub uid: u32,
    /// The peer's effective gid at connect() (65534 when unmapped in the caller's user namespace).
    pub gid: u32,
}

/// Reads the credentials of the peer of the connected Unix domain socket `fd`.
///
/// Returns 0 and writes `*out`, or returns a negative errno and leaves `*out`
/// untouched: -EBADF (closed, negative or O_PATH fd), -ENOTSOCK (not a socket),
/// -EAFNOSUPPORT (not a Unix domain socket), -ENOTCONN (unconnected, listening
/// or datagram socket: pass the accepted connection), -EINVAL (`out` is NULL).
/// The kernel's placeholder for "no peer" is never returned as credentials.
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
