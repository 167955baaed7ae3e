//! A process's credentials now: its ids, capabilities, no_new_privs and
//! audit login uid, from `/proc/PID/status` and `/proc/PID/loginuid` of a live
//! thread. Not from `PIDFD_GET_INFO` (6.13), which answers for the main thread
//! and so gives a zombie main thread's old ids while other threads run on
//! with new ones; /proc is the one place that tells a live thread apart, and
//! the same one on every kernel.

use std::io;
use std::path::Path;

use crate::{fault, proc_parse, procfs, Error, PeerCred, PeerProcess};

/// What a process may do now, read at once by [`PeerProcess::credentials`].
///
/// The ids are numbered in the caller's user namespace (the overflow id for
/// one with no number here, see [`crate::uid_mapping`]). The capability sets
/// are bit masks (bit `CAP_*`) that count **in the process's own user
/// namespace**: root of a rootless container has every capability over that
/// namespace's resources and none over the host's; see
/// [`PeerProcess::namespaces`] and [`PeerProcess::user_namespace_owner`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProcessCredentials {
    uids: [libc::uid_t; 4],
    gids: [libc::gid_t; 4],
    cap_effective: u64,
    cap_permitted: u64,
    cap_bounding: u64,
    no_new_privs: bool,
    login_uid: Option<libc::uid_t>,
    connect: Option<PeerCred>,
}

impl ProcessCredentials {
    /// The real uid: who started it.
    pub fn real_uid(&self) -> libc::uid_t {
        self.uids[0]
    }
    /// The effective uid: whose permissions it has now.
    pub fn effective_uid(&self) -> libc::uid_t {
        self.uids[1]
    }
    /// The saved set-user-ID: a uid it may switch back to.
    pub fn saved_uid(&self) -> libc::uid_t {
        self.uids[2]
    }
    /// The filesystem uid: whose file permissions it has (the effective uid
    /// unless it called `setfsuid`).
    pub fn fs_uid(&self) -> libc::uid_t {
        self.uids[3]
    }
    /// The real gid.
    pub fn real_gid(&self) -> libc::gid_t {
        self.gids[0]
    }
    /// The effective gid.
    pub fn effective_gid(&self) -> libc::gid_t {
        self.gids[1]
    }
    /// The saved set-group-ID.
    pub fn saved_gid(&self) -> libc::gid_t {
        self.gids[2]
    }
    /// The filesystem gid.
    pub fn fs_gid(&self) -> libc::gid_t {
        self.gids[3]
    }
    /// The effective capabilities (`CapEff`), over its own user namespace.
    pub fn cap_effective(&self) -> u64 {
        self.cap_effective
    }
    /// The permitted capabilities (`CapPrm`): those it may make effective.
    pub fn cap_permitted(&self) -> u64 {
        self.cap_permitted
    }
    /// The bounding set (`CapBnd`): the most any program it executes can gain.
    pub fn cap_bounding(&self) -> u64 {
        self.cap_bounding
    }
    /// Whether `no_new_privs` is set: nothing it executes gains privileges
    /// (setuid bits and file capabilities are ignored).
    pub fn no_new_privs(&self) -> bool {
        self.no_new_privs
    }
    /// The audit login uid (`/proc/PID/loginuid`): the user who logged in to
    /// start the session it descends from, kept across `su` and setuid
    /// programs; `None` when unset (a daemon started at boot), when it has no
    /// number in the caller's user namespace, and on kernels without audit.
    pub fn login_uid(&self) -> Option<libc::uid_t> {
        self.login_uid
    }

    /// Whether the effective uid or gid now differs from `cred`'s, the ids the
    /// kernel recorded at connect: the process changed ids, or executed a
    /// setuid or setgid program, after connecting. Decide on `cred`.
    pub fn differs_from(&self, cred: &PeerCred) -> bool {
        (self.effective_uid(), self.effective_gid()) != (cred.uid(), cred.gid())
    }

    /// [`ProcessCredentials::differs_from`] the connection this
    /// [`PeerProcess`] was taken from ([`PeerProcess::from_socket`]); `None`
    /// for one taken from a pidfd or [`PeerProcess::own`], which knows no
    /// connection.
    pub fn differs_from_connect(&self) -> Option<bool> {
        self.connect.as_ref().map(|cred| self.differs_from(cred))
    }
}

impl PeerProcess {
    /// The process's credentials **now** ([`ProcessCredentials`]): all four
    /// uids and gids, the effective, permitted and bounding capabilities,
    /// `no_new_privs` and the audit login uid, from one read of a live
    /// thread's `/proc/PID/status` (and its `loginuid`), confirmed through the
    /// pidfd. Never the kernel's record of the connection: compare with it
    /// through [`ProcessCredentials::differs_from_connect`].
    pub fn credentials(&self) -> Result<ProcessCredentials, Error> {
        fault::maybe_panic();
        let (status, login) = self.fact(|pid| {
            procfs::in_live_task(
                pid,
                |dir| Ok((procfs::read(&dir.join("status"))?, login_uid(dir)?)),
                |_, answer| match answer {
                    Ok((status, _)) => {
                        proc_parse::status_state(status).is_some_and(proc_parse::has_exited)
                    }
                    Err(_) => procfs::is_gone(answer),
                },
            )
        })?;
        let field = |value: Option<u64>| value.ok_or(Error::Os(libc::EPROTO));
        Ok(ProcessCredentials {
            uids: proc_parse::ids(&status, b"Uid:").ok_or(Error::Os(libc::EPROTO))?,
            gids: proc_parse::ids(&status, b"Gid:").ok_or(Error::Os(libc::EPROTO))?,
            cap_effective: field(proc_parse::hex(&status, b"CapEff:"))?,
            cap_permitted: field(proc_parse::hex(&status, b"CapPrm:"))?,
            cap_bounding: field(proc_parse::hex(&status, b"CapBnd:"))?,
            no_new_privs: match proc_parse::line_number(&status, b"NoNewPrivs:") {
                Some(0) => false,
                Some(1) => true,
                _ => return Err(Error::Os(libc::EPROTO)),
            },
            login_uid: login,
            connect: self.connect().copied(),
        })
    }
}

/// The task's audit login uid: `None` for the kernel's "unset" (4294967295,
/// also what a uid with no number in the reader's user namespace reads as)
/// and on kernels without audit (no such file).
fn login_uid(dir: &Path) -> io::Result<Option<libc::uid_t>> {
    match procfs::read(&dir.join("loginuid")) {
        Ok(text) => {
            let uid = proc_parse::number(&text)
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| io::Error::from_raw_os_error(libc::EPROTO))?;
            Ok((uid != u32::MAX).then_some(uid))
        }
        Err(err) if err.raw_os_error() == Some(libc::ENOENT) && dir.join("status").exists() => {
            Ok(None)
        }
        Err(err) => Err(err),
    }
}
