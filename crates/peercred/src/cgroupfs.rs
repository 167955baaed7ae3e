//! The caller's cgroup v2 hierarchy, where a fact needs the cgroup's
//! directory: its id on kernels before 6.13 (the directory's inode number,
//! which is the cgroup id) and the xattrs that systemd writes on a unit's
//! cgroup. Found where systemd mounts it, `/sys/fs/cgroup` (unified layout)
//! or `/sys/fs/cgroup/unified` (hybrid), and used only when that mount's
//! root is the root of the caller's cgroup namespace (mountinfo renders it
//! relative to that root), so that a path of /proc/PID/cgroup names the same
//! directory under it. Checked on every call: mounts change.

use std::ffi::CString;
use std::fs::File;
use std::os::fd::{AsRawFd, FromRawFd};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::{cgroup_parse, proc_parse, procfs, Error};

const CGROUP2_SUPER_MAGIC: libc::c_long = 0x6367_7270;
const MOUNTS: [&str; 2] = ["/sys/fs/cgroup", "/sys/fs/cgroup/unified"];

/// The mount point of the caller's cgroup v2 hierarchy; `ENOENT` when none
/// is mounted there for the caller's cgroup namespace.
fn v2_mount() -> Result<&'static str, Error> {
    for dir in MOUNTS {
        let path = CString::new(dir).expect("no NUL");
        // SAFETY: statfs writes one struct statfs.
        let mut fs: libc::statfs = unsafe { std::mem::zeroed() };
        if unsafe { libc::statfs(path.as_ptr(), &mut fs) } != 0
            || fs.f_type as libc::c_long != CGROUP2_SUPER_MAGIC
        {
            continue;
        }
        let mountinfo = procfs::read(Path::new("/proc/thread-self/mountinfo"))
            .map_err(|err| Error::Os(procfs::errno(&err)))?;
        return match proc_parse::mount_of(&mountinfo, dir.as_bytes()) {
            Some((b"/", b"cgroup2")) => Ok(dir),
            _ => Err(Error::Os(libc::ENOENT)),
        };
    }
    Err(Error::Os(libc::ENOENT))
}

/// The directory of the cgroup at `path` (relative to the caller's cgroup
/// namespace, as /proc/PID/cgroup gives it).
pub(crate) fn open(path: &[u8]) -> Result<File, Error> {
    if cgroup_parse::escapes(path) || !path.starts_with(b"/") {
        return Err(Error::CgroupNotVisible);
    }
    let mut full = v2_mount()?.as_bytes().to_vec();
    full.extend_from_slice(path);
    let full = CString::new(full).map_err(|_| Error::Os(libc::EINVAL))?;
    // SAFETY: open(2) with a NUL-terminated path; the result is a new descriptor or -1.
    let fd = unsafe {
        libc::open(
            full.as_ptr(),
            libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC,
        )
    };
    if fd < 0 {
        return Err(Error::last_os_error());
    }
    // SAFETY: a new descriptor that we own.
    Ok(unsafe { File::from_raw_fd(fd) })
}

/// The cgroup id of a cgroup directory: its kernfs inode number.
pub(crate) fn id(dir: &File) -> Result<u64, Error> {
    dir.metadata()
        .map(|meta| meta.ino())
        .map_err(|err| Error::Os(procfs::errno(&err)))
}

/// The invocation id systemd wrote on a unit's cgroup directory:
/// `trusted.invocation_id` (only root can write it, and only a caller with
/// `CAP_SYS_ADMIN` can read it), else `user.invocation_id` (systemd 250
/// writes both), trusted only on a directory owned by root: a unit with
/// `Delegate=yes` owns its directory and could write its own.
pub(crate) fn invocation_id(dir: &File) -> Result<Option<String>, Error> {
    if let Some(value) = xattr(dir, c"trusted.invocation_id")? {
        return Ok(cgroup_parse::invocation_id(&value));
    }
    if id_owner(dir)? != 0 {
        return Ok(None);
    }
    Ok(xattr(dir, c"user.invocation_id")?.and_then(|v| cgroup_parse::invocation_id(&v)))
}

fn id_owner(dir: &File) -> Result<u32, Error> {
    dir.metadata()
        .map(|meta| meta.uid())
        .map_err(|err| Error::Os(procfs::errno(&err)))
}

/// An xattr of at most 64 bytes (an id), `None` when absent or unreadable
/// for the caller (the kernel says ENODATA for both).
fn xattr(dir: &File, name: &std::ffi::CStr) -> Result<Option<Vec<u8>>, Error> {
    let mut value = [0u8; 64];
    // SAFETY: fgetxattr writes at most value.len() bytes.
    let len = unsafe {
        libc::fgetxattr(
            dir.as_raw_fd(),
            name.as_ptr(),
            value.as_mut_ptr().cast(),
            value.len(),
        )
    };
    if len >= 0 {
        return Ok(Some(value[..len as usize].to_vec()));
    }
    match Error::last_os_error() {
        Error::Os(libc::ENODATA | libc::EOPNOTSUPP) => Ok(None),
        // Longer than any id: not one.
        Error::Os(libc::ERANGE) => Ok(Some(Vec::new())),
        err => Err(err),
    }
}
