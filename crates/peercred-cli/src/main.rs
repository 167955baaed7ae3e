//! The `peercred` command: who serves a Unix socket, signal or wait for that
//! process race-free, and a server that shows who connects.

mod connect;
mod datagram;
mod duration;
mod escape;
mod ids;
mod kill;
#[cfg(test)]
mod man;
mod names;
mod peer;
mod place;
mod serve;
mod signal;
mod target;
mod wait;
mod who;

use std::fmt::Display;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// How long connecting waits for room in a busy server's accept queue, in seconds.
pub const DEFAULT_CONNECT_TIMEOUT: &str = "5";

const ABOUT: &str = "Who serves a Unix socket, as the kernel recorded it; signal or wait for that process race-free";

const LONG_ABOUT: &str = "\
Who serves a Unix socket, as the kernel recorded it; signal or wait for that process race-free.

When a client connects to a Unix domain socket, the kernel hands it the pid, \
effective uid and effective gid that the server had when it called listen() \
(SO_PEERCRED), and a pidfd for that process (SO_PEERPIDFD, Linux 6.5+). Nobody \
can forge them. peercred turns them into a pid file that cannot lie: `who` \
says who created the listening socket and whether that process still runs, \
`kill` signals it and `wait` waits for it to exit, both through its pidfd, so \
they can never reach an unrelated process that reused its pid.

What the kernel records is the process that called listen(). For a daemon that \
forks after listen() and lets its parent exit, that process is gone and the \
kernel does not record which one serves the socket now: `who` says so, and \
`kill` and `wait` refuse. For a socket-activated service it is the service \
manager (pid 1 for system services), which `kill` and `wait` refuse to act on \
unless --allow-init is given.

PATH is a socket file, or @NAME for a name in Linux's abstract namespace (as \
ss(8) writes it). Stream and seqpacket listeners are described alike; a \
datagram socket has no listener, so there is no creator to describe.

No command ever blocks on a server whose accept queue is full (a hung daemon): \
connecting waits at most --timeout seconds (5 by default), then reports \
\"alive but not accepting\" and exits 1.";

/// The exit statuses of `command` ("peercred" for all), for `--help` and the
/// man pages: one `  STATUS: meaning` line each.
pub fn exit_status(command: &str) -> String {
    let usage = "  2: usage error; a message on standard error says what is wrong.";
    let lines: &[&str] = match command {
        "who" => &[
            "  0: the description (or --pid, the pid) was printed.",
            "  1: nothing serves PATH (no such socket, a stale socket file, not a socket), the server is alive but not accepting, the kernel refused, or --pid has no pid to print; one line on standard error says which.",
            usage,
        ],
        "kill" => &[
            "  0: the signal was sent.",
            "  1: nothing was signalled (nothing serves PATH, alive but not accepting, the process has exited, is pid 1, cannot be held, or may not be signalled); one line on standard error says which.",
            usage,
        ],
        "wait" => &[
            "  0: the process has exited.",
            "  1: not waiting (nothing serves PATH, alive but not accepting, the process had already exited, is pid 1, or cannot be held); one line on standard error says which.",
            usage,
            "  124: the process still runs at the --timeout deadline.",
        ],
        "serve" => &[
            "  0: ended by SIGINT or SIGTERM.",
            "  1: PATH was refused (not a socket, a live server's socket, alive but not accepting) or could not be bound, or standard output was closed; one line on standard error says which.",
            usage,
        ],
        _ => &[
            "  0: success.",
            "  1: nothing serves PATH, the server is alive but not accepting, its process has exited or cannot be proven to run, or the system refused; one line on standard error says which.",
            usage,
            "  124: wait: the process still runs at the --timeout deadline.",
        ],
    };
    format!("Exit status:\n{}", lines.join("\n"))
}

#[derive(Parser)]
#[command(
    name = "peercred",
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_help = exit_status("peercred"),
    propagate_version = true,
    subcommand_required = true,
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Who created the listening socket at PATH, and whether it still runs.
    #[command(long_about = who::LONG_ABOUT, after_help = exit_status("who"))]
    Who(who::Args),
    /// Signal the process that created the listening socket at PATH, through its pidfd.
    #[command(long_about = kill::LONG_ABOUT, after_help = exit_status("kill"))]
    Kill(kill::Args),
    /// Wait until the process that created the listening socket at PATH exits.
    #[command(long_about = wait::LONG_ABOUT, after_help = exit_status("wait"))]
    Wait(wait::Args),
    /// Listen on PATH and print each client's credentials as it connects (--dgram: each datagram's sender).
    #[command(long_about = serve::LONG_ABOUT, after_help = exit_status("serve"))]
    Serve(serve::Args),
}

fn main() -> ExitCode {
    // Usage errors exit 2 and --help/--version 0, as clap does.
    match Cli::parse().command {
        Command::Who(args) => who::run(&args),
        Command::Kill(args) => kill::run(&args),
        Command::Wait(args) => wait::run(&args),
        Command::Serve(args) => serve::run(&args),
    }
}

/// One line on standard error, `peercred: PATH: why`, and exit status 1.
pub fn fail(path: &Path, why: impl Display) -> ExitCode {
    eprintln!("peercred: {}: {why}", path.display());
    ExitCode::FAILURE
}

/// Prints one line on standard output; a closed output is a failure, not a panic.
pub fn print(line: impl Display) -> ExitCode {
    match writeln!(std::io::stdout(), "{line}") {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
    }
}
