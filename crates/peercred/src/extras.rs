//! The peer's supplementary groups, security label and pidfd.
//!
//! Each first applies [`crate::read`]'s checks, so a socket without a peer, a
//! listening socket or the caller's own socketpair fails the same way here as there.

use std::os::fd::{AsFd, OwnedFd};

use crate::cred::read_fd;
use crate::{fault, peer_pidfd, sockopt, Error};

/// The peer's supplementary group ids, as recorded at connect time (`SO_PEERGROUPS`).
///
/// This is the kernel's list verbatim: the primary gid ([`crate::PeerCred::gid`])
/// is **not** added, and appears only if the peer itself listed it (as login
/// sessions usually do). To test membership in a group, check both. Every group
/// with no gid in the caller's user namespace appears as the overflow gid
/// (`/proc/sys/kernel/overflowgid`, usually 65534), once per such group: ask
/// [`crate::gid_mapping`] before treating that number as a group.
///
/// ```no_run
/// # fn f(conn: std::os::unix::net::UnixStream) -> Result<(), peercred::Error> {
/// const WHEEL: libc::gid_t = 10;
/// let in_wheel = peercred::read(&conn)?.gid() == WHEEL || peercred::groups(&conn)?.contains(&WHEEL);
/// # Ok(()) }
/// ```
pub fn groups(socket: &impl AsFd) -> Result<Vec<libc::gid_t>, Error> {
    fault::maybe_panic();
    let fd = socket.as_fd();
    read_fd(fd)?;
    let mut groups: Vec<libc::gid_t> = vec![0; 32];
    loop {
        let buf = gid_bytes(&mut groups);
        match sockopt::get_bytes(fd, libc::SO_PEERGROUPS, buf) {
            Ok(len) => {
                groups.truncate(len / std::mem::size_of::<libc::gid_t>());
                return Ok(groups);
            }
            // The kernel reports the size it needs; grow to it and ask again.
            Err((libc::ERANGE, needed)) => {
                let needed = needed.div_ceil(std::mem::size_of::<libc::gid_t>());
                groups.resize(needed.max(groups.len() * 2), 0);
            }
            Err((errno, _)) => return Err(Error::from_socket_errno(errno)),
        }
    }
}

/// The peer's security label (`SO_PEERSEC`), such as an SELinux context or an
/// AppArmor profile, without the trailing NUL; `None` when no labelling LSM is
/// loaded (the kernel's `ENOPROTOOPT`).
///
/// ```no_run
/// # fn f(conn: std::os::unix::net::UnixStream) -> Result<(), peercred::Error> {
/// let label = peercred::security_label(&conn)?;
/// println!("{}", label.as_deref().unwrap_or("(no labelling LSM)"));
/// # Ok(()) }
/// ```
pub fn security_label(socket: &impl AsFd) -> Result<Option<String>, Error> {
    fault::maybe_panic();
    let fd = socket.as_fd();
    read_fd(fd)?;
    let mut buf = vec![0u8; 256];
    loop {
        match sockopt::get_bytes(fd, libc::SO_PEERSEC, &mut buf) {
            Ok(len) => {
                buf.truncate(len.min(buf.len()));
                while buf.last() == Some(&0) {
                    buf.pop();
                }
                // Labels are ASCII in every LSM; anything else is not silently rewritten.
                return String::from_utf8(buf)
                    .map(Some)
                    .map_err(|_| Error::Os(libc::EILSEQ));
            }
            Err((libc::ERANGE, needed)) => buf.resize(needed.max(buf.len() * 2), 0),
            Err((libc::ENOPROTOOPT, _)) => return Ok(None),
            Err((errno, _)) => return Err(Error::from_socket_errno(errno)),
        }
    }
}

/// A pidfd for the peer process (`SO_PEERPIDFD`, Linux 6.5 and later): it names the
/// process that connected and never another process that later reuses its pid.
///
/// The descriptor is close-on-exec and owned by the caller. Errors beyond
/// [`crate::read`]'s: [`Error::Unsupported`] on kernels without `SO_PEERPIDFD`
/// (never a silent fallback to the racy `pidfd_open(pid)`), and
/// [`Error::PeerExited`] when the peer has been reaped: older kernels (6.5-6.15)
/// refuse with `EINVAL`, newer ones hand out a pidfd of a reaped process, and
/// both surface as this error. A peer that exited but is not yet reaped (a
/// zombie) still gets a pidfd; [`crate::PeerProcess::is_alive`] says it is dead.
///
/// ```no_run
/// # fn f(conn: std::os::unix::net::UnixStream) -> Result<(), Box<dyn std::error::Error>> {
/// match peercred::pidfd(&conn) {
///     Ok(fd) => drop(fd),
///     Err(peercred::Error::Unsupported(_)) => {} // kernel older than 6.5
///     Err(e) => return Err(e.into()),
/// }
/// # Ok(()) }
/// ```
pub fn pidfd(socket: &impl AsFd) -> Result<OwnedFd, Error> {
    fault::maybe_panic();
    Ok(peer_pidfd::take(socket.as_fd())?.0)
}

fn gid_bytes(groups: &mut [libc::gid_t]) -> &mut [u8] {
    // SAFETY: gid_t is a plain integer; any byte pattern is valid.
    unsafe {
        std::slice::from_raw_parts_mut(groups.as_mut_ptr().cast(), std::mem::size_of_val(groups))
    }
}
