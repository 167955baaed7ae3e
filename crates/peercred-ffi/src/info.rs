//! peercred_strerror and peercred_version.

use std::ffi::CStr;
use std::os::raw::{c_char, c_int};

use crate::guard::{guard, PEERCRED_ERR_PANIC};

/// A static, NUL-terminated English text for a code returned by a peercred
/// function (a negative errno or PEERCRED_ERR_PANIC). Never NULL: unknown codes
/// get a generic text. The caller must not free it. Thread-safe.
#[no_mangle]
pub extern "C" fn peercred_strerror(err: c_int) -> *const c_char {
    guard(|| text(err))
}

fn text(err: c_int) -> &'static CStr {
    match err.checked_neg() {
        Some(0) => c"success",
        Some(libc::EBADF) => c"bad file descriptor: it is closed, negative or opened with O_PATH",
        Some(libc::ENOTSOCK) => {
            c"not a socket: pass the descriptor of a connected Unix domain socket"
        }
        Some(libc::EAFNOSUPPORT) => {
            c"not a Unix domain socket: only AF_UNIX sockets carry peer credentials"
        }
        Some(libc::ENOTCONN) => {
            c"no connected peer: pass the accepted connection, not the listening socket; \
              a datagram socket's credentials travel per message (SCM_CREDENTIALS)"
        }
        Some(libc::ENOPROTOOPT) => {
            c"not available: the kernel lacks this socket option, or no labelling LSM is loaded"
        }
        Some(libc::ESRCH) => c"peer exited: the process that connected is gone",
        Some(libc::EREMOTE) => {
            c"peer is outside this PID namespace: its pid is not visible from here"
        }
        Some(libc::ERANGE) => {
            c"buffer too small: the size needed was stored in the length argument"
        }
        Some(libc::EINVAL) => {
            c"invalid argument: a NULL pointer, or a descriptor that is not a pidfd"
        }
        _ if err == PEERCRED_ERR_PANIC => {
            c"internal error in peercred (a bug; please report it); the call had no effect"
        }
        _ => c"unknown peercred error code",
    }
}

const VERSION: &CStr =
    match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(version) => version,
        Err(_) => panic!("the crate version holds a NUL"),
    };

/// The library's version, "MAJOR.MINOR.PATCH", equal to the PEERCRED_VERSION_*
/// macros of the header it was built with. Static; thread-safe.
#[no_mangle]
pub extern "C" fn peercred_version() -> *const c_char {
    guard(|| VERSION)
}
