//! Parsing the control data (ancillary messages) that recvmsg(2) wrote: a
//! pure function over bytes, so every layout the kernel can produce is tested
//! without a kernel.
//!
//! The layout is the kernel's, not a libc's: each entry is a `cmsghdr`
//! (`size_t cmsg_len; int cmsg_level; int cmsg_type`) padded to the alignment
//! of `size_t`, then its data, padded the same way.

use std::mem::size_of;
use std::os::fd::RawFd;

/// `SCM_PIDFD` (Linux 6.5): a pidfd of the sender, made by the kernel at
/// receive time. The libc crate does not name it yet.
pub(crate) const SCM_PIDFD: libc::c_int = 0x04;

const WORD: usize = size_of::<usize>();
const HEADER: usize = align(WORD + 2 * size_of::<libc::c_int>());
const UCRED: usize = 3 * 4;

const fn align(len: usize) -> usize {
    (len + WORD - 1) & !(WORD - 1)
}

/// What an `SCM_PIDFD` entry held.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum PidfdEntry {
    /// The message carried none.
    Absent,
    /// A descriptor the kernel installed for us.
    Fd(RawFd),
    /// The kernel could not make one and wrote its negated errno instead
    /// (`EINVAL`/`ESRCH` for a reaped sender before Linux 6.16, `EMFILE`...).
    Refused(i32),
}

/// The entries of one message's control data that peercred uses.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Control {
    /// The `SCM_CREDENTIALS` entry as the kernel wrote it: pid, uid, gid.
    pub(crate) cred: Option<(i32, u32, u32)>,
    pub(crate) pidfd: PidfdEntry,
    /// Descriptors that arrived unasked (`SCM_RIGHTS`, a second pidfd) and
    /// were handed to the `discard` callback.
    pub(crate) discarded: usize,
    /// An entry the kernel never writes (a short header, a second or short
    /// `SCM_CREDENTIALS` without truncation): the whole message is refused.
    pub(crate) malformed: bool,
}

/// Walks `control` (the `msg_controllen` bytes recvmsg wrote). Every
/// descriptor the caller did not ask for goes to `discard`, which must close
/// it; `truncated` (`MSG_CTRUNC`) tells a cut entry from a malformed one.
pub(crate) fn parse(control: &[u8], truncated: bool, mut discard: impl FnMut(RawFd)) -> Control {
    let mut parsed = Control {
        cred: None,
        pidfd: PidfdEntry::Absent,
        discarded: 0,
        malformed: false,
    };
    let mut offset = 0;
    while offset + HEADER <= control.len() {
        let entry = &control[offset..];
        let len = usize::from_ne_bytes(entry[..WORD].try_into().expect("WORD bytes"));
        let level = int_at(entry, WORD);
        let kind = int_at(entry, WORD + 4);
        if len < HEADER {
            parsed.malformed = true;
            break;
        }
        // A truncated entry's cmsg_len counts only what was written; never
        // read beyond the buffer in any case.
        let data = &entry[HEADER..len.min(entry.len())];
        if level == libc::SOL_SOCKET {
            match kind {
                libc::SCM_CREDENTIALS => match data.len() {
                    UCRED if parsed.cred.is_none() => {
                        parsed.cred = Some((
                            int_at(data, 0),
                            int_at(data, 4) as u32,
                            int_at(data, 8) as u32,
                        ))
                    }
                    short if short < UCRED && truncated => {}
                    _ => parsed.malformed = true,
                },
                libc::SCM_RIGHTS => {
                    for fd in data.chunks_exact(4) {
                        discard(int_at(fd, 0));
                        parsed.discarded += 1;
                    }
                }
                SCM_PIDFD if data.len() >= 4 => match (int_at(data, 0), &parsed.pidfd) {
                    (fd, PidfdEntry::Absent) if fd >= 0 => parsed.pidfd = PidfdEntry::Fd(fd),
                    (errno, PidfdEntry::Absent) => {
                        parsed.pidfd = PidfdEntry::Refused(errno.checked_neg().unwrap_or(0))
                    }
                    (fd, _) => {
                        parsed.malformed = true;
                        if fd >= 0 {
                            discard(fd);
                            parsed.discarded += 1;
                        }
                    }
                },
                // SCM_SECURITY (SO_PASSSEC) and anything newer: not ours to read.
                _ => {}
            }
        }
        offset += align(len);
    }
    parsed
}

fn int_at(bytes: &[u8], at: usize) -> i32 {
    i32::from_ne_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One control entry as the kernel lays it out.
    fn entry(level: i32, kind: i32, data: &[u8]) -> Vec<u8> {
        let len = HEADER + data.len();
        let mut bytes = len.to_ne_bytes().to_vec();
        bytes.extend_from_slice(&level.to_ne_bytes());
        bytes.extend_from_slice(&kind.to_ne_bytes());
        bytes.resize(HEADER, 0);
        bytes.extend_from_slice(data);
        bytes.resize(align(len), 0);
        bytes
    }

    fn ints(values: &[i32]) -> Vec<u8> {
        values.iter().flat_map(|v| v.to_ne_bytes()).collect()
    }

    fn cred(pid: i32, uid: u32, gid: u32) -> Vec<u8> {
        entry(
            libc::SOL_SOCKET,
            libc::SCM_CREDENTIALS,
            &ints(&[pid, uid as i32, gid as i32]),
        )
    }

    fn run(control: &[u8], truncated: bool) -> (Control, Vec<RawFd>) {
        let mut closed = Vec::new();
        let parsed = parse(control, truncated, |fd| closed.push(fd));
        (parsed, closed)
    }

    #[test]
    fn table() {
        let rights = entry(libc::SOL_SOCKET, libc::SCM_RIGHTS, &ints(&[7, 8, 9]));
        let pidfd = entry(libc::SOL_SOCKET, SCM_PIDFD, &ints(&[5]));
        let security = entry(
            libc::SOL_SOCKET,
            0x03, /* SCM_SECURITY */
            b"unconfined\0",
        );
        let other_level = entry(libc::SOL_IP, libc::SCM_CREDENTIALS, &ints(&[1, 2, 3]));
        let mut short_cred = cred(42, 1000, 1000);
        short_cred.truncate(HEADER + 8);
        short_cred[..WORD].copy_from_slice(&(HEADER + 8).to_ne_bytes());
        let mut bad_len = cred(42, 1000, 1000);
        bad_len[..WORD].copy_from_slice(&4usize.to_ne_bytes());

        struct Row {
            what: &'static str,
            control: Vec<u8>,
            truncated: bool,
            cred: Option<(i32, u32, u32)>,
            pidfd: PidfdEntry,
            closed: Vec<RawFd>,
            malformed: bool,
        }
        let row = |what, control: Vec<u8>| Row {
            what,
            control,
            truncated: false,
            cred: None,
            pidfd: PidfdEntry::Absent,
            closed: vec![],
            malformed: false,
        };
        let rows = [
            row("nothing", vec![]),
            Row {
                cred: Some((42, 1000, 1001)),
                ..row("credentials", cred(42, 1000, 1001))
            },
            Row {
                cred: Some((0, 65534, 65534)),
                ..row(
                    "the kernel's placeholder is parsed as written",
                    cred(0, 65534, 65534),
                )
            },
            Row {
                cred: Some((42, 0, 0)),
                pidfd: PidfdEntry::Fd(5),
                ..row(
                    "credentials and pidfd",
                    [cred(42, 0, 0), pidfd.clone()].concat(),
                )
            },
            Row {
                cred: Some((42, 0, 0)),
                pidfd: PidfdEntry::Fd(5),
                closed: vec![7, 8, 9],
                ..row(
                    "rights in the kernel's order: credentials, rights, pidfd",
                    [cred(42, 0, 0), rights.clone(), pidfd.clone()].concat(),
                )
            },
            Row {
                pidfd: PidfdEntry::Refused(libc::EMFILE),
                ..row(
                    "the kernel could not install the pidfd",
                    entry(libc::SOL_SOCKET, SCM_PIDFD, &ints(&[-libc::EMFILE])),
                )
            },
            Row {
                cred: Some((42, 0, 0)),
                ..row(
                    "a security label is skipped",
                    [security, cred(42, 0, 0)].concat(),
                )
            },
            row("another level is not ours", other_level),
            Row {
                truncated: true,
                ..row(
                    "credentials cut short by MSG_CTRUNC: none",
                    short_cred.clone(),
                )
            },
            Row {
                malformed: true,
                ..row("credentials cut short without MSG_CTRUNC", short_cred)
            },
            Row {
                malformed: true,
                ..row("a cmsg_len shorter than its header", bad_len)
            },
            Row {
                cred: Some((1, 1, 1)),
                malformed: true,
                ..row("two credentials", [cred(1, 1, 1), cred(2, 2, 2)].concat())
            },
            Row {
                pidfd: PidfdEntry::Fd(5),
                closed: vec![6],
                malformed: true,
                ..row(
                    "a second pidfd is closed",
                    [pidfd, entry(libc::SOL_SOCKET, SCM_PIDFD, &ints(&[6]))].concat(),
                )
            },
            Row {
                truncated: true,
                closed: vec![7, 8],
                ..row(
                    "rights cut to what fit",
                    entry(libc::SOL_SOCKET, libc::SCM_RIGHTS, &ints(&[7, 8])),
                )
            },
            row(
                "a header that does not fit is not read",
                vec![0; HEADER - 1],
            ),
        ];
        for r in rows {
            let (parsed, closed) = run(&r.control, r.truncated);
            assert_eq!(parsed.cred, r.cred, "{}", r.what);
            assert_eq!(parsed.pidfd, r.pidfd, "{}", r.what);
            assert_eq!(closed, r.closed, "{}", r.what);
            assert_eq!(parsed.discarded, r.closed.len(), "{}", r.what);
            assert_eq!(parsed.malformed, r.malformed, "{}", r.what);
        }
    }

    #[test]
    fn a_cmsg_len_beyond_the_buffer_reads_only_the_buffer() {
        let mut rights = entry(libc::SOL_SOCKET, libc::SCM_RIGHTS, &ints(&[7, 8]));
        rights[..WORD].copy_from_slice(&(HEADER + 400).to_ne_bytes());
        let (parsed, closed) = run(&rights, true);
        assert_eq!(closed, vec![7, 8]);
        assert!(!parsed.malformed);
    }
}
