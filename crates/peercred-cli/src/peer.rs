//! Everything the command says about the process at the other end of a socket.

use std::os::unix::net::UnixStream;

use serde_json::json;

use crate::names;

pub struct Peer {
    pub cred: peercred::PeerCred,
    pub user: Option<String>,
    pub group: Option<String>,
    /// The executable, or why it is unknown.
    pub exe: Result<String, String>,
}

impl Peer {
    pub fn of(conn: &UnixStream) -> Result<Peer, peercred::Error> {
        let cred = peercred::read(conn)?;
        // Through the pidfd, so the path cannot belong to a process that reused the pid.
        let exe = peercred::PeerProcess::from_socket(conn)
            .and_then(|process| process.exe())
            .map(|path| path.to_string_lossy().into_owned())
            .map_err(|err| err.to_string());
        Ok(Peer {
            user: names::user(cred.uid()),
            group: names::group(cred.gid()),
            cred,
            exe,
        })
    }

    pub fn json(&self) -> serde_json::Value {
        json!({
            "pid": self.cred.pid(),
            "uid": self.cred.uid(),
            "gid": self.cred.gid(),
            "user": self.user,
            "group": self.group,
            "exe": self.exe.as_ref().ok(),
        })
    }

    /// One line: `pid=P uid=U (user) gid=G (group) exe=PATH`.
    pub fn line(&self) -> String {
        let pid = self.cred.pid().map_or_else(
            || "unknown (outside our PID namespace)".into(),
            |pid| pid.to_string(),
        );
        let name =
            |n: &Option<String>| n.as_deref().map_or_else(String::new, |n| format!(" ({n})"));
        let exe = match &self.exe {
            Ok(exe) => exe.clone(),
            Err(why) => format!("unknown ({why})"),
        };
        format!(
            "pid={pid} uid={}{} gid={}{} exe={exe}",
            self.cred.uid(),
            name(&self.user),
            self.cred.gid(),
            name(&self.group)
        )
    }
}
