//! peercred_process_*: facts about the process behind a pidfd, read race-free,
//! and peercred_own_pidfd.
//!
//! Each function borrows the caller's pidfd (from peercred_pidfd(),
//! peercred_own_pidfd(), or any pidfd). Every fact is read now from the live
//! process (unlike peercred_read()'s ids, recorded at connect): a caller that
//! can exec after connecting can make them describe another program. A fact
//! is read from /proc and then confirmed by checking that the pidfd's process
//! is still alive, so it never describes another process that took over the
//! pid: a read that raced with the process's exit returns -ESRCH.

use std::ffi::OsStr;
use std::os::fd::{IntoRawFd, OwnedFd};
use std::os::raw::{c_char, c_int};
use std::os::unix::ffi::OsStrExt;

use peercred::{Error, PeerProcess};

use crate::buffer::OutBuffer;
use crate::guard::{c_str, guard, writable};

/// When the process has no login session: the value of peercred_process_session_id().
pub const PEERCRED_NO_SESSION: u32 = u32::MAX;

/// The size of the digest that peercred_process_exe_sha256() writes.
pub const PEERCRED_SHA256_LEN: usize = 32;

/// Runs `fact` on the process of `pidfd` and stores its answer in `*out`.
fn store<T>(
    pidfd: c_int,
    out: *mut T,
    fact: impl FnOnce(&PeerProcess) -> Result<T, Error>,
) -> c_int {
    guard(|| {
        let slot = writable(out)?;
        *slot = fact(&process(pidfd)?)?;
        Ok(0)
    })
}

fn process(pidfd: c_int) -> Result<PeerProcess, Error> {
    peercred::raw::peer_process_from_pidfd(pidfd)
}

/// A new pidfd naming the calling process (pidfd_open(getpid()), Linux >= 5.3),
/// to read the caller's own facts the way a peer's are read, e.g. for
/// peercred_process_same_session(). Returns the descriptor (>= 0,
/// close-on-exec), which the caller owns and must close; -ENOPROTOOPT on
/// kernels without pidfd_open.
#[no_mangle]
pub extern "C" fn peercred_own_pidfd() -> c_int {
    guard(|| Ok(OwnedFd::from(PeerProcess::own()?).into_raw_fd()))
}

/// The process's pid in the caller's PID namespace, 0 when it is not visible
/// there (never pass 0 to kill(): it signals the caller's own process group;
/// signal through the pidfd with pidfd_send_signal()). Returns 0 and writes
/// `*pid`; -ESRCH once the process is reaped; -EBADF for a bad descriptor;
/// -EINVAL when `pidfd` is not a pidfd or `pid` is NULL.
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

/// The pid of the process's parent now, in the caller's PID namespace; 0 when
/// there is none there: the parent is outside the caller's PID namespace (or
/// the process is an init without one). Returns 0 and writes `*ppid`; -ESRCH
/// when the process exited; -EREMOTE when the process itself is outside the
/// caller's PID namespace; -ENXIO when /proc belongs to another PID namespace
/// and does not show it (mount a /proc for the caller's); -EINVAL for a NULL
/// `ppid` or a descriptor that is not a pidfd; -EBADF for a bad one.
#[no_mangle]
pub extern "C" fn peercred_process_parent_pid(pidfd: c_int, ppid: *mut i32) -> c_int {
    store(pidfd, ppid, |process| {
        Ok(process.parent_pid()?.unwrap_or(0))
    })
}

/// The path of the process's executable now, as the process sees it
/// (readlink /proc/PID/exe): rendered in its own mount namespace, where it can
/// bind-mount any file over any path. For display; to check which file runs,
/// use peercred_process_exe_matches(). NUL-terminated, with the buffer
/// convention of peercred_security_label(): `*len` is the capacity in and the
/// bytes written, NUL included, out; -ERANGE sets `*len` to the size needed.
/// -EACCES without ptrace read access to the process (another uid, or a
/// setuid/setgid program, without CAP_SYS_PTRACE). Other errors as for
/// peercred_process_parent_pid().
#[no_mangle]
pub extern "C" fn peercred_process_exe(pidfd: c_int, buf: *mut c_char, len: *mut usize) -> c_int {
    guard(|| {
        let out = OutBuffer::text(buf, len)?;
        let exe = process(pidfd)?.exe()?;
        out.fill_text(exe.as_os_str().as_bytes())
    })
}

/// Whether the process runs, now, the very file that `path` names in the
/// caller's mount namespace: the same device and inode (stat of
/// /proc/PID/exe, the real file whatever path the process sees), confirmed
/// through the pidfd afterwards. Returns 1 (the same file), 0 (another file),
/// or a negative errno: errors for `path` itself (-ENOENT, -EACCES), -EINVAL
/// for a NULL `path`, the others as for peercred_process_exe(). A fact of now:
/// authorise on what was recorded at connect (the gid of a setgid program,
/// a security label), not on this alone.
#[no_mangle]
pub extern "C" fn peercred_process_exe_matches(pidfd: c_int, path: *const c_char) -> c_int {
    guard(|| {
        let path = OsStr::from_bytes(c_str(path)?.to_bytes());
        Ok(c_int::from(process(pidfd)?.exe_matches(path)?))
    })
}

/// The SHA-256 of the file the process runs now, read through /proc/PID/exe
/// (opened, confirmed through the pidfd, then read whole): writes
/// PEERCRED_SHA256_LEN bytes to `digest` and returns 0; `digest` is untouched
/// on failure. -EINVAL for a NULL `digest`; -EACCES also when the file is not
/// readable by the caller; other errors as for peercred_process_exe().
#[no_mangle]
pub extern "C" fn peercred_process_exe_sha256(pidfd: c_int, digest: *mut u8) -> c_int {
    store(
        pidfd,
        digest.cast::<[u8; PEERCRED_SHA256_LEN]>(),
        PeerProcess::exe_sha256,
    )
}

/// The process's command line now, as the kernel keeps it: each argument
/// followed by a NUL. The process can write anything there: never authorise
/// on it. Buffer convention and errors as for peercred_process_exe().
#[no_mangle]
pub extern "C" fn peercred_process_cmdline(
    pidfd: c_int,
    buf: *mut c_char,
    len: *mut usize,
) -> c_int {
    guard(|| {
        let out = OutBuffer::text(buf, len)?;
        let args = process(pidfd)?.cmdline()?;
        let mut raw = Vec::new();
        for arg in &args {
            raw.extend_from_slice(arg.as_bytes());
            raw.push(0);
        }
        out.fill(&raw)
    })
}

/// The process's audit login session id now (/proc/PID/sessionid), or
/// PEERCRED_NO_SESSION when it belongs to none. To compare two processes'
/// sessions use peercred_process_same_session(), where no session matches
/// nothing. Errors as for peercred_process_parent_pid().
#[no_mangle]
pub extern "C" fn peercred_process_session_id(pidfd: c_int, id: *mut u32) -> c_int {
    store(pidfd, id, |process| {
        Ok(process.session_id()?.unwrap_or(PEERCRED_NO_SESSION))
    })
}

/// Whether the processes of two pidfds belong to the same login session now:
/// 1 yes, 0 no, or a negative errno as for peercred_process_session_id(). A
/// process in no login session shares it with nobody, not even with another
/// session-less process (a daemon started outside any session must not admit
/// every session-less caller). Compare a peer with the caller through
/// peercred_own_pidfd().
#[no_mangle]
pub extern "C" fn peercred_process_same_session(pidfd_a: c_int, pidfd_b: c_int) -> c_int {
    guard(|| {
        Ok(c_int::from(
            process(pidfd_a)?.same_session(&process(pidfd_b)?)?,
        ))
    })
}

/// When the process started, in clock ticks since boot (/proc/PID/stat field
/// 22); with the pid it names the process uniquely. Errors as for
/// peercred_process_parent_pid().
#[no_mangle]
pub extern "C" fn peercred_process_start_time(pidfd: c_int, ticks: *mut u64) -> c_int {
    store(pidfd, ticks, PeerProcess::start_time)
}

/// The process's effective uid now, which differs from the uid peercred_read()
/// recorded at connect once it changed ids or executed a setuid program.
/// Decide on the connect-time uid; this one is for diagnostics. Errors as for
/// peercred_process_parent_pid().
#[no_mangle]
pub extern "C" fn peercred_process_uid(pidfd: c_int, uid: *mut u32) -> c_int {
    store(pidfd, uid, PeerProcess::uid)
}

/// The process's effective gid now (see peercred_process_uid(): decide on the
/// connect-time gid). Errors as for peercred_process_parent_pid().
#[no_mangle]
pub extern "C" fn peercred_process_gid(pidfd: c_int, gid: *mut u32) -> c_int {
    store(pidfd, gid, PeerProcess::gid)
}
