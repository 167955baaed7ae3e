//! Facts about the peer process, read race-free through its pidfd.

use std::ffi::OsString;
use std::fs;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStringExt;
use std::path::PathBuf;

use crate::{fault, Error};

/// The process at the other end of a socket, held by a pidfd.
///
/// Every fact is read from `/proc/PID` and then confirmed by checking that the
/// pidfd's process is still alive: while it lives, its pid cannot name anyone
/// else, so a fact read before that check belongs to it. A read that races with
/// the peer's exit fails with [`Error::PeerExited`] instead of describing
/// whichever process holds the pid now (polkit's CVE-2013-4288 was that bug).
/// When the peer is outside the caller's PID namespace, [`PeerProcess::pid`] is
/// `None` and the `/proc` facts fail with [`Error::PidNotVisible`].
///
/// ```no_run
/// # fn f(conn: std::os::unix::net::UnixStream) -> Result<(), peercred::Error> {
/// let peer = peercred::PeerProcess::from_socket(&conn)?;
/// println!("{:?} runs {:?} in session {:?}", peer.pid(), peer.exe()?, peer.session_id()?);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct PeerProcess {
    pidfd: OwnedFd,
    pid: Option<libc::pid_t>,
}

/// What a pidfd's fdinfo says of its process's pid.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum FdinfoPid {
    Visible(libc::pid_t),
    /// The process lives in a PID namespace that /proc's cannot see.
    NotVisible,
    Reaped,
}

impl PeerProcess {
    /// Takes the peer's pidfd ([`crate::pidfd`]) and holds it.
    pub fn from_socket(socket: &impl AsFd) -> Result<PeerProcess, Error> {
        PeerProcess::from_pidfd(crate::pidfd(socket)?)
    }

    /// Holds a pidfd obtained elsewhere (`SO_PEERPIDFD`, `pidfd_open`, `clone3`).
    /// Fails with [`Error::PeerExited`] if its process has been reaped.
    pub fn from_pidfd(pidfd: OwnedFd) -> Result<PeerProcess, Error> {
        fault::maybe_panic();
        let pid = match fdinfo_pid(pidfd.as_fd())? {
            FdinfoPid::Visible(pid) => Some(pid),
            FdinfoPid::NotVisible => None,
            FdinfoPid::Reaped => return Err(Error::PeerExited),
        };
        Ok(PeerProcess { pidfd, pid })
    }

    /// The peer's pid in the caller's PID namespace, or `None` when it is not visible there.
    pub fn pid(&self) -> Option<libc::pid_t> {
        self.pid
    }

    /// Whether the peer is still running: `false` once it has exited, zombie or reaped.
    pub fn is_alive(&self) -> Result<bool, Error> {
        fault::maybe_panic();
        is_alive(self.pidfd.as_fd())
    }

    /// The peer's parent pid (0 when the parent is outside the caller's PID namespace).
    pub fn parent_pid(&self) -> Result<libc::pid_t, Error> {
        let stat = self.proc_read("stat")?;
        parse_field(stat_field(&stat, 3))
    }

    /// The peer's executable, as `/proc/PID/exe` names it.
    pub fn exe(&self) -> Result<PathBuf, Error> {
        self.confirmed(|path| fs::read_link(path.join("exe")))
    }

    /// The peer's command line: its arguments as the peer itself set them (the peer
    /// can write anything there; do not authorise on it).
    pub fn cmdline(&self) -> Result<Vec<OsString>, Error> {
        let raw = self.proc_read("cmdline")?;
        let raw = raw.strip_suffix(b"\0").unwrap_or(&raw);
        if raw.is_empty() {
            return Ok(Vec::new());
        }
        Ok(raw
            .split(|&b| b == 0)
            .map(|arg| OsString::from_vec(arg.to_vec()))
            .collect())
    }

    /// The peer's audit login session id (`/proc/PID/sessionid`), `None` when it
    /// belongs to no login session (the kernel's 4294967295).
    pub fn session_id(&self) -> Result<Option<u32>, Error> {
        let id: u32 = parse_field(&self.proc_read("sessionid")?)?;
        Ok((id != u32::MAX).then_some(id))
    }

    /// When the peer started, in clock ticks since boot (`/proc/PID/stat` field 22,
    /// as `ps` and polkit use it); with the pid it names the process uniquely.
    pub fn start_time(&self) -> Result<u64, Error> {
        let stat = self.proc_read("stat")?;
        parse_field(stat_field(&stat, 21))
    }

    /// The peer's current effective uid (it may differ from the uid at connect time).
    pub fn uid(&self) -> Result<libc::uid_t, Error> {
        self.status_id(b"Uid:")
    }

    /// The peer's current effective gid (it may differ from the gid at connect time).
    pub fn gid(&self) -> Result<libc::gid_t, Error> {
        self.status_id(b"Gid:")
    }

    /// Reads `/proc/PID/name`, confirmed by the liveness check afterwards.
    fn proc_read(&self, name: &str) -> Result<Vec<u8>, Error> {
        self.confirmed(|path| fs::read(path.join(name)))
    }

    fn status_id(&self, key: &[u8]) -> Result<u32, Error> {
        let status = self.proc_read("status")?;
        let line = status
            .split(|&b| b == b'\n')
            .find_map(|line| line.strip_prefix(key))
            .ok_or(Error::Os(libc::EPROTO))?;
        // "Uid:\treal\teffective\tsaved\tfs"
        parse_field(
            line.split(|b| b.is_ascii_whitespace())
                .filter(|f| !f.is_empty())
                .nth(1)
                .unwrap_or(b""),
        )
    }

    /// Runs a /proc read, then proves it described the peer: the pidfd's process
    /// must still be alive afterwards, so its pid was not reused in between.
    fn confirmed<T>(
        &self,
        read: impl FnOnce(&std::path::Path) -> io::Result<T>,
    ) -> Result<T, Error> {
        fault::maybe_panic();
        let pid = self.pid.ok_or(Error::PidNotVisible)?;
        let result = read(&PathBuf::from(format!("/proc/{pid}")));
        if !is_alive(self.pidfd.as_fd())? {
            return Err(Error::PeerExited);
        }
        result.map_err(|err| Error::Os(err.raw_os_error().unwrap_or(libc::EIO)))
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

/// A pidfd polls readable once its process has exited.
fn is_alive(pidfd: BorrowedFd<'_>) -> Result<bool, Error> {
    let mut poll = libc::pollfd {
        fd: pidfd.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    loop {
        // SAFETY: one valid pollfd, no timeout.
        let rc = unsafe { libc::poll(&mut poll, 1, 0) };
        if rc >= 0 {
            if poll.revents & libc::POLLNVAL != 0 {
                return Err(Error::BadDescriptor);
            }
            return Ok(rc == 0);
        }
        let err = Error::last_os_error();
        if err != Error::Os(libc::EINTR) {
            return Err(err);
        }
    }
}

/// Reads the `Pid:` line of a pidfd's fdinfo: the pid in /proc's PID namespace,
/// 0 when not visible there, -1 once reaped.
pub(crate) fn fdinfo_pid(pidfd: BorrowedFd<'_>) -> Result<FdinfoPid, Error> {
    let info = fs::read(format!("/proc/self/fdinfo/{}", pidfd.as_raw_fd()))
        .map_err(|err| Error::from_socket_errno(err.raw_os_error().unwrap_or(libc::EIO)))?;
    let value = info
        .split(|&b| b == b'\n')
        .find_map(|line| line.strip_prefix(b"Pid:"))
        // Not a pidfd: its fdinfo has no Pid line.
        .ok_or(Error::Os(libc::EINVAL))?;
    let pid: libc::pid_t = parse_field(value)?;
    Ok(match pid {
        -1 => FdinfoPid::Reaped,
        0 => FdinfoPid::NotVisible,
        pid => FdinfoPid::Visible(pid),
    })
}

/// Field `index` (0-based) of /proc/PID/stat. The command name (field 1) may hold
/// spaces and parentheses, so counting starts after its last ')'.
fn stat_field(stat: &[u8], index: usize) -> &[u8] {
    let after_comm = stat
        .iter()
        .rposition(|&b| b == b')')
        .map_or(stat, |i| &stat[i + 1..]);
    after_comm
        .split(|&b| b == b' ')
        .filter(|f| !f.is_empty())
        .nth(index - 2)
        .unwrap_or(b"")
}

fn parse_field<T: std::str::FromStr>(field: &[u8]) -> Result<T, Error> {
    std::str::from_utf8(field)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .ok_or(Error::Os(libc::EPROTO))
}
