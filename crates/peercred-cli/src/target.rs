//! The process that `kill` and `wait` act on: the one the kernel recorded as
//! the creator of the listening socket at PATH, held by its pidfd, and only
//! while it provably runs.

use std::path::Path;
use std::time::Duration;

use peercred::{Error, PeerProcess};

use crate::connect::connect;
use crate::peer::{Peer, State};

/// Connects to PATH and holds its listener's creator. The connection is closed
/// before this returns, so that a server draining its clients before it exits
/// is not kept waiting by us. `refusal` ends every message ("nothing signalled").
pub fn running(
    path: &Path,
    timeout: Duration,
    allow_init: bool,
    refusal: &str,
) -> Result<PeerProcess, String> {
    let conn = connect(path, timeout).map_err(|why| format!("{why}: {refusal}"))?;
    let peer = Peer::of(&conn).map_err(|err| format!("{err}: {refusal}"))?;
    drop(conn);
    let recorded = peer.recorded_pid();
    match peer.state {
        State::Running { process, .. } if process.pid() == Some(1) && !allow_init => Err(format!(
            "the listening socket was created by pid 1, the init of this PID namespace \
             (with socket activation that is the service manager, not the service): {refusal}; \
             pass --allow-init to act on it anyway"
        )),
        State::Running { process, .. } => Ok(process),
        State::Exited => Err(format!(
            "the process that created the listening socket (recorded pid {recorded}) has exited, \
             and the kernel does not record which process serves it now \
             (a daemon that forked after listen()?): {refusal}"
        )),
        State::Unknown(err @ Error::Unsupported(_)) => Err(format!(
            "{err}; a pid alone could name another process by now: {refusal}"
        )),
        State::Unknown(err) => Err(format!(
            "cannot hold the process that created the listening socket (recorded pid {recorded}): \
             {err}: {refusal}"
        )),
    }
}
