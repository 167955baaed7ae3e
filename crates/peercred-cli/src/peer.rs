//! What the kernel knows about the process at the other end of a socket, and
//! whether that process still runs.
//!
//! The ids and the pid are what the kernel recorded when the socket was set up
//! (for a client connection: the server's `listen()`; for an accepted one: the
//! client's `connect()`) or, for a message, when it was sent. Whether the
//! process still runs, and its executable, are read now through its pidfd, so
//! they can never describe another process that reused the pid. A pid is shown
//! only while that process is proven alive.

use std::os::fd::AsFd;

use peercred::{Error, PeerCred, PeerProcess};
use serde_json::json;

use crate::escape::escape;
use crate::ids::Id;

/// The process at the other end, as far as it can be proven.
pub enum State {
    /// Running; held by its pidfd. `exe` is read through it.
    Running {
        process: PeerProcess,
        exe: Result<String, Error>,
    },
    /// It has exited (a zombie or reaped): the recorded pid may name anyone now.
    Exited,
    /// Whether it runs cannot be told (no pidfd on this kernel, or no access).
    Unknown(Error),
}

pub struct Peer {
    pub cred: PeerCred,
    pub uid: Id,
    pub gid: Id,
    pub state: State,
}

impl Peer {
    pub fn of(conn: &impl AsFd) -> Result<Peer, Error> {
        let cred = peercred::read(conn)?;
        Ok(Peer::new(cred, PeerProcess::from_socket(conn)))
    }

    /// The process `cred` names, held by `process` (its pidfd, or why there is none).
    pub fn new(cred: PeerCred, process: Result<PeerProcess, Error>) -> Peer {
        let state = match process {
            Ok(process) => {
                let exe = process
                    .exe()
                    .map(|path| path.to_string_lossy().into_owned());
                // Checked last, so that what is reported was true when it was read.
                match process.is_alive() {
                    Ok(true) => State::Running { process, exe },
                    Ok(false) => State::Exited,
                    Err(err) => State::Unknown(err),
                }
            }
            Err(Error::PeerExited) => State::Exited,
            Err(err) => State::Unknown(err),
        };
        Peer {
            uid: Id::user(cred.uid()),
            gid: Id::group(cred.gid()),
            cred,
            state,
        }
    }

    /// The process, while it is proven to run.
    pub fn process(&self) -> Option<&PeerProcess> {
        match &self.state {
            State::Running { process, .. } => Some(process),
            _ => None,
        }
    }

    /// The pid, only while the process is proven to run and is visible here.
    pub fn live_pid(&self) -> Option<libc::pid_t> {
        self.process()?.pid()
    }

    /// The pid the kernel recorded, for messages that say it may be stale.
    pub fn recorded_pid(&self) -> String {
        self.cred.pid().map_or_else(
            || "unknown here (outside this PID namespace)".to_owned(),
            |pid| pid.to_string(),
        )
    }

    fn alive(&self) -> Option<bool> {
        match self.state {
            State::Running { .. } => Some(true),
            State::Exited => Some(false),
            State::Unknown(_) => None,
        }
    }

    /// The stable `--json` object (schema in `peercred who --help` and the README).
    pub fn json(&self) -> serde_json::Value {
        let exe = match &self.state {
            State::Running { exe: Ok(exe), .. } => Some(exe.as_str()),
            _ => None,
        };
        json!({
            "pid": self.live_pid(),
            "alive": self.alive(),
            "recorded_pid": self.cred.pid(),
            "uid": self.cred.uid(),
            "gid": self.cred.gid(),
            "user": self.uid.account(),
            "group": self.gid.account(),
            "exe": exe,
            "uid_mapping": self.uid.mapping(),
            "gid_mapping": self.gid.mapping(),
        })
    }

    /// `pid=P uid=U (user) gid=G (group) exe=PATH`, saying instead of a pid
    /// why there is none.
    pub fn line(&self) -> String {
        let recorded = self.recorded_pid();
        let (pid, exe) = match &self.state {
            State::Running { process, exe } => (
                process.pid().map_or_else(
                    || "unknown (outside this PID namespace; running)".to_owned(),
                    |pid| pid.to_string(),
                ),
                Some(match exe {
                    // The peer named its executable: it must not forge a line.
                    Ok(exe) => escape(exe.as_bytes()),
                    Err(why) => format!("unknown ({why})"),
                }),
            ),
            State::Exited => (
                format!(
                    "none (it has exited; the kernel recorded pid {recorded}, which may name another process now)"
                ),
                None,
            ),
            State::Unknown(why) => (
                format!(
                    "unproven (the kernel recorded pid {recorded}; whether that process still runs is unknown: {why})"
                ),
                None,
            ),
        };
        let mut line = format!("pid={pid} uid={} gid={}", self.uid, self.gid);
        if let Some(exe) = exe {
            line.push_str(&format!(" exe={exe}"));
        }
        line
    }
}
