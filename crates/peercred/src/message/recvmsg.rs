//! Receiving one message with its credentials: recvmsg(2) with room for every
//! control entry the kernel may write, `MSG_CMSG_CLOEXEC`, and every
//! descriptor the caller did not ask for closed on arrival.

use std::mem::{size_of, MaybeUninit};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

use super::control::{self, PidfdEntry};
use super::{placeholder, Message, Pidfd};
use crate::socket_type::{require_unix, unix_socket_type};
use crate::Address;
use crate::{fault, sockopt, Error, NotConnected, SocketType};

/// Flags for [`recv_with_flags`], the subset of recvmsg(2)'s that keep the
/// meaning of a [`Message`] intact.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct RecvFlags(libc::c_int);

impl RecvFlags {
    /// Fail with `EAGAIN` instead of waiting when nothing is queued (`MSG_DONTWAIT`).
    pub const DONTWAIT: RecvFlags = RecvFlags(libc::MSG_DONTWAIT);
    /// Leave the message queued (`MSG_PEEK`): the next receive returns it again,
    /// with a new pidfd.
    pub const PEEK: RecvFlags = RecvFlags(libc::MSG_PEEK);
    /// On a stream, wait for the whole buffer (`MSG_WAITALL`); the kernel still
    /// stops where the writer's credentials change.
    pub const WAITALL: RecvFlags = RecvFlags(libc::MSG_WAITALL);
    /// Report a datagram's real length even when it was cut (`MSG_TRUNC`).
    pub const TRUNC: RecvFlags = RecvFlags(libc::MSG_TRUNC);

    const ALL: libc::c_int =
        libc::MSG_DONTWAIT | libc::MSG_PEEK | libc::MSG_WAITALL | libc::MSG_TRUNC;

    /// No flags: wait for a message unless the socket is non-blocking.
    pub const fn empty() -> RecvFlags {
        RecvFlags(0)
    }

    /// The flags from recvmsg's bits; `None` when any other bit is set
    /// (`MSG_CMSG_CLOEXEC` is accepted: peercred always sets it).
    pub const fn from_bits(bits: libc::c_int) -> Option<RecvFlags> {
        let bits = bits & !libc::MSG_CMSG_CLOEXEC;
        if bits & !Self::ALL != 0 {
            return None;
        }
        Some(RecvFlags(bits))
    }

    /// The recvmsg bits.
    pub const fn bits(self) -> libc::c_int {
        self.0
    }
}

impl std::ops::BitOr for RecvFlags {
    type Output = RecvFlags;
    fn bitor(self, other: RecvFlags) -> RecvFlags {
        RecvFlags(self.0 | other.0)
    }
}

/// Receives one message (a datagram, a seqpacket record, or the bytes of one
/// writer on a stream) into `buf`, with its sender's credentials when the
/// socket passes them ([`pass_credentials`](crate::pass_credentials)).
///
/// Blocks unless the socket is non-blocking (then `EAGAIN` is
/// `Error::Os(libc::EAGAIN)`); a signal interrupts it with `Error::Os(libc::EINTR)`.
/// Descriptors the sender attached (`SCM_RIGHTS`) are closed at once and
/// counted in [`Message::discarded_fds`]. Errors: [`Error::BadDescriptor`],
/// [`Error::NotASocket`], [`Error::NotUnixSocket`], [`Error::NotConnected`]
/// (an unconnected or listening stream or seqpacket socket), or the kernel's errno.
///
/// ```no_run
/// use std::os::unix::net::UnixDatagram;
///
/// let socket = UnixDatagram::bind("/run/mylog.sock")?;
/// // A message that arrives before this call has no credentials: cred() is None.
/// peercred::pass_credentials(&socket)?;
/// let mut buf = vec![0; 65536];
/// loop {
///     let message = peercred::recv(&socket, &mut buf)?;
///     let text = String::from_utf8_lossy(&buf[..message.len().min(buf.len())]);
///     match message.cred() {
///         Some(cred) => println!("uid {} pid {:?}: {text}", cred.uid(), cred.pid()),
///         None => println!("(no credentials): {text}"),
///     }
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn recv(socket: &impl AsFd, buf: &mut [u8]) -> Result<Message, Error> {
    recv_with_flags(socket, buf, RecvFlags::empty())
}

/// [`recv`] with flags: [`RecvFlags::DONTWAIT`], [`RecvFlags::PEEK`],
/// [`RecvFlags::WAITALL`], [`RecvFlags::TRUNC`].
pub fn recv_with_flags(
    socket: &impl AsFd,
    buf: &mut [u8],
    flags: RecvFlags,
) -> Result<Message, Error> {
    fault::maybe_panic();
    let fd = socket.as_fd();
    let mut name = MaybeUninit::<libc::sockaddr_un>::zeroed();
    let mut control = ControlBuffer::new();
    let mut iov = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    // SAFETY: an all-zero msghdr is valid; the pointers set below outlive the call.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_name = name.as_mut_ptr().cast();
    msg.msg_namelen = size_of::<libc::sockaddr_un>() as libc::socklen_t;
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.0.as_mut_ptr().cast();
    msg.msg_controllen = CONTROL_LEN as _;
    // SAFETY: msg describes valid, writable buffers of the stated sizes.
    let received = unsafe {
        libc::recvmsg(
            fd.as_raw_fd(),
            &mut msg,
            flags.bits() | libc::MSG_CMSG_CLOEXEC,
        )
    };
    if received < 0 {
        return Err(diagnose(fd, errno()));
    }
    // SAFETY: the kernel wrote msg_controllen bytes of control data.
    let written = unsafe {
        std::slice::from_raw_parts(
            control.0.as_ptr().cast::<u8>(),
            (msg.msg_controllen as usize).min(CONTROL_LEN),
        )
    };
    let parsed = control::parse(written, msg.msg_flags & libc::MSG_CTRUNC != 0, |raw| {
        // SAFETY: the kernel installed this descriptor for us just now; nobody else knows it.
        drop(unsafe { OwnedFd::from_raw_fd(raw) })
    });
    let pidfd = match parsed.pidfd {
        // SAFETY: as above.
        PidfdEntry::Fd(raw) => Pidfd::Attached(unsafe { OwnedFd::from_raw_fd(raw) }),
        PidfdEntry::Refused(errno) => Pidfd::Refused(errno),
        PidfdEntry::Absent => Pidfd::Absent,
    };
    if parsed.malformed {
        return Err(Error::Os(libc::EPROTO));
    }
    // SAFETY: zero-initialised above, and the kernel wrote at most its size.
    let name = unsafe { name.assume_init() };
    let name_len = (msg.msg_namelen as usize).min(size_of::<libc::sockaddr_un>());
    let mut cred = parsed
        .cred
        .and_then(|written| placeholder::credentials(written, placeholder::overflow_ids));
    // At the end of a stream the kernel still writes SCM_CREDENTIALS, from a
    // zeroed record: pid 0, uid 0, gid 0, which would read as root. A stream
    // never carries an empty message, so an empty read there has no sender.
    if received == 0 && cred.is_some() && unix_socket_type(fd)? == SocketType::Stream {
        cred = None;
    }
    let message = Message {
        len: received as usize,
        cred,
        pidfd,
        name,
        name_len,
        flags: msg.msg_flags & !libc::MSG_CMSG_CLOEXEC,
        discarded_fds: parsed.discarded,
    };
    refuse_other_families(fd, &message)?;
    Ok(message)
}

/// Refuses a message that came from a socket of another family, without a
/// system call on the usual path: a Unix socket's sender address is `AF_UNIX`
/// or absent, and only Unix (and netlink, whose address is never absent)
/// sockets carry `SCM_CREDENTIALS`. A message with neither (a TCP stream, or
/// a Unix socket that does not pass credentials) costs one `getsockopt`.
fn refuse_other_families(fd: BorrowedFd<'_>, message: &Message) -> Result<(), Error> {
    // SAFETY: as in Message::address.
    let bytes = unsafe {
        std::slice::from_raw_parts(
            (&message.name as *const libc::sockaddr_un).cast::<u8>(),
            message.name_len,
        )
    };
    if Address::parse(bytes).is_none() {
        return Err(Error::NotUnixSocket);
    }
    if message.name_len == 0 && message.cred.is_none() && matches!(message.pidfd, Pidfd::Absent) {
        require_unix(fd)?;
    }
    Ok(())
}

/// Says why recvmsg failed in the core's terms: a socket of another family is
/// [`Error::NotUnixSocket`] whatever the kernel said (`EAGAIN` on UDP,
/// `ENOTCONN` on TCP), and a stream or seqpacket socket without a connection
/// (`EINVAL`, `ENOTCONN`) is [`Error::NotConnected`].
fn diagnose(fd: BorrowedFd<'_>, errno: i32) -> Error {
    let err = Error::from_socket_errno(errno);
    if matches!(err, Error::BadDescriptor | Error::NotASocket) {
        return err;
    }
    let classify = || -> Result<Error, Error> {
        require_unix(fd)?;
        if errno != libc::EINVAL && errno != libc::ENOTCONN {
            return Ok(err);
        }
        Ok(Error::NotConnected(
            if sockopt::get_int(fd, libc::SO_ACCEPTCONN)? != 0 {
                NotConnected::Listening
            } else {
                NotConnected::Unconnected
            },
        ))
    };
    classify().unwrap_or_else(|e| e)
}

fn errno() -> i32 {
    std::io::Error::last_os_error()
        .raw_os_error()
        .unwrap_or(libc::EIO)
}

/// Room for everything the kernel writes, in its order: `SCM_CREDENTIALS`, an
/// `SCM_SECURITY` label (when the caller set `SO_PASSSEC`), up to `SCM_MAX_FD`
/// (253) descriptors of `SCM_RIGHTS`, and `SCM_PIDFD` last. A smaller buffer
/// would let a sender that attaches descriptors push the pidfd out.
const CONTROL_LEN: usize = space(12) + space(SECURITY_LABEL) + space(253 * 4) + space(4);
/// Labels longer than this are cut by the kernel, which sets `MSG_CTRUNC`.
const SECURITY_LABEL: usize = 256;

const fn space(data: usize) -> usize {
    let word = size_of::<usize>();
    let header = (size_of::<usize>() + 8 + word - 1) & !(word - 1);
    header + ((data + word - 1) & !(word - 1))
}

/// Control data must be aligned like `struct cmsghdr`; left uninitialised,
/// since only what the kernel wrote is read.
#[repr(C, align(8))]
struct ControlBuffer([MaybeUninit<u8>; CONTROL_LEN]);

impl ControlBuffer {
    fn new() -> ControlBuffer {
        ControlBuffer([MaybeUninit::uninit(); CONTROL_LEN])
    }
}
