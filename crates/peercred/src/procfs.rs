//! Reading /proc for a pidfd's process.
//!
//! /proc numbers processes in the PID namespace of the /proc *mount*, which
//! need not be the caller's (`unshare --pid --fork` without `--mount-proc`, a
//! container that bind-mounts the host's /proc). So the directory of a pidfd's
//! process is found by the number that the pidfd's fdinfo gives, read through
//! the same /proc: that number is in /proc's own numbering, whatever namespace
//! it belongs to. The fdinfo is the calling *thread's* (`/proc/thread-self`):
//! `/proc/self` is the thread-group leader, whose descriptor table a thread
//! made with its own (`unshare(CLONE_FILES)`) does not share, and which is gone
//! once the leader thread has exited.

use std::fs::{self, File};
use std::io::{self, Read};
use std::os::fd::{AsRawFd, BorrowedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use crate::proc_parse;
use crate::Error;

/// What a pidfd's fdinfo says of its process's pid in /proc's numbering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FdinfoPid {
    Shown(libc::pid_t),
    /// Alive or a zombie, but outside /proc's PID namespace.
    NotShown,
    Reaped,
}

/// The `Pid:` line of the pidfd's fdinfo, read through `/proc/thread-self`.
pub(crate) fn fdinfo_pid(pidfd: BorrowedFd<'_>) -> Result<FdinfoPid, Error> {
    let path = format!("/proc/thread-self/fdinfo/{}", pidfd.as_raw_fd());
    let info = match read(Path::new(&path)) {
        Ok(info) => info,
        Err(err) if err.raw_os_error() == Some(libc::ENOENT) => {
            // The descriptor is open (or this is EBADF), so what is missing is
            // the calling thread in /proc: /proc is another namespace's, or absent.
            // SAFETY: F_GETFD only reads the descriptor's flags.
            if unsafe { libc::fcntl(pidfd.as_raw_fd(), libc::F_GETFD) } < 0 {
                return Err(Error::BadDescriptor);
            }
            return Err(Error::ForeignProc);
        }
        Err(err) => return Err(Error::from_socket_errno(errno(&err))),
    };
    // Not a pidfd: its fdinfo has no Pid line.
    match proc_parse::line_number(&info, b"Pid:").ok_or(Error::Os(libc::EINVAL))? {
        -1 => Ok(FdinfoPid::Reaped),
        0 => Ok(FdinfoPid::NotShown),
        pid => libc::pid_t::try_from(pid)
            .map(FdinfoPid::Shown)
            .map_err(|_| Error::Os(libc::EPROTO)),
    }
}

/// Whether /proc numbers processes in the caller's own PID namespace: the
/// `NSpid:` line of the calling thread lists one pid per namespace from
/// /proc's down to the caller's, so exactly one entry means they are the same.
/// (A /proc that cannot show the calling thread at all is not the caller's.)
pub(crate) fn numbers_like_caller() -> Result<bool, Error> {
    match read(Path::new("/proc/thread-self/status")) {
        Ok(status) => Ok(proc_parse::nspid_count(&status).ok_or(Error::Os(libc::EPROTO))? == 1),
        Err(err) if err.raw_os_error() == Some(libc::ENOENT) => Ok(false),
        Err(err) => Err(Error::Os(errno(&err))),
    }
}

/// Runs `read` in the /proc directory that speaks for the process that /proc
/// shows as `pid`: the thread-group leader's own, or, when `exited` says that
/// the answer came from a thread that has exited (a process whose main thread
/// called `pthread_exit()` while others run on keeps a zombie leader with
/// stale credentials, no executable and no command line), the first live
/// thread's `task/TID` directory. No live thread found means the process is
/// exiting: `ESRCH`, never the zombie leader's answer.
pub(crate) fn in_live_task<T>(
    pid: libc::pid_t,
    read: impl Fn(&Path) -> io::Result<T>,
    exited: impl Fn(&Path, &io::Result<T>) -> bool,
) -> io::Result<T> {
    let leader = PathBuf::from(format!("/proc/{pid}"));
    let answer = read(&leader);
    if !exited(&leader, &answer) {
        return answer;
    }
    let leader_name = pid.to_string();
    for thread in fs::read_dir(leader.join("task"))?.flatten() {
        if thread.file_name().as_bytes() == leader_name.as_bytes() {
            continue;
        }
        let dir = thread.path();
        let answer = read(&dir);
        if !exited(&dir, &answer) {
            return answer;
        }
    }
    Err(io::Error::from_raw_os_error(libc::ESRCH))
}

/// Whether the task of directory `dir` has exited (its stat says zombie or
/// dead, or it is gone).
pub(crate) fn task_exited(dir: &Path) -> bool {
    match read(&dir.join("stat")) {
        Ok(stat) => proc_parse::stat_field(&stat, 3)
            .and_then(|state| state.first().copied())
            .is_some_and(proc_parse::has_exited),
        Err(_) => true,
    }
}

/// Whether an error says that a task's directory or its memory is gone.
pub(crate) fn is_gone<T>(answer: &io::Result<T>) -> bool {
    matches!(answer, Err(err) if matches!(err.raw_os_error(), Some(libc::ENOENT | libc::ESRCH)))
}

/// Reads a /proc file whole. Its texts are produced at once (seq files,
/// cmdline), so a read that does not fill the buffer has reached the end: one
/// read for the usual size, more only when it was too small.
pub(crate) fn read(path: &Path) -> io::Result<Vec<u8>> {
    let mut file = File::open(path)?;
    let mut buf = vec![0u8; 1024];
    let mut len = 0;
    loop {
        let n = match file.read(&mut buf[len..]) {
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        len += n;
        if len < buf.len() {
            buf.truncate(len);
            return Ok(buf);
        }
        buf.resize(buf.len() * 2, 0);
    }
}

/// The errno of an I/O error on /proc; one without an errno is a path that
/// cannot be a C string (an interior NUL): `EINVAL`.
pub(crate) fn errno(err: &io::Error) -> i32 {
    err.raw_os_error().unwrap_or(libc::EINVAL)
}
