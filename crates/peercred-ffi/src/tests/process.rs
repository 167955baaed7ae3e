use std::ffi::{CStr, CString};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::ptr;

use super::{pair, raw};
use crate::process::*;

/// A pidfd of this process (peercred_own_pidfd), or None on kernels without pidfd_open.
fn own_pidfd() -> Option<OwnedFd> {
    let fd = peercred_own_pidfd();
    if fd == -libc::ENOPROTOOPT {
        eprintln!("skipped: this kernel has no pidfd_open (Linux < 5.3)");
        return None;
    }
    assert!(fd >= 0, "peercred_own_pidfd: {fd}");
    // SAFETY: a new descriptor that we own.
    Some(unsafe { OwnedFd::from_raw_fd(fd) })
}

fn current_exe() -> CString {
    CString::new(std::env::current_exe().unwrap().as_os_str().as_bytes()).unwrap()
}

#[test]
fn facts_of_this_process() {
    let Some(pidfd) = own_pidfd() else { return };
    let fd = pidfd.as_raw_fd();
    let (mut pid, mut ppid, mut uid, mut gid, mut session, mut ticks) = (0, 0, 0, 0, 0, 0);
    assert_eq!(peercred_process_pid(fd, &mut pid), 0);
    assert_eq!(peercred_process_parent_pid(fd, &mut ppid), 0);
    assert_eq!(peercred_process_uid(fd, &mut uid), 0);
    assert_eq!(peercred_process_gid(fd, &mut gid), 0);
    assert_eq!(peercred_process_session_id(fd, &mut session), 0);
    assert_eq!(peercred_process_start_time(fd, &mut ticks), 0);
    assert_eq!(peercred_process_alive(fd), 1);
    // SAFETY: plain libc getters.
    unsafe {
        assert_eq!(
            (pid, ppid, uid, gid),
            (
                libc::getpid(),
                libc::getppid(),
                libc::geteuid(),
                libc::getegid()
            )
        );
    }
    let own_session: u32 = std::fs::read_to_string("/proc/self/sessionid")
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert_eq!(session, own_session);
    assert_eq!(
        peercred_process_same_session(fd, fd),
        i32::from(own_session != PEERCRED_NO_SESSION),
        "no session matches nothing"
    );
    assert!(ticks > 0);
}

#[test]
fn exe_matches_by_file() {
    let Some(pidfd) = own_pidfd() else { return };
    let fd = pidfd.as_raw_fd();
    assert_eq!(peercred_process_exe_matches(fd, current_exe().as_ptr()), 1);
    assert_eq!(peercred_process_exe_matches(fd, c"/bin/sh".as_ptr()), 0);
    assert_eq!(
        peercred_process_exe_matches(fd, c"/nonexistent/peercred".as_ptr()),
        -libc::ENOENT
    );
    assert_eq!(peercred_process_exe_matches(fd, ptr::null()), -libc::EINVAL);
    assert_eq!(
        peercred_process_exe_matches(-1, c"/bin/sh".as_ptr()),
        -libc::EBADF
    );
}

#[test]
fn exe_sha256_writes_the_digest_on_success_only() {
    let Some(pidfd) = own_pidfd() else { return };
    let mut digest = [7u8; PEERCRED_SHA256_LEN];
    assert_eq!(
        peercred_process_exe_sha256(-1, digest.as_mut_ptr()),
        -libc::EBADF
    );
    assert_eq!(digest, [7u8; PEERCRED_SHA256_LEN]);
    assert_eq!(
        peercred_process_exe_sha256(pidfd.as_raw_fd(), ptr::null_mut()),
        -libc::EINVAL
    );
    assert_eq!(
        peercred_process_exe_sha256(pidfd.as_raw_fd(), digest.as_mut_ptr()),
        0
    );
    let out = std::process::Command::new("sha256sum")
        .arg(std::env::current_exe().unwrap())
        .output()
        .unwrap();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    assert!(String::from_utf8(out.stdout).unwrap().starts_with(&hex));
}

#[test]
fn exe_follows_the_size_protocol() {
    let Some(pidfd) = own_pidfd() else { return };
    let fd = pidfd.as_raw_fd();
    let mut needed = 0;
    assert_eq!(
        peercred_process_exe(fd, ptr::null_mut(), &mut needed),
        -libc::ERANGE
    );
    let mut small = vec![b'x' as libc::c_char; needed - 1];
    let mut len = small.len();
    assert_eq!(
        peercred_process_exe(fd, small.as_mut_ptr(), &mut len),
        -libc::ERANGE
    );
    assert_eq!(len, needed);
    assert!(
        small.iter().all(|&c| c == b'x' as libc::c_char),
        "buffer written on -ERANGE"
    );
    let mut buf = vec![0 as libc::c_char; needed];
    assert_eq!(peercred_process_exe(fd, buf.as_mut_ptr(), &mut len), 0);
    assert_eq!(len, needed);
    // SAFETY: the function wrote a NUL-terminated string.
    let exe = unsafe { CStr::from_ptr(buf.as_ptr()) };
    assert_eq!(exe, current_exe().as_c_str());
}

#[test]
fn cmdline_is_the_nul_separated_arguments() {
    let Some(pidfd) = own_pidfd() else { return };
    let mut buf = vec![0 as libc::c_char; 1 << 16];
    let mut len = buf.len();
    assert_eq!(
        peercred_process_cmdline(pidfd.as_raw_fd(), buf.as_mut_ptr(), &mut len),
        0
    );
    let expected: Vec<u8> = std::env::args()
        .flat_map(|arg| arg.into_bytes().into_iter().chain([0]))
        .collect();
    let got: Vec<u8> = buf[..len].iter().map(|&c| c as u8).collect();
    assert_eq!(got, expected);
}

#[test]
fn bad_pidfds_and_null_outputs() {
    let mut pid = -7;
    assert_eq!(peercred_process_pid(-1, &mut pid), -libc::EBADF);
    let (a, _b) = pair();
    assert_eq!(
        peercred_process_pid(raw(&a), &mut pid),
        -libc::EINVAL,
        "a socket is not a pidfd"
    );
    assert_eq!(peercred_process_alive(raw(&a)), -libc::EINVAL);
    assert_eq!(
        peercred_process_same_session(raw(&a), raw(&a)),
        -libc::EINVAL
    );
    assert_eq!(pid, -7);
    let Some(pidfd) = own_pidfd() else { return };
    assert_eq!(
        peercred_process_pid(pidfd.as_raw_fd(), ptr::null_mut()),
        -libc::EINVAL
    );
    assert_eq!(
        peercred_process_exe(pidfd.as_raw_fd(), ptr::null_mut(), ptr::null_mut()),
        -libc::EINVAL
    );
    assert_eq!(
        peercred_process_same_session(pidfd.as_raw_fd(), -1),
        -libc::EBADF
    );
}
