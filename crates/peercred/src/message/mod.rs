//! Per-message credentials: who sent *this* message.
//!
//! `SO_PEERCRED` answers for a connection, at `connect()` time. A datagram
//! socket has no connection, and a connected socket can be handed to another
//! process (`SCM_RIGHTS`, `fork`) after it connected. With [`pass_credentials`]
//! set, the kernel attaches the sender's pid, uid and gid to every message
//! (`SCM_CREDENTIALS`) and, on Linux 6.5 and later, a pidfd of the sender
//! (`SCM_PIDFD`); [`recv`] returns them with the data in a [`Message`].
//!
//! What they prove: the kernel checks what a sender may claim. An unprivileged
//! sender gets its own pid and its *real* uid and gid (unlike `SO_PEERCRED`,
//! which records the effective ids), or may name its effective or saved ids
//! instead; a sender with `CAP_SYS_ADMIN` may name any live pid, one with
//! `CAP_SETUID`/`CAP_SETGID` any uid/gid. The pidfd follows the pid the sender
//! named. See SECURITY.md.

mod address;
mod control;
mod passcred;
mod placeholder;
mod recvmsg;

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

pub use address::Address;
pub use passcred::pass_credentials;
pub use recvmsg::{recv, recv_with_flags, RecvFlags};

use crate::{Error, PeerCred, PeerProcess};

/// One message received by [`recv`]: how long it was, who sent it, from where,
/// and whether anything was cut off. Dropping it closes its pidfd.
pub struct Message {
    len: usize,
    cred: Option<PeerCred>,
    pidfd: Pidfd,
    name: libc::sockaddr_un,
    name_len: usize,
    flags: libc::c_int,
    discarded_fds: usize,
}

impl std::fmt::Debug for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Message")
            .field("len", &self.len)
            .field("cred", &self.cred)
            .field("pidfd", &self.pidfd)
            .field("address", &self.address())
            .field("flags", &self.flags)
            .field("discarded_fds", &self.discarded_fds)
            .finish()
    }
}

/// The pidfd a message carried, or why it carried none.
#[derive(Debug)]
enum Pidfd {
    Attached(OwnedFd),
    Taken,
    /// The kernel could not make one (its errno).
    Refused(i32),
    Absent,
}

impl Message {
    /// The number of bytes received into the buffer; with
    /// [`RecvFlags::TRUNC`] on a datagram socket, the datagram's real length,
    /// which may exceed the buffer. 0 on a stream or seqpacket socket whose
    /// peer closed (and then the message carries no credentials).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no bytes were received (an empty datagram, or end of stream).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The sender's credentials, when the message carried them: its pid (as
    /// seen from the caller's PID namespace; `None` when the sender is outside
    /// it) and its real uid and gid, or the ids a privileged sender chose to
    /// send. `None` when the message was queued before [`pass_credentials`],
    /// or the socket does not pass them: the kernel's placeholder (pid 0 with
    /// the overflow ids) is never returned as a sender.
    pub fn cred(&self) -> Option<PeerCred> {
        self.cred
    }

    /// The pidfd of the sender (`SCM_PIDFD`, Linux 6.5 and later), owned by
    /// the message: it names the process whose pid [`Message::cred`] reports,
    /// and never another process that reuses that pid.
    pub fn pidfd(&self) -> Option<BorrowedFd<'_>> {
        match &self.pidfd {
            Pidfd::Attached(fd) => Some(fd.as_fd()),
            _ => None,
        }
    }

    /// Takes the pidfd out of the message, to keep it after the message is dropped.
    pub fn take_pidfd(&mut self) -> Option<OwnedFd> {
        match std::mem::replace(&mut self.pidfd, Pidfd::Taken) {
            Pidfd::Attached(fd) => Some(fd),
            other => {
                self.pidfd = other;
                None
            }
        }
    }

    /// The sending process, held by a duplicate of the message's pidfd: its
    /// facts are read race-free, like [`PeerProcess::from_socket`]'s.
    ///
    /// Errors: [`Error::PeerExited`] when the sender has exited and been reaped
    /// (its credentials are still those it sent with); [`Error::NoCredentials`]
    /// when the message carried none; [`Error::Unsupported`] when it carried
    /// credentials without a pidfd (Linux before 6.5, or a socket whose
    /// `SO_PASSPIDFD` was not set by [`pass_credentials`]); the kernel's errno
    /// when it could not install the pidfd (`EMFILE`...).
    pub fn peer_process(&self) -> Result<PeerProcess, Error> {
        match &self.pidfd {
            Pidfd::Attached(fd) => PeerProcess::from_pidfd(
                fd.try_clone()
                    .map_err(|e| Error::Os(e.raw_os_error().unwrap_or(libc::EIO)))?,
            ),
            Pidfd::Taken => Err(Error::BadDescriptor),
            // Before Linux 6.16 the kernel cannot make a pidfd of a reaped process.
            Pidfd::Refused(libc::ESRCH | libc::EINVAL) => Err(Error::PeerExited),
            Pidfd::Refused(errno) => Err(Error::Os(*errno)),
            Pidfd::Absent if self.cred.is_none() => Err(Error::NoCredentials),
            Pidfd::Absent => Err(Error::Unsupported(
                "SCM_PIDFD needs Linux 6.5 or later and SO_PASSPIDFD, which pass_credentials() sets",
            )),
        }
    }

    /// The address of the sending socket: a reply address the sender chose,
    /// never an identity.
    pub fn address(&self) -> Address<'_> {
        // SAFETY: sockaddr_un is plain bytes; name_len never exceeds its size.
        let bytes = unsafe {
            std::slice::from_raw_parts(
                (&self.name as *const libc::sockaddr_un).cast::<u8>(),
                self.name_len,
            )
        };
        Address::parse(bytes).unwrap_or(Address::Unnamed)
    }

    /// Whether the datagram or record was longer than the buffer and the rest
    /// was discarded (`MSG_TRUNC`).
    pub fn truncated(&self) -> bool {
        self.flags & libc::MSG_TRUNC != 0
    }

    /// Whether the kernel had to drop control data (`MSG_CTRUNC`): a
    /// descriptor it could not install because the process is at its
    /// descriptor limit, or a security label too long for peercred's buffer.
    /// The credentials are still complete when [`Message::cred`] returns them.
    pub fn control_truncated(&self) -> bool {
        self.flags & libc::MSG_CTRUNC != 0
    }

    /// recvmsg's `msg_flags` as the kernel returned them (`MSG_TRUNC`,
    /// `MSG_CTRUNC`, `MSG_EOR`...), without the `MSG_CMSG_CLOEXEC` peercred adds.
    pub fn flags(&self) -> libc::c_int {
        self.flags
    }

    /// How many descriptors the sender attached (`SCM_RIGHTS`) that peercred
    /// closed on arrival, so that none leak into the receiver.
    pub fn discarded_fds(&self) -> usize {
        self.discarded_fds
    }
}
