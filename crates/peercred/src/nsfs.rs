//! What names a namespace, given a descriptor of its nsfs file, and who owns
//! a user namespace.
//!
//! The kernel's 64-bit namespace id, never reused while the machine runs:
//! `NS_GET_ID` (Linux 6.18) for every kind, `NS_GET_MNTNS_ID` (6.8) for mount
//! namespaces. Before that the only name is the nsfs inode number (what
//! `readlink /proc/PID/ns/net` shows in brackets): it names the namespace while
//! the namespace exists, and a namespace made after it is gone can get the same
//! number. Comparing two namespaces that both exist now (the caller's and a
//! live peer's) is exact either way.

use std::os::fd::{AsRawFd, BorrowedFd};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::{fault, Error, Namespace, NamespaceId};

const NSIO: libc::c_ulong = 0xb7;
/// `_IO(NSIO, 0x4)`: the owner of a user namespace, in the caller's numbering.
const NS_GET_OWNER_UID: libc::c_ulong = (NSIO << 8) | 0x4;
/// `_IOR(NSIO, 13, __u64)` (Linux 6.18).
const NS_GET_ID: libc::c_ulong = ior_u64(13);
/// `_IOR(NSIO, 5, __u64)`; Linux 6.8 declared it `_IO(NSIO, 5)`, tried second.
const NS_GET_MNTNS_ID: libc::c_ulong = ior_u64(5);
const NS_GET_MNTNS_ID_6_8: libc::c_ulong = (NSIO << 8) | 5;

/// `_IOR(NSIO, nr, __u64)` in the asm-generic encoding of x86 and arm.
const fn ior_u64(nr: libc::c_ulong) -> libc::c_ulong {
    (2 << 30) | (8 << 16) | (NSIO << 8) | nr
}

/// Set once the kernel has said it lacks the ioctl: it cannot gain it later.
static NO_NS_GET_ID: AtomicBool = AtomicBool::new(false);
static NO_MNTNS_ID: AtomicBool = AtomicBool::new(false);

/// The name of the namespace whose nsfs file `ns` is open on.
pub(crate) fn id(ns: BorrowedFd<'_>, kind: Namespace) -> Result<NamespaceId, Error> {
    let old_kernel = fault::no_ns_id();
    if !old_kernel && !NO_NS_GET_ID.load(Ordering::Relaxed) {
        match get_u64(ns, NS_GET_ID) {
            Some(id) => return id.map(NamespaceId::Unique),
            None => NO_NS_GET_ID.store(true, Ordering::Relaxed),
        }
    }
    if kind == Namespace::Mount && !old_kernel && !NO_MNTNS_ID.load(Ordering::Relaxed) {
        for request in [NS_GET_MNTNS_ID, NS_GET_MNTNS_ID_6_8] {
            if let Some(id) = get_u64(ns, request) {
                return id.map(NamespaceId::Unique);
            }
        }
        NO_MNTNS_ID.store(true, Ordering::Relaxed);
    }
    // nsfs has one superblock: the inode number alone names the namespace.
    // SAFETY: fstat writes one struct stat.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    if unsafe { libc::fstat(ns.as_raw_fd(), &mut st) } != 0 {
        return Err(Error::last_os_error());
    }
    Ok(NamespaceId::Inode(st.st_ino))
}

/// An ioctl that writes a u64: `None` when the kernel does not know the
/// request (ENOTTY; ENOSYS where something between us and the kernel does not
/// pass it on: qemu-user, a seccomp filter), else its answer.
fn get_u64(ns: BorrowedFd<'_>, request: libc::c_ulong) -> Option<Result<u64, Error>> {
    let mut value = 0u64;
    // SAFETY: the request writes one u64.
    if unsafe { libc::ioctl(ns.as_raw_fd(), request as _, &mut value) } == 0 {
        return Some(Ok(value));
    }
    match Error::last_os_error() {
        Error::Os(libc::ENOTTY | libc::ENOSYS) => None,
        err => Some(Err(err)),
    }
}

/// The uid that created the user namespace `ns`, in the caller's user
/// namespace: the overflow uid when it has none there (see
/// [`crate::uid_mapping`]). `NS_GET_OWNER_UID`, Linux 4.11.
pub(crate) fn owner_uid(ns: BorrowedFd<'_>) -> Result<libc::uid_t, Error> {
    let mut uid: libc::uid_t = 0;
    // SAFETY: the request writes one uid_t.
    if unsafe { libc::ioctl(ns.as_raw_fd(), NS_GET_OWNER_UID as _, &mut uid) } == 0 {
        Ok(uid)
    } else {
        Err(Error::last_os_error())
    }
}
