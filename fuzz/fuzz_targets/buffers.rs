//! The C functions that take buffers and lengths, driven with arbitrary
//! descriptors and capacities. Each buffer is allocated with exactly the
//! capacity announced, so AddressSanitizer catches any write past it; the
//! checks below catch a broken size protocol or a leaked descriptor.
#![no_main]

use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::net::{UnixListener, UnixStream};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use peercred_ffi::*;

/// Descriptors worth aiming at, beside arbitrary numbers.
struct Targets {
    /// A connection from a forked client, which lives as long as this process.
    conn: UnixStream,
    /// Our own socketpair: refused with -ENOTCONN.
    own: (UnixStream, UnixStream),
    _listener: UnixListener,
    listener_fd: i32,
    pidfd: Option<OwnedFd>,
}

fn targets() -> &'static Targets {
    static TARGETS: OnceLock<Targets> = OnceLock::new();
    TARGETS.get_or_init(|| {
        let path = std::env::temp_dir().join(format!("peercred-fuzz-{}.sock", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let listener = UnixListener::bind(&path).unwrap();
        // SAFETY: the child connects, then sleeps until this process dies.
        if unsafe { libc::fork() } == 0 {
            let _client = UnixStream::connect(&path);
            unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) };
            loop {
                unsafe { libc::pause() };
            }
        }
        let (conn, _) = listener.accept().unwrap();
        let fd = peercred_pidfd(conn.as_raw_fd());
        // SAFETY: a new descriptor that we own.
        let pidfd = (fd >= 0).then(|| unsafe { <OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(fd) });
        let own = UnixStream::pair().unwrap();
        Targets { listener_fd: listener.as_raw_fd(), _listener: listener, conn, own, pidfd }
    })
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map(|dir| dir.count()).unwrap_or(0)
}

/// Calls one buffer function with a buffer of exactly `capacity` items (NULL
/// when `null`) and checks the size protocol.
fn call<T: Copy + Default>(capacity: usize, null: bool, f: impl FnOnce(*mut T, *mut usize) -> i32) {
    let mut buf = vec![T::default(); capacity];
    let mut len = capacity;
    let ptr = if null { std::ptr::null_mut() } else { buf.as_mut_ptr() };
    let rc = f(ptr, &mut len);
    match rc {
        0 => assert!(len <= capacity, "success with {len} items in a buffer of {capacity}"),
        rc if rc == -libc::ERANGE => assert!(len > capacity, "-ERANGE but {len} items fit in {capacity}"),
        rc if rc == -libc::EINVAL => {}
        rc => assert!(rc < 0, "unexpected return {rc}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let t = targets();
    let before = open_fds();
    for op in data.chunks(4) {
        let [which, target, cap_lo, cap_hi] = [0, 1, 2, 3].map(|i| op.get(i).copied().unwrap_or(0));
        let fd = match target % 6 {
            0 => t.conn.as_raw_fd(),
            1 => t.own.0.as_raw_fd(),
            2 => t.listener_fd,
            3 => t.pidfd.as_ref().map_or(-1, |fd| fd.as_raw_fd()),
            4 => -(i32::from(target) + 1),
            _ => i32::from(target),
        };
        let capacity = usize::from(u16::from_le_bytes([cap_lo, cap_hi]) % 4097);
        let null = cap_hi & 0x80 != 0;
        match which % 7 {
            0 => call::<u32>(capacity, null, |buf, len| peercred_groups(fd, buf, len)),
            1 => call::<libc::c_char>(capacity, null, |buf, len| peercred_security_label(fd, buf, len)),
            2 => call::<libc::c_char>(capacity, null, |buf, len| peercred_process_exe(fd, buf, len)),
            3 => call::<libc::c_char>(capacity, null, |buf, len| peercred_process_cmdline(fd, buf, len)),
            4 => {
                let mut cred = peercred_ucred { pid: 0, uid: 0, gid: 0 };
                let out = if null { std::ptr::null_mut() } else { &mut cred as *mut _ };
                let rc = peercred_read(fd, out);
                assert!(rc <= 0 && (rc < 0 || cred.uid != u32::MAX), "read: {rc}, uid {}", cred.uid);
            }
            5 => {
                let pidfd = peercred_pidfd(fd);
                if pidfd >= 0 {
                    // SAFETY: ours to close.
                    unsafe { libc::close(pidfd) };
                }
            }
            _ => {
                let mut ticks = 0u64;
                let rc = peercred_process_start_time(fd, if null { std::ptr::null_mut() } else { &mut ticks });
                assert!(rc <= 0);
            }
        }
    }
    assert_eq!(open_fds(), before, "a call left a descriptor open");
});
