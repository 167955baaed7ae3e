use std::os::fd::{AsFd, BorrowedFd};

use crate::{fault, idmap, sockopt, Error, IdMapping, NotConnected};

/// The peer's credentials as the kernel recorded them when the connection was made.
///
/// ```no_run
/// # fn f(conn: std::os::unix::net::UnixStream) -> Result<(), peercred::Error> {
/// let cred = peercred::read(&conn)?;
/// if cred.uid() != 0 {
///     eprintln!("refusing uid {} (pid {:?})", cred.uid(), cred.pid());
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PeerCred {
    pid: Option<libc::pid_t>,
    uid: libc::uid_t,
    gid: libc::gid_t,
}

impl PeerCred {
    /// Credentials the kernel vouched for in another way (a message's
    /// `SCM_CREDENTIALS`); the caller has already refused its placeholders.
    pub(crate) fn from_parts(
        pid: Option<libc::pid_t>,
        uid: libc::uid_t,
        gid: libc::gid_t,
    ) -> PeerCred {
        PeerCred { pid, uid, gid }
    }

    /// The pid of the process that connected (or created the socket pair), as seen
    /// from the caller's PID namespace; `None` when that process is outside it.
    ///
    /// The pid names the process only while it is alive: use [`crate::pidfd`] or
    /// [`crate::PeerProcess`] to learn more about it without racing pid reuse.
    pub fn pid(&self) -> Option<libc::pid_t> {
        self.pid
    }

    /// The peer's effective uid at connect time, as the caller's user namespace
    /// numbers it. A peer with no uid in that namespace is given the kernel's
    /// overflow uid (`/proc/sys/kernel/overflowuid`, usually 65534): ask
    /// [`PeerCred::uid_mapping`] before treating the number as an account.
    pub fn uid(&self) -> libc::uid_t {
        self.uid
    }

    /// The peer's effective gid at connect time, as the caller's user namespace
    /// numbers it; the overflow gid (`/proc/sys/kernel/overflowgid`) when it has
    /// none there: see [`PeerCred::gid_mapping`].
    pub fn gid(&self) -> libc::gid_t {
        self.gid
    }

    /// Whether [`PeerCred::uid`] is a real uid here or the kernel's placeholder
    /// for "no uid in this user namespace": [`crate::uid_mapping`] of it.
    pub fn uid_mapping(&self) -> Result<IdMapping, Error> {
        idmap::uid_mapping(self.uid)
    }

    /// Whether [`PeerCred::gid`] is a real gid here or the placeholder:
    /// [`crate::gid_mapping`] of it.
    pub fn gid_mapping(&self) -> Result<IdMapping, Error> {
        idmap::gid_mapping(self.gid)
    }
}

/// Reads the credentials of the peer of a connected Unix domain socket.
///
/// Costs three system calls, each of which an exact answer needs:
/// `getsockopt(SO_PEERCRED)`; `getsockopt(SO_ACCEPTCONN)`, because a listening
/// socket's answer names whoever called `listen()` (socket activation hands
/// services a listener made by the manager, a pre-fork server its children one
/// made by the parent); and `getpid()`, because an answer that names the caller
/// itself describes its own socketpair or a connection to itself, not whoever
/// holds the other end. The kernel's placeholder for "no peer" (uid
/// 4294967295) costs up to three more calls that find out why.
///
/// ```
/// use std::os::unix::net::UnixStream;
///
/// let (a, _b) = UnixStream::pair()?;
/// assert_eq!(
///     peercred::read(&a),
///     Err(peercred::Error::NotConnected(peercred::NotConnected::OwnProcess))
/// );
///
/// let tcp = std::net::TcpListener::bind("127.0.0.1:0")?;
/// assert_eq!(peercred::read(&tcp), Err(peercred::Error::NotUnixSocket));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read(socket: &impl AsFd) -> Result<PeerCred, Error> {
    fault::maybe_panic();
    read_fd(socket.as_fd())
}

pub(crate) fn read_fd(fd: BorrowedFd<'_>) -> Result<PeerCred, Error> {
    // SAFETY: struct ucred is three integers.
    let ucred: libc::ucred = unsafe { sockopt::get(fd, libc::SO_PEERCRED)? };
    if ucred.uid == libc::uid_t::MAX {
        return Err(diagnose_no_peer(fd));
    }
    // Asked on every read, whoever made the socket. SO_ACCEPTCONN is the
    // interface that says "listening", and needs no permission beyond
    // SO_PEERCRED's. ioctl(SIOCINQ) measured 75 ns cheaper, but its EINVAL on
    // a listener is an af_unix implementation detail (an emulated Linux ABI
    // need not refuse), it walks the receive queue under its lock, and
    // SELinux and seccomp judge ioctls apart from getsockopt.
    if sockopt::get_int(fd, libc::SO_ACCEPTCONN)? != 0 {
        return Err(Error::NotConnected(NotConnected::Listening));
    }
    // A real getpid(), never a cached pid: a child made by a raw clone(2) runs
    // no atfork handler, and a CLONE_VM child shares (rather than gets a wiped
    // copy of) a MADV_WIPEONFORK page, so only the kernel knows who is calling.
    // SAFETY: getpid has no preconditions.
    if ucred.pid == unsafe { libc::getpid() } {
        return Err(Error::NotConnected(NotConnected::OwnProcess));
    }
    Ok(PeerCred {
        pid: (ucred.pid != 0).then_some(ucred.pid),
        uid: ucred.uid,
        gid: ucred.gid,
    })
}

/// Says why the kernel answered with its placeholder instead of credentials.
fn diagnose_no_peer(fd: BorrowedFd<'_>) -> Error {
    let classify = || -> Result<Error, Error> {
        if sockopt::get_int(fd, libc::SO_DOMAIN)? != libc::AF_UNIX {
            return Ok(Error::NotUnixSocket);
        }
        if sockopt::get_int(fd, libc::SO_ACCEPTCONN)? != 0 {
            return Ok(Error::NotConnected(NotConnected::Listening));
        }
        Ok(
            if sockopt::get_int(fd, libc::SO_TYPE)? == libc::SOCK_DGRAM {
                Error::NotConnected(NotConnected::Datagram)
            } else {
                Error::NotConnected(NotConnected::Unconnected)
            },
        )
    };
    classify().unwrap_or_else(|err| err)
}
