//! Whether a process holds one of some sockets: the `socket:[INODE]` targets
//! of its descriptors in `/proc/PID/fd`. Reading them needs ptrace read
//! access to the process (its own uid and dumpable, or `CAP_SYS_PTRACE`):
//! `EACCES` otherwise.
//!
//! The descriptor table is the thread-group leader's unless a thread made one
//! of its own (`unshare(CLONE_FILES)`), and a leader that exited while other
//! threads run on has none: so where the leader's table does not hold the
//! socket, each thread's is searched too.

use std::ffi::OsStr;
use std::fs;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crate::proc_parse;

/// Whether the process that /proc shows as `pid` holds a socket of one of
/// `inodes` (in its own or one of its threads' descriptor tables).
pub(crate) fn holds_any(pid: libc::pid_t, inodes: &[u32]) -> io::Result<bool> {
    let leader = Path::new("/proc").join(pid.to_string());
    if in_table(&leader.join("fd"), inodes)? {
        return Ok(true);
    }
    let leader_name = pid.to_string();
    for task in fs::read_dir(leader.join("task"))?.flatten() {
        if task.file_name().as_bytes() == leader_name.as_bytes() {
            continue;
        }
        match in_table(&task.path().join("fd"), inodes) {
            Ok(true) => return Ok(true),
            Ok(false) => {}
            // That thread has exited meanwhile.
            Err(err) if err.raw_os_error() == Some(libc::ENOENT) => {}
            Err(err) => return Err(err),
        }
    }
    Ok(false)
}

/// Whether the descriptor table listed in `dir` holds one of `inodes`.
fn in_table(dir: &Path, inodes: &[u32]) -> io::Result<bool> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let target = match fs::read_link(entry.path()) {
            Ok(target) => target,
            // Closed since the listing.
            Err(err) if err.raw_os_error() == Some(libc::ENOENT) => continue,
            Err(err) => return Err(err),
        };
        if socket_of(target.as_os_str())
            .is_some_and(|ino| inodes.iter().any(|&i| u64::from(i) == ino))
        {
            return Ok(true);
        }
    }
    Ok(false)
}

fn socket_of(target: &OsStr) -> Option<u64> {
    proc_parse::socket_inode(target.as_bytes())
}
