use std::os::fd::{AsFd, BorrowedFd};

use crate::own_pid::own_pid;
use crate::{fault, sockopt, Error, NotConnected};

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
    ///
    /// ```
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// assert_eq!(peercred::read(&a)?.pid(), Some(std::process::id() as i32));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn pid(&self) -> Option<libc::pid_t> {
        self.pid
    }

    /// The peer's effective uid at connect time, mapped into the caller's user
    /// namespace (65534 when it has no mapping there).
    ///
    /// ```
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// assert_eq!(peercred::read(&a)?.uid(), unsafe { libc::geteuid() });
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn uid(&self) -> libc::uid_t {
        self.uid
    }

    /// The peer's effective gid at connect time, mapped into the caller's user
    /// namespace (65534 when it has no mapping there).
    ///
    /// ```
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// assert_eq!(peercred::read(&a)?.gid(), unsafe { libc::getegid() });
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn gid(&self) -> libc::gid_t {
        self.gid
    }
}

/// Reads the credentials of the peer of a connected Unix domain socket.
///
/// Costs one `getsockopt(SO_PEERCRED)` when the peer is another process. When the
/// kernel's answer is its placeholder for "no peer" (uid 4294967295), or names the
/// calling process itself, up to three more calls find out why: the placeholder
/// becomes an [`Error`], and a listening socket (whose answer is the listener's
/// own credentials) becomes [`NotConnected::Listening`].
///
/// ```
/// use std::os::unix::net::UnixStream;
///
/// let (a, _b) = UnixStream::pair()?;
/// let cred = peercred::read(&a)?;
/// assert_eq!(cred.uid(), unsafe { libc::geteuid() });
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
    if ucred.pid == own_pid() && sockopt::get_int(fd, libc::SO_ACCEPTCONN)? != 0 {
        return Err(Error::NotConnected(NotConnected::Listening));
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
