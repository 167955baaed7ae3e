//! The peer's pidfd where the kernel lacks `SO_PEERPIDFD` (Linux 5.3 to 6.4):
//! pin the pid that `SO_PEERCRED` recorded with `pidfd_open(2)`, then prove
//! that the pinned process is on the other end of this very connection
//! before anything is returned.
//!
//! The recorded pid is a number: once the peer has been reaped it can name
//! any process. `pidfd_open` pins whichever process has it now; that process
//! is kept only if, read through `/proc` while it provably lived (the pidfd
//! says it still runs afterwards), it holds a descriptor of
//! - the other end of our connection, which `sock_diag` names by inode for
//!   our socket (looked up by inode and `SO_COOKIE`, so exactly ours), or
//! - for a connecting socket whose connection still waits to be accepted (its
//!   other end has no inode yet), the listener whose queue holds it.
//!
//! A process that merely took over the pid holds neither, unless it was given
//! them (SECURITY.md says what that leaves open). A peer that has exited but
//! not yet been reaped holds nothing any more: it is reported as exited.

use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;

use crate::liveness::{liveness, Liveness};
use crate::pidfd_open::pidfd_open;
use crate::{held_sockets, procfs, unix_diag, Error, PeerCred, PeerProcess, Source, Unproven};

/// The proven peer of `fd`, whose credentials `read()` gave as `cred`.
pub(crate) fn prove(fd: BorrowedFd<'_>, cred: &PeerCred) -> Result<PeerProcess, Error> {
    // A peer outside our PID namespace has no pid here to pin.
    let pid = cred.pid().ok_or(Error::PidNotVisible)?;
    let pidfd = pin(pid)?;
    // A zombie holds no descriptors: nothing could prove it is the peer, and
    // whether it is or took the pid after the peer was reaped, the peer has
    // exited.
    if liveness(pidfd.as_fd())? != Liveness::Alive {
        return Err(Error::PeerExited);
    }
    let ends = other_end(fd, unix_diag::identify(fd)?)?;
    if ends.is_empty() {
        // No other end with an inode and no listener queueing us: the other
        // end was closed by everyone who held it.
        return Err(Error::Unproven(Unproven::NotHeld));
    }
    let process = PeerProcess::held(pidfd, Some(pid), Source::SockDiag);
    let held = process
        .fact(|proc_pid| {
            Ok(match held_sockets::holds_any(proc_pid, &ends)? {
                true => Held::Yes,
                // Its descriptors are released as its exit begins.
                false if procfs::process_exiting(proc_pid) => Held::Exiting,
                false => Held::No,
            })
        })
        .map_err(|err| match err {
            Error::Os(libc::EACCES) => Error::Unproven(Unproven::NoAccess),
            err => err,
        })?;
    match held {
        Held::Yes => Ok(process),
        Held::Exiting => Err(Error::PeerExited),
        Held::No => Err(Error::Unproven(Unproven::NotHeld)),
    }
}

/// The inodes of what the peer must hold: the other end of our connection,
/// or, while it waits to be accepted (its other end has no inode yet), the
/// listener whose queue holds it; and for a connecting socket, whose server
/// may accept and close the connection at any moment, also the listener of
/// the name it reached. Empty when none of these exists any more.
fn other_end(fd: BorrowedFd<'_>, ours: unix_diag::Socket) -> Result<Vec<u32>, Error> {
    let mut ends = match unix_diag::peer_of(ours)? {
        Some(peer) => vec![peer],
        None => unix_diag::listeners_queueing(ours.ino)?,
    };
    ends.extend(listener_of_the_name_reached(fd)?);
    if ends.is_empty() {
        // Accepted between the two questions: it has an inode now.
        ends.extend(unix_diag::peer_of(ours)?);
    }
    Ok(ends)
}

/// The listeners bound now to the name that our connection reached, for a
/// socket that connected without a name of its own. An accepted socket always
/// carries its listener's name, so this never applies to one (whose peer's
/// name is a client's, which anyone could take over once it is free). A path
/// must name, here, the very socket file (device and inode) the listener is
/// bound to.
fn listener_of_the_name_reached(fd: BorrowedFd<'_>) -> Result<Vec<u32>, Error> {
    if !address(fd, libc::getsockname)?.is_empty() {
        return Ok(Vec::new());
    }
    let name = address(fd, libc::getpeername)?;
    let here = match name.first() {
        None => return Ok(Vec::new()),
        Some(0) => None, // an abstract name: one listener at a time has it
        Some(_) => {
            let path = name.strip_suffix(b"\0").unwrap_or(&name);
            match std::fs::metadata(std::ffi::OsStr::from_bytes(path)) {
                Ok(file) if path.starts_with(b"/") => Some((file.dev(), file.ino())),
                _ => return Ok(Vec::new()),
            }
        }
    };
    Ok(unix_diag::listeners_named(&name)?
        .into_iter()
        .filter(|&(_, file)| file == here)
        .map(|(ino, _)| ino)
        .collect())
}

/// The `sun_path` bytes of `getsockname` or `getpeername` (empty: unnamed).
fn address(
    fd: BorrowedFd<'_>,
    call: unsafe extern "C" fn(
        libc::c_int,
        *mut libc::sockaddr,
        *mut libc::socklen_t,
    ) -> libc::c_int,
) -> Result<Vec<u8>, Error> {
    // SAFETY: all-zero is a valid sockaddr_un.
    let mut addr: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of_val(&addr) as libc::socklen_t;
    // SAFETY: addr is valid for len bytes, len is passed by pointer.
    if unsafe {
        call(
            fd.as_raw_fd(),
            (&mut addr as *mut libc::sockaddr_un).cast(),
            &mut len,
        )
    } != 0
    {
        return Err(Error::from_socket_errno(Error::last_os_error().errno()));
    }
    let start = std::mem::offset_of!(libc::sockaddr_un, sun_path);
    let len = (len as usize).min(std::mem::size_of_val(&addr));
    Ok(addr.sun_path[..len.saturating_sub(start)]
        .iter()
        .map(|&c| c as u8)
        .collect())
}

enum Held {
    Yes,
    Exiting,
    No,
}

fn pin(pid: libc::pid_t) -> Result<OwnedFd, Error> {
    pidfd_open(pid).map_err(|err| match err {
        Error::Os(libc::ENOSYS) => Error::Unsupported(
            "SO_PEERPIDFD needs Linux 6.5 or later, and its fallback pidfd_open Linux 5.3",
        ),
        // No process has the pid (ESRCH), or only a thread of another process
        // (EINVAL): the peer has exited and been reaped.
        Error::Os(libc::ESRCH | libc::EINVAL) => Error::PeerExited,
        err => err,
    })
}
