//! Connecting to the server at PATH without ever blocking on a full backlog.
//!
//! A non-blocking `connect()` on an `AF_UNIX` stream socket whose listener's
//! accept queue is full fails at once with `EAGAIN`; unlike TCP there is no
//! `EINPROGRESS` to poll for. A blocking `connect()` sleeps until the queue has
//! room, which for a hung daemon is forever. Between the two, the kernel offers
//! exactly the bounded wait we want: a blocking connect honours `SO_SNDTIMEO`,
//! is woken as soon as the listener accepts, and fails with `EAGAIN` when the
//! time is up.

use std::ffi::OsStr;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::FileTypeExt;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::Duration;

/// Why nothing could be connected at PATH.
#[derive(Debug)]
pub enum Unreachable {
    /// Nothing at PATH.
    Missing,
    /// PATH is a socket file, but nobody listens on it.
    Stale,
    /// PATH is not a socket at all.
    NotASocket,
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
            Unreachable::NotASocket => f.write_str("not a socket"),
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

/// Connects to the stream socket at `path`, waiting at most `timeout` for room in
/// its listener's accept queue.
pub fn connect(path: &Path, timeout: Duration) -> Result<UnixStream, Unreachable> {
    let addr = sockaddr(path.as_os_str()).map_err(Unreachable::Os)?;
    // Zero would mean "forever" to SO_SNDTIMEO; it means "do not wait" here.
    let nonblock = if timeout.is_zero() {
        libc::SOCK_NONBLOCK
    } else {
        0
    };
    // SAFETY: socket(2) returns a new descriptor or -1.
    let fd = unsafe {
        libc::socket(
            libc::AF_UNIX,
            libc::SOCK_STREAM | libc::SOCK_CLOEXEC | nonblock,
            0,
        )
    };
    if fd < 0 {
        return Err(Unreachable::Os(io::Error::last_os_error()));
    }
    // SAFETY: a new descriptor that we own.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    if !timeout.is_zero() {
        set_send_timeout(&fd, timeout).map_err(Unreachable::Os)?;
    }
    // SAFETY: addr is a valid sockaddr_un of the size passed.
    let rc = unsafe {
        libc::connect(
            fd.as_raw_fd(),
            (&addr as *const libc::sockaddr_un).cast(),
            std::mem::size_of::<libc::sockaddr_un>() as libc::socklen_t,
        )
    };
    if rc == 0 {
        return Ok(UnixStream::from(fd));
    }
    let err = io::Error::last_os_error();
    Err(match err.raw_os_error() {
        Some(libc::ENOENT) => Unreachable::Missing,
        Some(libc::EAGAIN) => Unreachable::NotAccepting(timeout),
        // The kernel refuses alike for a socket nobody listens on and for any
        // other kind of file; only the file's type tells them apart.
        Some(libc::ECONNREFUSED) => match std::fs::metadata(path) {
            Ok(meta) if meta.file_type().is_socket() => Unreachable::Stale,
            Ok(_) => Unreachable::NotASocket,
            Err(_) => Unreachable::Os(err),
        },
        _ => Unreachable::Os(err),
    })
}

fn set_send_timeout(fd: &OwnedFd, timeout: Duration) -> io::Result<()> {
    let tv = libc::timeval {
        tv_sec: libc::time_t::try_from(timeout.as_secs()).unwrap_or(libc::time_t::MAX),
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

/// The socket address of a filesystem path; a path that does not fit (with its
/// NUL) is refused rather than truncated into another name.
fn sockaddr(path: &OsStr) -> io::Result<libc::sockaddr_un> {
    // SAFETY: all-zero is a valid sockaddr_un.
    let mut addr: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
    let bytes = path.as_bytes();
    if bytes.is_empty() || bytes.contains(&0) {
        return Err(io::Error::from_raw_os_error(libc::EINVAL));
    }
    if bytes.len() >= addr.sun_path.len() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "path too long for a socket address ({} bytes; at most {}): give a shorter path",
                bytes.len(),
                addr.sun_path.len() - 1
            ),
        ));
    }
    for (dst, src) in addr.sun_path.iter_mut().zip(bytes) {
        *dst = *src as libc::c_char;
    }
    Ok(addr)
}
