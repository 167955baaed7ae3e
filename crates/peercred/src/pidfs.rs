//! A process identity that is never reused within a boot: the inode number
//! of its pidfd on pidfs (Linux 6.9: a 64-bit counter, one inode per
//! process), with the boot id that says which boot. Before 6.9 pidfds are
//! anonymous inodes, all alike: there is no such id, and `(pid, start time)`
//! is what names a process ([`PeerProcess::start_time`]).

use std::os::fd::{AsFd, AsRawFd};
use std::path::Path;

use crate::{fault, procfs, Error, PeerProcess};

const PID_FS_MAGIC: libc::c_long = 0x5049_4446;

impl PeerProcess {
    /// The process's pidfs id: a 64-bit number that no other process gets
    /// until the machine reboots (pair it with [`boot_id`] in logs and
    /// caches that outlive a boot), the same for every pidfd of the process
    /// in every namespace. Fixed for the process's life, and readable after
    /// it has exited. Linux 6.9 (`fstat` of the pidfd on pidfs);
    /// [`Error::Unsupported`] before.
    pub fn pidfs_id(&self) -> Result<u64, Error> {
        fault::maybe_panic();
        let fd = self.as_fd().as_raw_fd();
        // SAFETY: fstatfs and fstat write one struct each.
        let mut fs: libc::statfs = unsafe { std::mem::zeroed() };
        if unsafe { libc::fstatfs(fd, &mut fs) } != 0 {
            return Err(Error::last_os_error());
        }
        if fs.f_type as libc::c_long != PID_FS_MAGIC || fault::no_pidfs() {
            return Err(Error::Unsupported("pidfs ids need Linux 6.9 or later"));
        }
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        if unsafe { libc::fstat(fd, &mut st) } != 0 {
            return Err(Error::last_os_error());
        }
        Ok(st.st_ino)
    }
}

/// The id of the running boot (`/proc/sys/kernel/random/boot_id`): a random
/// UUID in its usual text form, new at every boot; with a pidfs id it names
/// a process for all time.
pub fn boot_id() -> Result<String, Error> {
    fault::maybe_panic();
    let text = procfs::read(Path::new("/proc/sys/kernel/random/boot_id"))
        .map_err(|err| Error::Os(procfs::errno(&err)))?;
    let id = std::str::from_utf8(&text)
        .ok()
        .map(str::trim_end)
        .filter(|id| {
            id.len() == 36
                && id.bytes().enumerate().all(|(i, b)| match i {
                    8 | 13 | 18 | 23 => b == b'-',
                    _ => matches!(b, b'0'..=b'9' | b'a'..=b'f'),
                })
        })
        .ok_or(Error::Os(libc::EPROTO))?;
    Ok(id.to_owned())
}
