//! peercred_uid_mapping and peercred_gid_mapping.

use std::os::raw::c_int;

use peercred::IdMapping;

use crate::guard::guard;

/// A real id in the caller's user namespace (peercred_uid_mapping()).
pub const PEERCRED_ID_MAPPED: c_int = 0;
/// The kernel's overflow placeholder: the peer's id has no mapping in the
/// caller's user namespace, so no account here is meant (peercred_uid_mapping()).
pub const PEERCRED_ID_UNMAPPED: c_int = 1;
/// The overflow id, which the caller's namespace also maps to a real account:
/// the two cannot be told apart from here (peercred_uid_mapping()).
pub const PEERCRED_ID_UNKNOWN: c_int = 2;

fn to_c(mapping: IdMapping) -> c_int {
    match mapping {
        IdMapping::Mapped => PEERCRED_ID_MAPPED,
        IdMapping::Unmapped => PEERCRED_ID_UNMAPPED,
        IdMapping::Unknown => PEERCRED_ID_UNKNOWN,
    }
}

/// Whether `uid`, as the kernel reported it to this process (peercred_read()'s
/// `uid`), is a real uid in the caller's user namespace or the kernel's
/// overflow placeholder (/proc/sys/kernel/overflowuid, usually 65534) for a uid
/// it cannot name. Returns PEERCRED_ID_MAPPED, PEERCRED_ID_UNMAPPED,
/// PEERCRED_ID_UNKNOWN, or a negative errno from reading /proc/self/uid_map or
/// the sysctl (-ENOENT without /proc). Reads both on every call. Thread-safe.
#[no_mangle]
pub extern "C" fn peercred_uid_mapping(uid: u32) -> c_int {
    guard(|| peercred::uid_mapping(uid).map(to_c))
}

/// peercred_uid_mapping() for a gid (peercred_read()'s `gid`, or one of
/// peercred_groups()), from /proc/self/gid_map and overflowgid.
#[no_mangle]
pub extern "C" fn peercred_gid_mapping(gid: u32) -> c_int {
    guard(|| peercred::gid_mapping(gid).map(to_c))
}
