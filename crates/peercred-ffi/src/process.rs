//! peercred_process_*: facts about the process behind a pidfd, read race-free.
//!
//! Each function borrows the caller's pidfd (from peercred_pidfd(), or any
//! pidfd). A fact is read from /proc and then confirmed by checking that the
//! pidfd's process is still alive, so it never describes another process that
//! took over the pid: a read that raced with the peer's exit returns -ESRCH.

use std::os::raw::{c_char, c_int};
use std::os::unix::ffi::OsStrExt;

use peercred::{Error, PeerProcess};

use crate::buffer::OutBuffer;
use crate::guard::{guard, writable};

/// When the process has no login session: the value of peercred_process_session_id().
pub const PEERCRED_NO_SESSION: u32 = u32::MAX;

/// Runs `fact` on the process of `pidfd` and stores its answer in `*out`.
fn store<T>(
    pidfd: c_int,
    out: *mut T,
    fact: impl FnOnce(&PeerProcess) -> Result<T, Error>,
) -> c_int {
    guard(|| {
        let slot = writable(out)?;
        *slot = fact(&peercred::raw::peer_process_from_pidfd(pidfd)?)?;
        Ok(0)
    })
}

/// The process's pid in the caller's PID namespace, 0 when it is not visible
/// there. Returns 0 and writes `*pid`; -ESRCH once the process is reaped;
/// -EBADF for a bad descriptor; -EINVAL when `pidfd` is not a pidfd or `pid` is NULL.
#[no_mangle]
pub extern "C" fn peercred_process_pid(pidfd: c_int, pid: *mut i32) -> c_int {
    store(pidfd, pid, |process| Ok(process.pid().unwrap_or(0)))
}

/// Whether the process is still running: 1 alive, 0 exited (zombie or reaped),
/// or a negative errno (-EBADF, -EINVAL when `pidfd` is not a pidfd).
#[no_mangle]
pub extern "C" fn peercred_process_alive(pidfd: c_int) -> c_int {
    guard(|| peercred::raw::pidfd_is_alive(pidfd).map(c_int::from))
}

/// The process's parent pid (0 when the parent is outside the caller's PID
/// namespace). Returns 0 and writes `*ppid`; -ESRCH when the process exited;
/// -EREMOTE when the process is outside the caller's PID namespace; -EINVAL for a
/// NULL `ppid` or a descriptor that is not a pidfd; -EBADF for a bad one.
#[no_mangle]
pub extern "C" fn peercred_process_parent_pid(pidfd: c_int, ppid: *mut i32) -> c_int {
    store(pidfd, ppid, PeerProcess::parent_pid)
}

/// The process's executable path (/proc/PID/exe), NUL-terminated, with the buffer
/// convention of peercred_security_label(): `*len` is the capacity in and the
/// bytes written, NUL included, out; -ERANGE sets `*len` to the size needed.
/// Other errors as for peercred_process_parent_pid().
#[no_mangle]
pub extern "C" fn peercred_process_exe(pidfd: c_int, buf: *mut c_char, len: *mut usize) -> c_int {
    guard(|| {
        let out = OutBuffer::text(buf, len)?;
        let exe = peercred::raw::peer_process_from_pidfd(pidfd)?.exe()?;
        out.fill_text(exe.as_os_str().as_bytes())
    })
}

/// The process's command line as the kernel keeps it: each argument followed by
/// a NUL. The process can write anything there: never authorise on it. Buffer
/// convention and errors as for peercred_process_exe().
#[no_mangle]
pub extern "C" fn peercred_process_cmdline(
    pidfd: c_int,
    buf: *mut c_char,
    len: *mut usize,
) -> c_int {
    guard(|| {
        let out = OutBuffer::text(buf, len)?;
        let args = peercred::raw::peer_process_from_pidfd(pidfd)?.cmdline()?;
        let mut raw = Vec::new();
        for arg in &args {
            raw.extend_from_slice(arg.as_bytes());
            raw.push(0);
        }
        out.fill(&raw)
    })
}

/// The process's audit login session id (/proc/PID/sessionid), or
/// PEERCRED_NO_SESSION when it belongs to none. Errors as for
/// peercred_process_parent_pid().
#[no_mangle]
pub extern "C" fn peercred_process_session_id(pidfd: c_int, id: *mut u32) -> c_int {
    store(pidfd, id, |process| {
        Ok(process.session_id()?.unwrap_or(PEERCRED_NO_SESSION))
    })
}

/// When the process started, in clock ticks since boot (/proc/PID/stat field
/// 22); with the pid it names the process uniquely. Errors as for
/// peercred_process_parent_pid().
#[no_mangle]
pub extern "C" fn peercred_process_start_time(pidfd: c_int, ticks: *mut u64) -> c_int {
    store(pidfd, ticks, PeerProcess::start_time)
}

/// The process's current effective uid (it may differ from the uid at connect
/// time that peercred_read() reports). Errors as for peercred_process_parent_pid().
#[no_mangle]
pub extern "C" fn peercred_process_uid(pidfd: c_int, uid: *mut u32) -> c_int {
    store(pidfd, uid, PeerProcess::uid)
}

/// The process's current effective gid. Errors as for peercred_process_parent_pid().
#[no_mangle]
pub extern "C" fn peercred_process_gid(pidfd: c_int, gid: *mut u32) -> c_int {
    store(pidfd, gid, PeerProcess::gid)
}
