//! A process's exit: waiting for it without polling (the pidfd becomes
//! readable when the whole process has exited), and its exit status where
//! the kernel keeps it for pidfds (`PIDFD_INFO_EXIT`, Linux 6.15: recorded
//! when the process is reaped by its parent, readable by anyone who holds a
//! pidfd of it within their PID namespace's view).

use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;
use std::time::{Duration, Instant};

use crate::liveness::{liveness, Liveness};
use crate::pidfd_info::{self, PIDFD_INFO_EXIT};
use crate::{fault, procfs, Error, PeerProcess};

impl PeerProcess {
    /// Blocks until the whole process has exited (a main thread that exits
    /// while others run on does not count), or `timeout` passes: `true` once
    /// it has exited, `false` on timeout. Without a timeout it waits as long
    /// as it takes. An event loop waits instead on the pidfd itself
    /// ([`AsFd`]): it becomes readable at the exit.
    pub fn wait_exit(&self, timeout: Option<Duration>) -> Result<bool, Error> {
        fault::maybe_panic();
        let deadline = timeout.map(|t| Instant::now() + t);
        loop {
            if liveness(self.as_fd())? != Liveness::Alive {
                return Ok(true);
            }
            let wait_ms = match deadline {
                None => -1,
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Ok(false);
                    }
                    // Rounded up, so that a short wait never spins at 0 ms.
                    left.as_nanos().div_ceil(1_000_000).min(i32::MAX as u128) as i32
                }
            };
            let mut poll = libc::pollfd {
                fd: self.as_fd().as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd.
            if unsafe { libc::poll(&mut poll, 1, wait_ms) } < 0 {
                match Error::last_os_error() {
                    Error::Os(libc::EINTR) => {}
                    err => return Err(err),
                }
            }
        }
    }

    /// How the process ended, once the kernel has recorded it for pidfds:
    /// `None` while it runs and while it is a zombie (its parent has not
    /// reaped it yet); its wait status, as `waitpid` would give it to the
    /// parent, after. Linux 6.15 (`PIDFD_INFO_EXIT`); [`Error::Unsupported`]
    /// before, and [`Error::PidNotVisible`] for a process outside the
    /// caller's PID namespace (the kernel refuses it).
    ///
    /// The status is the main thread's: a process whose main thread called
    /// `pthread_exit()` before another thread called `exit(n)` reports the
    /// main thread's own status, not n.
    pub fn exit_status(&self) -> Result<Option<ExitStatus>, Error> {
        status(self.as_fd())
    }
}

/// [`PeerProcess::exit_status`] of any pidfd, also of a reaped process
/// (which [`PeerProcess::from_pidfd`] refuses to hold).
pub(crate) fn status(pidfd: BorrowedFd<'_>) -> Result<Option<ExitStatus>, Error> {
    fault::maybe_panic();
    let unsupported = Error::Unsupported("exit status through a pidfd needs Linux 6.15 or later");
    match pidfd_info::get(pidfd, PIDFD_INFO_EXIT) {
        Ok(Some(info)) if info.mask & PIDFD_INFO_EXIT != 0 => {
            Ok(Some(ExitStatus::from_raw(info.exit_code)))
        }
        // Not reaped yet.
        Ok(Some(_)) => Ok(None),
        // No PIDFD_GET_INFO, or no pidfd at all (its fdinfo has no Pid line: EINVAL).
        Ok(None) => procfs::fdinfo_pid(pidfd).and(Err(unsupported)),
        Err(Error::Os(libc::EREMOTE)) => Err(Error::PidNotVisible),
        // 6.13 and 6.14 refuse a reaped process (they lack PIDFD_INFO_EXIT),
        // and older kernels than 6.18 one outside the caller's namespace.
        Err(Error::Os(libc::ESRCH)) => match liveness(pidfd)? {
            Liveness::Reaped => Err(unsupported),
            Liveness::Alive | Liveness::Exited => Err(Error::PidNotVisible),
        },
        Err(err) => Err(err),
    }
}
