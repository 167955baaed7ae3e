//! `PIDFD_GET_INFO` (Linux 6.13): what the kernel says of a pidfd's process
//! without /proc: its pid and parent in the caller's PID namespace, its cgroup
//! id, and (6.15) once it has been reaped, its exit status. The kernel answers
//! for the process's *main thread*: while that thread is a zombie (it called
//! `pthread_exit()` and others run on) its credentials and cgroup are those it
//! exited with, so peercred takes neither from here then.

use std::os::fd::{AsRawFd, BorrowedFd};

use crate::{fault, Error};

/// `struct pidfd_info` of linux/pidfd.h, as far as peercred reads it (the
/// kernel copies only what both sides know, so a longer kernel struct is fine).
#[repr(C)]
#[derive(Default)]
pub(crate) struct PidfdInfo {
    pub(crate) mask: u64,
    pub(crate) cgroupid: u64,
    pub(crate) pid: u32,
    pub(crate) tgid: u32,
    pub(crate) ppid: u32,
    pub(crate) ruid: u32,
    pub(crate) rgid: u32,
    pub(crate) euid: u32,
    pub(crate) egid: u32,
    pub(crate) suid: u32,
    pub(crate) sgid: u32,
    pub(crate) fsuid: u32,
    pub(crate) fsgid: u32,
    pub(crate) exit_code: i32,
}

pub(crate) const PIDFD_INFO_PID: u64 = 1 << 0;
pub(crate) const PIDFD_INFO_CGROUPID: u64 = 1 << 2;
/// Since 6.15: asked for, a reaped process answers with its exit status
/// (recorded when it was reaped) instead of ESRCH.
pub(crate) const PIDFD_INFO_EXIT: u64 = 1 << 3;
/// `_IOWR(0xFF, 11, struct pidfd_info)` with the kernel's first size (64), in
/// the asm-generic encoding of x86 and arm (not that of powerpc, mips, sparc).
const PIDFD_GET_INFO: libc::c_ulong = (3 << 30) | (64 << 16) | (0xFF << 8) | 11;
const _: () = assert!(std::mem::size_of::<PidfdInfo>() == 64);

/// `PIDFD_GET_INFO` asking for `mask`: `Ok(None)` where the kernel lacks it
/// (ENOTTY/EINVAL, also what a descriptor that is not a pidfd answers; ENOSYS
/// where something stands between us and the kernel that does not pass the
/// ioctl on: qemu-user, a seccomp filter), the
/// kernel's errno otherwise (EREMOTE or ESRCH for a process outside the
/// caller's PID namespace or reaped, EBADF).
pub(crate) fn get(pidfd: BorrowedFd<'_>, mask: u64) -> Result<Option<PidfdInfo>, Error> {
    if fault::no_pidfd_info() {
        return Ok(None);
    }
    let mut info = PidfdInfo {
        mask,
        ..PidfdInfo::default()
    };
    // SAFETY: the kernel writes at most size_of::<PidfdInfo>() bytes, encoded in the request.
    let rc = unsafe { libc::ioctl(pidfd.as_raw_fd(), PIDFD_GET_INFO as _, &mut info) };
    if rc == 0 {
        return Ok(Some(info));
    }
    match Error::last_os_error() {
        Error::Os(libc::ENOTTY | libc::EINVAL | libc::ENOSYS) => Ok(None),
        Error::Os(libc::EBADF) => Err(Error::BadDescriptor),
        err => Err(err),
    }
}
