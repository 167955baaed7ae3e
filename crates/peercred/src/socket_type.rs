//! Which kind of `AF_UNIX` socket a descriptor is (`SO_DOMAIN`, `SO_TYPE`).

use std::os::fd::{AsFd, BorrowedFd};

use crate::{fault, sockopt, Error};

/// The type of an `AF_UNIX` socket: what its messages look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SocketType {
    /// `SOCK_STREAM`: a byte stream; each [`crate::recv`] returns the bytes of
    /// writers with the same credentials, up to the next change of writer.
    Stream,
    /// `SOCK_DGRAM`: datagrams, each from any sender that can reach the address.
    Datagram,
    /// `SOCK_SEQPACKET`: records on a connection.
    SeqPacket,
}

/// The type of the `AF_UNIX` socket `socket`, for wrappers that adopt a
/// descriptor they are handed. Errors: [`Error::BadDescriptor`],
/// [`Error::NotASocket`], [`Error::NotUnixSocket`].
///
/// ```
/// let (a, _b) = std::os::unix::net::UnixDatagram::pair()?;
/// assert_eq!(peercred::socket_type(&a)?, peercred::SocketType::Datagram);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn socket_type(socket: &impl AsFd) -> Result<SocketType, Error> {
    fault::maybe_panic();
    unix_socket_type(socket.as_fd())
}

/// [`Error::NotUnixSocket`] unless `fd` is an `AF_UNIX` socket (one `getsockopt`).
pub(crate) fn require_unix(fd: BorrowedFd<'_>) -> Result<(), Error> {
    if sockopt::get_int(fd, libc::SO_DOMAIN)? != libc::AF_UNIX {
        return Err(Error::NotUnixSocket);
    }
    Ok(())
}

pub(crate) fn unix_socket_type(fd: BorrowedFd<'_>) -> Result<SocketType, Error> {
    require_unix(fd)?;
    match sockopt::get_int(fd, libc::SO_TYPE)? {
        libc::SOCK_STREAM => Ok(SocketType::Stream),
        libc::SOCK_DGRAM => Ok(SocketType::Datagram),
        libc::SOCK_SEQPACKET => Ok(SocketType::SeqPacket),
        // AF_UNIX has no other types; a new one is not guessed at.
        _ => Err(Error::Os(libc::EPROTO)),
    }
}
