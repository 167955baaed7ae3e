//! Which mechanism named a [`crate::PeerProcess`], and whether a caller lets
//! the fallback of older kernels name a socket's peer.

use std::fmt;

/// How the process behind a [`crate::PeerProcess`] was found: every facts'
/// reader can tell the kernel's own answer from a proven fallback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Source {
    /// `SO_PEERPIDFD` (Linux 6.5): the kernel's pidfd of the very process it
    /// recorded at connect.
    PeerPidfd,
    /// The fallback of kernels without `SO_PEERPIDFD` (Linux 5.3 to 6.4):
    /// `pidfd_open` of the pid `SO_PEERCRED` recorded, kept only once
    /// `sock_diag` and `/proc` proved that this process holds the other end
    /// of the connection (or the listener it is queued on) and it still ran
    /// afterwards. SECURITY.md says what that proves and what it does not.
    SockDiag,
    /// `SCM_PIDFD`: the pidfd the kernel attached to a message.
    ScmPidfd,
    /// A pidfd the caller handed in ([`crate::PeerProcess::from_pidfd`]).
    Pidfd,
    /// The calling process itself ([`crate::PeerProcess::own`]: `pidfd_open`
    /// of its own pid).
    Own,
}

impl Source {
    /// The mechanism's name, as every binding reports it: `"SO_PEERPIDFD"`,
    /// `"sock_diag"`, `"SCM_PIDFD"`, `"pidfd"` or `"pidfd_open"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Source::PeerPidfd => "SO_PEERPIDFD",
            Source::SockDiag => "sock_diag",
            Source::ScmPidfd => "SCM_PIDFD",
            Source::Pidfd => "pidfd",
            Source::Own => "pidfd_open",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a socket's peer may be named by the fallback of kernels without
/// `SO_PEERPIDFD` ([`Source::SockDiag`]) when the kernel lacks the option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Fallback {
    /// `SO_PEERPIDFD`, or where the kernel lacks it the proven fallback.
    #[default]
    Allow,
    /// `SO_PEERPIDFD` only: [`crate::Error::Unsupported`] where the kernel
    /// lacks it, for a daemon that insists on the kernel-made pidfd.
    Refuse,
}
