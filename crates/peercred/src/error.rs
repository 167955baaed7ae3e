use std::fmt;
use std::io;

/// Why peercred gave no answer. Every variant has one errno ([`Error::errno`]),
/// which the C ABI returns negated and the bindings raise as the OS error of
/// their language.
///
/// # Into `std::io::Error`
///
/// `io::Error::from(err)` (and `?` in a function returning `io::Result`) is the
/// OS error of [`Error::errno`], as std and tokio make them: `raw_os_error()`
/// is `Some(errno)` and `kind()` follows from it, so code that matches
/// `raw_os_error() == Some(libc::EBADF)` keeps working. Like every OS error it
/// carries no more than the errno: the explanation (which of the `ENOTCONN`
/// cases, and what to do) is this type's `Display`. Keep it by logging or
/// matching the `peercred::Error` before converting, or by propagating it as
/// itself (`Box<dyn std::error::Error>` and `anyhow` keep it, and
/// `downcast_ref::<peercred::Error>()` gives it back).
///
/// ```
/// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
/// let err = peercred::read(&a).unwrap_err(); // our own socketpair: no other end to describe
/// assert!(err.to_string().contains("this process itself"));
/// let io = std::io::Error::from(err);
/// assert_eq!(io.raw_os_error(), Some(libc::ENOTCONN));
/// assert_eq!(io.kind(), std::io::ErrorKind::NotConnected);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// `EBADF`: not an open descriptor (closed, negative, or opened with `O_PATH`).
    BadDescriptor,
    /// `ENOTSOCK`: the descriptor is open but is not a socket (a pipe, a file, `/dev/null`).
    NotASocket,
    /// `EAFNOSUPPORT`: a socket of another family (TCP, UDP, netlink…); only
    /// `AF_UNIX` sockets carry peer credentials.
    NotUnixSocket,
    /// `ENOTCONN`: an `AF_UNIX` socket with no connected peer; the reason says which kind.
    NotConnected(NotConnected),
    /// `ENOPROTOOPT`: the running kernel lacks the socket option (`SO_PEERPIDFD`
    /// needs Linux 6.5). peercred never falls back to a racy substitute.
    Unsupported(&'static str),
    /// `ESRCH`: the peer process has exited, so nothing can be said about it any more.
    PeerExited,
    /// `EREMOTE`: the peer's pid is not visible in the caller's PID namespace, so
    /// `/proc` cannot describe it from here.
    PidNotVisible,
    /// `EREMOTE`: the process is in a cgroup outside the caller's cgroup
    /// namespace (its path starts with `/..`), so the caller cannot name it.
    CgroupNotVisible,
    /// `ENXIO`: `/proc` does not show the process (or the calling thread): it
    /// is mounted for another PID namespace, or not mounted. Mount a `/proc`
    /// for the caller's PID namespace (`unshare --pid --fork --mount-proc`).
    ForeignProc,
    /// `ENODATA`: a message carried no credentials: it was queued before
    /// [`crate::pass_credentials`], or the socket does not pass them.
    NoCredentials,
    /// Any other errno the kernel returned, passed through.
    Os(i32),
}

/// Which kind of unconnected `AF_UNIX` socket was handed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NotConnected {
    /// Never connected, or only bound.
    Unconnected,
    /// A listening socket: its `SO_PEERCRED` names the listener itself.
    Listening,
    /// A datagram socket after `connect()`: it has no peer credentials.
    Datagram,
    /// The credentials name the calling process itself: a socketpair it made
    /// (Node's `child_process` stdio and IPC channel, Python's
    /// `multiprocessing.Pipe()`), or a connection to one of its own listeners.
    /// They say who created the socket, not who holds the other end now.
    OwnProcess,
}

impl Error {
    /// The errno this error stands for (positive, as in `errno.h`).
    ///
    /// ```
    /// assert_eq!(peercred::Error::NotUnixSocket.errno(), libc::EAFNOSUPPORT);
    /// ```
    pub fn errno(&self) -> i32 {
        match self {
            Error::BadDescriptor => libc::EBADF,
            Error::NotASocket => libc::ENOTSOCK,
            Error::NotUnixSocket => libc::EAFNOSUPPORT,
            Error::NotConnected(_) => libc::ENOTCONN,
            Error::Unsupported(_) => libc::ENOPROTOOPT,
            Error::PeerExited => libc::ESRCH,
            Error::PidNotVisible | Error::CgroupNotVisible => libc::EREMOTE,
            Error::ForeignProc => libc::ENXIO,
            Error::NoCredentials => libc::ENODATA,
            Error::Os(errno) => *errno,
        }
    }

    /// The error for an errno from a system call on the socket descriptor.
    pub(crate) fn from_socket_errno(errno: i32) -> Error {
        match errno {
            libc::EBADF => Error::BadDescriptor,
            libc::ENOTSOCK => Error::NotASocket,
            other => Error::Os(other),
        }
    }

    pub(crate) fn last_os_error() -> Error {
        Error::Os(
            io::Error::last_os_error()
                .raw_os_error()
                .unwrap_or(libc::EIO),
        )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::BadDescriptor => f.write_str(
                "bad file descriptor: it is closed, negative or opened with O_PATH; \
                 pass the descriptor of a connected Unix domain socket",
            ),
            Error::NotASocket => f.write_str(
                "not a socket: pass the descriptor of a connected Unix domain socket",
            ),
            Error::NotUnixSocket => f.write_str(
                "not a Unix domain socket: only AF_UNIX sockets carry peer credentials",
            ),
            Error::NotConnected(NotConnected::Unconnected) => f.write_str(
                "socket is not connected: there is no peer to describe",
            ),
            Error::NotConnected(NotConnected::Listening) => f.write_str(
                "listening socket: read the accepted connection",
            ),
            Error::NotConnected(NotConnected::Datagram) => f.write_str(
                "datagram socket has no connected peer: credentials travel per message \
                 (SCM_CREDENTIALS)",
            ),
            Error::NotConnected(NotConnected::OwnProcess) => f.write_str(
                "the socket's credentials name this process itself (a socketpair it created, \
                 such as child_process stdio or IPC channels and multiprocessing.Pipe, or a \
                 connection to itself), not whoever holds the other end: have the other end \
                 send per-message credentials (SCM_CREDENTIALS)",
            ),
            Error::Unsupported(what) => {
                write!(f, "not supported by this kernel: {what}")
            }
            Error::PeerExited => f.write_str(
                "peer exited: the process that connected is gone, so nothing more can be said about it",
            ),
            Error::PidNotVisible => f.write_str(
                "peer is outside this PID namespace: its pid is not visible from here",
            ),
            Error::CgroupNotVisible => f.write_str(
                "peer is in a cgroup outside this cgroup namespace: its cgroup cannot be named from here",
            ),
            Error::ForeignProc => f.write_str(
                "/proc does not show this process: it is mounted for another PID namespace, \
                 or not at all; mount a /proc for this PID namespace (unshare --mount-proc)",
            ),
            Error::NoCredentials => f.write_str(
                "the message carried no credentials: it was queued before pass_credentials(), \
                 or the socket does not pass them",
            ),
            Error::Os(errno) => io::Error::from_raw_os_error(*errno).fmt(f),
        }
    }
}

impl std::error::Error for Error {}

/// The OS error of [`Error::errno`]: see "Into `std::io::Error`" above.
impl From<Error> for io::Error {
    fn from(err: Error) -> io::Error {
        io::Error::from_raw_os_error(err.errno())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// std's convention for every variant: code that matched the errno of an
    /// io::Error before switching to peercred keeps matching.
    #[test]
    fn io_error_is_the_os_error_of_every_variant() {
        let every = [
            Error::BadDescriptor,
            Error::NotASocket,
            Error::NotUnixSocket,
            Error::NotConnected(NotConnected::Unconnected),
            Error::NotConnected(NotConnected::Listening),
            Error::NotConnected(NotConnected::Datagram),
            Error::NotConnected(NotConnected::OwnProcess),
            Error::Unsupported("SO_PEERPIDFD needs Linux 6.5 or later"),
            Error::PeerExited,
            Error::PidNotVisible,
            Error::CgroupNotVisible,
            Error::ForeignProc,
            Error::Os(libc::EACCES),
            Error::Os(libc::EPROTO),
        ];
        for err in every {
            let io = io::Error::from(err);
            assert_eq!(io.raw_os_error(), Some(err.errno()), "{err:?}");
            assert_eq!(
                io.kind(),
                io::Error::from_raw_os_error(err.errno()).kind(),
                "{err:?}"
            );
            // The explanation stays with the peercred::Error, and comes back
            // out of a Box<dyn Error>.
            let boxed: Box<dyn std::error::Error> = err.into();
            assert_eq!(boxed.downcast_ref::<Error>(), Some(&err));
        }
    }
}
