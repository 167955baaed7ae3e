//! peercred_groups, peercred_security_label, peercred_pidfd.

use std::os::fd::IntoRawFd;
use std::os::raw::{c_char, c_int};

use crate::buffer::OutBuffer;
use crate::guard::guard;

/// The peer's supplementary group ids, as captured at connect() (SO_PEERGROUPS).
///
/// `*count` is the capacity of `groups` on entry and the number of ids written on
/// return. The primary gid is NOT added: it is in peercred_read()'s `gid`, and in
/// this list only if the peer itself listed it. A group with no gid in the
/// caller's user namespace is the overflow gid: see peercred_gid_mapping(). Returns 0; -ERANGE with `*count`
/// set to the number needed and `groups` untouched when they do not fit (pass
/// `groups` NULL with `*count` 0 to ask); -EINVAL when `count` is NULL (or
/// `groups` is NULL with `*count` > 0); otherwise the errors of peercred_read().
/// Thread-safe.
#[no_mangle]
pub extern "C" fn peercred_groups(fd: c_int, groups: *mut u32, count: *mut usize) -> c_int {
    guard(|| {
        let out = OutBuffer::new(groups, count)?;
        out.fill(&peercred::raw::groups(fd)?)
    })
}

/// The peer's security label (SO_PEERSEC), e.g. an SELinux context, NUL-terminated.
///
/// `*len` is the capacity of `buf` in bytes on entry and the bytes written,
/// including the NUL, on return. Returns 0; -ENOPROTOOPT when no labelling LSM
/// (SELinux, AppArmor, Smack) is loaded, so there is no label; -ERANGE with
/// `*len` set to the size needed and `buf` untouched when it does not fit (pass
/// `buf` NULL with `*len` 0 to ask); -EINVAL when `len` is NULL; otherwise the
/// errors of peercred_read(). Thread-safe.
#[no_mangle]
pub extern "C" fn peercred_security_label(fd: c_int, buf: *mut c_char, len: *mut usize) -> c_int {
    guard(|| {
        let out = OutBuffer::text(buf, len)?;
        match peercred::raw::security_label(fd)? {
            Some(label) => out.fill_text(label.as_bytes()),
            None => Err(peercred::Error::Unsupported("no labelling LSM is loaded")),
        }
    })
}

/// A new pidfd naming the peer process (SO_PEERPIDFD, Linux >= 6.5).
///
/// Returns the descriptor (>= 0, close-on-exec), which the caller owns and must
/// close; it keeps naming the process that connected even after its pid is
/// reused. Errors: -ENOPROTOOPT on kernels without SO_PEERPIDFD (there is no
/// silent fallback to the racy pidfd_open(pid)); -ESRCH when the peer has
/// already exited and been reaped (kernels 6.5-6.15 refuse, later ones hand out
/// a dead pidfd; both are -ESRCH here); otherwise the errors of peercred_read().
/// Thread-safe.
#[no_mangle]
pub extern "C" fn peercred_pidfd(fd: c_int) -> c_int {
    guard(|| Ok(peercred::raw::pidfd(fd)?.into_raw_fd()))
}
