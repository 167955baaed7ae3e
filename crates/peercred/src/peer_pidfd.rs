//! How the peer's pidfd is obtained: `SO_PEERPIDFD` (Linux 6.5), the pidfd of
//! the very process that connected, after `read()`'s checks of the socket.
//! A fallback for older kernels belongs here, beside it.

use std::os::fd::{AsFd, BorrowedFd, FromRawFd, OwnedFd};

use crate::cred::read_fd;
use crate::liveness::{liveness, Liveness};
use crate::{sockopt, Error, PeerCred};

/// The peer's pidfd, with the credentials that `read()` gives for the socket:
/// their pid names the same process (the kernel keeps one peer for both
/// options), numbered in the caller's PID namespace.
pub(crate) fn take(fd: BorrowedFd<'_>) -> Result<(OwnedFd, PeerCred), Error> {
    let cred = read_fd(fd)?;
    // optlen must be exactly sizeof(int): with a shorter buffer the kernel would
    // install a descriptor whose number it never reports, leaking it.
    let pidfd = match sockopt::get_int(fd, libc::SO_PEERPIDFD) {
        // SAFETY: the kernel just installed this descriptor for us; we own it.
        Ok(raw) => unsafe { OwnedFd::from_raw_fd(raw) },
        Err(Error::Os(libc::ENOPROTOOPT)) => {
            return Err(Error::Unsupported("SO_PEERPIDFD needs Linux 6.5 or later"))
        }
        // 6.5-6.15 refuse a reaped peer with EINVAL (some versions ESRCH).
        Err(Error::Os(libc::EINVAL)) | Err(Error::Os(libc::ESRCH)) => {
            return Err(Error::PeerExited)
        }
        Err(err) => return Err(err),
    };
    // Newer kernels hand out the pidfd of a reaped peer; it polls POLLHUP.
    if liveness(pidfd.as_fd())? == Liveness::Reaped {
        return Err(Error::PeerExited);
    }
    Ok((pidfd, cred))
}
