//! peercred_process_namespaces and peercred_process_user_namespace_owner.

use std::os::raw::c_int;

use peercred::{Namespace, NamespaceId};

use crate::guard::{guard, writable};

/// Index of the cgroup namespace in peercred_namespaces (and its bit).
pub const PEERCRED_NS_CGROUP: c_int = 0;
/// Index of the IPC namespace.
pub const PEERCRED_NS_IPC: c_int = 1;
/// Index of the mount namespace.
pub const PEERCRED_NS_MNT: c_int = 2;
/// Index of the network namespace.
pub const PEERCRED_NS_NET: c_int = 3;
/// Index of the PID namespace.
pub const PEERCRED_NS_PID: c_int = 4;
/// Index of the time namespace.
pub const PEERCRED_NS_TIME: c_int = 5;
/// Index of the user namespace.
pub const PEERCRED_NS_USER: c_int = 6;
/// Index of the UTS namespace.
pub const PEERCRED_NS_UTS: c_int = 7;
/// How many kinds peercred_namespaces holds.
pub const PEERCRED_NS_COUNT: usize = 8;

const KINDS: [(c_int, Namespace); PEERCRED_NS_COUNT] = [
    (PEERCRED_NS_CGROUP, Namespace::Cgroup),
    (PEERCRED_NS_IPC, Namespace::Ipc),
    (PEERCRED_NS_MNT, Namespace::Mount),
    (PEERCRED_NS_NET, Namespace::Net),
    (PEERCRED_NS_PID, Namespace::Pid),
    (PEERCRED_NS_TIME, Namespace::Time),
    (PEERCRED_NS_USER, Namespace::User),
    (PEERCRED_NS_UTS, Namespace::Uts),
];

/// A process's namespaces, filled by peercred_process_namespaces(); each
/// array and bit is indexed by PEERCRED_NS_* (bit `1 << PEERCRED_NS_NET`...).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct peercred_namespaces {
    /// The id of each namespace: the kernel's 64-bit id where its bit in
    /// `unique` is set (never reused while the machine runs: NS_GET_ID, Linux
    /// 6.18; NS_GET_MNTNS_ID, 6.8, for mount namespaces), else the nsfs inode
    /// number, which another namespace can get once this one is gone.
    pub id: [u64; PEERCRED_NS_COUNT],
    /// Bit per kind: `id` is never reused.
    pub unique: u32,
    /// Bit per kind: the same namespace as the calling thread's. All eight
    /// bits (0xff) for a process that shares every namespace with the caller:
    /// a host process seen from a daemon on the host.
    pub shared: u32,
}

/// The namespaces of the process of `pidfd` now, each compared with the
/// calling thread's: through the pidfd (PIDFD_GET_*_NAMESPACE, Linux 6.11),
/// on older kernels from /proc/PID/ns; those of its main thread, or of a live
/// thread once that has exited. A fact of now: the process can setns or
/// unshare after connecting. Returns 0 and fills `*out`; -EACCES without
/// ptrace read access to the process (another uid, a setuid program, or a
/// caller in a user namespace asking about a process outside it, unless it has
/// CAP_SYS_PTRACE over the process's user namespace); -ESRCH once it has
/// exited; -EREMOTE (kernels before 6.11) when it is outside the caller's PID
/// namespace; -EINVAL for a NULL `out` or a descriptor that is not a pidfd.
#[no_mangle]
pub extern "C" fn peercred_process_namespaces(
    pidfd: c_int,
    out: *mut peercred_namespaces,
) -> c_int {
    guard(|| {
        let slot = writable(out)?;
        let ns = peercred::raw::peer_process_from_pidfd(pidfd)?.namespaces()?;
        let mut filled = peercred_namespaces {
            id: [0; PEERCRED_NS_COUNT],
            unique: 0,
            shared: 0,
        };
        for (index, kind) in KINDS {
            let id: NamespaceId = ns.id(kind);
            filled.id[index as usize] = id.value();
            filled.unique |= u32::from(id.is_unique()) << index;
            filled.shared |= u32::from(ns.is_shared(kind)) << index;
        }
        *slot = filled;
        Ok(0)
    })
}

/// The uid that created the user namespace of the process of `pidfd`, in the
/// caller's user namespace (0 for the initial namespace; the overflow uid
/// when it has none here: ask peercred_uid_mapping()). Read now with
/// NS_GET_OWNER_UID; errors as for peercred_process_namespaces().
#[no_mangle]
pub extern "C" fn peercred_process_user_namespace_owner(pidfd: c_int, uid: *mut u32) -> c_int {
    guard(|| {
        let slot = writable(uid)?;
        *slot = peercred::raw::peer_process_from_pidfd(pidfd)?.user_namespace_owner()?;
        Ok(0)
    })
}
