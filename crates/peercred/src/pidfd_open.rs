//! `pidfd_open(2)` (Linux 5.3): a pidfd for whichever process has a pid now.

use std::os::fd::{FromRawFd, OwnedFd, RawFd};

use crate::Error;

/// A new close-on-exec pidfd for the process `pid` names in the caller's PID
/// namespace; the kernel's errno otherwise (`ENOSYS` before Linux 5.3).
pub(crate) fn pidfd_open(pid: libc::pid_t) -> Result<OwnedFd, Error> {
    // SAFETY: pidfd_open returns a new close-on-exec descriptor or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    if fd < 0 {
        return Err(Error::last_os_error());
    }
    // SAFETY: the kernel just installed this descriptor for us; we own it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}
