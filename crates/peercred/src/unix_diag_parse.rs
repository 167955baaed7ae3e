//! Pure parsers for the netlink replies of `sock_diag` for Unix sockets
//! (linux/netlink.h, linux/unix_diag.h); no I/O here, so every shape the
//! kernel (or a broken one) can send is covered by the table tests below.

/// `NLMSG_ERROR`: an error (or an acknowledgement) for our request.
const NLMSG_ERROR: u16 = 2;
/// `NLMSG_DONE`: the end of a dump.
const NLMSG_DONE: u16 = 3;
/// `SOCK_DIAG_BY_FAMILY`: one socket's description.
pub(crate) const SOCK_DIAG_BY_FAMILY: u16 = 20;
/// sizeof(struct nlmsghdr).
const NLMSG_HDRLEN: usize = 16;
/// sizeof(struct unix_diag_msg): family, type, state, pad, ino, cookie[2].
const UNIX_DIAG_MSG_LEN: usize = 16;

/// One netlink message of a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reply<'a> {
    /// A socket: its inode, its cookie and its attributes (`UNIX_DIAG_*`).
    Socket {
        ino: u32,
        cookie: u64,
        attrs: &'a [u8],
    },
    /// The kernel refused the request with this errno.
    Error(i32),
    /// The end of a dump (or an acknowledgement without error).
    Done,
}

/// The messages of one datagram of a reply, in order; `None` when it is
/// malformed (a length that does not fit, a message shorter than its header).
pub(crate) fn replies(mut buf: &[u8]) -> Option<Vec<Reply<'_>>> {
    let mut out = Vec::new();
    while !buf.is_empty() {
        let len = u32_at(buf, 0)? as usize;
        if len < NLMSG_HDRLEN || len > buf.len() {
            return None;
        }
        let kind = u16::from_ne_bytes(buf.get(4..6)?.try_into().ok()?);
        let body = &buf[NLMSG_HDRLEN..len];
        out.push(match kind {
            NLMSG_ERROR | NLMSG_DONE => match i32::from_ne_bytes(body.get(..4)?.try_into().ok()?) {
                0 => Reply::Done,
                err => Reply::Error(err.checked_neg().filter(|&e| e > 0)?),
            },
            SOCK_DIAG_BY_FAMILY => {
                let header = body.get(..UNIX_DIAG_MSG_LEN)?;
                let low = u32_at(header, 8)?;
                let high = u32_at(header, 12)?;
                Reply::Socket {
                    ino: u32_at(header, 4)?,
                    cookie: u64::from(high) << 32 | u64::from(low),
                    attrs: &body[UNIX_DIAG_MSG_LEN..],
                }
            }
            _ => return None,
        });
        buf = buf.get(align(len)..).unwrap_or(&[]);
    }
    Some(out)
}

/// The payload of the first attribute of type `kind` (`struct nlattr` list),
/// `None` when absent or when the list is malformed before it.
pub(crate) fn attr(mut attrs: &[u8], kind: u16) -> Option<&[u8]> {
    while attrs.len() >= 4 {
        let len = u16::from_ne_bytes(attrs[..2].try_into().ok()?) as usize;
        // The top two bits flag nested and byte-order attributes.
        let this = u16::from_ne_bytes(attrs[2..4].try_into().ok()?) & 0x3fff;
        if len < 4 || len > attrs.len() {
            return None;
        }
        if this == kind {
            return Some(&attrs[4..len]);
        }
        attrs = attrs.get(align(len)..).unwrap_or(&[]);
    }
    None
}

/// A payload of native-endian `u32`s (`UNIX_DIAG_PEER`, `UNIX_DIAG_ICONS`);
/// `None` when its length is not a multiple of four.
pub(crate) fn u32s(payload: &[u8]) -> Option<Vec<u32>> {
    if payload.len() % 4 != 0 {
        return None;
    }
    Some(
        payload
            .chunks_exact(4)
            .map(|b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
            .collect(),
    )
}

fn u32_at(buf: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(buf.get(at..at + 4)?.try_into().ok()?))
}

/// `NLMSG_ALIGN`/`NLA_ALIGN`: four bytes.
fn align(len: usize) -> usize {
    (len + 3) & !3
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(kind: u16, body: &[u8]) -> Vec<u8> {
        let len = (NLMSG_HDRLEN + body.len()) as u32;
        let mut out = Vec::new();
        out.extend_from_slice(&len.to_ne_bytes());
        out.extend_from_slice(&kind.to_ne_bytes());
        out.extend_from_slice(&[0; 10]); // flags, seq, pid
        out.extend_from_slice(body);
        out.resize(align(out.len()), 0);
        out
    }

    fn socket(ino: u32, cookie: u64, attrs: &[u8]) -> Vec<u8> {
        let mut body = vec![1, 1, 1, 0];
        body.extend_from_slice(&ino.to_ne_bytes());
        body.extend_from_slice(&(cookie as u32).to_ne_bytes());
        body.extend_from_slice(&((cookie >> 32) as u32).to_ne_bytes());
        body.extend_from_slice(attrs);
        message(SOCK_DIAG_BY_FAMILY, &body)
    }

    fn nlattr(kind: u16, payload: &[u8]) -> Vec<u8> {
        let mut out = ((4 + payload.len()) as u16).to_ne_bytes().to_vec();
        out.extend_from_slice(&kind.to_ne_bytes());
        out.extend_from_slice(payload);
        out.resize(align(out.len()), 0);
        out
    }

    #[test]
    fn messages_of_a_reply() {
        let peer = nlattr(2, &7u32.to_ne_bytes());
        let one = socket(42, 0x1_0000_0002, &peer);
        assert_eq!(
            replies(&one),
            Some(vec![Reply::Socket {
                ino: 42,
                cookie: 0x1_0000_0002,
                attrs: &peer
            }])
        );
        let mut dump = socket(1, 1, &[]);
        dump.extend(socket(2, 2, &[]));
        dump.extend(message(NLMSG_DONE, &0i32.to_ne_bytes()));
        assert_eq!(replies(&dump).unwrap().len(), 3);
        assert_eq!(replies(&dump).unwrap()[2], Reply::Done);
        let enoent = message(NLMSG_ERROR, &(-libc::ENOENT).to_ne_bytes());
        assert_eq!(replies(&enoent), Some(vec![Reply::Error(libc::ENOENT)]));
        assert_eq!(replies(&[]), Some(vec![]));
    }

    #[test]
    fn malformed_replies() {
        let good = socket(42, 1, &[]);
        let cases: Vec<Vec<u8>> = vec![
            good[..good.len() - 1].to_vec(),               // shorter than it says
            good[..10].to_vec(),                           // a header cut short
            message(SOCK_DIAG_BY_FAMILY, &[0; 8]),         // a unix_diag_msg cut short
            message(NLMSG_ERROR, &[]),                     // an error without its code
            message(NLMSG_ERROR, &i32::MIN.to_ne_bytes()), // no errno
            message(NLMSG_ERROR, &5i32.to_ne_bytes()),     // a positive "error"
            message(99, &[]),                              // an unknown message
            {
                let mut zero = good.clone();
                zero[..4].copy_from_slice(&0u32.to_ne_bytes()); // would never end
                zero
            },
        ];
        for case in cases {
            assert_eq!(replies(&case), None, "{case:?}");
        }
    }

    #[test]
    fn attributes() {
        let mut attrs = nlattr(6, &[0]); // UNIX_DIAG_SHUTDOWN
        let icons: Vec<u8> = [1u32, 2].iter().flat_map(|n| n.to_ne_bytes()).collect();
        attrs.extend(nlattr(3, &icons)); // UNIX_DIAG_ICONS
        attrs.extend(nlattr(2 | 0x8000, &9u32.to_ne_bytes())); // flag bits ignored
        assert_eq!(attr(&attrs, 6), Some(&[0u8][..]));
        assert_eq!(u32s(attr(&attrs, 3).unwrap()), Some(vec![1, 2]));
        assert_eq!(attr(&attrs, 2), Some(&9u32.to_ne_bytes()[..]));
        assert_eq!(attr(&attrs, 7), None);
        assert_eq!(attr(&nlattr(3, &[]), 3), Some(&[][..]));
        // A length past the end, or shorter than the attribute header.
        assert_eq!(attr(&[8, 0, 2, 0, 1], 2), None);
        assert_eq!(attr(&[2, 0, 2, 0, 1, 0, 0, 0], 2), None);
        assert_eq!(u32s(&[1, 2, 3]), None);
        assert_eq!(u32s(&[]), Some(vec![]));
    }
}
