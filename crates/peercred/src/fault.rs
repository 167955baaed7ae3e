//! Test-only fault injection: proves that no panic crosses the C ABI or a
//! binding, runs the fallbacks of older kernels on this one, and shows how
//! peercred behaves on a kernel without an option.

/// Panics when built with the `fault-injection` feature and `PEERCRED_FAULT=panic`
/// is set; compiles to nothing otherwise.
#[inline(always)]
pub(crate) fn maybe_panic() {
    #[cfg(feature = "fault-injection")]
    if std::env::var_os("PEERCRED_FAULT").is_some_and(|v| v == "panic") {
        panic!("peercred fault injection: PEERCRED_FAULT=panic");
    }
}

/// With the `fault-injection` feature and `PEERCRED_FAULT=no-pidfd-info`,
/// PIDFD_GET_INFO acts as on kernels before 6.13 (absent); always false otherwise.
#[inline(always)]
pub(crate) fn no_pidfd_info() -> bool {
    #[cfg(feature = "fault-injection")]
    if std::env::var_os("PEERCRED_FAULT").is_some_and(|v| v == "no-pidfd-info") {
        return true;
    }
    false
}

/// True when built with the `fault-injection` feature and
/// `PEERCRED_FAULT=no-passpidfd` is set: `pass_credentials` then acts as on
/// Linux before 6.5, where `SO_PASSPIDFD` does not exist. Always false otherwise.
#[inline(always)]
pub(crate) fn kernel_lacks_passpidfd() -> bool {
    #[cfg(feature = "fault-injection")]
    if std::env::var_os("PEERCRED_FAULT").is_some_and(|v| v == "no-passpidfd") {
        return true;
    }
    false
}
