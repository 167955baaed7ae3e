//! How a pidfd's pid (and its parent's) is learned in the caller's PID
//! namespace: `PIDFD_GET_INFO` (Linux 6.13), which numbers pids in the
//! caller's namespace and needs no /proc; on older kernels the pidfd's fdinfo,
//! whose numbers are /proc's, used only once /proc is proven to number
//! processes like the caller (see procfs).

use std::os::fd::{AsRawFd, BorrowedFd};

use crate::liveness::{liveness, Liveness};
use crate::procfs::{self, FdinfoPid};
use crate::{fault, Error};

/// What is known of a pidfd's process pid in the caller's PID namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PidfdPid {
    Visible(libc::pid_t),
    /// Outside the caller's PID namespace.
    NotVisible,
    Reaped,
}

/// The pid of the pidfd's process in the caller's PID namespace.
pub(crate) fn pid_of(pidfd: BorrowedFd<'_>) -> Result<PidfdPid, Error> {
    match info(pidfd)? {
        Some(Info::Visible { pid, .. }) => Ok(PidfdPid::Visible(pid)),
        Some(Info::Reaped) => Ok(PidfdPid::Reaped),
        // 6.13/6.14 kernels without the stable fix say the same of a process
        // whose parent is outside our namespace; where /proc numbers like us,
        // its fdinfo decides.
        Some(Info::NotVisible) => match procfs::numbers_like_caller()? {
            true => Ok(as_callers(procfs::fdinfo_pid(pidfd)?)),
            false => Ok(PidfdPid::NotVisible),
        },
        None => from_fdinfo(pidfd),
    }
}

/// The pid of the parent of the pidfd's process in the caller's PID namespace
/// (`Some(None)`: the parent is outside it), or `None` on kernels without
/// `PIDFD_GET_INFO`, and where a 6.13/6.14 kernel without the stable fix
/// refuses a process whose parent is outside (it answers as for a process
/// outside): then the caller reads /proc.
pub(crate) fn parent_of(pidfd: BorrowedFd<'_>) -> Result<Option<Option<libc::pid_t>>, Error> {
    match info(pidfd)? {
        Some(Info::Visible { ppid, .. }) => Ok(Some((ppid != 0).then_some(ppid))),
        Some(Info::Reaped) => Err(Error::PeerExited),
        Some(Info::NotVisible) | None => Ok(None),
    }
}

/// The fdinfo numbers pids in /proc's namespace: right only when that is the caller's.
fn from_fdinfo(pidfd: BorrowedFd<'_>) -> Result<PidfdPid, Error> {
    let shown = procfs::fdinfo_pid(pidfd)?;
    if shown != FdinfoPid::Reaped && !procfs::numbers_like_caller()? {
        return Err(Error::ForeignProc);
    }
    Ok(as_callers(shown))
}

/// The fdinfo's answer, once /proc is known to number processes like the caller.
fn as_callers(shown: FdinfoPid) -> PidfdPid {
    match shown {
        FdinfoPid::Shown(pid) => PidfdPid::Visible(pid),
        FdinfoPid::NotShown => PidfdPid::NotVisible,
        FdinfoPid::Reaped => PidfdPid::Reaped,
    }
}

enum Info {
    Visible { pid: libc::pid_t, ppid: libc::pid_t },
    NotVisible,
    Reaped,
}

/// `struct pidfd_info` of linux/pidfd.h, as far as peercred reads it (the
/// kernel copies only what both sides know, so a longer kernel struct is fine).
#[repr(C)]
#[derive(Default)]
struct PidfdInfo {
    mask: u64,
    cgroupid: u64,
    pid: u32,
    tgid: u32,
    ppid: u32,
    ruid: u32,
    rgid: u32,
    euid: u32,
    egid: u32,
    suid: u32,
    sgid: u32,
    fsuid: u32,
    fsgid: u32,
    exit_code: i32,
}

const PIDFD_INFO_PID: u64 = 1 << 0;
/// Since 6.15: asked for, a reaped process answers with its exit status
/// instead of ESRCH, which tells "reaped" apart from "outside our namespace".
const PIDFD_INFO_EXIT: u64 = 1 << 3;
/// `_IOWR(0xFF, 11, struct pidfd_info)` with the kernel's first size (64), in
/// the asm-generic encoding of x86 and arm (not that of powerpc, mips, sparc).
const PIDFD_GET_INFO: libc::c_ulong = (3 << 30) | (64 << 16) | (0xFF << 8) | 11;
const _: () = assert!(std::mem::size_of::<PidfdInfo>() == 64);

/// `PIDFD_GET_INFO`, or None where the kernel lacks it (ENOTTY/EINVAL, also
/// what a descriptor that is not a pidfd answers: the fdinfo path then says
/// EINVAL for it; ENOSYS where something stands between us and the kernel
/// that does not pass the ioctl on: qemu-user, a seccomp filter).
fn info(pidfd: BorrowedFd<'_>) -> Result<Option<Info>, Error> {
    if fault::no_pidfd_info() {
        return Ok(None);
    }
    let mut info = PidfdInfo {
        mask: PIDFD_INFO_PID | PIDFD_INFO_EXIT,
        ..PidfdInfo::default()
    };
    // SAFETY: the kernel writes at most size_of::<PidfdInfo>() bytes, encoded in the request.
    let rc = unsafe { libc::ioctl(pidfd.as_raw_fd(), PIDFD_GET_INFO as _, &mut info) };
    if rc == 0 {
        if info.mask & PIDFD_INFO_PID == 0 {
            return Ok(Some(Info::Reaped));
        }
        let pid = libc::pid_t::try_from(info.pid).map_err(|_| Error::Os(libc::EPROTO))?;
        let ppid = libc::pid_t::try_from(info.ppid).map_err(|_| Error::Os(libc::EPROTO))?;
        return Ok(Some(Info::Visible { pid, ppid }));
    }
    match Error::last_os_error() {
        // Outside the caller's namespace, as newer kernels (6.18) say it.
        Error::Os(libc::EREMOTE) => Ok(Some(Info::NotVisible)),
        // Older ones say ESRCH for that, as for a reaped process on
        // 6.13/6.14 (which lack PIDFD_INFO_EXIT): poll tells them apart.
        Error::Os(libc::ESRCH) => Ok(Some(match liveness(pidfd)? {
            Liveness::Reaped => Info::Reaped,
            Liveness::Alive | Liveness::Exited => Info::NotVisible,
        })),
        Error::Os(libc::ENOTTY | libc::EINVAL | libc::ENOSYS) => Ok(None),
        Error::Os(libc::EBADF) => Err(Error::BadDescriptor),
        err => Err(err),
    }
}
