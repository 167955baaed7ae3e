//! Test-only fault injection: proves that no panic crosses the C ABI or a binding.

/// Panics when built with the `fault-injection` feature and `PEERCRED_FAULT=panic`
/// is set; compiles to nothing otherwise.
#[inline(always)]
pub(crate) fn maybe_panic() {
    #[cfg(feature = "fault-injection")]
    if std::env::var_os("PEERCRED_FAULT").is_some_and(|v| v == "panic") {
        panic!("peercred fault injection: PEERCRED_FAULT=panic");
    }
}
