//! Asking the kernel to attach the sender's credentials to every message:
//! `SO_PASSCRED`, and `SO_PASSPIDFD` (Linux 6.5) where the kernel has it.

use std::os::fd::AsFd;

use crate::socket_type::unix_socket_type;
use crate::{fault, sockopt, Error};

/// Makes every message received on `socket` from now on carry its sender's
/// credentials (`SO_PASSCRED`) and, on Linux 6.5 and later, a pidfd of the
/// sender (`SO_PASSPIDFD`); read them with [`crate::recv`].
///
/// Call it before the socket can receive anything (before `bind` or `listen`):
/// a message queued earlier carries no credentials. On a listening stream or
/// seqpacket socket it applies to every connection accepted later. Older
/// kernels get `SO_PASSCRED` alone: messages then have credentials and no
/// pidfd, and [`crate::Message::peer_process`] says why. Errors:
/// [`Error::BadDescriptor`], [`Error::NotASocket`], [`Error::NotUnixSocket`].
///
/// ```
/// let (a, b) = std::os::unix::net::UnixDatagram::pair()?;
/// peercred::pass_credentials(&a)?;
/// b.send(b"hello")?;
/// let mut buf = [0; 64];
/// let message = peercred::recv(&a, &mut buf)?;
/// assert_eq!(message.cred().unwrap().uid(), unsafe { libc::getuid() });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn pass_credentials(socket: &impl AsFd) -> Result<(), Error> {
    fault::maybe_panic();
    let fd = socket.as_fd();
    // SO_PASSCRED is a SOL_SOCKET option: TCP and netlink sockets accept it too.
    unix_socket_type(fd)?;
    sockopt::set_int(fd, libc::SO_PASSCRED, 1)?;
    if fault::kernel_lacks_passpidfd() {
        return Ok(());
    }
    match sockopt::set_int(fd, libc::SO_PASSPIDFD, 1) {
        // Linux before 6.5: credentials without a pidfd, never a failure.
        Err(Error::Os(libc::ENOPROTOOPT)) => Ok(()),
        other => other,
    }
}
