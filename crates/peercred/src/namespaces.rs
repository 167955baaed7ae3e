//! Which namespaces a process lives in, compared with the caller's: whether it
//! is a host process (it shares every namespace of a daemon on the host) or
//! one in a container or a sandbox, and who owns its user namespace.

use std::fs::File;
use std::os::fd::{AsFd, OwnedFd};

use crate::pidfd_ns::{self, OwnThread};
use crate::{fault, nsfs, procfs, Error, PeerProcess};

/// A kind of Linux namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Namespace {
    /// Cgroup namespace: the root its cgroup paths are relative to.
    Cgroup,
    /// System V IPC and POSIX message queues.
    Ipc,
    /// Mount namespace: which files its paths name.
    Mount,
    /// Network namespace: interfaces, ports, abstract socket names.
    Net,
    /// PID namespace: which processes it sees, and its own pid numbers.
    Pid,
    /// Time namespace: its monotonic and boot-time clocks (Linux 5.6).
    Time,
    /// User namespace: whose uids and capabilities it has.
    User,
    /// UTS namespace: host name and domain name.
    Uts,
}

const ALL: [Namespace; 8] = [
    Namespace::Cgroup,
    Namespace::Ipc,
    Namespace::Mount,
    Namespace::Net,
    Namespace::Pid,
    Namespace::Time,
    Namespace::User,
    Namespace::Uts,
];

impl Namespace {
    /// Every kind, in the order of [`Namespaces::differing`].
    pub fn all() -> &'static [Namespace] {
        &ALL
    }

    /// The name `/proc/PID/ns` gives it: `"cgroup"`, `"ipc"`, `"mnt"`,
    /// `"net"`, `"pid"`, `"time"`, `"user"` or `"uts"`.
    pub fn name(self) -> &'static str {
        match self {
            Namespace::Cgroup => "cgroup",
            Namespace::Ipc => "ipc",
            Namespace::Mount => "mnt",
            Namespace::Net => "net",
            Namespace::Pid => "pid",
            Namespace::Time => "time",
            Namespace::User => "user",
            Namespace::Uts => "uts",
        }
    }

    /// The kind of a name that [`Namespace::name`] gives.
    pub fn from_name(name: &str) -> Option<Namespace> {
        ALL.into_iter().find(|kind| kind.name() == name)
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl std::fmt::Display for Namespace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What names one namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NamespaceId {
    /// The kernel's 64-bit namespace id: never given to another namespace
    /// while the machine runs (`NS_GET_ID`, Linux 6.18; for mount namespaces
    /// `NS_GET_MNTNS_ID`, 6.8). Fit for logs and caches.
    Unique(u64),
    /// The namespace file's inode number (in brackets in `readlink
    /// /proc/PID/ns/net`), on kernels without the above: it names the
    /// namespace while that exists, and can be given to another one after it
    /// is gone, so it is no key for a cache that outlives the namespace.
    Inode(u64),
}

impl NamespaceId {
    /// The number, whichever kind it is.
    pub fn value(&self) -> u64 {
        match self {
            NamespaceId::Unique(id) | NamespaceId::Inode(id) => *id,
        }
    }

    /// Whether the number is never reused ([`NamespaceId::Unique`]).
    pub fn is_unique(&self) -> bool {
        matches!(self, NamespaceId::Unique(_))
    }
}

/// A process's namespaces, each compared with the calling thread's, read at
/// once by [`PeerProcess::namespaces`].
///
/// ```no_run
/// # fn f(conn: std::os::unix::net::UnixStream) -> Result<(), peercred::Error> {
/// let peer = peercred::PeerProcess::from_socket(&conn)?;
/// let ns = peer.namespaces()?;
/// if !ns.all_shared() {
///     let differ: Vec<&str> = ns.differing().iter().map(|kind| kind.name()).collect();
///     println!("a container or a sandbox: its own {}", differ.join(", "));
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Namespaces {
    ids: [NamespaceId; 8],
    /// Bit `1 << kind.index()`: the same namespace as the caller's.
    shared: u8,
}

impl Namespaces {
    /// The process's namespace of this kind.
    pub fn id(&self, kind: Namespace) -> NamespaceId {
        self.ids[kind.index()]
    }

    /// Whether the process was in the caller's namespace of this kind.
    pub fn is_shared(&self, kind: Namespace) -> bool {
        self.shared & (1 << kind.index()) != 0
    }

    /// The kinds in which the process was in another namespace than the
    /// caller, in the order of [`Namespace::all`].
    pub fn differing(&self) -> Vec<Namespace> {
        ALL.into_iter()
            .filter(|&kind| !self.is_shared(kind))
            .collect()
    }

    /// Whether the process shared every namespace with the caller: seen from
    /// a daemon on the host, a host process; anything else is a container,
    /// a sandbox or a process that moved itself (`unshare`, `setns`).
    pub fn all_shared(&self) -> bool {
        self.shared == 0xFF
    }
}

impl PeerProcess {
    /// The process's namespaces of every kind **now**, each with its id and
    /// whether it is the calling thread's.
    ///
    /// Read through the pidfd (`PIDFD_GET_*_NAMESPACE`, Linux 6.11, then
    /// `NS_GET_ID`, 6.18), for a process in any PID namespace; on older
    /// kernels from `/proc/PID/ns` (its pid must then be visible here), with
    /// nsfs inode numbers as ids ([`NamespaceId::Inode`]) where the kernel
    /// has no namespace ids: the comparison with the caller's is exact either
    /// way, the process being alive (checked afterwards). The namespaces are
    /// those of its main thread, or of a live thread once that has exited
    /// (a thread can `setns` alone: a process's threads may differ).
    ///
    /// A process can move after connecting (`setns`, `unshare`): this is a
    /// fact of now, not of the connection. Needs ptrace read access to the
    /// process (its uid and a dumpable process, or `CAP_SYS_PTRACE` over its
    /// user namespace): `EACCES` otherwise, as for a daemon in a user
    /// namespace asking about a host process.
    pub fn namespaces(&self) -> Result<Namespaces, Error> {
        fault::maybe_panic();
        let own = OwnThread::open()?;
        let mut ids = [NamespaceId::Inode(0); 8];
        let mut shared = 0u8;
        for kind in ALL {
            let theirs = nsfs::id(self.namespace_fd(kind)?.as_fd(), kind)?;
            let ours = nsfs::id(own.namespace(kind)?.as_fd(), kind)?;
            ids[kind.index()] = theirs;
            if theirs == ours {
                shared |= 1 << kind.index();
            }
        }
        self.confirm()?;
        Ok(Namespaces { ids, shared })
    }

    /// The uid that created the process's user namespace, as the caller's
    /// user namespace numbers it: 0 for the initial namespace, the user who
    /// started a rootless container for its namespace, and the overflow uid
    /// when that user has no uid here (ask [`crate::uid_mapping`]). Read now
    /// (`NS_GET_OWNER_UID` on the namespace that [`PeerProcess::namespaces`]
    /// reads, with the same permission).
    pub fn user_namespace_owner(&self) -> Result<libc::uid_t, Error> {
        fault::maybe_panic();
        let owner = nsfs::owner_uid(self.namespace_fd(Namespace::User)?.as_fd())?;
        self.confirm()?;
        Ok(owner)
    }

    /// A descriptor of the process's namespace `kind`: through the pidfd, or
    /// on kernels without the ioctls (and once its main thread has exited)
    /// `/proc/PID/ns/KIND` of a live thread.
    fn namespace_fd(&self, kind: Namespace) -> Result<OwnedFd, Error> {
        if let Some(ns) = pidfd_ns::of_pidfd(self.as_fd(), kind)? {
            return Ok(ns);
        }
        let ns = self.fact(|pid| {
            procfs::in_live_task(
                pid,
                |dir| File::open(dir.join("ns").join(kind.name())),
                // An exited thread has no namespaces: ENOENT.
                |_, answer| procfs::is_gone(answer),
            )
        });
        match ns {
            Ok(file) => Ok(file.into()),
            Err(Error::PeerExited) if self.is_alive()? => Err(pidfd_ns::unconfigured(kind)),
            Err(err) => Err(err),
        }
    }
}
