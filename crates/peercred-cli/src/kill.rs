//! `peercred kill PATH [-s SIGNAL]`: signals the process that created the
//! listening socket at PATH through its pidfd (pidfd_send_signal(2)), so the
//! signal can only reach that very process, never one that reused its pid.

use std::os::fd::{AsFd, AsRawFd};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use peercred::PeerProcess;

use crate::signal::Signal;
use crate::{fail, target, DEFAULT_CONNECT_TIMEOUT};

pub const LONG_ABOUT: &str = "\
Signal the process that created the listening socket at PATH, through its pidfd.

Connects to PATH, takes the pidfd of the process the kernel recorded at \
listen() (SO_PEERPIDFD) and signals it with pidfd_send_signal(2). The pidfd \
names that very process: if it has exited, nothing is signalled, even when its \
pid now belongs to another process. Prints nothing on success.

Exits 1 with one line, nothing signalled, when nothing serves PATH, when the \
process has exited (such as a daemon that forked after listen()), when it is pid \
1 (without --allow-init), when signalling is not permitted, and on kernels \
without SO_PEERPIDFD (Linux < 6.5), where only a pid is known.";

#[derive(clap::Args)]
pub struct Args {
    /// The socket's path, or @NAME for a name in the abstract namespace.
    pub path: PathBuf,
    /// The signal: a name (TERM, SIGTERM, term, RTMIN+2) or a number; 0 sends
    /// nothing and only checks that the process runs and may be signalled.
    #[arg(short, long, value_name = "SIGNAL", default_value = "TERM", value_parser = crate::signal::parse)]
    pub signal: Signal,
    /// How long to wait for room in the server's accept queue, in seconds.
    #[arg(long, value_name = "SECONDS", default_value = DEFAULT_CONNECT_TIMEOUT, value_parser = crate::duration::parse)]
    pub timeout: Duration,
    /// Signal the process even when it is pid 1 of this PID namespace (refused by
    /// default: for a socket-activated service that is the service manager).
    #[arg(long)]
    pub allow_init: bool,
}

const REFUSAL: &str = "nothing signalled";

pub fn run(args: &Args) -> ExitCode {
    let process = match target::running(&args.path, args.timeout, args.allow_init, REFUSAL) {
        Ok(process) => process,
        Err(why) => return fail(&args.path, why),
    };
    match send(&process, args.signal) {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => fail(&args.path, format!("{why}: {REFUSAL}")),
    }
}

fn send(process: &PeerProcess, signal: Signal) -> Result<(), String> {
    // SAFETY: pidfd_send_signal with a pidfd we hold, no siginfo, no flags.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_pidfd_send_signal,
            process.as_fd().as_raw_fd(),
            signal.0,
            std::ptr::null::<libc::siginfo_t>(),
            0,
        )
    };
    if rc == 0 {
        return Ok(());
    }
    let err = std::io::Error::last_os_error();
    let whom = process
        .pid()
        .map_or_else(|| "the process".to_owned(), |pid| format!("pid {pid}"));
    Err(match err.raw_os_error() {
        Some(libc::ESRCH) => format!("{whom} exited just now"),
        Some(libc::EPERM) => format!("not permitted to send {} to {whom}", signal.name()),
        Some(libc::EINVAL) if process.pid().is_none() => {
            "the process is outside this PID namespace, where a pidfd cannot signal it".into()
        }
        Some(libc::ENOSYS) => "this kernel has no pidfd_send_signal (Linux 5.1+)".into(),
        _ => format!("cannot send {} to {whom}: {err}", signal.name()),
    })
}
