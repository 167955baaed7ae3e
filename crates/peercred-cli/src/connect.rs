//! Connecting to the server at PATH without ever blocking on a full backlog.
//!
//! A non-blocking `connect()` on an `AF_UNIX` stream socket whose listener's
//! accept queue is full fails at once with `EAGAIN`; unlike TCP there is no
//! `EINPROGRESS` to poll for. A blocking `connect()` sleeps until the queue has
//! room, which for a hung daemon is forever. Between the two, the kernel offers
//! exactly the bounded wait we want: a blocking connect honours `SO_SNDTIMEO`,
//! is woken as soon as the listener accepts, and fails with `EAGAIN` when the
//! time is up.
//!
//! PATH is a filesystem path, or `@NAME` for Linux's abstract namespace (as
//! `ss` and systemd write it); `./@NAME` is a file named `@NAME`.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::FileTypeExt;
use std::path::Path;
use std::time::Duration;

/// Why nothing could be connected at PATH.
#[derive(Debug)]
pub enum Unreachable {
    /// Nothing at PATH.
    Missing,
    /// PATH is a socket file, but nobody listens on it.
    Stale,
    /// Nobody listens at this abstract name.
    NotListening,
    /// PATH is not a socket at all.
    NotASocket,
    /// A datagram socket: it has no listener, so no creator for the kernel to record.
    Datagram,
    /// Somebody listens, but its accept queue stayed full for the whole wait.
    NotAccepting(Duration),
    /// Anything else, as the kernel said it.
    Os(io::Error),
}

impl std::fmt::Display for Unreachable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unreachable::Missing => f.write_str("no such socket"),
            Unreachable::Stale => f.write_str("nothing is listening (a stale socket file)"),
            Unreachable::NotListening => f.write_str("nothing is listening at this abstract name"),
            Unreachable::NotASocket => f.write_str("not a socket"),
            Unreachable::Datagram => f.write_str(
                "a datagram socket: it has no listener, so the kernel records no creator to \
                 describe (datagram senders' credentials travel per message)",
            ),
            Unreachable::NotAccepting(waited) if waited.is_zero() => {
                f.write_str("alive but not accepting: its accept queue is full")
            }
            Unreachable::NotAccepting(waited) => write!(
                f,
                "alive but not accepting: its accept queue stayed full for {}",
                crate::duration::show(*waited)
            ),
            Unreachable::Os(err) => err.fmt(f),
        }
    }
}

/// The abstract name of `@NAME`, or None for a filesystem path.
pub fn abstract_name(path: &Path) -> Option<&[u8]> {
    path.as_os_str().as_bytes().strip_prefix(b"@")
}

/// Connects to the stream or seqpacket listener at `path`, waiting at most
/// `timeout` for room in its accept queue. The socket is only for getsockopt.
/// A datagram socket bound there is [`Unreachable::Datagram`].
pub fn connect(path: &Path, timeout: Duration) -> Result<OwnedFd, Unreachable> {
    let (addr, len) = sockaddr(path).map_err(Unreachable::Os)?;
    for kind in [libc::SOCK_STREAM, libc::SOCK_SEQPACKET] {
        match connect_as(kind, &addr, len, timeout) {
            Ok(fd) => return Ok(fd),
            Err(err) if of_another_type(path, &err) => continue,
            Err(err) => return Err(classify(path, err, timeout)),
        }
    }
    match connect_as(libc::SOCK_DGRAM, &addr, len, timeout) {
        Ok(_) => Err(Unreachable::Datagram),
        Err(err) => Err(classify(path, err, timeout)),
    }
}

/// Whether `err` may only mean that the socket at `path` is of another type:
/// at a path the kernel says so (EPROTOTYPE); an abstract name is per type,
/// so a name bound by another type is not found (ECONNREFUSED).
fn of_another_type(path: &Path, err: &io::Error) -> bool {
    match err.raw_os_error() {
        Some(libc::EPROTOTYPE) => true,
        Some(libc::ECONNREFUSED) => abstract_name(path).is_some(),
        _ => false,
    }
}

fn classify(path: &Path, err: io::Error, timeout: Duration) -> Unreachable {
    match err.raw_os_error() {
        Some(libc::EAGAIN) => Unreachable::NotAccepting(timeout),
        Some(libc::ECONNREFUSED) if abstract_name(path).is_some() => Unreachable::NotListening,
        Some(libc::ENOENT) => Unreachable::Missing,
        // The kernel refuses alike for a socket nobody listens on and for any
        // other kind of file; only the file's type tells them apart.
        Some(libc::ECONNREFUSED) => match std::fs::metadata(path) {
            Ok(meta) if meta.file_type().is_socket() => Unreachable::Stale,
            Ok(_) => Unreachable::NotASocket,
            Err(_) => Unreachable::Os(err),
        },
        _ => Unreachable::Os(err),
    }
}

fn connect_as(
    kind: libc::c_int,
    addr: &libc::sockaddr_un,
    len: libc::socklen_t,
    timeout: Duration,
) -> io::Result<OwnedFd> {
    // Zero would mean "forever" to SO_SNDTIMEO; it means "do not wait" here.
    let nonblock = if timeout.is_zero() {
        libc::SOCK_NONBLOCK
    } else {
        0
    };
    let fd = unix_socket(kind | nonblock)?;
    if !timeout.is_zero() {
        set_send_timeout(&fd, timeout)?;
    }
    // SAFETY: addr is a valid sockaddr_un, of which len bytes are used.
    let rc = unsafe {
        libc::connect(
            fd.as_raw_fd(),
            (addr as *const libc::sockaddr_un).cast(),
            len,
        )
    };
    if rc == 0 {
        Ok(fd)
    } else {
        Err(io::Error::last_os_error())
    }
}

/// A new `AF_UNIX` socket of `kind` (with `SOCK_*` flags), closed on exec.
pub fn unix_socket(kind: libc::c_int) -> io::Result<OwnedFd> {
    // SAFETY: socket(2) returns a new descriptor or -1.
    let fd = unsafe { libc::socket(libc::AF_UNIX, kind | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a new descriptor that we own.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

fn set_send_timeout(fd: &OwnedFd, timeout: Duration) -> io::Result<()> {
    // Saturated at 68 years, which fits every time_t without naming the type
    // (libc deprecates its alias on musl while musl's time_t changes width).
    let secs = i32::try_from(timeout.as_secs()).unwrap_or(i32::MAX);
    let tv = libc::timeval {
        tv_sec: secs.into(),
        tv_usec: timeout.subsec_micros().into(),
    };
    // SAFETY: a timeval of the size passed.
    let rc = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_SNDTIMEO,
            (&tv as *const libc::timeval).cast(),
            std::mem::size_of::<libc::timeval>() as libc::socklen_t,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// The socket address of PATH and its length. A path that does not fit is
/// refused rather than truncated into another name.
pub fn sockaddr(path: &Path) -> io::Result<(libc::sockaddr_un, libc::socklen_t)> {
    // SAFETY: all-zero is a valid sockaddr_un.
    let mut addr: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
    let header = std::mem::size_of::<libc::sa_family_t>();
    // An abstract name starts with a NUL and is exactly as long as the length says;
    // a path ends with its NUL.
    let (name, start, len) = match abstract_name(path) {
        Some(name) => (name, 1, header + 1 + name.len()),
        None => {
            let bytes = path.as_os_str().as_bytes();
            (bytes, 0, std::mem::size_of::<libc::sockaddr_un>())
        }
    };
    let room = addr.sun_path.len() - 1;
    if name.is_empty() || (start == 0 && name.contains(&0)) {
        return Err(io::Error::from_raw_os_error(libc::EINVAL));
    }
    if name.len() > room {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "too long for a socket address ({} bytes; at most {room}): give a shorter path",
                name.len()
            ),
        ));
    }
    for (dst, src) in addr.sun_path[start..].iter_mut().zip(name) {
        *dst = *src as libc::c_char;
    }
    Ok((addr, len as libc::socklen_t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        let (addr, len) = sockaddr(Path::new("@peercred-test")).unwrap();
        assert_eq!(addr.sun_path[0], 0);
        assert_eq!(addr.sun_path[1], b'p' as libc::c_char);
        assert_eq!(len as usize, 2 + 1 + "peercred-test".len());
        let (addr, len) = sockaddr(Path::new("/run/x.sock")).unwrap();
        assert_eq!(addr.sun_path[0], b'/' as libc::c_char);
        assert_eq!(len as usize, std::mem::size_of::<libc::sockaddr_un>());
        assert!(sockaddr(Path::new("./@a")).is_ok());
        for bad in ["", "@", "a\0b"] {
            assert!(sockaddr(Path::new(bad)).is_err(), "{bad:?}");
        }
        // 107 bytes fit with the NUL; 108 do not.
        assert!(sockaddr(Path::new(&"x".repeat(107))).is_ok());
        assert!(sockaddr(Path::new(&"x".repeat(108))).is_err());
        assert!(sockaddr(Path::new(&format!("@{}", "x".repeat(107)))).is_ok());
        assert!(sockaddr(Path::new(&format!("@{}", "x".repeat(108)))).is_err());
    }
}
