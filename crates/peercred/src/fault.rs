//! Test-only fault injection: proves that no panic crosses the C ABI or a
//! binding, and runs the fallbacks of older kernels on this one.

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
