//! The kernel's placeholder credentials. A message queued before the receiver
//! set `SO_PASSCRED` (and sent without it) carries no sender, yet the kernel
//! still attaches `SCM_CREDENTIALS`: pid 0 with the overflow uid and gid
//! (`/proc/sys/kernel/overflowuid`, `overflowgid`; 65534 unless an admin
//! changed them). That is no credentials, never a sender called nobody.
//! (The other placeholder, the zeroed credentials the kernel writes at the end
//! of a stream, is recognised in recvmsg.rs, where the socket type is known.)

use crate::PeerCred;

/// The credentials an `SCM_CREDENTIALS` entry vouches for, or `None` for the
/// placeholder. `overflow_ids` is asked only when the pid is 0 (a real sender
/// outside the caller's PID namespace, or the placeholder); when it cannot
/// answer, the message is treated as the placeholder: fail closed.
pub(crate) fn credentials(
    (pid, uid, gid): (i32, u32, u32),
    overflow_ids: impl FnOnce() -> Option<(u32, u32)>,
) -> Option<PeerCred> {
    // The kernel never writes these; a message that has them proves nothing.
    if pid < 0 || uid == u32::MAX || gid == u32::MAX {
        return None;
    }
    if pid == 0 && overflow_ids().map_or(true, |overflow| overflow == (uid, gid)) {
        return None;
    }
    Some(PeerCred::from_parts((pid != 0).then_some(pid), uid, gid))
}

/// The overflow ids the kernel writes for ids it cannot map, read now (an
/// admin may change them at any time).
pub(crate) fn overflow_ids() -> Option<(u32, u32)> {
    let read = |name| -> Option<u32> {
        let text = std::fs::read(format!("/proc/sys/kernel/{name}")).ok()?;
        parse_id(&text)
    };
    Some((read("overflowuid")?, read("overflowgid")?))
}

fn parse_id(text: &[u8]) -> Option<u32> {
    std::str::from_utf8(text).ok()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULT: Option<(u32, u32)> = Some((65534, 65534));

    #[test]
    fn table() {
        let cred = |pid, uid, gid| Some(PeerCred::from_parts(pid, uid, gid));
        let rows = [
            (
                "a sender",
                (42, 1000, 100),
                DEFAULT,
                cred(Some(42), 1000, 100),
            ),
            ("root", (1, 0, 0), DEFAULT, cred(Some(1), 0, 0)),
            ("the placeholder", (0, 65534, 65534), DEFAULT, None),
            (
                "the placeholder with other overflow ids",
                (0, 4000, 4001),
                Some((4000, 4001)),
                None,
            ),
            (
                "65534 with a pid is a sender whose ids do not map here",
                (42, 65534, 65534),
                DEFAULT,
                cred(Some(42), 65534, 65534),
            ),
            (
                "pid 0 with mapped ids: a sender outside our PID namespace",
                (0, 1000, 100),
                DEFAULT,
                cred(None, 1000, 100),
            ),
            (
                "pid 0 and only the uid overflowing",
                (0, 65534, 100),
                DEFAULT,
                cred(None, 65534, 100),
            ),
            (
                "pid 0 when the overflow ids cannot be read: fail closed",
                (0, 1000, 100),
                None,
                None,
            ),
            ("uid 4294967295", (42, u32::MAX, 0), DEFAULT, None),
            ("gid 4294967295", (42, 0, u32::MAX), DEFAULT, None),
            ("a negative pid", (-1, 0, 0), DEFAULT, None),
        ];
        for (what, written, overflow, want) in rows {
            assert_eq!(credentials(written, || overflow), want, "{what}");
        }
    }

    #[test]
    fn overflow_ids_are_asked_only_for_pid_0() {
        let asked = std::cell::Cell::new(false);
        credentials((42, 65534, 65534), || {
            asked.set(true);
            DEFAULT
        });
        assert!(!asked.get());
    }

    #[test]
    fn parses_the_sysctl_files() {
        assert_eq!(parse_id(b"65534\n"), Some(65534));
        assert_eq!(parse_id(b" 4000 "), Some(4000));
        assert_eq!(parse_id(b""), None);
        assert_eq!(parse_id(b"-1\n"), None);
        assert_eq!(
            overflow_ids().map(|_| ()),
            Some(()),
            "this machine has /proc"
        );
    }
}
