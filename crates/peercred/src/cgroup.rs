//! Which cgroup a process is in, and what its name says: the systemd unit,
//! slice, login session and user, and the container and Kubernetes pod.

use std::ffi::OsStr;
use std::os::fd::AsFd;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crate::cgroup_parse::{self, ContainerRuntime};
use crate::pidfd_info::{self, PIDFD_INFO_CGROUPID};
use crate::process::leader;
use crate::{cgroupfs, fault, procfs, Error, PeerProcess};

/// A cgroup v2 path relative to the caller's cgroup namespace (as
/// `/proc/PID/cgroup` gives it), and what systemd and the container engines
/// encode in its names. The parsing follows systemd's `cg_path_get_*`; it
/// is pure, so [`Cgroup::parse`] also reads paths from elsewhere.
///
/// Whoever may create cgroups may choose their names: on a host where
/// systemd manages the tree, only root (and a user's own manager below
/// `user@UID.service`, see [`Cgroup::user_unit`]); a unit with `Delegate=yes`
/// or a container engine can name cgroups below its own. So a name says who
/// *placed* the process, as far as the tree's owner vouches for it.
///
/// ```
/// let cgroup = peercred::Cgroup::parse(
///     "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0f4c2a6e_8b1d_4c1e_9f0a_2b3c4d5e6f70.slice/\
///      cri-containerd-4f1c1d3f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5.scope",
/// )?;
/// assert_eq!(cgroup.container_runtime(), Some(peercred::ContainerRuntime::Containerd));
/// assert_eq!(cgroup.pod_uid().as_deref(), Some("0f4c2a6e-8b1d-4c1e-9f0a-2b3c4d5e6f70"));
/// assert_eq!(cgroup.slice(), Some("kubepods-besteffort-pod0f4c2a6e_8b1d_4c1e_9f0a_2b3c4d5e6f70.slice"));
/// # Ok::<(), peercred::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Cgroup {
    path: Vec<u8>,
}

impl Cgroup {
    /// Parses a cgroup v2 path relative to a cgroup namespace's root.
    /// `EINVAL` unless it starts with `/`; [`Error::CgroupNotVisible`] for a
    /// path that leaves the namespace (`/..`), which names nothing here.
    pub fn parse(path: impl AsRef<Path>) -> Result<Cgroup, Error> {
        fault::maybe_panic();
        let path = path.as_ref().as_os_str().as_bytes();
        if cgroup_parse::escapes(path) {
            return Err(Error::CgroupNotVisible);
        }
        if !path.starts_with(b"/") {
            return Err(Error::Os(libc::EINVAL));
        }
        Ok(Cgroup {
            path: path.to_vec(),
        })
    }

    /// The path, `/` for the namespace's root.
    pub fn path(&self) -> &Path {
        Path::new(OsStr::from_bytes(&self.path))
    }

    /// The systemd unit: `foo.service`, `session-3.scope`,
    /// `user@1000.service`, `docker-ID.scope`.
    pub fn unit(&self) -> Option<&str> {
        cgroup_parse::unit(&self.path)
    }

    /// The slice of the unit: `system.slice`, `user-1000.slice`; `-.slice`
    /// for a unit at the root.
    pub fn slice(&self) -> Option<&str> {
        cgroup_parse::slice(&self.path)
    }

    /// The unit of a user's own manager, below `user@UID.service`:
    /// `app.service`. That manager runs as the user, who can name these.
    pub fn user_unit(&self) -> Option<&str> {
        cgroup_parse::user_unit(&self.path)
    }

    /// The slice of the user unit: `app.slice`, `-.slice` at the root.
    pub fn user_slice(&self) -> Option<&str> {
        cgroup_parse::user_slice(&self.path)
    }

    /// The logind session of a `session-ID.scope`: `"3"`, `"c1"`.
    pub fn session(&self) -> Option<&str> {
        cgroup_parse::session(&self.path)
    }

    /// The uid of a `user-UID.slice`: the user the session or user manager
    /// belongs to.
    pub fn owner_uid(&self) -> Option<libc::uid_t> {
        cgroup_parse::owner_uid(&self.path)
    }

    /// The id (64 hex digits) of the innermost container the path names:
    /// Docker, Podman, containerd (CRI) or CRI-O.
    pub fn container_id(&self) -> Option<&str> {
        cgroup_parse::container(&self.path).map(|(_, id)| id)
    }

    /// The engine of [`Cgroup::container_id`], where the name says it (a
    /// bare id under a Kubernetes pod, containerd's cgroupfs driver, does not).
    pub fn container_runtime(&self) -> Option<ContainerRuntime> {
        cgroup_parse::container(&self.path).and_then(|(runtime, _)| runtime)
    }

    /// The uid of the Kubernetes pod: `kubepods-…-pod<UID>.slice` (with `_`
    /// for `-`, systemd driver) or `pod<UID>` (cgroupfs driver), given in
    /// the usual form `0f4c2a6e-8b1d-…`.
    pub fn pod_uid(&self) -> Option<String> {
        cgroup_parse::pod_uid(&self.path)
    }
}

impl PeerProcess {
    /// The process's cgroup v2 **now**, relative to the caller's cgroup
    /// namespace: `/proc/PID/cgroup` of its main thread, or of a live thread
    /// once that has exited, confirmed through the pidfd. A process in a
    /// cgroup outside the caller's cgroup namespace fails with
    /// [`Error::CgroupNotVisible`] (`EREMOTE`), as systemd refuses such paths.
    /// In a threaded cgroup subtree its threads can be in different cgroups:
    /// this is the main thread's (or the live thread's). A process can be
    /// moved after connecting by whoever may write the cgroup's `cgroup.procs`.
    pub fn cgroup(&self) -> Result<Cgroup, Error> {
        fault::maybe_panic();
        let text = self.fact(|pid| {
            procfs::in_live_task(
                pid,
                |dir| procfs::read(&dir.join("cgroup")),
                // An exited thread keeps the cgroup it left in.
                |dir, answer| procfs::is_gone(answer) || procfs::task_exited(dir),
            )
        })?;
        let path = cgroup_parse::v2_path(&text).ok_or(Error::Os(libc::EPROTO))?;
        Cgroup::parse(OsStr::from_bytes(path))
    }

    /// The id of the process's cgroup v2 now (the number that BPF programs
    /// and `name_to_handle_at` see): `PIDFD_GET_INFO` (Linux 6.13) while the
    /// main thread runs; otherwise (older kernels, or a main thread that has
    /// exited, whose cgroup is the one it left in) the inode number of the
    /// directory of [`PeerProcess::cgroup`] under the caller's cgroup v2
    /// mount (`/sys/fs/cgroup`, or `/sys/fs/cgroup/unified` in the hybrid
    /// layout), which must be mounted for the caller's cgroup namespace
    /// (`ENOENT` otherwise).
    pub fn cgroup_id(&self) -> Result<u64, Error> {
        fault::maybe_panic();
        let info = match pidfd_info::get(self.as_fd(), PIDFD_INFO_CGROUPID) {
            Ok(info) => info.filter(|info| info.mask & PIDFD_INFO_CGROUPID != 0),
            // Outside the caller's PID namespace, or reaped: /proc below says which.
            Err(Error::Os(libc::EREMOTE | libc::ESRCH)) => None,
            Err(err) => return Err(err),
        };
        if let Some(info) = info {
            // Read after the ioctl: a main thread that runs now ran then.
            if self.fact(|pid| Ok(!procfs::task_exited(&leader(pid))))? {
                return Ok(info.cgroupid);
            }
        }
        let id = cgroupfs::id(&cgroupfs::open(&self.cgroup()?.path)?)?;
        self.confirm()?;
        Ok(id)
    }

    /// The invocation id of the process's systemd unit now: 32 hex digits
    /// that name this run of the unit (a restart gets a new one), as systemd
    /// writes it on the unit's cgroup directory. `None` when the process is in
    /// no unit, or the directory carries none that the caller can trust and
    /// read: `trusted.invocation_id` (readable with `CAP_SYS_ADMIN`), else
    /// `user.invocation_id` (systemd 250) on a directory owned by root. Needs
    /// the cgroup v2 mount as [`PeerProcess::cgroup_id`] does.
    pub fn unit_invocation_id(&self) -> Result<Option<String>, Error> {
        fault::maybe_panic();
        let cgroup = self.cgroup()?;
        let Some(len) = cgroup_parse::unit_path_len(&cgroup.path) else {
            return Ok(None);
        };
        let id = cgroupfs::invocation_id(&cgroupfs::open(&cgroup.path[..len])?)?;
        self.confirm()?;
        Ok(id)
    }
}
