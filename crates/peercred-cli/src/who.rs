//! `peercred who PATH`: what the kernel recorded about the creator of the
//! listening socket at PATH, and whether that process still runs.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use crate::connect::connect;
use crate::peer::{Peer, State};
use crate::{fail, print, DEFAULT_CONNECT_TIMEOUT};

pub const LONG_ABOUT: &str = "\
Who created the listening socket at PATH, and whether that process still runs.

Connects to PATH and prints what the kernel recorded when the server called \
listen(): its pid, effective uid and effective gid (with their account names), \
and, read now through the process's pidfd, whether it still runs and its \
executable. A pid is printed only while that process provably runs: once it \
has exited, its pid may belong to anyone, and the output says so instead.

Output: one line, `PATH: listening socket created by pid=P uid=U (user) \
gid=G (group) exe=EXE`; instead of a pid, `pid=none (it has exited; ...)`, \
`pid=unknown (outside this PID namespace; running)` or `pid=unproven (...)` \
(whether it runs cannot be told, such as on kernels before 6.5).

--json prints one object. Its keys never change meaning; new keys may be added:
  path: string. PATH as given.
  pid: int or null. The creator's pid, only while it provably runs and is visible in this PID namespace.
  alive: bool or null. Whether it still runs, told by its pidfd; null when that cannot be told (no SO_PEERPIDFD: Linux before 6.5).
  recorded_pid: int or null. The pid the kernel recorded at listen(); null when that process is outside this PID namespace. Unless alive is true, it may name an unrelated process by now: never signal it.
  uid, gid: int. The effective ids at listen(), as this user namespace sees them.
  user, group: string or null. Their account names; null when there is none, and whenever the number may be the kernel's overflow id (see uid_mapping).
  uid_mapping, gid_mapping: string or null. \"mapped\": a real id in this user namespace. \"unmapped\": the kernel's overflow id (/proc/sys/kernel/overflowuid, overflowgid), standing for an id this namespace cannot name; never the account of that number. \"unknown\": the overflow id, which this namespace also maps to an account: which one is meant cannot be told. null: /proc could not tell.
  exe: string or null. Its executable, read now (a path in its own mount namespace); null unless it runs and the path could be read.";

#[derive(clap::Args)]
pub struct Args {
    /// The socket's path, or @NAME for a name in the abstract namespace.
    pub path: PathBuf,
    /// Print one JSON object (its keys: `peercred who --help`).
    #[arg(long, conflicts_with = "pid")]
    pub json: bool,
    /// Print only the pid, and only while that process provably runs and is
    /// visible in this PID namespace; otherwise print nothing and exit 1.
    #[arg(long)]
    pub pid: bool,
    /// How long to wait for room in the server's accept queue, in seconds
    /// (fractions allowed). A server that stays full is reported as "alive but
    /// not accepting".
    #[arg(long, value_name = "SECONDS", default_value = DEFAULT_CONNECT_TIMEOUT, value_parser = crate::duration::parse)]
    pub timeout: Duration,
}

pub fn run(args: &Args) -> ExitCode {
    let path = args.path.as_path();
    let conn = match connect(path, args.timeout) {
        Ok(conn) => conn,
        Err(why) => return fail(path, why),
    };
    let peer = match Peer::of(&conn) {
        Ok(peer) => peer,
        Err(err) => return fail(path, err),
    };
    if args.pid {
        return match peer.live_pid() {
            Some(pid) => print(pid),
            None => fail(path, no_pid(&peer)),
        };
    }
    if args.json {
        let mut object = peer.json();
        object["path"] = path.to_string_lossy().into();
        return print(object);
    }
    print(format!(
        "{}: listening socket created by {}",
        path.display(),
        peer.line()
    ))
}

/// Why `--pid` has no pid to print.
fn no_pid(peer: &Peer) -> String {
    match &peer.state {
        State::Running { .. } => {
            "the process that created the listening socket runs outside this PID namespace: \
             it has no pid here"
                .into()
        }
        State::Exited => format!(
            "the process that created the listening socket has exited (the kernel recorded pid {}, \
             which may name another process now); the kernel does not record which process serves it now",
            peer.recorded_pid()
        ),
        State::Unknown(why) => format!(
            "cannot prove that the process that created the listening socket still runs: {why}"
        ),
    }
}
