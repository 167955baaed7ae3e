//! Signal names and numbers as `kill(1)` takes them: `TERM`, `SIGTERM`, `term`,
//! `15`, `RTMIN+2`, and 0 (deliver nothing, only check that signalling is allowed).

/// The standard signals of Linux, by the name `kill -l` gives them.
const NAMES: &[(&str, libc::c_int)] = &[
    ("HUP", libc::SIGHUP),
    ("INT", libc::SIGINT),
    ("QUIT", libc::SIGQUIT),
    ("ILL", libc::SIGILL),
    ("TRAP", libc::SIGTRAP),
    ("ABRT", libc::SIGABRT),
    ("IOT", libc::SIGIOT),
    ("BUS", libc::SIGBUS),
    ("FPE", libc::SIGFPE),
    ("KILL", libc::SIGKILL),
    ("USR1", libc::SIGUSR1),
    ("SEGV", libc::SIGSEGV),
    ("USR2", libc::SIGUSR2),
    ("PIPE", libc::SIGPIPE),
    ("ALRM", libc::SIGALRM),
    ("TERM", libc::SIGTERM),
    ("STKFLT", libc::SIGSTKFLT),
    ("CHLD", libc::SIGCHLD),
    ("CONT", libc::SIGCONT),
    ("STOP", libc::SIGSTOP),
    ("TSTP", libc::SIGTSTP),
    ("TTIN", libc::SIGTTIN),
    ("TTOU", libc::SIGTTOU),
    ("URG", libc::SIGURG),
    ("XCPU", libc::SIGXCPU),
    ("XFSZ", libc::SIGXFSZ),
    ("VTALRM", libc::SIGVTALRM),
    ("PROF", libc::SIGPROF),
    ("WINCH", libc::SIGWINCH),
    ("IO", libc::SIGIO),
    ("POLL", libc::SIGPOLL),
    ("PWR", libc::SIGPWR),
    ("SYS", libc::SIGSYS),
];

/// A signal to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signal(pub libc::c_int);

impl Signal {
    /// `SIGTERM`, `SIGRTMIN+2`, `signal 0`: how messages name it.
    pub fn name(self) -> String {
        let (min, max) = realtime_range();
        if let Some((name, _)) = NAMES.iter().find(|(_, number)| *number == self.0) {
            format!("SIG{name}")
        } else if self.0 == 0 {
            "signal 0".into()
        } else if self.0 == max {
            "SIGRTMAX".into()
        } else if self.0 >= min && self.0 < max {
            format!("SIGRTMIN+{}", self.0 - min)
        } else {
            format!("signal {}", self.0)
        }
    }
}

/// The real-time signals the C library leaves to applications (glibc keeps the
/// first two or three for itself, so `SIGRTMIN` is not a constant).
fn realtime_range() -> (libc::c_int, libc::c_int) {
    (libc::SIGRTMIN(), libc::SIGRTMAX())
}

/// Parses `-s SIGNAL` (clap's value parser).
pub fn parse(text: &str) -> Result<Signal, String> {
    let (min, max) = realtime_range();
    let unknown = || format!("{text:?} is not a signal name or number (see kill -l)");
    if let Ok(number) = text.parse::<libc::c_int>() {
        return if (0..=max).contains(&number) {
            Ok(Signal(number))
        } else {
            Err(format!("{number} is not a signal number (0 to {max})"))
        };
    }
    let upper = text.to_ascii_uppercase();
    let name = upper.strip_prefix("SIG").unwrap_or(&upper);
    if let Some((_, number)) = NAMES.iter().find(|(known, _)| *known == name) {
        return Ok(Signal(*number));
    }
    // RTMIN, RTMIN+N, RTMAX, RTMAX-N.
    let offset = |rest: &str, sign: char| -> Option<libc::c_int> {
        if rest.is_empty() {
            return Some(0);
        }
        rest.strip_prefix(sign)?
            .parse::<u8>()
            .ok()
            .map(libc::c_int::from)
    };
    let number = if let Some(rest) = name.strip_prefix("RTMIN") {
        offset(rest, '+').map(|n| min + n)
    } else if let Some(rest) = name.strip_prefix("RTMAX") {
        offset(rest, '-').map(|n| max - n)
    } else {
        None
    }
    .ok_or_else(unknown)?;
    if (min..=max).contains(&number) {
        Ok(Signal(number))
    } else {
        Err(format!(
            "{text:?} is outside the real-time signals (SIGRTMIN={min} to SIGRTMAX={max})"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers() {
        let (min, max) = realtime_range();
        for (text, expected) in [
            ("TERM", Some(libc::SIGTERM)),
            ("SIGTERM", Some(libc::SIGTERM)),
            ("term", Some(libc::SIGTERM)),
            ("SigHup", Some(libc::SIGHUP)),
            ("15", Some(15)),
            ("9", Some(libc::SIGKILL)),
            ("0", Some(0)),
            ("usr1", Some(libc::SIGUSR1)),
            ("RTMIN", Some(min)),
            ("SIGRTMIN+2", Some(min + 2)),
            ("RTMAX", Some(max)),
            ("RTMAX-1", Some(max - 1)),
            ("RTMIN+99", None),
            ("RTMIN-1", None),
            ("RTMINX", None),
            ("-1", None),
            ("65", None),
            ("", None),
            ("SIG", None),
            ("TERMINATE", None),
        ] {
            assert_eq!(parse(text).ok(), expected.map(Signal), "{text:?}");
        }
    }

    #[test]
    fn names_read_back() {
        let (min, max) = realtime_range();
        assert_eq!(Signal(libc::SIGTERM).name(), "SIGTERM");
        assert_eq!(Signal(0).name(), "signal 0");
        assert_eq!(Signal(min + 3).name(), "SIGRTMIN+3");
        assert_eq!(Signal(max).name(), "SIGRTMAX");
        for (name, number) in NAMES {
            assert_eq!(parse(name), Ok(Signal(*number)));
        }
    }
}
