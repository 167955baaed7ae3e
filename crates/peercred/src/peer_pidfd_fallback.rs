//! The peer's pidfd where the kernel lacks `SO_PEERPIDFD` (Linux 5.3 to 6.4):
//! pin the pid that `SO_PEERCRED` recorded with `pidfd_open(2)`, then prove
//! that the pinned process is on the other end of this very connection
//! before anything is returned.
//!
//! The recorded pid is a number: once the peer has been reaped it can name
//! any process. `pidfd_open` pins whichever process has it now; that process
//! is kept only if, read through `/proc` while it provably lived (the pidfd
//! says it still runs afterwards), it holds a descriptor of
//! - the other end of our connection, which `sock_diag` names by inode for
//!   our socket (looked up by inode and `SO_COOKIE`, so exactly ours), or
//! - for a connecting socket whose connection still waits to be accepted (its
//!   other end has no inode yet), the listener whose queue holds it.
//!
//! A process that merely took over the pid holds neither, unless it was given
//! them (SECURITY.md says what that leaves open). A peer that has exited but
//! not yet been reaped holds nothing any more: it is reported as exited.

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use crate::liveness::{liveness, Liveness};
use crate::pidfd_open::pidfd_open;
use crate::{held_sockets, procfs, unix_diag, Error, PeerCred, PeerProcess, Source, Unproven};

/// The proven peer of `fd`, whose credentials `read()` gave as `cred`.
pub(crate) fn prove(fd: BorrowedFd<'_>, cred: &PeerCred) -> Result<PeerProcess, Error> {
    // A peer outside our PID namespace has no pid here to pin.
    let pid = cred.pid().ok_or(Error::PidNotVisible)?;
    let pidfd = pin(pid)?;
    // A zombie holds no descriptors: nothing could prove it is the peer, and
    // whether it is or took the pid after the peer was reaped, the peer has
    // exited.
    if liveness(pidfd.as_fd())? != Liveness::Alive {
        return Err(Error::PeerExited);
    }
    let process = PeerProcess::held(pidfd, Some(pid), Source::SockDiag);
    let ours = unix_diag::identify(fd)?;
    // A connection accepted between the two questions moves from the
    // listener's queue to an accepted socket: ask once more.
    for _ in 0..2 {
        let ends = match unix_diag::peer_of(ours)? {
            Some(peer) => vec![peer],
            None => unix_diag::listeners_queueing(ours.ino)?,
        };
        if ends.is_empty() {
            continue;
        }
        let held = process
            .fact(|proc_pid| {
                Ok(match held_sockets::holds_any(proc_pid, &ends)? {
                    true => Held::Yes,
                    // Its descriptors are released as its exit begins.
                    false if procfs::process_exiting(proc_pid) => Held::Exiting,
                    false => Held::No,
                })
            })
            .map_err(|err| match err {
                Error::Os(libc::EACCES) => Error::Unproven(Unproven::NoAccess),
                err => err,
            })?;
        return match held {
            Held::Yes => Ok(process),
            Held::Exiting => Err(Error::PeerExited),
            Held::No => Err(Error::Unproven(Unproven::NotHeld)),
        };
    }
    // No other end with an inode and no listener queueing us: the other end
    // was closed by everyone who held it.
    Err(Error::Unproven(Unproven::NotHeld))
}

enum Held {
    Yes,
    Exiting,
    No,
}

fn pin(pid: libc::pid_t) -> Result<OwnedFd, Error> {
    pidfd_open(pid).map_err(|err| match err {
        Error::Os(libc::ENOSYS) => Error::Unsupported(
            "SO_PEERPIDFD needs Linux 6.5 or later, and its fallback pidfd_open Linux 5.3",
        ),
        // No process has the pid (ESRCH), or only a thread of another process
        // (EINVAL): the peer has exited and been reaped.
        Error::Os(libc::ESRCH | libc::EINVAL) => Error::PeerExited,
        err => err,
    })
}
