//! Pure parsers for the /proc texts peercred reads; no I/O here, so every
//! shape the kernel can print is covered by the table tests below.

/// The number after `key` on its own line (`Pid:\t123` in a pidfd's fdinfo).
pub(crate) fn line_number(text: &[u8], key: &[u8]) -> Option<i64> {
    number(line(text, key)?)
}

/// How many pids the `NSpid:` line lists: one per PID namespace from the
/// namespace of the /proc mount down to the process's own.
pub(crate) fn nspid_count(status: &[u8]) -> Option<usize> {
    Some(fields(line(status, b"NSpid:")?).count())
}

/// The four ids of a `Uid:`/`Gid:` line of status: real, effective, saved,
/// filesystem.
pub(crate) fn ids(status: &[u8], key: &[u8]) -> Option<[u32; 4]> {
    let mut ids = fields(line(status, key)?).map(|field| number(field)?.try_into().ok());
    let quad = [ids.next()??, ids.next()??, ids.next()??, ids.next()??];
    ids.next().is_none().then_some(quad)
}

/// A status line of hexadecimal digits, such as `CapEff:\t000001ffffffffff`.
pub(crate) fn hex(status: &[u8], key: &[u8]) -> Option<u64> {
    let mut words = fields(line(status, key)?);
    let value = std::str::from_utf8(words.next()?).ok()?;
    if words.next().is_some() || !value.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u64::from_str_radix(value, 16).ok()
}

/// The rest of the line that starts with `key`.
fn line<'a>(text: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    text.split(|&b| b == b'\n')
        .find_map(|line| line.strip_prefix(key))
}

/// The one-letter state of a task: from status (`State:\tZ (zombie)`).
pub(crate) fn status_state(status: &[u8]) -> Option<u8> {
    fields(line(status, b"State:")?).next()?.first().copied()
}

/// Whether a task state letter is that of a thread that has exited: a zombie
/// (`Z`) or one being released (`X`).
pub(crate) fn has_exited(state: u8) -> bool {
    matches!(state, b'Z' | b'X')
}

/// Field `index` (1-based, as in proc(5)) of /proc/PID/stat. The command name
/// (field 2) may hold spaces and parentheses, so counting restarts after its
/// last ')'.
pub(crate) fn stat_field(stat: &[u8], index: usize) -> Option<&[u8]> {
    let close = stat.iter().rposition(|&b| b == b')')?;
    let after_comm = &stat[close + 1..];
    index
        .checked_sub(3)
        .and_then(|skip| fields(after_comm).nth(skip))
}

/// A decimal number, surrounding whitespace allowed, nothing else.
pub(crate) fn number(field: &[u8]) -> Option<i64> {
    std::str::from_utf8(field).ok()?.trim().parse().ok()
}

/// The arguments of /proc/PID/cmdline: each one is followed by a NUL (an empty
/// argument is a lone NUL; a process that rewrote its arguments may have
/// dropped the last NUL).
pub(crate) fn cmdline_args(raw: &[u8]) -> Vec<&[u8]> {
    if raw.is_empty() {
        return Vec::new();
    }
    raw.strip_suffix(b"\0")
        .unwrap_or(raw)
        .split(|&b| b == 0)
        .collect()
}

/// The root and the filesystem type of the mount at `mount_point` that a
/// mountinfo text shows last (the one on top, which path lookups reach), as
/// proc(5) lays its lines out: `ID PARENT MAJ:MIN ROOT MOUNT-POINT OPTIONS
/// [TAGS...] - FSTYPE SOURCE SUPER-OPTIONS`. Paths keep the kernel's octal
/// escapes, so a point with a space matches only in its escaped form.
pub(crate) fn mount_of<'a>(
    mountinfo: &'a [u8],
    mount_point: &[u8],
) -> Option<(&'a [u8], &'a [u8])> {
    mountinfo.split(|&b| b == b'\n').rev().find_map(|line| {
        let mut words = fields(line);
        let root = words.nth(3)?;
        (words.next()? == mount_point).then_some(())?;
        let fstype = words.skip_while(|&w| w != b"-").nth(1)?;
        Some((root, fstype))
    })
}

fn fields(line: &[u8]) -> impl Iterator<Item = &[u8]> {
    line.split(|b| b.is_ascii_whitespace())
        .filter(|f| !f.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fdinfo_pid_lines() {
        let cases: &[(&[u8], Option<i64>)] = &[
            (
                b"pos:\t0\nflags:\t02000002\nmnt_id:\t15\nino:\t1041\nPid:\t4242\nNSpid:\t4242\n",
                Some(4242),
            ),
            (b"Pid:\t0\nNSpid:\t0\n", Some(0)),
            (b"Pid:\t-1\nNSpid:\t-1\n", Some(-1)),
            (b"pos:\t0\nflags:\t02\n", None),
            (b"Pid:\tx\n", None),
            (b"NSpid:\t7\n", None),
            (b"", None),
        ];
        for (text, want) in cases {
            assert_eq!(
                line_number(text, b"Pid:"),
                *want,
                "{}",
                String::from_utf8_lossy(text)
            );
        }
    }

    #[test]
    fn nspid_counts() {
        let cases: &[(&[u8], Option<usize>)] = &[
            (b"Name:\tsh\nNSpid:\t812\n", Some(1)),
            (b"Name:\tsh\nNSpid:\t812\t1\n", Some(2)),
            (b"NSpid:\t9\t5\t1\nNStgid:\t9\t5\t1\n", Some(3)),
            (b"Name:\tsh\nPid:\t3\n", None),
        ];
        for (text, want) in cases {
            assert_eq!(nspid_count(text), *want);
        }
    }

    #[test]
    fn effective_ids_and_states() {
        let status =
            b"Name:\tx\nState:\tS (sleeping)\nUid:\t1000\t0\t0\t0\nGid:\t100\t42\t42\t42\n";
        assert_eq!(ids(status, b"Uid:"), Some([1000, 0, 0, 0]));
        assert_eq!(ids(status, b"Gid:"), Some([100, 42, 42, 42]));
        assert_eq!(ids(b"Uid:\t1000\n", b"Uid:"), None);
        assert_eq!(ids(b"Uid:\t1\t2\t3\n", b"Uid:"), None);
        assert_eq!(ids(b"Uid:\t1\t2\t3\t4\t5\n", b"Uid:"), None);
        assert_eq!(ids(b"Uid:\t1\t-1\t1\t1\n", b"Uid:"), None);
        assert_eq!(ids(b"Uid:\t1\t4294967296\t1\t1\n", b"Uid:"), None);
        assert_eq!(
            ids(b"Uid:\t4294967295\t0\t0\t0\n", b"Uid:"),
            Some([u32::MAX, 0, 0, 0])
        );
        assert_eq!(status_state(status), Some(b'S'));
        assert_eq!(status_state(b"State:\tZ (zombie)\n"), Some(b'Z'));
        assert_eq!(status_state(b"Name:\tx\n"), None);
        assert!(has_exited(b'Z') && has_exited(b'X'));
        assert!(!has_exited(b'S') && !has_exited(b'R') && !has_exited(b'D') && !has_exited(b't'));
    }

    #[test]
    fn capability_masks() {
        let status = b"CapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\nCapEff:\t000001ffffffffff\nCapBnd:\t00000000a80425fb\nNoNewPrivs:\t1\n";
        assert_eq!(hex(status, b"CapEff:"), Some(0x1ff_ffff_ffff));
        assert_eq!(hex(status, b"CapBnd:"), Some(0xa804_25fb));
        assert_eq!(hex(status, b"CapInh:"), Some(0));
        assert_eq!(line_number(status, b"NoNewPrivs:"), Some(1));
        assert_eq!(hex(status, b"CapAmb:"), None);
        assert_eq!(hex(b"CapEff:\t+1f\n", b"CapEff:"), None);
        assert_eq!(hex(b"CapEff:\t1f 2\n", b"CapEff:"), None);
        assert_eq!(hex(b"CapEff:\t\n", b"CapEff:"), None);
        assert_eq!(hex(b"CapEff:\t1ffffffffffffffff\n", b"CapEff:"), None);
    }

    #[test]
    fn mounts() {
        // This machine's hybrid layout, then a container's own cgroup2 mount
        // on top of it, and a bind mount of a subtree.
        let hybrid = b"31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n\
            40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n\
            41 31 0:38 / /sys/fs/cgroup/unified rw,relatime shared:9 - cgroup2 cgroup2 rw\n";
        assert_eq!(
            mount_of(hybrid, b"/sys/fs/cgroup/unified"),
            Some((&b"/"[..], &b"cgroup2"[..]))
        );
        assert_eq!(
            mount_of(hybrid, b"/sys/fs/cgroup"),
            Some((&b"/"[..], &b"tmpfs"[..]))
        );
        assert_eq!(mount_of(hybrid, b"/sys/fs"), None);
        let stacked = b"41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n\
            97 41 0:38 /.. /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n";
        assert_eq!(
            mount_of(stacked, b"/sys/fs/cgroup/unified"),
            Some((&b"/.."[..], &b"cgroup2"[..]))
        );
        let bound = b"120 99 0:30 /system.slice/x.scope /sys/fs/cgroup ro,nosuid master:2 - cgroup2 cgroup rw\n";
        assert_eq!(
            mount_of(bound, b"/sys/fs/cgroup"),
            Some((&b"/system.slice/x.scope"[..], &b"cgroup2"[..]))
        );
        assert_eq!(mount_of(b"garbage\n1 2 3\n", b"3"), None);
        assert_eq!(mount_of(b"1 2 0:1 / /a rw\n", b"/a"), None, "no separator");
    }

    #[test]
    fn stat_fields_after_the_command_name() {
        let stat = b"4242 (a) b (c)) Z 1 4242 4242 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 777 0\n";
        assert_eq!(stat_field(stat, 3), Some(&b"Z"[..]));
        assert_eq!(stat_field(stat, 4), Some(&b"1"[..]));
        assert_eq!(stat_field(stat, 22), Some(&b"777"[..]));
        assert_eq!(stat_field(stat, 99), None);
        assert_eq!(stat_field(stat, 2), None);
        assert_eq!(stat_field(b"no parenthesis", 3), None);
    }

    #[test]
    fn numbers() {
        assert_eq!(number(b" 12\n"), Some(12));
        assert_eq!(number(b"-1"), Some(-1));
        assert_eq!(number(b"4294967295\n"), Some(4294967295));
        assert_eq!(number(b""), None);
        assert_eq!(number(b"1 2"), None);
        assert_eq!(number(b"\xff"), None);
    }

    #[test]
    fn cmdline_arguments() {
        let cases: &[(&[u8], &[&[u8]])] = &[
            (b"/bin/sh\0-c\0true\0", &[b"/bin/sh", b"-c", b"true"]),
            (b"\0", &[b""]),
            (b"a\0\0b\0", &[b"a", b"", b"b"]),
            (b"", &[]),
            (b"setproctitle without NUL", &[b"setproctitle without NUL"]),
            (b"\xff\xfe\0", &[b"\xff\xfe"]),
        ];
        for (raw, want) in cases {
            assert_eq!(cmdline_args(raw), *want);
        }
    }
}
