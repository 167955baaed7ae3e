//! Test-only fault injection: proves that no panic crosses the C ABI or a
//! binding, runs the fallbacks of older kernels on this one, and shows how
//! peercred behaves on a kernel without an option.
//!
//! With the `fault-injection` feature, `PEERCRED_FAULT` holds a
//! comma-separated list of switches (`no-pidfd-info,no-pidfd-ns`); without
//! the feature every switch is off and compiles to nothing.

/// Whether the switch `name` is in `PEERCRED_FAULT`.
#[inline(always)]
fn active(name: &str) -> bool {
    #[cfg(feature = "fault-injection")]
    if let Some(list) = std::env::var_os("PEERCRED_FAULT") {
        return list
            .to_str()
            .is_some_and(|list| list.split(',').any(|switch| switch == name));
    }
    let _ = name;
    false
}

/// `panic`: every public entry point panics.
#[inline(always)]
pub(crate) fn maybe_panic() {
    if active("panic") {
        panic!("peercred fault injection: PEERCRED_FAULT=panic");
    }
}

/// `no-pidfd-info`: PIDFD_GET_INFO acts as on kernels before 6.13 (absent).
#[inline(always)]
pub(crate) fn no_pidfd_info() -> bool {
    active("no-pidfd-info")
}

/// `no-passpidfd`: `pass_credentials` acts as on Linux before 6.5, where
/// `SO_PASSPIDFD` does not exist.
#[inline(always)]
pub(crate) fn kernel_lacks_passpidfd() -> bool {
    active("no-passpidfd")
}

/// `no-pidfd-ns`: the PIDFD_GET_*_NAMESPACE ioctls act as on kernels before
/// 6.11 (absent).
#[inline(always)]
pub(crate) fn no_pidfd_namespaces() -> bool {
    active("no-pidfd-ns")
}

/// `no-ns-id`: NS_GET_ID acts as on kernels before 6.18, and NS_GET_MNTNS_ID
/// as before 6.8 (both absent): namespaces are named by their nsfs inode.
#[inline(always)]
pub(crate) fn no_ns_id() -> bool {
    active("no-ns-id")
}

/// `no-pidfs`: pidfds act as on kernels before 6.9, anonymous inodes
/// without a process id of their own.
#[inline(always)]
pub(crate) fn no_pidfs() -> bool {
    active("no-pidfs")
}
