//! peercred_pass_credentials and peercred_recv: who sent each message.

use std::os::fd::IntoRawFd;
use std::os::raw::{c_int, c_void};

use peercred::Error;

use crate::cred::peercred_ucred;
use crate::guard::{guard, writable};

/// One message's sender, filled by peercred_recv().
#[repr(C)]
pub struct peercred_message {
    /// The sender's pid (0 when outside the caller's PID namespace), real uid
    /// and real gid, or the ids a privileged sender chose to send. Read it only
    /// when `has_cred` is 1; it is zeroed otherwise.
    pub cred: peercred_ucred,
    /// 1 when the message carried credentials; 0 when it was queued before
    /// peercred_pass_credentials() (the kernel's placeholder, pid 0 with the
    /// overflow ids, is never reported as a sender) or the socket does not pass them.
    pub has_cred: c_int,
    /// A pidfd of the sender (SCM_PIDFD, Linux >= 6.5; close-on-exec), which the
    /// caller owns and must close, or -1 when the message carried none. Use it
    /// with the peercred_process_* functions.
    pub pidfd: c_int,
    /// recvmsg's msg_flags: MSG_TRUNC (the datagram was longer than `len`),
    /// MSG_CTRUNC (the kernel dropped control data: descriptors or the pidfd
    /// it could not install at the descriptor limit), MSG_EOR...
    pub msg_flags: c_int,
    /// How many descriptors the sender attached (SCM_RIGHTS) that were closed
    /// on arrival, so that none leak into the caller.
    pub discarded_fds: c_int,
    /// The length of `address`: 0 when the sender is unbound.
    pub address_len: libc::socklen_t,
    /// The sending socket's address, ready for sendto(2): a path, or an
    /// abstract name (`sun_path[0] == 0`). The sender chose it: never authorise on it.
    pub address: libc::sockaddr_un,
}

/// Makes every message received on the Unix domain socket `fd` from now on
/// carry its sender's credentials (SO_PASSCRED) and, on Linux >= 6.5, a pidfd
/// of the sender (SO_PASSPIDFD; older kernels get credentials only). Call it
/// before bind()/listen(): a message queued earlier carries no credentials.
/// On a listening socket it applies to every connection accepted later.
/// Returns 0, or -EBADF, -ENOTSOCK, -EAFNOSUPPORT (not a Unix domain socket).
/// Thread-safe.
#[no_mangle]
pub extern "C" fn peercred_pass_credentials(fd: c_int) -> c_int {
    guard(|| peercred::raw::pass_credentials(fd).map(|()| 0))
}

/// Receives one message (a datagram, a seqpacket record, or one writer's
/// bytes on a stream) into `buf` with recvmsg(2), and describes its sender in
/// `*out`.
///
/// `flags` may hold MSG_DONTWAIT, MSG_PEEK, MSG_WAITALL and MSG_TRUNC (any
/// other bit is -EINVAL); MSG_CMSG_CLOEXEC is always added. Returns the number
/// of bytes received (with MSG_TRUNC, a datagram's real length, which may
/// exceed `len`); 0 also at the end of a stream. Descriptors the sender
/// attached are closed and counted in `discarded_fds`. On failure returns a
/// negative errno and leaves `*out` untouched: -EAGAIN (non-blocking, nothing
/// queued), -EINTR, -EBADF, -ENOTSOCK, -EAFNOSUPPORT (not a Unix domain socket:
/// checked without a system call when the message has credentials), -ENOTCONN
/// (an unconnected or listening stream or seqpacket socket), -EINVAL (`out`
/// NULL, `buf` NULL with `len` > 0, or an unknown flag). Thread-safe.
#[no_mangle]
pub extern "C" fn peercred_recv(
    fd: c_int,
    buf: *mut c_void,
    len: usize,
    flags: c_int,
    out: *mut peercred_message,
) -> libc::ssize_t {
    guard(|| {
        let slot = writable(out)?;
        let buf: &mut [u8] = if len == 0 {
            &mut []
        } else if buf.is_null() || len > isize::MAX as usize {
            return Err(Error::Os(libc::EINVAL));
        } else {
            // SAFETY: the caller promised `buf` holds `len` writable bytes.
            unsafe { std::slice::from_raw_parts_mut(buf.cast(), len) }
        };
        let mut message = peercred::raw::recv(fd, buf, flags)?;
        // Only an Unnamed address fails to encode; it is reported as length 0.
        // SAFETY: all-zero is a valid sockaddr_un.
        let (address, address_len) = message
            .address()
            .to_sockaddr()
            .unwrap_or((unsafe { std::mem::zeroed() }, 0));
        let cred = message.cred();
        *slot = peercred_message {
            cred: cred.map_or(
                peercred_ucred {
                    pid: 0,
                    uid: 0,
                    gid: 0,
                },
                |c| peercred_ucred {
                    pid: c.pid().unwrap_or(0),
                    uid: c.uid(),
                    gid: c.gid(),
                },
            ),
            has_cred: c_int::from(cred.is_some()),
            pidfd: message.take_pidfd().map_or(-1, IntoRawFd::into_raw_fd),
            msg_flags: message.flags(),
            discarded_fds: c_int::try_from(message.discarded_fds()).unwrap_or(c_int::MAX),
            address_len,
            address,
        };
        Ok(message.len() as libc::ssize_t)
    })
}
