//! Facts about a process held by its pidfd, read race-free.

use std::ffi::OsString;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStringExt;
use std::path::Path;
use std::sync::OnceLock;

use crate::pidfd_pid::{self, PidfdPid};
use crate::procfs::{self, FdinfoPid};
use crate::{fault, liveness, peer_pidfd, proc_parse, Error, PeerCred};

/// A process held by a pidfd: the peer of a socket, any pidfd's process, or
/// the calling process itself ([`PeerProcess::own`]).
///
/// **Every fact here is read now, from the live process**, not recorded at
/// connect time like [`crate::read`]'s ids, [`crate::groups`] and
/// [`crate::security_label`]. A caller that can `exec` after connecting can
/// make these facts describe another program (an allow-listed binary, a
/// setuid one) while a process it forked keeps talking on the socket, so no
/// fact here binds a program to a connection. What does: a security label or
/// a dedicated uid or gid per program (a setgid binary), as recorded at connect.
///
/// Each fact is read from `/proc` and then confirmed by checking that the
/// pidfd's process is still alive: while it lives its pid cannot name anyone
/// else, so a fact read before that check belongs to it. A read that races
/// with the process's exit fails with [`Error::PeerExited`] instead of
/// describing whichever process holds the pid now (polkit's CVE-2013-4288).
/// A process whose main thread has exited while others run on is described by
/// a live thread, never by its zombie leader. A process outside the caller's
/// PID namespace has no [`PeerProcess::pid`], and its facts fail with
/// [`Error::PidNotVisible`]; where `/proc` belongs to another PID namespace
/// that does not show the process, they fail with [`Error::ForeignProc`].
///
/// ```no_run
/// # fn f(conn: std::os::unix::net::UnixStream) -> Result<(), peercred::Error> {
/// let peer = peercred::PeerProcess::from_socket(&conn)?;
/// let me = peercred::PeerProcess::own()?;
/// println!(
///     "{:?} runs /usr/bin/foo now: {}, shares our login session: {}",
///     peer.pid(),
///     peer.exe_matches("/usr/bin/foo")?,
///     peer.same_session(&me)?
/// );
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct PeerProcess {
    pidfd: OwnedFd,
    pid: Option<libc::pid_t>,
    /// What the kernel recorded at connect, for a process taken from a socket.
    connect: Option<PeerCred>,
    /// The number under which /proc shows the process (/proc's own numbering,
    /// from the pidfd's fdinfo), learned at the first /proc fact.
    proc_pid: OnceLock<libc::pid_t>,
}

impl PeerProcess {
    /// The peer process of a connected socket, held by its pidfd
    /// ([`crate::pidfd`]); its pid is the one [`crate::read`] gives.
    pub fn from_socket(socket: &impl AsFd) -> Result<PeerProcess, Error> {
        fault::maybe_panic();
        let (pidfd, cred) = peer_pidfd::take(socket.as_fd())?;
        let mut process = PeerProcess::held(pidfd, cred.pid());
        process.connect = Some(cred);
        Ok(process)
    }

    /// Holds a pidfd obtained elsewhere (`SO_PEERPIDFD`, `pidfd_open`, `clone3`).
    /// Fails with [`Error::PeerExited`] if its process has been reaped, and on
    /// kernels before 6.13 with [`Error::ForeignProc`] where /proc belongs to
    /// another PID namespace (the pid could not be told in the caller's).
    pub fn from_pidfd(pidfd: OwnedFd) -> Result<PeerProcess, Error> {
        fault::maybe_panic();
        let pid = match pidfd_pid::pid_of(pidfd.as_fd())? {
            PidfdPid::Visible(pid) => Some(pid),
            PidfdPid::NotVisible => None,
            PidfdPid::Reaped => return Err(Error::PeerExited),
        };
        Ok(PeerProcess::held(pidfd, pid))
    }

    /// The calling process, held and read the same way as a peer: to compare
    /// a peer with ourselves ([`PeerProcess::same_session`]). Needs
    /// `pidfd_open` (Linux 5.3).
    pub fn own() -> Result<PeerProcess, Error> {
        fault::maybe_panic();
        // SAFETY: getpid has no preconditions; pidfd_open returns a new
        // close-on-exec descriptor or -1.
        let (pid, fd) = unsafe {
            let pid = libc::getpid();
            (pid, libc::syscall(libc::SYS_pidfd_open, pid, 0))
        };
        if fd < 0 {
            return Err(match Error::last_os_error() {
                Error::Os(libc::ENOSYS) => {
                    Error::Unsupported("pidfd_open needs Linux 5.3 or later")
                }
                err => err,
            });
        }
        // SAFETY: the kernel just installed this descriptor for us; we own it.
        let pidfd = unsafe { OwnedFd::from_raw_fd(fd as RawFd) };
        Ok(PeerProcess::held(pidfd, Some(pid)))
    }

    fn held(pidfd: OwnedFd, pid: Option<libc::pid_t>) -> PeerProcess {
        PeerProcess {
            pidfd,
            pid,
            connect: None,
            proc_pid: OnceLock::new(),
        }
    }

    /// The credentials the kernel recorded at connect, for a process taken
    /// from a socket.
    pub(crate) fn connect(&self) -> Option<&PeerCred> {
        self.connect.as_ref()
    }

    /// The process's pid in the caller's PID namespace, or `None` when it is
    /// not visible there. Fixed for the process's life; after its exit the
    /// number can name another process (use the pidfd, never the number).
    pub fn pid(&self) -> Option<libc::pid_t> {
        self.pid
    }

    /// Whether the process is still running (now): `false` once it has
    /// exited, zombie or reaped. A process whose main thread exited while
    /// other threads run on is running.
    pub fn is_alive(&self) -> Result<bool, Error> {
        fault::maybe_panic();
        liveness::is_alive(self.pidfd.as_fd())
    }

    /// The pid of the process's parent now, in the caller's PID namespace;
    /// `None` when the parent is outside it (or the process is an init with no
    /// parent). The parent changes when it exits (the process is reparented).
    pub fn parent_pid(&self) -> Result<Option<libc::pid_t>, Error> {
        fault::maybe_panic();
        self.pid.ok_or(Error::PidNotVisible)?;
        if let Some(ppid) = pidfd_pid::parent_of(self.pidfd.as_fd())? {
            self.confirm()?;
            return Ok(ppid);
        }
        // Without PIDFD_GET_INFO: stat's numbers are /proc's, the caller's
        // only where /proc numbers like the caller.
        if !procfs::numbers_like_caller()? {
            return Err(Error::ForeignProc);
        }
        let stat = self.fact(|pid| procfs::read(&leader(pid).join("stat")))?;
        let ppid = parse::<libc::pid_t>(proc_parse::stat_field(&stat, 4))?;
        Ok((ppid != 0).then_some(ppid))
    }

    /// The process's command line now: its arguments as the process itself
    /// set them (it can write anything there; never authorise on it).
    pub fn cmdline(&self) -> Result<Vec<OsString>, Error> {
        let raw = self.fact(|pid| {
            procfs::in_live_task(
                pid,
                |dir| procfs::read(&dir.join("cmdline")),
                // A zombie leader has no memory, so no arguments.
                |dir, answer| {
                    procfs::is_gone(answer)
                        || matches!(answer, Ok(raw) if raw.is_empty() && procfs::task_exited(dir))
                },
            )
        })?;
        Ok(proc_parse::cmdline_args(&raw)
            .into_iter()
            .map(|arg| OsString::from_vec(arg.to_vec()))
            .collect())
    }

    /// The process's audit login session id now (`/proc/PID/sessionid`),
    /// `None` when it belongs to no login session (the kernel's 4294967295).
    /// An unprivileged process cannot move into another session (only a
    /// privileged login program starts a new one), but a session id is no
    /// identity of a program. Compare sessions with
    /// [`PeerProcess::same_session`], where "no session" matches nothing.
    pub fn session_id(&self) -> Result<Option<u32>, Error> {
        let raw = self.fact(|pid| {
            procfs::in_live_task(
                pid,
                |dir| procfs::read(&dir.join("sessionid")),
                |dir, answer| procfs::is_gone(answer) || procfs::task_exited(dir),
            )
        })?;
        let id: u32 = parse(Some(&raw))?;
        Ok((id != u32::MAX).then_some(id))
    }

    /// Whether both processes belong to the same login session now. A process
    /// in no login session shares it with nobody, not even with another
    /// session-less process: a daemon started outside any session (by
    /// systemd, cron, a container) does not admit every session-less caller.
    ///
    /// ```no_run
    /// # fn f(conn: std::os::unix::net::UnixStream) -> Result<bool, peercred::Error> {
    /// let peer = peercred::PeerProcess::from_socket(&conn)?;
    /// peer.same_session(&peercred::PeerProcess::own()?)
    /// # }
    /// ```
    pub fn same_session(&self, other: &PeerProcess) -> Result<bool, Error> {
        Ok(match (self.session_id()?, other.session_id()?) {
            (Some(ours), Some(theirs)) => ours == theirs,
            _ => false,
        })
    }

    /// When the process started, in clock ticks since boot (`/proc/PID/stat`
    /// field 22, as `ps` and polkit use it); with the pid it names the process
    /// uniquely.
    pub fn start_time(&self) -> Result<u64, Error> {
        let stat = self.fact(|pid| procfs::read(&leader(pid).join("stat")))?;
        parse(proc_parse::stat_field(&stat, 22))
    }

    /// The process's effective uid now, which differs from the uid that
    /// [`crate::read`] recorded at connect once it changed ids or executed a
    /// setuid program. Decide on the connect-time uid; this one is for
    /// diagnostics (a higher uid now proves nothing about the connection).
    pub fn uid(&self) -> Result<libc::uid_t, Error> {
        self.status_id(b"Uid:")
    }

    /// The process's effective gid now (see [`PeerProcess::uid`]): decide on
    /// the connect-time gid of [`crate::read`].
    pub fn gid(&self) -> Result<libc::gid_t, Error> {
        self.status_id(b"Gid:")
    }

    fn status_id(&self, key: &[u8]) -> Result<u32, Error> {
        let status = self.fact(|pid| {
            procfs::in_live_task(
                pid,
                |dir| procfs::read(&dir.join("status")),
                |_, answer| {
                    procfs::is_gone(answer)
                        || matches!(answer, Ok(status) if proc_parse::status_state(status)
                            .is_some_and(proc_parse::has_exited))
                },
            )
        })?;
        proc_parse::ids(&status, key)
            .map(|ids| ids[1])
            .ok_or(Error::Os(libc::EPROTO))
    }

    /// Runs a /proc read on the number under which /proc shows the process,
    /// then proves it described this process: the pidfd's process must still
    /// be alive afterwards, so that number was not reused in between.
    pub(crate) fn fact<T>(
        &self,
        read: impl FnOnce(libc::pid_t) -> io::Result<T>,
    ) -> Result<T, Error> {
        fault::maybe_panic();
        let result = read(self.proc_pid()?);
        self.confirm()?;
        result.map_err(|err| match procfs::errno(&err) {
            // No live thread left: the process is exiting.
            libc::ESRCH => Error::PeerExited,
            errno => Error::Os(errno),
        })
    }

    /// Proves that the process still runs, so that what was read before
    /// describes it.
    pub(crate) fn confirm(&self) -> Result<(), Error> {
        match liveness::is_alive(self.pidfd.as_fd())? {
            true => Ok(()),
            false => Err(Error::PeerExited),
        }
    }

    /// The process's number in /proc's own numbering (taken from the /proc
    /// mounted at the first fact: a /proc replaced under a live PeerProcess is
    /// not noticed). Facts of a process outside the caller's PID namespace are
    /// refused even where /proc could show it, so that they never depend on
    /// which /proc is mounted.
    fn proc_pid(&self) -> Result<libc::pid_t, Error> {
        self.pid.ok_or(Error::PidNotVisible)?;
        if let Some(&pid) = self.proc_pid.get() {
            return Ok(pid);
        }
        let pid = match procfs::fdinfo_pid(self.pidfd.as_fd())? {
            FdinfoPid::Shown(pid) => pid,
            FdinfoPid::NotShown => return Err(Error::ForeignProc),
            FdinfoPid::Reaped => return Err(Error::PeerExited),
        };
        Ok(*self.proc_pid.get_or_init(|| pid))
    }
}

impl AsFd for PeerProcess {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.pidfd.as_fd()
    }
}

impl From<PeerProcess> for OwnedFd {
    fn from(process: PeerProcess) -> OwnedFd {
        process.pidfd
    }
}

/// The thread-group leader's directory: process-wide facts (start time,
/// parent) that stay right while the leader is a zombie.
pub(crate) fn leader(pid: libc::pid_t) -> std::path::PathBuf {
    Path::new("/proc").join(pid.to_string())
}

fn parse<T: TryFrom<i64>>(field: Option<&[u8]>) -> Result<T, Error> {
    field
        .and_then(proc_parse::number)
        .and_then(|n| T::try_from(n).ok())
        .ok_or(Error::Os(libc::EPROTO))
}
