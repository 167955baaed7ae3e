//! How the peer's pidfd is obtained: `SO_PEERPIDFD` (Linux 6.5), the pidfd of
//! the very process that connected, after `read()`'s checks of the socket;
//! where the kernel lacks it, the proven fallback of peer_pidfd_fallback.

use std::os::fd::{AsFd, BorrowedFd, FromRawFd, OwnedFd};

use crate::cred::read_fd;
use crate::liveness::{liveness, Liveness};
use crate::{peer_pidfd_fallback, sockopt, Error, Fallback, PeerCred, PeerProcess, Source};

/// The peer process, with the pid that `read()` gives for the socket (the
/// kernel keeps one peer for both options), numbered in the caller's PID
/// namespace, and what the kernel recorded at connect.
pub(crate) fn take(fd: BorrowedFd<'_>, fallback: Fallback) -> Result<PeerProcess, Error> {
    let cred = read_fd(fd)?;
    Ok(named(fd, &cred, fallback)?.connected_as(cred))
}

fn named(fd: BorrowedFd<'_>, cred: &PeerCred, fallback: Fallback) -> Result<PeerProcess, Error> {
    // optlen must be exactly sizeof(int): with a shorter buffer the kernel would
    // install a descriptor whose number it never reports, leaking it.
    let pidfd = match sockopt::get_int(fd, libc::SO_PEERPIDFD) {
        // SAFETY: the kernel just installed this descriptor for us; we own it.
        Ok(raw) => unsafe { OwnedFd::from_raw_fd(raw) },
        Err(Error::Os(libc::ENOPROTOOPT)) => {
            return match fallback {
                Fallback::Allow => peer_pidfd_fallback::prove(fd, cred),
                Fallback::Refuse => Err(Error::Unsupported(
                    "SO_PEERPIDFD needs Linux 6.5 or later (its fallback was refused)",
                )),
            }
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
    Ok(PeerProcess::held(pidfd, cred.pid(), Source::PeerPidfd))
}
