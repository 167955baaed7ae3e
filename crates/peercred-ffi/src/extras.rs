//! peercred_groups, peercred_security_label, peercred_pidfd, peercred_peer_pidfd.

use std::os::fd::{IntoRawFd, OwnedFd};
use std::os::raw::{c_char, c_int, c_uint};

use peercred::{Error, Fallback, Source};

use crate::buffer::OutBuffer;
use crate::guard::{guard, writable};

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

/// A new pidfd naming the peer process: peercred_peer_pidfd(fd, 0, NULL).
///
/// Returns the descriptor (>= 0, close-on-exec), which the caller owns and must
/// close; it keeps naming the process that connected even after its pid is
/// reused. SO_PEERPIDFD (Linux >= 6.5) gives it; on older kernels (5.3 to 6.4)
/// the pid SO_PEERCRED recorded is pinned with pidfd_open and kept only once
/// proven to hold the other end of this connection (see peercred_peer_pidfd()
/// for that fallback and its errors, and to refuse it). -ESRCH when the peer
/// has already exited and been reaped (kernels 6.5-6.15 refuse, later ones
/// hand out a dead pidfd; both are -ESRCH here); otherwise the errors of
/// peercred_read(). Thread-safe.
#[no_mangle]
pub extern "C" fn peercred_pidfd(fd: c_int) -> c_int {
    guard(|| Ok(peercred::raw::pidfd(fd)?.into_raw_fd()))
}

/// peercred_peer_pidfd() wrote this source: the kernel's SO_PEERPIDFD (Linux >= 6.5).
pub const PEERCRED_SOURCE_SO_PEERPIDFD: c_int = 1;
/// peercred_peer_pidfd() wrote this source: the fallback of kernels without
/// SO_PEERPIDFD, pidfd_open of SO_PEERCRED's pid proven through sock_diag and
/// /proc/PID/fd to hold the other end of the connection (SECURITY.md).
pub const PEERCRED_SOURCE_SOCK_DIAG: c_int = 2;
/// peercred_peer_pidfd() flag: SO_PEERPIDFD only, never the fallback
/// (-ENOPROTOOPT on kernels before 6.5), for a daemon that insists on the
/// pidfd the kernel made at connect.
pub const PEERCRED_NO_FALLBACK: c_uint = 1;

/// A new pidfd naming the peer process, and which mechanism named it.
///
/// SO_PEERPIDFD where the kernel has it (Linux >= 6.5). Where it lacks it,
/// unless `flags` holds PEERCRED_NO_FALLBACK, the pid SO_PEERCRED recorded is
/// pinned with pidfd_open (Linux >= 5.3) and the pidfd is returned only once
/// sock_diag and /proc/PID/fd prove that this process holds the other end of
/// this very connection (or the listener it waits on) and still runs. On
/// success returns the descriptor (>= 0, close-on-exec, the caller's to
/// close) and, when `source` is not NULL, writes PEERCRED_SOURCE_SO_PEERPIDFD
/// or PEERCRED_SOURCE_SOCK_DIAG to `*source`. Errors beyond peercred_pidfd()'s,
/// all from the fallback: -ESRCH also when the process with the peer's pid
/// holds no end of the connection (the peer exited and its pid was reused, or
/// it handed its socket on) and for a peer that has exited but is not yet
/// reaped (SO_PEERPIDFD gives a pidfd for that one); -EACCES when its
/// /proc/PID/fd is not readable (another uid or a non-dumpable process,
/// without CAP_SYS_PTRACE); -EREMOTE for a peer outside the caller's PID
/// namespace; -ENOPROTOOPT without pidfd_open or unix_diag, for a socket of
/// another network namespace, or with PEERCRED_NO_FALLBACK; -EINVAL for
/// unknown flags. Thread-safe.
#[no_mangle]
pub extern "C" fn peercred_peer_pidfd(fd: c_int, flags: c_uint, source: *mut c_int) -> c_int {
    guard(|| {
        let fallback = match flags {
            0 => Fallback::Allow,
            PEERCRED_NO_FALLBACK => Fallback::Refuse,
            _ => return Err(Error::Os(libc::EINVAL)),
        };
        let process = peercred::raw::peer_process_with(fd, fallback)?;
        let named_by = match process.source() {
            Source::PeerPidfd => PEERCRED_SOURCE_SO_PEERPIDFD,
            Source::SockDiag => PEERCRED_SOURCE_SOCK_DIAG,
            other => unreachable!("a socket's peer named by {other}"),
        };
        // NULL: the caller does not ask which mechanism answered.
        if !source.is_null() {
            *writable(source)? = named_by;
        }
        Ok(OwnedFd::from(process).into_raw_fd())
    })
}
