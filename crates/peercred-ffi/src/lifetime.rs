//! peercred_process_pidfs_id, peercred_boot_id, peercred_process_wait_exit
//! and peercred_process_exit_status.

use std::os::raw::{c_char, c_int};
use std::os::unix::process::ExitStatusExt;
use std::time::Duration;

use crate::buffer::OutBuffer;
use crate::guard::{guard, writable};

fn process(pidfd: c_int) -> Result<peercred::PeerProcess, peercred::Error> {
    peercred::raw::peer_process_from_pidfd(pidfd)
}

/// The pidfs id of the process of `pidfd`: a 64-bit number no other process
/// gets until the machine reboots (pair it with peercred_boot_id()), the same
/// for every pidfd of the process. Returns 0 and writes `*id`; -ENOPROTOOPT
/// before Linux 6.9 (pidfds without pidfs); -ESRCH once it has been reaped;
/// -EINVAL for a NULL `id` or a descriptor that is not a pidfd.
#[no_mangle]
pub extern "C" fn peercred_process_pidfs_id(pidfd: c_int, id: *mut u64) -> c_int {
    guard(|| {
        let slot = writable(id)?;
        *slot = process(pidfd)?.pidfs_id()?;
        Ok(0)
    })
}

/// The id of the running boot (/proc/sys/kernel/random/boot_id), a UUID such
/// as "b6a1…-…": NUL-terminated, 37 bytes, with the buffer convention of
/// peercred_security_label(). Returns 0, or -ENOENT without /proc.
#[no_mangle]
pub extern "C" fn peercred_boot_id(buf: *mut c_char, len: *mut usize) -> c_int {
    guard(|| {
        let out = OutBuffer::text(buf, len)?;
        out.fill_text(peercred::boot_id()?.as_bytes())
    })
}

/// Waits until the whole process of `pidfd` has exited, or `timeout_ms`
/// milliseconds pass (-1: no limit): 1 once it has exited, 0 on timeout, or
/// a negative errno (-EINTR, -EBADF, -EINVAL for a descriptor that is not a
/// pidfd). An event loop watches the pidfd instead: it becomes readable
/// (POLLIN) at the exit.
#[no_mangle]
pub extern "C" fn peercred_process_wait_exit(pidfd: c_int, timeout_ms: c_int) -> c_int {
    guard(|| {
        let timeout = u64::try_from(timeout_ms).ok().map(Duration::from_millis);
        match process(pidfd) {
            Ok(process) => Ok(c_int::from(process.wait_exit(timeout)?)),
            // Already reaped.
            Err(peercred::Error::PeerExited) => Ok(1),
            Err(err) => Err(err),
        }
    })
}

/// How the process of `pidfd` ended: returns 1 and writes its wait status to
/// `*status` (WIFEXITED(), WEXITSTATUS() and WTERMSIG() apply) once its
/// parent has reaped it; 0 while it runs or is a zombie; -ENOPROTOOPT before
/// Linux 6.15 (PIDFD_INFO_EXIT); -EREMOTE for a process outside the caller's
/// PID namespace; -EINVAL for a NULL `status` or a descriptor that is not a
/// pidfd. The kernel keeps the status for anyone holding a pidfd of the process.
#[no_mangle]
pub extern "C" fn peercred_process_exit_status(pidfd: c_int, status: *mut c_int) -> c_int {
    guard(|| {
        let slot = writable(status)?;
        Ok(match peercred::raw::pidfd_exit_status(pidfd)? {
            Some(exit) => {
                *slot = exit.into_raw();
                1
            }
            None => 0,
        })
    })
}
