//! Who is on the other end of a Unix domain socket, as the kernel recorded it.
//!
//! The kernel stores the peer's pid, effective uid and effective gid when the
//! connection is made (`connect(2)`, `socketpair(2)`) and hands them out through
//! `getsockopt(SO_PEERCRED)`; the peer cannot forge them. [`read`] returns them,
//! or an [`Error`] that says why there is no other end to describe: the
//! kernel's placeholder answer (pid 0, uid 4294967295) for sockets without a
//! peer is never returned as credentials, a listening socket is refused instead
//! of describing whoever called `listen()`, and an answer that names the
//! calling process itself (its own socketpair) is refused instead of passing
//! for the other end.
//!
//! ```no_run
//! use std::os::unix::net::UnixListener;
//!
//! let listener = UnixListener::bind("/run/example.sock")?;
//! for conn in listener.incoming() {
//!     let conn = conn?;
//!     let cred = peercred::read(&conn)?;
//!     println!("pid {:?} uid {} gid {}", cred.pid(), cred.uid(), cred.gid());
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Beyond the three ids: [`groups`] (supplementary groups) and
//! [`security_label`] (the LSM label), also recorded at connect time;
//! [`pidfd`] (a descriptor that names the peer process and never another one
//! that reuses its pid); and [`PeerProcess`], facts about that process (or the
//! caller itself, [`PeerProcess::own`]) read **now** from the live process,
//! race-free through the pidfd: which file it runs
//! ([`PeerProcess::exe_matches`], by device and inode, and
//! [`PeerProcess::exe_sha256`]), its login session
//! ([`PeerProcess::same_session`]), its current ids. A caller that can exec
//! after connecting can make those describe another program, so authorise on
//! what was recorded at connect: a set-group-ID program's own gid, a label.
//!
//! Where the caller lives, read now through the same pidfd:
//! [`PeerProcess::namespaces`] (a host process shares every namespace with a
//! host daemon; a container does not), [`PeerProcess::user_namespace_owner`],
//! [`PeerProcess::cgroup`] (systemd unit, login session, container and
//! Kubernetes pod), [`PeerProcess::credentials`] (all ids and capabilities
//! now, and whether they differ from connect), [`PeerProcess::pidfs_id`]
//! with [`boot_id`], and its exit ([`PeerProcess::wait_exit`],
//! [`PeerProcess::exit_status`]).
//!
//! Per message: [`pass_credentials`] and [`recv`] give each message's sender
//! (`SCM_CREDENTIALS`, `SCM_PIDFD`) on datagram sockets, which have no
//! connection, and on connections whose socket may have changed hands.
//!
//! # Semantics
//!
//! | socket handed in | answer |
//! |---|---|
//! | accepted or connecting `AF_UNIX` stream/seqpacket socket, the other end in another process | the peer's effective ids at `connect()` |
//! | either end of a `socketpair()` (stream, dgram, seqpacket) made by another process | the creator's ids |
//! | a socketpair made by the calling process, or a connection to itself | [`Error::NotConnected`] with [`NotConnected::OwnProcess`] (`ENOTCONN`) |
//! | a peer outside the caller's PID namespace | credentials with `pid() == None`; its [`PeerProcess`] facts: [`Error::PidNotVisible`] (`EREMOTE`) |
//! | a peer whose uid/gid is unmapped in the caller's user namespace | the overflow uid/gid (`/proc/sys/kernel/overflowuid`), which [`PeerCred::uid_mapping`] reports as [`IdMapping::Unmapped`] |
//! | closed, negative or `O_PATH` fd | [`Error::BadDescriptor`] (`EBADF`) |
//! | not a socket | [`Error::NotASocket`] (`ENOTSOCK`) |
//! | any non-`AF_UNIX` socket | [`Error::NotUnixSocket`] (`EAFNOSUPPORT`) |
//! | unconnected, bound-only or connected datagram `AF_UNIX` socket | [`Error::NotConnected`] (`ENOTCONN`) |
//! | listening `AF_UNIX` socket, whoever created it | [`Error::NotConnected`] with [`NotConnected::Listening`] (`ENOTCONN`) |

#![deny(missing_docs)]

#[cfg(not(any(target_os = "linux", target_os = "android")))]
compile_error!(
    "peercred supports Linux (and Android) only: SO_PEERCRED, SO_PEERGROUPS, SO_PEERSEC and \
     SO_PEERPIDFD are Linux socket options. On the BSDs and macOS use getpeereid(3) or LOCAL_PEERCRED."
);

mod cgroup;
mod cgroup_parse;
mod cgroupfs;
mod cred;
mod credentials;
mod error;
mod exe;
mod exit;
mod extras;
mod fault;
mod idmap;
mod liveness;
mod message;
mod namespaces;
mod nsfs;
mod peer_pidfd;
mod pidfd_info;
mod pidfd_ns;
mod pidfd_pid;
mod pidfs;
mod proc_parse;
mod process;
mod procfs;
pub mod raw;
mod socket_type;
mod sockopt;

pub use cgroup::Cgroup;
pub use cgroup_parse::ContainerRuntime;
pub use cred::{read, PeerCred};
pub use credentials::ProcessCredentials;
pub use error::{Error, NotConnected};
pub use extras::{groups, pidfd, security_label};
pub use idmap::{gid_mapping, uid_mapping, IdMapping};
pub use message::{pass_credentials, recv, recv_with_flags, Address, Message, RecvFlags};
pub use namespaces::{Namespace, NamespaceId, Namespaces};
pub use pidfs::boot_id;
pub use process::PeerProcess;
pub use socket_type::{socket_type, SocketType};
