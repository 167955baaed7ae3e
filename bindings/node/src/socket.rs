//! The native half of createUnixDatagramSocket(): a Unix socket owned by one
//! JS environment, receiving with the core's recv() and watched by the event
//! loop (watched.rs). Each message's bytes go into a Buffer and its facts into
//! a Uint32Array (see META_*), both registered by the wrapper, which copies
//! the bytes out (Node's Buffer pool makes small copies cheaper than a new
//! native buffer per message).

use std::os::fd::{FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use napi::bindgen_prelude::{Buffer, BufferSlice, Function, This, Uint32Array};
use napi::{Env, JsValue};
use napi_derive::napi;

use crate::error::to_js;
use crate::process::NativePeerProcess;
use crate::watched::WatchedFd;

type Result<T> = napi::Result<T, String>;

// Indices into the wrapper's meta array; peercred-socket.js names the same.
const META_LEN: usize = 0;
const META_FLAGS: usize = 1;
const META_HAS_CRED: usize = 2;
const META_PID: usize = 3;
const META_UID: usize = 4;
const META_GID: usize = 5;
const META_DISCARDED: usize = 6;
const META_ADDRESS: usize = 7;
const META_HAS_PIDFD: usize = 8;
const META_SIZE: usize = 9;

/// META_ADDRESS: the sender is unbound, has the previous sender's address, or a new one.
const ADDRESS_NONE: u32 = 0;
const ADDRESS_SAME: u32 = 1;
const ADDRESS_NEW: u32 = 2;

#[napi]
pub struct NativeMessageSocket {
    fd: WatchedFd,
    kind: peercred::SocketType,
    data: Option<Buffer>,
    meta: Option<Uint32Array>,
    /// The last message's pidfd, kept until the next receive or close.
    pidfd: Option<OwnedFd>,
    /// The last named sender's address, as the string the wrapper shows and as bytes.
    sender: Option<String>,
    sender_raw: Option<RawAddress>,
}

/// A named address, owned, to compare the next message's with.
struct RawAddress {
    is_abstract: bool,
    bytes: Vec<u8>,
}

impl RawAddress {
    fn from(address: peercred::Address<'_>) -> RawAddress {
        match address {
            peercred::Address::Abstract(name) => RawAddress {
                is_abstract: true,
                bytes: name.to_vec(),
            },
            peercred::Address::Path(path) => RawAddress {
                is_abstract: false,
                bytes: path.as_os_str().as_bytes().to_vec(),
            },
            _ => RawAddress {
                is_abstract: false,
                bytes: Vec::new(),
            },
        }
    }

    fn matches(&self, address: peercred::Address<'_>) -> bool {
        match address {
            peercred::Address::Abstract(name) => self.is_abstract && self.bytes == name,
            peercred::Address::Path(path) => {
                !self.is_abstract && self.bytes == path.as_os_str().as_bytes()
            }
            _ => false,
        }
    }
}

/// The errno of the system call that just failed; the wrapper names the call.
fn last_error() -> napi::Error<String> {
    to_js(peercred::Error::Os(
        std::io::Error::last_os_error()
            .raw_os_error()
            .unwrap_or(libc::EIO),
    ))
}

/// A JS address: a path, or an abstract name written with a leading NUL.
fn sockaddr(address: &str) -> Result<(libc::sockaddr_un, libc::socklen_t)> {
    let parsed = match address.strip_prefix('\0') {
        Some(name) => peercred::Address::Abstract(name.as_bytes()),
        None => peercred::Address::Path(Path::new(address)),
    };
    parsed.to_sockaddr().map_err(to_js)
}

/// The JS form of an address: the path, or the abstract name after a NUL.
/// Bytes that are not UTF-8 are replaced (U+FFFD), as Node does for paths.
fn address_string(address: peercred::Address<'_>) -> Option<String> {
    match address {
        peercred::Address::Unnamed => None,
        peercred::Address::Path(path) => {
            Some(String::from_utf8_lossy(path.as_os_str().as_bytes()).into_owned())
        }
        peercred::Address::Abstract(name) => Some(format!("\0{}", String::from_utf8_lossy(name))),
    }
}

impl NativeMessageSocket {
    fn new(env: &Env, fd: OwnedFd, kind: peercred::SocketType) -> Result<Self> {
        Ok(NativeMessageSocket {
            fd: WatchedFd::new(env.raw(), fd).map_err(to_js)?,
            kind,
            data: None,
            meta: None,
            pidfd: None,
            sender: None,
            sender_raw: None,
        })
    }

    fn raw(&self) -> Result<RawFd> {
        self.fd.fd().map_err(to_js)
    }
}

#[napi]
impl NativeMessageSocket {
    /// A new non-blocking SOCK_DGRAM socket that passes credentials from the start.
    #[napi(factory, catch_unwind)]
    pub fn datagram(env: Env) -> Result<Self> {
        // SAFETY: socket(2) returns a new descriptor or -1.
        let raw = unsafe {
            libc::socket(
                libc::AF_UNIX,
                libc::SOCK_DGRAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
                0,
            )
        };
        if raw < 0 {
            return Err(last_error());
        }
        // SAFETY: a new descriptor that we own.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        peercred::pass_credentials(&fd).map_err(to_js)?;
        NativeMessageSocket::new(&env, fd, peercred::SocketType::Datagram)
    }

    /// Makes `fd`, a Unix socket of any type, pass credentials (the first
    /// step of adoption; nothing is taken yet).
    #[napi(catch_unwind)]
    pub fn pass_credentials(fd: i32) -> Result<()> {
        peercred::raw::pass_credentials(fd).map_err(to_js)
    }

    /// Refuses a socket nothing can be received on (a listening or
    /// unconnected stream or seqpacket socket) with the error recv would give,
    /// by peeking at an empty buffer without waiting: nothing is consumed.
    #[napi(catch_unwind)]
    pub fn probe(fd: i32) -> Result<()> {
        match peercred::raw::recv(fd, &mut [], libc::MSG_PEEK | libc::MSG_DONTWAIT) {
            Ok(_) | Err(peercred::Error::Os(libc::EAGAIN)) => Ok(()),
            Err(err) => Err(to_js(err)),
        }
    }

    /// Takes ownership of `fd` once pass_credentials() and probe() accepted
    /// it, making it non-blocking.
    #[napi(factory, catch_unwind)]
    pub fn adopt(env: Env, fd: i32) -> Result<Self> {
        let kind = peercred::raw::socket_type(fd).map_err(to_js)?;
        // SAFETY: fcntl on a descriptor that was just checked to be a socket.
        let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
        if flags < 0 || unsafe { libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) } < 0 {
            return Err(last_error());
        }
        // SAFETY: the caller hands the descriptor over (documented).
        NativeMessageSocket::new(&env, unsafe { OwnedFd::from_raw_fd(fd) }, kind)
    }

    /// "dgram", "seqpacket" or "stream".
    #[napi]
    pub fn kind(&self) -> &'static str {
        match self.kind {
            peercred::SocketType::Datagram => "dgram",
            peercred::SocketType::SeqPacket => "seqpacket",
            _ => "stream",
        }
    }

    /// Registers the meta array and the buffer that receives each message.
    #[napi(catch_unwind)]
    pub fn set_buffers(&mut self, meta: Uint32Array, data: Buffer) -> Result<()> {
        if meta.len() < META_SIZE {
            return Err(to_js(peercred::Error::Os(libc::EINVAL)));
        }
        self.meta = Some(meta);
        self.data = Some(data);
        Ok(())
    }

    #[napi(catch_unwind)]
    pub fn bind(&self, address: String) -> Result<()> {
        let (addr, len) = sockaddr(&address)?;
        // SAFETY: a valid sockaddr_un and its length.
        if unsafe { libc::bind(self.raw()?, (&addr as *const libc::sockaddr_un).cast(), len) } < 0 {
            return Err(last_error());
        }
        Ok(())
    }

    /// sendto(2) without waiting: EAGAIN when the receiver's queue is full.
    #[napi(catch_unwind)]
    pub fn send_to(&self, data: BufferSlice, address: Option<String>) -> Result<u32> {
        let fd = self.raw()?;
        let target = address.as_deref().map(sockaddr).transpose()?;
        let (name, name_len) = match &target {
            Some((addr, len)) => ((addr as *const libc::sockaddr_un).cast(), *len),
            None => (std::ptr::null(), 0),
        };
        // SAFETY: data is valid for its length; name is NULL or a valid address.
        let sent = unsafe {
            libc::sendto(
                fd,
                data.as_ptr().cast(),
                data.len(),
                libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL,
                name,
                name_len,
            )
        };
        if sent < 0 {
            return Err(last_error());
        }
        Ok(sent as u32)
    }

    /// The socket's own address (getsockname), or null when unbound.
    #[napi(catch_unwind)]
    pub fn local_address(&self) -> Result<Option<String>> {
        // SAFETY: all-zero is a valid sockaddr_un; getsockname writes at most len bytes.
        let mut addr: libc::sockaddr_un = unsafe { std::mem::zeroed() };
        let mut len = std::mem::size_of::<libc::sockaddr_un>() as libc::socklen_t;
        if unsafe {
            libc::getsockname(
                self.raw()?,
                (&mut addr as *mut libc::sockaddr_un).cast(),
                &mut len,
            )
        } < 0
        {
            return Err(last_error());
        }
        let (peer, peer_len) = (
            (&addr as *const libc::sockaddr_un).cast::<u8>(),
            (len as usize).min(std::mem::size_of::<libc::sockaddr_un>()),
        );
        // SAFETY: the kernel wrote peer_len bytes.
        let bytes = unsafe { std::slice::from_raw_parts(peer, peer_len) };
        Ok(peercred::Address::parse(bytes).and_then(address_string))
    }

    /// Receives one message into the data buffer, its facts into the meta
    /// array; false when none is queued. The pidfd is held for take_process().
    #[napi(catch_unwind)]
    pub fn recv(&mut self) -> Result<bool> {
        self.pidfd = None;
        let fd = self.raw()?;
        let (Some(data), Some(meta)) = (self.data.as_mut(), self.meta.as_mut()) else {
            return Err(to_js(peercred::Error::Os(libc::EINVAL)));
        };
        let mut message = match peercred::raw::recv(fd, data.as_mut(), libc::MSG_DONTWAIT) {
            Ok(message) => message,
            Err(peercred::Error::Os(libc::EAGAIN)) => return Ok(false),
            Err(err) => return Err(to_js(err)),
        };
        // Most senders send again: compare bytes, and build a string only for a new one.
        let address = match message.address() {
            peercred::Address::Unnamed => {
                self.sender_raw = None;
                ADDRESS_NONE
            }
            sender
                if self
                    .sender_raw
                    .as_ref()
                    .is_some_and(|old| old.matches(sender)) =>
            {
                ADDRESS_SAME
            }
            sender => {
                self.sender_raw = Some(RawAddress::from(sender));
                self.sender = address_string(sender);
                ADDRESS_NEW
            }
        };
        self.pidfd = message.take_pidfd();
        // SAFETY: only this call touches the array while it runs (the wrapper
        // never hands it out).
        let meta = unsafe { meta.as_mut() };
        let cred = message.cred();
        meta[META_LEN] = message.len().min(data.len()) as u32;
        meta[META_FLAGS] = message.flags() as u32;
        meta[META_HAS_CRED] = u32::from(cred.is_some());
        meta[META_PID] = cred.and_then(|c| c.pid()).unwrap_or(0) as u32;
        meta[META_UID] = cred.map_or(0, |c| c.uid());
        meta[META_GID] = cred.map_or(0, |c| c.gid());
        meta[META_DISCARDED] = message.discarded_fds() as u32;
        meta[META_ADDRESS] = address;
        meta[META_HAS_PIDFD] = u32::from(self.pidfd.is_some());
        Ok(true)
    }

    /// The last message's sender address (after recv() said it is new).
    #[napi]
    pub fn sender_address(&self) -> Option<String> {
        self.sender.clone()
    }

    /// The last message's sender, holding its pidfd (taken from the socket).
    #[napi(catch_unwind)]
    pub fn take_process(&mut self) -> Result<NativePeerProcess> {
        let pidfd = self
            .pidfd
            .take()
            .ok_or_else(|| to_js(peercred::Error::BadDescriptor))?;
        peercred::PeerProcess::from_pidfd(pidfd)
            .map(|p| NativePeerProcess(Some(p)))
            .map_err(to_js)
    }

    /// Starts calling `callback(status)` on `this` when the socket is readable.
    #[napi(catch_unwind)]
    pub fn watch(&self, this: This<'_>, callback: Function<'_, i32, ()>) -> Result<()> {
        self.fd
            .watch(c"UnixDatagramSocket", this.raw(), callback.raw())
            .map_err(to_js)
    }

    #[napi]
    pub fn set_ref(&self, on: bool) {
        self.fd.set_ref(on);
    }

    /// Closes the socket and everything it holds. Harmless twice.
    #[napi]
    pub fn close(&mut self) {
        self.pidfd = None;
        self.fd.close();
    }
}
