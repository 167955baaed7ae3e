//! peercred_process_credentials.

use std::os::raw::c_int;

use crate::guard::{guard, writable};

/// peercred_credentials's `login_uid` when the process has none (unset, not
/// mapped in the caller's user namespace, or a kernel without audit).
pub const PEERCRED_NO_LOGIN_UID: u32 = u32::MAX;

/// A process's credentials now, filled by peercred_process_credentials().
/// The ids are numbered in the caller's user namespace (the overflow id for
/// one it cannot name); the capability sets are bit masks (bit CAP_*) that
/// count in the process's own user namespace: root of a rootless container
/// has them all, over that namespace only.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct peercred_credentials {
    /// Real, effective, saved and filesystem uid.
    pub uid: [u32; 4],
    /// Real, effective, saved and filesystem gid.
    pub gid: [u32; 4],
    /// Effective capabilities (CapEff).
    pub cap_effective: u64,
    /// Permitted capabilities (CapPrm).
    pub cap_permitted: u64,
    /// Bounding set (CapBnd).
    pub cap_bounding: u64,
    /// 1 when no_new_privs is set: nothing it executes gains privileges.
    pub no_new_privs: c_int,
    /// The audit login uid, or PEERCRED_NO_LOGIN_UID.
    pub login_uid: u32,
}

/// The credentials of the process of `pidfd` now, from one read of a live
/// thread's /proc/PID/status (and loginuid), confirmed through the pidfd:
/// never the zombie main thread's. Returns 0 and fills `*out`; -ESRCH once it
/// has exited; -EREMOTE when it is outside the caller's PID namespace; -ENXIO
/// when /proc is another PID namespace's; -EINVAL for a NULL `out` or a
/// descriptor that is not a pidfd. Decide on peercred_read()'s ids, recorded
/// at connect: `uid[1]` or `gid[1]` other than its `uid` and `gid` means the
/// process changed ids, or executed a setuid or setgid program, since.
#[no_mangle]
pub extern "C" fn peercred_process_credentials(
    pidfd: c_int,
    out: *mut peercred_credentials,
) -> c_int {
    guard(|| {
        let slot = writable(out)?;
        let c = peercred::raw::peer_process_from_pidfd(pidfd)?.credentials()?;
        *slot = peercred_credentials {
            uid: [c.real_uid(), c.effective_uid(), c.saved_uid(), c.fs_uid()],
            gid: [c.real_gid(), c.effective_gid(), c.saved_gid(), c.fs_gid()],
            cap_effective: c.cap_effective(),
            cap_permitted: c.cap_permitted(),
            cap_bounding: c.cap_bounding(),
            no_new_privs: c_int::from(c.no_new_privs()),
            login_uid: c.login_uid().unwrap_or(PEERCRED_NO_LOGIN_UID),
        };
        Ok(0)
    })
}
