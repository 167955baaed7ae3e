//! What the kernel's `sock_diag` (`NETLINK_SOCK_DIAG`, `unix_diag`) says
//! about Unix sockets: the other end of a connection, and the listeners whose
//! accept queue holds a connecting socket. No privilege is needed; it sees
//! the sockets of the caller's network namespace.
//!
//! A socket is named by its inode number, which a 32-bit counter hands out
//! and which can therefore repeat after about four billion allocations. Our
//! own socket is looked up by inode *and* `SO_COOKIE` (a 64-bit number the
//! kernel never reuses), so the answer is about exactly it.

use std::mem::size_of;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

use crate::unix_diag_parse::{self, Reply, SOCK_DIAG_BY_FAMILY};
use crate::{sockopt, Error, Unproven};

const NETLINK_SOCK_DIAG: libc::c_int = 4;
const UDIAG_SHOW_NAME: u32 = 0x1;
const UDIAG_SHOW_VFS: u32 = 0x2;
const UDIAG_SHOW_PEER: u32 = 0x4;
const UDIAG_SHOW_ICONS: u32 = 0x8;
const UNIX_DIAG_NAME: u16 = 0;
const UNIX_DIAG_VFS: u16 = 1;
const UNIX_DIAG_PEER: u16 = 2;
const UNIX_DIAG_ICONS: u16 = 3;
/// `TCP_LISTEN`, the state af_unix gives a listening socket.
const TCP_LISTEN: u32 = 10;

/// A socket of ours, as sock_diag names it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Socket {
    pub(crate) ino: u32,
    cookie: u64,
}

/// Our socket's inode and cookie.
pub(crate) fn identify(fd: BorrowedFd<'_>) -> Result<Socket, Error> {
    // SAFETY: fstat writes one struct stat.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: fd is a borrowed descriptor; st is valid for writing.
    if unsafe { libc::fstat(fd.as_raw_fd(), &mut st) } != 0 {
        return Err(Error::from_socket_errno(Error::last_os_error().errno()));
    }
    // sock_diag takes a 32-bit inode; sockfs numbers fit it.
    let ino = u32::try_from(st.st_ino).map_err(|_| Error::Os(libc::EOVERFLOW))?;
    // SAFETY: a u64 is valid for any bit pattern.
    let cookie = unsafe { sockopt::get::<u64>(fd, libc::SO_COOKIE)? };
    Ok(Socket { ino, cookie })
}

/// The inode of the other end of `sock`'s connection; `None` when it has none
/// with an inode: a connecting socket whose connection waits in a listener's
/// queue (the kernel's embryo socket gets an inode at accept), or one whose
/// other end was closed.
pub(crate) fn peer_of(sock: Socket) -> Result<Option<u32>, Error> {
    let request = request(0, sock.ino, sock.cookie, UDIAG_SHOW_PEER, false);
    let mut found = None;
    query(&request, |ino, cookie, attrs| {
        // The kernel answers for the socket asked about; check it anyway.
        if (ino, cookie) != (sock.ino, sock.cookie) {
            return Err(Error::Os(libc::EPROTO));
        }
        found = match unix_diag_parse::attr(attrs, UNIX_DIAG_PEER) {
            Some(payload) => match unix_diag_parse::u32s(payload).as_deref() {
                Some([0]) => None,
                Some(&[peer]) => Some(peer),
                _ => return Err(Error::Os(libc::EPROTO)),
            },
            None => None,
        };
        Ok(())
    })?;
    Ok(found)
}

/// The inodes of the listeners whose accept queue holds a connection from
/// the socket of inode `client` (`UNIX_DIAG_ICONS` names each queued
/// connection by its client's inode).
pub(crate) fn listeners_queueing(client: u32) -> Result<Vec<u32>, Error> {
    let request = request(1 << TCP_LISTEN, 0, NO_COOKIE, UDIAG_SHOW_ICONS, true);
    let mut listeners = Vec::new();
    query(&request, |ino, _, attrs| {
        let queued = match unix_diag_parse::attr(attrs, UNIX_DIAG_ICONS) {
            Some(payload) => unix_diag_parse::u32s(payload).ok_or(Error::Os(libc::EPROTO))?,
            None => Vec::new(),
        };
        if queued.contains(&client) {
            listeners.push(ino);
        }
        Ok(())
    })?;
    Ok(listeners)
}

/// A socket file's device and inode, as `stat` numbers them.
pub(crate) type File = (u64, u64);

/// The listeners bound to `name` (a `sun_path` as `getpeername` gives it:
/// an abstract name with its leading NUL, or a path with its NUL), each with
/// the device and inode of its socket file (`None` for an abstract name), as
/// `stat` numbers them.
pub(crate) fn listeners_named(name: &[u8]) -> Result<Vec<(u32, Option<File>)>, Error> {
    let request = request(
        1 << TCP_LISTEN,
        0,
        NO_COOKIE,
        UDIAG_SHOW_NAME | UDIAG_SHOW_VFS,
        true,
    );
    let mut listeners = Vec::new();
    query(&request, |ino, _, attrs| {
        if unix_diag_parse::attr(attrs, UNIX_DIAG_NAME) != Some(name) {
            return Ok(());
        }
        let file = match unix_diag_parse::attr(attrs, UNIX_DIAG_VFS) {
            Some(vfs) => match unix_diag_parse::u32s(vfs).as_deref() {
                // struct unix_diag_vfs: the inode, then the kernel's dev_t
                // (major << 20 | minor), which stat encodes differently.
                Some(&[file_ino, dev]) => {
                    Some((libc::makedev(dev >> 20, dev & 0xfffff), u64::from(file_ino)))
                }
                _ => return Err(Error::Os(libc::EPROTO)),
            },
            None => None,
        };
        listeners.push((ino, file));
        Ok(())
    })?;
    Ok(listeners)
}

/// `INET_DIAG_NOCOOKIE` in both halves: match by inode alone.
const NO_COOKIE: u64 = u64::MAX;

#[repr(C)]
struct Request {
    len: u32,
    kind: u16,
    flags: u16,
    seq: u32,
    pid: u32,
    // struct unix_diag_req
    family: u8,
    protocol: u8,
    pad: u16,
    states: u32,
    ino: u32,
    show: u32,
    cookie: [u32; 2],
}

fn request(states: u32, ino: u32, cookie: u64, show: u32, dump: bool) -> Request {
    Request {
        len: size_of::<Request>() as u32,
        kind: SOCK_DIAG_BY_FAMILY,
        flags: (libc::NLM_F_REQUEST | if dump { libc::NLM_F_DUMP } else { 0 }) as u16,
        seq: 1,
        pid: 0,
        family: libc::AF_UNIX as u8,
        protocol: 0,
        pad: 0,
        states,
        ino,
        show,
        cookie: [cookie as u32, (cookie >> 32) as u32],
    }
}

/// Sends `request` on a new sock_diag socket and hands each socket of the
/// reply to `each` (inode, cookie, attributes), until the reply ends.
fn query(
    request: &Request,
    mut each: impl FnMut(u32, u64, &[u8]) -> Result<(), Error>,
) -> Result<(), Error> {
    let nl = open()?;
    // SAFETY: request is a plain struct of its own size.
    let sent = unsafe {
        libc::send(
            nl.as_raw_fd(),
            (request as *const Request).cast(),
            size_of::<Request>(),
            0,
        )
    };
    if sent < 0 {
        return Err(Error::last_os_error());
    }
    let dump = request.flags & libc::NLM_F_DUMP as u16 != 0;
    // The kernel fills dump datagrams up to about a page (or 32 KiB); one
    // twice that size is never truncated.
    let mut buf = vec![0u8; 65536];
    loop {
        // SAFETY: buf is valid for its length.
        let n = unsafe {
            libc::recv(
                nl.as_raw_fd(),
                buf.as_mut_ptr().cast(),
                buf.len(),
                libc::MSG_TRUNC,
            )
        };
        if n < 0 {
            match Error::last_os_error() {
                Error::Os(libc::EINTR) => continue,
                err => return Err(err),
            }
        }
        let n = n as usize;
        if n > buf.len() {
            return Err(Error::Os(libc::EMSGSIZE));
        }
        for reply in unix_diag_parse::replies(&buf[..n]).ok_or(Error::Os(libc::EPROTO))? {
            match reply {
                Reply::Socket { ino, cookie, attrs } => each(ino, cookie, attrs)?,
                Reply::Done => return Ok(()),
                Reply::Error(errno) => return Err(refused(request, errno)),
            }
        }
        if !dump {
            return Ok(());
        }
    }
}

/// The error for a refused request: `ENOENT` is both "no such socket here"
/// and "no unix_diag in this kernel", which a second request tells apart.
fn refused(request: &Request, errno: i32) -> Error {
    match errno {
        libc::ENOENT if request.flags & libc::NLM_F_DUMP as u16 != 0 => no_unix_diag(),
        // Not in our network namespace: lookups are per namespace (since
        // Linux 5.19; before that they found any). ESTALE: our inode number
        // names another socket first (the cookie told them apart).
        libc::ENOENT | libc::ESTALE => match has_unix_diag() {
            Ok(true) => Error::Unproven(Unproven::OtherNetwork),
            Ok(false) => no_unix_diag(),
            Err(err) => err,
        },
        errno => Error::Os(errno),
    }
}

/// Whether the kernel has unix_diag: a dump that matches no state answers
/// with its end where it does, and `ENOENT` where it does not.
fn has_unix_diag() -> Result<bool, Error> {
    match query(&request(0, 0, NO_COOKIE, 0, true), |_, _, _| Ok(())) {
        Ok(()) => Ok(true),
        Err(Error::Unsupported(_)) => Ok(false),
        Err(err) => Err(err),
    }
}

fn no_unix_diag() -> Error {
    Error::Unsupported(
        "SO_PEERPIDFD needs Linux 6.5 or later, and its fallback sock_diag for Unix sockets \
         (CONFIG_UNIX_DIAG, module unix_diag)",
    )
}

fn open() -> Result<OwnedFd, Error> {
    // SAFETY: socket(2) returns a new descriptor or -1.
    let fd = unsafe {
        libc::socket(
            libc::AF_NETLINK,
            libc::SOCK_DGRAM | libc::SOCK_CLOEXEC,
            NETLINK_SOCK_DIAG,
        )
    };
    if fd < 0 {
        return Err(match Error::last_os_error() {
            Error::Os(libc::EAFNOSUPPORT | libc::EPROTONOSUPPORT) => no_unix_diag(),
            err => err,
        });
    }
    // SAFETY: a new descriptor that we own.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}
