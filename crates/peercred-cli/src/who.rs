//! `peercred who PATH`: what the kernel recorded about the creator of the
//! listening socket at PATH, and whether that process still runs.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use crate::connect::connect;
use crate::peer::{Peer, State};
use crate::place::Place;
use crate::{fail, print, DEFAULT_CONNECT_TIMEOUT};

pub const LONG_ABOUT: &str = "\
Who created the listening socket at PATH, and whether that process still runs.

Connects to PATH and prints what the kernel recorded when the server called \
listen(): its pid, effective uid and effective gid (with their account names), \
and, read now through the process's pidfd, whether it still runs and its \
executable. A pid is printed only while that process provably runs: once it \
has exited, its pid may belong to anyone, and the output says so instead.

Output: one line, `PATH: listening socket created by pid=P uid=U (user) \
gid=G (group) exe=EXE IN [unit=UNIT]`, where IN says where it lives now, \
compared with this command: `in=same namespaces`, `in=own NS,... namespaces` \
(the kinds of namespace it has of its own), `in=container(RUNTIME ID12; own \
NS,...)` when its cgroup names a container, or `in=unknown (why)` (reading \
another uid's namespaces needs ptrace access); instead of a pid, `pid=none (it has exited; ...)`, \
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
  exe: string or null. Its executable, read now (a path in its own mount namespace); null unless it runs and the path could be read.
  namespaces: object or null. Read now; null unless it runs and this command may read them (ptrace access). all_shared: bool, every namespace is this command's (a host process, seen from the host). differing: the kinds (cgroup, ipc, mnt, net, pid, time, user, uts) in which it has its own. ids: kind to id. unique_ids: the kinds whose id is never reused (else an nsfs inode number). user_owner: int or null, the uid that created its user namespace; user_owner_mapping: as uid_mapping, for it.
  cgroup: object or null. Its cgroup v2 now, relative to this command's cgroup namespace; null unless it runs and the cgroup is inside that namespace. path, id (int or null), and what the path says (each string or null): unit, slice, user_unit, user_slice, session, owner_uid (int), invocation_id (the unit's, where its cgroup carries one this command can trust).
  container: object or null. The innermost container its cgroup names: runtime (docker, podman, containerd, cri-o, or null), id (64 hex digits), pod_uid (a Kubernetes pod's, or null).";

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
    let place = peer.process().map(Place::of);
    if args.json {
        let mut object = peer.json();
        object["path"] = path.to_string_lossy().into();
        let null = serde_json::Value::Null;
        object["namespaces"] = place.as_ref().map_or(null.clone(), Place::namespaces_json);
        object["cgroup"] = place.as_ref().map_or(null.clone(), Place::cgroup_json);
        object["container"] = place.as_ref().map_or(null, Place::container_json);
        return print(object);
    }
    let mut line = format!(
        "{}: listening socket created by {}",
        path.display(),
        peer.line()
    );
    if let Some(place) = &place {
        line.push(' ');
        line.push_str(&place.words());
    }
    print(line)
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
