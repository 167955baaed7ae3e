//! `peercred wait PATH [--timeout SECONDS]`: blocks until the process that
//! created the listening socket at PATH exits, by polling its pidfd (readable
//! once the process has exited), so a new process under its pid cannot fool it.

use std::os::fd::{AsFd, AsRawFd};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use peercred::PeerProcess;

use crate::{duration, fail, target, DEFAULT_CONNECT_TIMEOUT};

/// `wait`'s exit status when the process still runs at the deadline: timeout(1)'s.
pub const TIMED_OUT: u8 = 124;

pub const LONG_ABOUT: &str = "\
Wait until the process that created the listening socket at PATH exits.

Connects to PATH, takes the pidfd of the process the kernel recorded at \
listen(), closes the connection and polls the pidfd until the process exits: \
the restart script's \"wait for the old daemon to be gone\", without racing pid \
reuse. Exits 0 once it has exited, 124 if it still runs at the --timeout \
deadline, and 1 (not waiting) when nothing serves PATH, when the process had \
already exited (such as a daemon that forked after listen()), when it is pid 1 \
(without --allow-init), and on kernels without SO_PEERPIDFD (Linux < 6.5).

In a restart script, 0 and 1 both mean that no process recorded at PATH runs now (a daemon already gone before `wait` connected gives 1), and 124 that the old one still runs.";

#[derive(clap::Args)]
pub struct Args {
    /// The socket's path, or @NAME for a name in the abstract namespace.
    pub path: PathBuf,
    /// Give up after this many seconds (fractions allowed) and exit 124; without
    /// it, wait as long as the process runs. Connecting to PATH counts towards it
    /// and waits at most 5 seconds for room in a busy server's accept queue.
    #[arg(long, value_name = "SECONDS", value_parser = crate::duration::parse)]
    pub timeout: Option<Duration>,
    /// Wait even when the process is pid 1 of this PID namespace (refused by
    /// default: for a socket-activated service that is the service manager).
    #[arg(long)]
    pub allow_init: bool,
}

pub fn run(args: &Args) -> ExitCode {
    let started = Instant::now();
    let default = duration::parse(DEFAULT_CONNECT_TIMEOUT).expect("a valid default");
    let connect_timeout = args.timeout.map_or(default, |limit| limit.min(default));
    let process = match target::running(&args.path, connect_timeout, args.allow_init, "not waiting")
    {
        Ok(process) => process,
        Err(why) => return fail(&args.path, why),
    };
    let deadline = args.timeout.map(|limit| started + limit);
    match wait_exit(&process, deadline) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            let whom = process
                .pid()
                .map_or_else(|| "its process".to_owned(), |pid| format!("pid {pid}"));
            eprintln!(
                "peercred: {}: {whom} still runs after {}",
                args.path.display(),
                duration::show(args.timeout.unwrap_or_default())
            );
            ExitCode::from(TIMED_OUT)
        }
        Err(err) => fail(&args.path, format!("cannot wait: {err}")),
    }
}

/// Polls the pidfd until it turns readable (exited: true) or the deadline passes (false).
fn wait_exit(process: &PeerProcess, deadline: Option<Instant>) -> std::io::Result<bool> {
    loop {
        let timeout_ms = match deadline {
            None => -1,
            Some(deadline) => {
                let left = deadline.saturating_duration_since(Instant::now());
                // Round up, so that the deadline has passed when poll times out.
                i32::try_from(left.as_micros().div_ceil(1000)).unwrap_or(i32::MAX)
            }
        };
        let mut poll = libc::pollfd {
            fd: process.as_fd().as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        let rc = unsafe { libc::poll(&mut poll, 1, timeout_ms) };
        if rc > 0 {
            return Ok(true);
        }
        if rc < 0 {
            let err = std::io::Error::last_os_error();
            if err.kind() != std::io::ErrorKind::Interrupted {
                return Err(err);
            }
        }
        if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
            return Ok(false);
        }
    }
}
