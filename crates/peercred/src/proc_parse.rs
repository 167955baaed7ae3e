//! Pure parsers for the /proc texts peercred reads; no I/O here, so every
//! shape the kernel can print is covered by the table tests below.

/// The number after `key` on its own line (`Pid:\t123` in a pidfd's fdinfo).
pub(crate) fn line_number(text: &[u8], key: &[u8]) -> Option<i64> {
    let value = text
        .split(|&b| b == b'\n')
        .find_map(|line| line.strip_prefix(key))?;
    number(value)
}

/// How many pids the `NSpid:` line lists: one per PID namespace from the
/// namespace of the /proc mount down to the process's own.
pub(crate) fn nspid_count(status: &[u8]) -> Option<usize> {
    let line = status
        .split(|&b| b == b'\n')
        .find_map(|line| line.strip_prefix(b"NSpid:"))?;
    Some(fields(line).count())
}

/// The second field of a `Uid:`/`Gid:` line of status (real, effective, saved,
/// filesystem): the effective id.
pub(crate) fn effective_id(status: &[u8], key: &[u8]) -> Option<u32> {
    let line = status
        .split(|&b| b == b'\n')
        .find_map(|line| line.strip_prefix(key))?;
    number(fields(line).nth(1)?)?.try_into().ok()
}

/// The one-letter state of a task: from status (`State:\tZ (zombie)`).
pub(crate) fn status_state(status: &[u8]) -> Option<u8> {
    let line = status
        .split(|&b| b == b'\n')
        .find_map(|line| line.strip_prefix(b"State:"))?;
    fields(line).next()?.first().copied()
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
        assert_eq!(effective_id(status, b"Uid:"), Some(0));
        assert_eq!(effective_id(status, b"Gid:"), Some(42));
        assert_eq!(effective_id(b"Uid:\t1000\n", b"Uid:"), None);
        assert_eq!(effective_id(b"Uid:\t1\t-1\t1\t1\n", b"Uid:"), None);
        assert_eq!(effective_id(b"Uid:\t1\t4294967296\t1\t1\n", b"Uid:"), None);
        assert_eq!(status_state(status), Some(b'S'));
        assert_eq!(status_state(b"State:\tZ (zombie)\n"), Some(b'Z'));
        assert_eq!(status_state(b"Name:\tx\n"), None);
        assert!(has_exited(b'Z') && has_exited(b'X'));
        assert!(!has_exited(b'S') && !has_exited(b'R') && !has_exited(b'D') && !has_exited(b't'));
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
