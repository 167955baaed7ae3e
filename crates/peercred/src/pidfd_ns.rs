//! How a descriptor of a process's namespace is obtained: the
//! `PIDFD_GET_*_NAMESPACE` ioctls on its pidfd (Linux 6.11), which need no
//! /proc and name the pidfd's process whatever PID namespace it is in; before
//! that, `/proc/PID/ns/KIND` (see `PeerProcess::namespace_fd`). The caller's
//! own namespaces are its calling thread's: through a pidfd of that thread
//! (`PIDFD_THREAD`, 6.9) where the ioctls exist, else `/proc/thread-self/ns`.
//!
//! Both ways check the same permission: ptrace read access to the process
//! (the same uid and a dumpable process, or `CAP_SYS_PTRACE` over its user
//! namespace), else `EACCES`.

use std::fs::File;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::{fault, procfs, Error, Namespace};

/// Set once the kernel has said it lacks the ioctls.
static NO_PIDFD_NS: AtomicBool = AtomicBool::new(false);

/// `PIDFD_GET_<KIND>_NAMESPACE`: `_IO(0xFF, n)` of linux/pidfd.h.
fn request(kind: Namespace) -> libc::c_ulong {
    let nr = match kind {
        Namespace::Cgroup => 1,
        Namespace::Ipc => 2,
        Namespace::Mount => 3,
        Namespace::Net => 4,
        Namespace::Pid => 5,
        Namespace::Time => 7,
        Namespace::User => 9,
        Namespace::Uts => 10,
    };
    (0xFF << 8) | nr
}

fn ioctls_exist() -> bool {
    !fault::no_pidfd_namespaces() && !NO_PIDFD_NS.load(Ordering::Relaxed)
}

/// The namespace `kind` of the pidfd's process, or `None` where the kernel
/// lacks the ioctls, and where its main thread has exited (`ESRCH`: the
/// kernel reads the namespaces of that thread, gone once it exits, even while
/// other threads run on): the caller then reads /proc of a live thread, which
/// also says whether the whole process has exited.
pub(crate) fn of_pidfd(pidfd: BorrowedFd<'_>, kind: Namespace) -> Result<Option<OwnedFd>, Error> {
    if !ioctls_exist() {
        return Ok(None);
    }
    // SAFETY: the request takes no argument (it must be 0) and returns a new descriptor.
    let fd = unsafe { libc::ioctl(pidfd.as_raw_fd(), request(kind) as _, 0) };
    if fd >= 0 {
        // SAFETY: the kernel just installed this close-on-exec descriptor for us.
        return Ok(Some(unsafe { OwnedFd::from_raw_fd(fd) }));
    }
    match Error::last_os_error() {
        // ENOSYS: something between us and the kernel does not pass the
        // ioctl on (qemu-user, a seccomp filter); /proc still answers.
        Error::Os(libc::ENOTTY | libc::ENOSYS) => {
            NO_PIDFD_NS.store(true, Ordering::Relaxed);
            Ok(None)
        }
        Error::Os(libc::ESRCH) => Ok(None),
        Error::Os(libc::EBADF) => Err(Error::BadDescriptor),
        Error::Os(libc::EOPNOTSUPP) => Err(unconfigured(kind)),
        err => Err(err),
    }
}

/// A kernel built without namespaces of this kind.
pub(crate) fn unconfigured(kind: Namespace) -> Error {
    Error::Unsupported(match kind {
        Namespace::Cgroup => "this kernel has no cgroup namespaces (CONFIG_CGROUPS)",
        Namespace::Ipc => "this kernel has no IPC namespaces (CONFIG_IPC_NS)",
        Namespace::Mount => "this kernel has no mount namespaces",
        Namespace::Net => "this kernel has no network namespaces (CONFIG_NET_NS)",
        Namespace::Pid => "this kernel has no PID namespaces (CONFIG_PID_NS)",
        Namespace::Time => "this kernel has no time namespaces (CONFIG_TIME_NS, Linux 5.6)",
        Namespace::User => "this kernel has no user namespaces (CONFIG_USER_NS)",
        Namespace::Uts => "this kernel has no UTS namespaces (CONFIG_UTS_NS)",
    })
}

/// The calling thread, to read its namespaces the way a peer's are read.
pub(crate) struct OwnThread(Option<OwnedFd>);

impl OwnThread {
    pub(crate) fn open() -> Result<OwnThread, Error> {
        if !ioctls_exist() {
            return Ok(OwnThread(None));
        }
        // SAFETY: gettid has no preconditions; pidfd_open returns a new
        // close-on-exec descriptor or -1. The system call, not glibc's
        // gettid() (2.30): the gnu builds link against glibc 2.17.
        let fd = unsafe {
            let tid = libc::syscall(libc::SYS_gettid) as libc::pid_t;
            libc::syscall(libc::SYS_pidfd_open, tid, libc::O_EXCL) // PIDFD_THREAD
        };
        if fd < 0 {
            return match Error::last_os_error() {
                // PIDFD_THREAD is older than the ioctls: this kernel has neither.
                Error::Os(libc::EINVAL | libc::ENOSYS) => Ok(OwnThread(None)),
                err => Err(err),
            };
        }
        // SAFETY: the kernel just installed this descriptor for us; we own it.
        Ok(OwnThread(Some(unsafe { OwnedFd::from_raw_fd(fd as i32) })))
    }

    /// The calling thread's namespace `kind`.
    pub(crate) fn namespace(&self, kind: Namespace) -> Result<OwnedFd, Error> {
        if let Some(pidfd) = &self.0 {
            if let Some(ns) = of_pidfd(pidfd.as_fd(), kind)? {
                return Ok(ns);
            }
        }
        let path = Path::new("/proc/thread-self/ns").join(kind.name());
        match File::open(path) {
            Ok(file) => Ok(file.into()),
            // /proc shows no such thread: it is another PID namespace's, or absent.
            Err(err) if err.raw_os_error() == Some(libc::ENOENT) => {
                match Path::new("/proc/thread-self").exists() {
                    true => Err(unconfigured(kind)),
                    false => Err(Error::ForeignProc),
                }
            }
            Err(err) => Err(Error::Os(procfs::errno(&err))),
        }
    }
}
