//! The same calls for a descriptor *number*, for callers that hold an `int`
//! rather than a Rust handle: the C ABI and the Python and Node bindings.
//!
//! A negative number is [`Error::BadDescriptor`], exactly like a closed one, so
//! every binding answers it the same way. The number is borrowed for the call
//! only. A number that was closed and reused by another socket describes that
//! other socket: nothing can tell them apart, which is why the bindings prefer
//! socket objects, whose closed state they can see.
//!
//! ```
//! use std::os::fd::AsRawFd;
//! let (a, _b) = std::os::unix::net::UnixStream::pair()?;
//! assert_eq!(peercred::raw::read(a.as_raw_fd()), peercred::read(&a));
//! assert_eq!(peercred::raw::read(-1), Err(peercred::Error::BadDescriptor));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::os::fd::{BorrowedFd, OwnedFd, RawFd};

use crate::{Error, Message, PeerCred, PeerProcess, RecvFlags, SocketType};

/// [`crate::read`] for a descriptor number.
pub fn read(fd: RawFd) -> Result<PeerCred, Error> {
    with_fd(fd, |fd| crate::read(&fd))
}

/// [`crate::groups`] for a descriptor number.
pub fn groups(fd: RawFd) -> Result<Vec<libc::gid_t>, Error> {
    with_fd(fd, |fd| crate::groups(&fd))
}

/// [`crate::security_label`] for a descriptor number.
pub fn security_label(fd: RawFd) -> Result<Option<String>, Error> {
    with_fd(fd, |fd| crate::security_label(&fd))
}

/// [`crate::pidfd`] for a descriptor number.
pub fn pidfd(fd: RawFd) -> Result<OwnedFd, Error> {
    with_fd(fd, |fd| crate::pidfd(&fd))
}

/// [`PeerProcess::from_socket`] for a descriptor number.
pub fn peer_process(fd: RawFd) -> Result<PeerProcess, Error> {
    with_fd(fd, |fd| PeerProcess::from_socket(&fd))
}

/// [`PeerProcess::from_pidfd`] for a pidfd number the caller keeps: it is
/// duplicated (close-on-exec), so the caller still owns and closes its own.
pub fn peer_process_from_pidfd(pidfd: RawFd) -> Result<PeerProcess, Error> {
    with_fd(pidfd, |fd| {
        let owned = fd
            .try_clone_to_owned()
            .map_err(|err| Error::from_socket_errno(err.raw_os_error().unwrap_or(libc::EIO)))?;
        PeerProcess::from_pidfd(owned)
    })
}

/// Whether the process of a pidfd number the caller keeps is still running:
/// `false` once it has exited, whether a zombie or already reaped (where
/// [`PeerProcess::from_pidfd`] refuses to hold it).
pub fn pidfd_is_alive(pidfd: RawFd) -> Result<bool, Error> {
    match peer_process_from_pidfd(pidfd) {
        Ok(process) => process.is_alive(),
        Err(Error::PeerExited) => Ok(false),
        Err(err) => Err(err),
    }
}

/// [`PeerProcess::exit_status`] of a pidfd number the caller keeps, also
/// once its process has been reaped (when the kernel has the status).
pub fn pidfd_exit_status(pidfd: RawFd) -> Result<Option<std::process::ExitStatus>, Error> {
    with_fd(pidfd, crate::exit::status)
}

fn with_fd<T>(
    fd: RawFd,
    call: impl FnOnce(BorrowedFd<'_>) -> Result<T, Error>,
) -> Result<T, Error> {
    if fd < 0 {
        return Err(Error::BadDescriptor);
    }
    // SAFETY: the borrow lasts for this call only. A number that is not open is
    // no memory hazard: the system calls on it fail with EBADF.
    call(unsafe { BorrowedFd::borrow_raw(fd) })
}

/// [`crate::pass_credentials`] for a descriptor number.
pub fn pass_credentials(fd: RawFd) -> Result<(), Error> {
    with_fd(fd, |fd| crate::pass_credentials(&fd))
}

/// [`crate::recv_with_flags`] for a descriptor number, with recvmsg's flag
/// bits: `MSG_DONTWAIT`, `MSG_PEEK`, `MSG_WAITALL`, `MSG_TRUNC`; any other bit
/// is `Error::Os(EINVAL)`.
pub fn recv(fd: RawFd, buf: &mut [u8], flags: libc::c_int) -> Result<Message, Error> {
    let flags = RecvFlags::from_bits(flags).ok_or(Error::Os(libc::EINVAL))?;
    with_fd(fd, |fd| crate::recv_with_flags(&fd, buf, flags))
}

/// [`crate::socket_type`] for a descriptor number.
pub fn socket_type(fd: RawFd) -> Result<SocketType, Error> {
    with_fd(fd, |fd| crate::socket_type(&fd))
}
