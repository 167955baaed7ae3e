//! peercred_process_cgroup, peercred_process_cgroup_id,
//! peercred_process_unit_invocation_id, and the parsers of a cgroup path.

use std::ffi::OsStr;
use std::os::raw::{c_char, c_int};
use std::os::unix::ffi::OsStrExt;

use peercred::{Cgroup, Error};

use crate::buffer::OutBuffer;
use crate::guard::{c_str, guard, writable};

/// peercred_cgroup_field(): the systemd unit (`foo.service`, `session-3.scope`).
pub const PEERCRED_CGROUP_UNIT: c_int = 0;
/// peercred_cgroup_field(): the unit's slice (`system.slice`; `-.slice` at the root).
pub const PEERCRED_CGROUP_SLICE: c_int = 1;
/// peercred_cgroup_field(): the unit of a user's manager, below `user@UID.service`.
pub const PEERCRED_CGROUP_USER_UNIT: c_int = 2;
/// peercred_cgroup_field(): the slice of the user unit.
pub const PEERCRED_CGROUP_USER_SLICE: c_int = 3;
/// peercred_cgroup_field(): the logind session of a `session-ID.scope` (`3`, `c1`).
pub const PEERCRED_CGROUP_SESSION: c_int = 4;
/// peercred_cgroup_field(): the innermost container's id (64 hex digits).
pub const PEERCRED_CGROUP_CONTAINER_ID: c_int = 5;
/// peercred_cgroup_field(): its engine, where the name says it: `docker`,
/// `podman`, `containerd` or `cri-o`.
pub const PEERCRED_CGROUP_CONTAINER_RUNTIME: c_int = 6;
/// peercred_cgroup_field(): the Kubernetes pod's uid (`0f4c2a6e-8b1d-…`).
pub const PEERCRED_CGROUP_POD_UID: c_int = 7;

fn process(pidfd: c_int) -> Result<peercred::PeerProcess, Error> {
    peercred::raw::peer_process_from_pidfd(pidfd)
}

/// The cgroup v2 path of the process of `pidfd` now, relative to the
/// caller's cgroup namespace (`/system.slice/foo.service`), from
/// /proc/PID/cgroup of its main thread or of a live thread, confirmed
/// through the pidfd. NUL-terminated, with the buffer convention of
/// peercred_security_label(). -EREMOTE when the process is in a cgroup
/// outside the caller's cgroup namespace (or, on kernels before 6.11, outside
/// its PID namespace); -ESRCH once it has exited; -ENXIO when /proc is another
/// PID namespace's; -EINVAL for a descriptor that is not a pidfd. Parse it
/// with peercred_cgroup_field().
#[no_mangle]
pub extern "C" fn peercred_process_cgroup(
    pidfd: c_int,
    buf: *mut c_char,
    len: *mut usize,
) -> c_int {
    guard(|| {
        let out = OutBuffer::text(buf, len)?;
        let cgroup = process(pidfd)?.cgroup()?;
        out.fill_text(cgroup.path().as_os_str().as_bytes())
    })
}

/// What the cgroup path `path` (peercred_process_cgroup()'s) says, following
/// systemd's rules: `field` is one of PEERCRED_CGROUP_*. Returns 1 and writes
/// the text (NUL-terminated, buffer convention of peercred_security_label()),
/// 0 when the path says no such thing (`*len` set to 0, `buf` untouched), or a
/// negative errno: -EINVAL for an unknown field, a NULL pointer, or a path
/// that does not start with '/'; -EREMOTE for a path that leaves the cgroup
/// namespace (`/..`). Pure: reads nothing but `path`.
#[no_mangle]
pub extern "C" fn peercred_cgroup_field(
    path: *const c_char,
    field: c_int,
    buf: *mut c_char,
    len: *mut usize,
) -> c_int {
    guard(|| {
        let out = OutBuffer::text(buf, len)?;
        let cgroup = Cgroup::parse(OsStr::from_bytes(c_str(path)?.to_bytes()))?;
        let owned;
        let text = match field {
            PEERCRED_CGROUP_UNIT => cgroup.unit(),
            PEERCRED_CGROUP_SLICE => cgroup.slice(),
            PEERCRED_CGROUP_USER_UNIT => cgroup.user_unit(),
            PEERCRED_CGROUP_USER_SLICE => cgroup.user_slice(),
            PEERCRED_CGROUP_SESSION => cgroup.session(),
            PEERCRED_CGROUP_CONTAINER_ID => cgroup.container_id(),
            PEERCRED_CGROUP_CONTAINER_RUNTIME => cgroup.container_runtime().map(|r| r.name()),
            PEERCRED_CGROUP_POD_UID => {
                owned = cgroup.pod_uid();
                owned.as_deref()
            }
            _ => return Err(Error::Os(libc::EINVAL)),
        };
        match text {
            Some(text) => out.fill_text(text.as_bytes()).map(|_| 1),
            None => out.fill(&[]),
        }
    })
}

/// The uid of the `user-UID.slice` the cgroup path `path` is in (the user a
/// login session or user manager belongs to): returns 1 and writes `*uid`, 0
/// when the path is in no such slice, or -EINVAL / -EREMOTE as for
/// peercred_cgroup_field().
#[no_mangle]
pub extern "C" fn peercred_cgroup_owner_uid(path: *const c_char, uid: *mut u32) -> c_int {
    guard(|| {
        let slot = writable(uid)?;
        let cgroup = Cgroup::parse(OsStr::from_bytes(c_str(path)?.to_bytes()))?;
        Ok(match cgroup.owner_uid() {
            Some(owner) => {
                *slot = owner;
                1
            }
            None => 0,
        })
    })
}

/// The id of the cgroup v2 of the process of `pidfd` now (what BPF and
/// name_to_handle_at see): PIDFD_GET_INFO (Linux 6.13) while its main thread
/// runs, else the inode of its cgroup's directory under the caller's cgroup
/// v2 mount (/sys/fs/cgroup, or /sys/fs/cgroup/unified in the hybrid
/// layout; -ENOENT when none is mounted for the caller's cgroup namespace).
/// Returns 0 and writes `*id`; other errors as for peercred_process_cgroup().
#[no_mangle]
pub extern "C" fn peercred_process_cgroup_id(pidfd: c_int, id: *mut u64) -> c_int {
    guard(|| {
        let slot = writable(id)?;
        *slot = process(pidfd)?.cgroup_id()?;
        Ok(0)
    })
}

/// The invocation id of the systemd unit of the process of `pidfd` now (32
/// hex digits, new at each start of the unit), from its cgroup directory's
/// `trusted.invocation_id` (readable with CAP_SYS_ADMIN) or
/// `user.invocation_id` on a directory owned by root. Returns 1 and writes it
/// (NUL-terminated: 33 bytes; buffer convention of peercred_security_label()),
/// 0 when the process is in no unit or its cgroup carries none the caller can
/// trust and read, or a negative errno as for peercred_process_cgroup_id().
#[no_mangle]
pub extern "C" fn peercred_process_unit_invocation_id(
    pidfd: c_int,
    buf: *mut c_char,
    len: *mut usize,
) -> c_int {
    guard(|| {
        let out = OutBuffer::text(buf, len)?;
        match process(pidfd)?.unit_invocation_id()? {
            Some(id) => out.fill_text(id.as_bytes()).map(|_| 1),
            None => out.fill(&[]),
        }
    })
}
