//! peercred_strerror and peercred_version.

use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_int};
use std::sync::OnceLock;

use peercred::Error;

use crate::guard::{guard, PEERCRED_ERR_PANIC};

/// A static, NUL-terminated English text for a code returned by a peercred
/// function (a negative errno or PEERCRED_ERR_PANIC). Never NULL: unknown codes
/// get a generic text. The caller must not free it. Thread-safe.
#[no_mangle]
pub extern "C" fn peercred_strerror(err: c_int) -> *const c_char {
    guard(|| text(err))
}

fn text(err: c_int) -> &'static CStr {
    core_text(err).unwrap_or_else(|| match err.checked_neg() {
        Some(0) => c"success",
        Some(libc::ENOTCONN) => {
            c"no connected peer: pass the accepted connection, not the listening socket; \
              a datagram socket's credentials travel per message (SCM_CREDENTIALS)"
        }
        Some(libc::ENOPROTOOPT) => {
            c"not available: the kernel lacks this socket option, or no labelling LSM is loaded"
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
    })
}

/// The core's own message for the codes that stand for one error each; the
/// others (ENOTCONN and ENOPROTOOPT cover several, the rest are C's) get C texts.
fn core_text(err: c_int) -> Option<&'static CStr> {
    static TEXTS: OnceLock<Vec<(c_int, CString)>> = OnceLock::new();
    let texts = TEXTS.get_or_init(|| {
        [
            Error::BadDescriptor,
            Error::NotASocket,
            Error::NotUnixSocket,
            Error::PeerExited,
            Error::PidNotVisible,
            Error::NoCredentials,
        ]
        .iter()
        .map(|e| {
            (
                -e.errno(),
                CString::new(e.to_string()).expect("messages hold no NUL"),
            )
        })
        .collect()
    });
    texts
        .iter()
        .find(|(code, _)| *code == err)
        .map(|(_, text)| text.as_c_str())
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
