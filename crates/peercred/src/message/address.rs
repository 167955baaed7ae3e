//! The sender's address, as recvmsg(2) wrote it into a `sockaddr_un`: a pure
//! function over bytes, tested without a kernel.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crate::Error;

/// Where a message came from: the address the sending socket is bound to.
///
/// The sender chose it (any free name it may create); it identifies a reply
/// address, not a sender. Compare credentials, never addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Address<'a> {
    /// The sending socket is not bound: no reply is possible. Stream and
    /// seqpacket connections usually look like this.
    Unnamed,
    /// A socket file in the filesystem, as the sender named it when it bound
    /// (relative names stay relative).
    Path(&'a Path),
    /// A name in the abstract namespace, without the leading NUL: any bytes.
    /// Sockets that send with `SO_PASSCRED` set are bound to one automatically.
    Abstract(&'a [u8]),
}

impl Address<'_> {
    /// Reads an address as recvmsg(2), getsockname(2) or accept(2) report it:
    /// the first `*addrlen` bytes of the `sockaddr_un` they filled. `None`
    /// when the family is not `AF_UNIX`.
    ///
    /// ```
    /// let mut name = (libc::AF_UNIX as libc::sa_family_t).to_ne_bytes().to_vec();
    /// name.extend_from_slice(b"\0mylog");
    /// assert_eq!(peercred::Address::parse(&name), Some(peercred::Address::Abstract(b"mylog")));
    /// ```
    pub fn parse(name: &[u8]) -> Option<Address<'_>> {
        if name.len() < FAMILY {
            // recvmsg sets no name for an unbound sender.
            return Some(Address::Unnamed);
        }
        let family = libc::sa_family_t::from_ne_bytes(name[..FAMILY].try_into().expect("family"));
        if family != libc::AF_UNIX as libc::sa_family_t {
            return None;
        }
        Some(match &name[FAMILY..] {
            [] => Address::Unnamed,
            [0, abstract_name @ ..] => Address::Abstract(abstract_name),
            path => {
                // The kernel counts the terminating NUL when there is room for one.
                let end = path.iter().position(|&b| b == 0).unwrap_or(path.len());
                Address::Path(Path::new(OsStr::from_bytes(&path[..end])))
            }
        })
    }

    /// The `sockaddr_un` and length that name this address, for `sendto(2)`
    /// and `bind(2)`: the inverse of what recvmsg reports. Errors:
    /// `Error::Os(ENAMETOOLONG)` for a name longer than `sun_path` (108 bytes,
    /// 107 for an abstract name), `Error::Os(EINVAL)` for a path with a NUL
    /// byte, and [`Address::Unnamed`], which no socket can be sent to.
    ///
    /// ```
    /// use peercred::Address;
    /// let (addr, len) = Address::Abstract(b"mylog").to_sockaddr()?;
    /// assert_eq!((addr.sun_path[0], len as usize), (0, 2 + 1 + 5));
    /// # Ok::<(), peercred::Error>(())
    /// ```
    pub fn to_sockaddr(&self) -> Result<(libc::sockaddr_un, libc::socklen_t), Error> {
        // SAFETY: all-zero is a valid sockaddr_un.
        let mut addr: libc::sockaddr_un = unsafe { std::mem::zeroed() };
        addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
        let (bytes, prefix, nul) = match *self {
            Address::Unnamed => return Err(Error::Os(libc::EDESTADDRREQ)),
            Address::Path(path) => {
                let bytes = path.as_os_str().as_bytes();
                if bytes.is_empty() || bytes.contains(&0) {
                    return Err(Error::Os(libc::EINVAL));
                }
                (bytes, 0, usize::from(bytes.len() < addr.sun_path.len()))
            }
            Address::Abstract(name) => (name, 1, 0),
        };
        if prefix + bytes.len() > addr.sun_path.len() {
            return Err(Error::Os(libc::ENAMETOOLONG));
        }
        for (dst, &src) in addr.sun_path[prefix..].iter_mut().zip(bytes) {
            *dst = src as libc::c_char;
        }
        let len = FAMILY + prefix + bytes.len() + nul;
        Ok((addr, len as libc::socklen_t))
    }
}

/// The `offsetof(struct sockaddr_un, sun_path)`: the family field.
const FAMILY: usize = std::mem::size_of::<libc::sa_family_t>();

#[cfg(test)]
mod tests {
    use super::*;

    fn unix(path: &[u8]) -> Vec<u8> {
        let mut bytes = (libc::AF_UNIX as libc::sa_family_t).to_ne_bytes().to_vec();
        bytes.extend_from_slice(path);
        bytes
    }

    #[test]
    fn table() {
        let long = [b'a'; 108];
        let rows: [(&str, Vec<u8>, Option<Address<'_>>); 9] = [
            ("no name at all", vec![], Some(Address::Unnamed)),
            ("only the family", unix(b""), Some(Address::Unnamed)),
            (
                "a path with its NUL",
                unix(b"/run/log\0"),
                Some(Address::Path(Path::new("/run/log"))),
            ),
            (
                "a relative path",
                unix(b"log.sock\0"),
                Some(Address::Path(Path::new("log.sock"))),
            ),
            (
                "108 bytes, no room for a NUL",
                unix(&long),
                Some(Address::Path(Path::new(OsStr::from_bytes(&long)))),
            ),
            (
                "abstract",
                unix(b"\0peercred"),
                Some(Address::Abstract(b"peercred")),
            ),
            (
                "abstract with NULs inside",
                unix(b"\0a\0b\0"),
                Some(Address::Abstract(b"a\0b\0")),
            ),
            (
                "autobind: five hex digits",
                unix(b"\x0000a1f"),
                Some(Address::Abstract(b"00a1f")),
            ),
            (
                "another family",
                (libc::AF_INET as libc::sa_family_t).to_ne_bytes().to_vec(),
                None,
            ),
        ];
        for (what, bytes, want) in rows {
            assert_eq!(Address::parse(&bytes), want, "{what}");
            // Every address a sender can have encodes back to what the kernel wrote.
            if let Some(addr @ (Address::Path(_) | Address::Abstract(_))) = want {
                let (raw, len) = addr.to_sockaddr().unwrap();
                // SAFETY: sockaddr_un is plain bytes.
                let raw = unsafe {
                    std::slice::from_raw_parts(
                        (&raw as *const libc::sockaddr_un).cast::<u8>(),
                        len as usize,
                    )
                };
                assert_eq!(Address::parse(raw), want, "{what}: round trip");
            }
        }
    }

    #[test]
    fn names_that_cannot_be_encoded() {
        let long = [b'a'; 109];
        let path = |bytes| Address::Path(Path::new(OsStr::from_bytes(bytes)));
        assert_eq!(
            Address::Unnamed.to_sockaddr().unwrap_err(),
            Error::Os(libc::EDESTADDRREQ)
        );
        assert_eq!(
            path(&long).to_sockaddr().unwrap_err(),
            Error::Os(libc::ENAMETOOLONG)
        );
        assert_eq!(
            Address::Abstract(&long[..108]).to_sockaddr().unwrap_err(),
            Error::Os(libc::ENAMETOOLONG)
        );
        assert_eq!(
            path(b"a\0b").to_sockaddr().unwrap_err(),
            Error::Os(libc::EINVAL)
        );
        assert_eq!(
            path(b"").to_sockaddr().unwrap_err(),
            Error::Os(libc::EINVAL)
        );
        assert_eq!(
            path(&long[..108]).to_sockaddr().unwrap().1,
            110,
            "no room for the NUL"
        );
        assert_eq!(path(b"/a").to_sockaddr().unwrap().1, 5, "the NUL counted");
    }
}
