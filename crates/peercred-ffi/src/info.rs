//! peercred_strerror and peercred_version.

use std::ffi::{CStr, CString};
use std::io;
use std::os::raw::{c_char, c_int};
use std::sync::OnceLock;

use peercred::Error;

use crate::guard::{guard, PEERCRED_ERR_PANIC};

/// A static, NUL-terminated English text for a code returned by a peercred
/// function (a negative errno or PEERCRED_ERR_PANIC): peercred's own words for
/// every code it documents, the system's text (strerror) for any other errno.
/// Never NULL; only a number that is no errno at all gets "unknown peercred
/// error code". The caller must not free it. Thread-safe.
#[no_mangle]
pub extern "C" fn peercred_strerror(err: c_int) -> *const c_char {
    guard(|| text(err))
}

/// The highest errno Linux defines (EHWPOISON) on every architecture peercred builds for.
const MAX_ERRNO: c_int = 133;

fn text(err: c_int) -> &'static CStr {
    if err == PEERCRED_ERR_PANIC {
        return c"internal error in peercred (a bug; please report it); the call had no effect";
    }
    let Some(errno) = err.checked_neg() else {
        return UNKNOWN;
    };
    core_text(err)
        .or_else(|| own_text(errno))
        .or_else(|| system_text(errno))
        .unwrap_or(UNKNOWN)
}

const UNKNOWN: &CStr = c"unknown peercred error code";

/// peercred's words for the codes whose errno stands for more than one core
/// error, or for an error of the C boundary, or for what the kernel and /proc
/// answer in peercred's calls.
fn own_text(errno: c_int) -> Option<&'static CStr> {
    Some(match errno {
        0 => c"success",
        libc::ENOTCONN => {
            c"no other end to describe: an unconnected or listening socket (pass the accepted \
              connection), a datagram socket (credentials travel per message, SCM_CREDENTIALS), \
              or a socketpair this process made or a connection to itself (its credentials name \
              the caller, not the other end)"
        }
        libc::ENOPROTOOPT => {
            c"not available: the kernel lacks this socket option or feature (pidfs ids need Linux \
              6.9, exit status through a pidfd 6.15), or no labelling LSM is loaded"
        }
        libc::EREMOTE => {
            c"outside this namespace: the peer is outside the caller's PID namespace (its pid is \
              not visible here), or its cgroup is outside the caller's cgroup namespace"
        }
        libc::ERANGE => c"buffer too small: the size needed was stored in the length argument",
        libc::EINVAL => c"invalid argument: a NULL pointer, or a descriptor that is not a pidfd",
        libc::EPROTO => {
            c"unexpected answer from the kernel: a socket option or a /proc file was not in \
              the documented form, so nothing was returned"
        }
        libc::EACCES => {
            c"permission denied: this process may not read that fact of the peer (its executable \
              and its namespaces need ptrace read access: the same uid and a dumpable process, or \
              CAP_SYS_PTRACE over its user namespace)"
        }
        libc::EPERM => {
            c"operation not permitted: a security policy (LSM, seccomp) refused the call"
        }
        libc::ENOENT => {
            c"no such file: /proc is not mounted here, the file that was asked about is gone, or \
              no cgroup v2 hierarchy is mounted for the caller's cgroup namespace"
        }
        libc::EILSEQ => c"the peer's security label is not valid UTF-8",
        libc::EMFILE | libc::ENFILE => c"too many open files: no descriptor is left for the pidfd",
        libc::ENOMEM | libc::ENOBUFS => c"out of memory",
        libc::EIO => c"I/O error while reading /proc",
        _ => return None,
    })
}

/// The core's own message for the codes that stand for one error each.
fn core_text(err: c_int) -> Option<&'static CStr> {
    static TEXTS: OnceLock<Vec<(c_int, CString)>> = OnceLock::new();
    let texts = TEXTS.get_or_init(|| {
        [
            Error::BadDescriptor,
            Error::NotASocket,
            Error::NotUnixSocket,
            Error::PeerExited,
            Error::ForeignProc,
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

/// The system's text for any other errno, made once: a peercred error can
/// carry whatever errno the kernel answered.
fn system_text(errno: c_int) -> Option<&'static CStr> {
    static TEXTS: OnceLock<Vec<CString>> = OnceLock::new();
    let texts = TEXTS.get_or_init(|| {
        (1..=MAX_ERRNO)
            .map(|errno| {
                let text = io::Error::from_raw_os_error(errno).to_string();
                CString::new(text).expect("strerror texts hold no NUL")
            })
            .collect()
    });
    let index = usize::try_from(errno).ok()?.checked_sub(1)?;
    texts.get(index).map(CString::as_c_str)
}

/// Every code a peercred function documents, for the test that none lacks words.
#[cfg(test)]
pub(crate) const DOCUMENTED_CODES: &[c_int] = &[
    -libc::EBADF,
    -libc::ENOTSOCK,
    -libc::EAFNOSUPPORT,
    -libc::ENOTCONN,
    -libc::ENOPROTOOPT,
    -libc::ESRCH,
    -libc::EREMOTE,
    -libc::ENXIO,
    -libc::EINVAL,
    -libc::ERANGE,
    -libc::EPROTO,
    -libc::EACCES,
    -libc::EPERM,
    -libc::ENOENT,
    -libc::EILSEQ,
    -libc::EMFILE,
    -libc::ENFILE,
    -libc::ENOMEM,
    -libc::EIO,
    PEERCRED_ERR_PANIC,
];

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
