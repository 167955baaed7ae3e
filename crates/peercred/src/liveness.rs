//! Whether a pidfd's process still runs, from poll(2) on the pidfd: readable
//! once the whole process has exited (a leader thread that exited while other
//! threads run on does not count), and since Linux 6.9 also POLLHUP once it
//! has been reaped. One system call, no /proc.

use std::os::fd::{AsRawFd, BorrowedFd};

use crate::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Liveness {
    Alive,
    /// Exited: a zombie, or reaped on a kernel older than 6.9.
    Exited,
    Reaped,
}

pub(crate) fn liveness(pidfd: BorrowedFd<'_>) -> Result<Liveness, Error> {
    let mut poll = libc::pollfd {
        fd: pidfd.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    loop {
        // SAFETY: one valid pollfd, no timeout.
        let rc = unsafe { libc::poll(&mut poll, 1, 0) };
        if rc >= 0 {
            return Ok(match poll.revents {
                r if r & libc::POLLNVAL != 0 => return Err(Error::BadDescriptor),
                r if r & libc::POLLHUP != 0 => Liveness::Reaped,
                r if r & libc::POLLIN != 0 => Liveness::Exited,
                _ => Liveness::Alive,
            });
        }
        let err = Error::last_os_error();
        if err != Error::Os(libc::EINTR) {
            return Err(err);
        }
    }
}

pub(crate) fn is_alive(pidfd: BorrowedFd<'_>) -> Result<bool, Error> {
    Ok(liveness(pidfd)? == Liveness::Alive)
}
