//! How a pidfd's pid (and its parent's) is learned in the caller's PID
//! namespace: `PIDFD_GET_INFO` (Linux 6.13), which numbers pids in the
//! caller's namespace and needs no /proc; on older kernels the pidfd's fdinfo,
//! whose numbers are /proc's, used only once /proc is proven to number
//! processes like the caller (see procfs).

use std::os::fd::BorrowedFd;

use crate::liveness::{liveness, Liveness};
use crate::pidfd_info::{self, PIDFD_INFO_EXIT, PIDFD_INFO_PID};
use crate::procfs::{self, FdinfoPid};
use crate::Error;

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

/// `PIDFD_GET_INFO`'s pid and parent, or None where the kernel lacks it (the
/// fdinfo path then also says EINVAL for a descriptor that is not a pidfd).
fn info(pidfd: BorrowedFd<'_>) -> Result<Option<Info>, Error> {
    match pidfd_info::get(pidfd, PIDFD_INFO_PID | PIDFD_INFO_EXIT) {
        Ok(Some(info)) => {
            if info.mask & PIDFD_INFO_PID == 0 {
                return Ok(Some(Info::Reaped));
            }
            let pid = libc::pid_t::try_from(info.pid).map_err(|_| Error::Os(libc::EPROTO))?;
            let ppid = libc::pid_t::try_from(info.ppid).map_err(|_| Error::Os(libc::EPROTO))?;
            Ok(Some(Info::Visible { pid, ppid }))
        }
        Ok(None) => Ok(None),
        // Outside the caller's namespace, as newer kernels (6.18) say it.
        Err(Error::Os(libc::EREMOTE)) => Ok(Some(Info::NotVisible)),
        // Older ones say ESRCH for that, as for a reaped process on
        // 6.13/6.14 (which lack PIDFD_INFO_EXIT): poll tells them apart.
        Err(Error::Os(libc::ESRCH)) => Ok(Some(match liveness(pidfd)? {
            Liveness::Reaped => Info::Reaped,
            Liveness::Alive | Liveness::Exited => Info::NotVisible,
        })),
        Err(err) => Err(err),
    }
}
