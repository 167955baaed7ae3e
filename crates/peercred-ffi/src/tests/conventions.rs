use std::ffi::CStr;
use std::os::fd::AsRawFd;
use std::ptr;

use super::{pair, raw, Peer};
use crate::cred::{peercred_read, peercred_ucred};
use crate::extras::{peercred_groups, peercred_pidfd, peercred_security_label};
use crate::guard::PEERCRED_ERR_PANIC;
use crate::info::{peercred_strerror, peercred_version, DOCUMENTED_CODES};

const SENTINEL: peercred_ucred = peercred_ucred {
    pid: -7,
    uid: 7,
    gid: 7,
};

#[test]
fn read_fills_the_struct_with_the_peer() {
    let peer = Peer::start();
    let mut out = SENTINEL;
    assert_eq!(peercred_read(peer.fd(), &mut out), 0);
    // SAFETY: plain libc getters.
    let want = unsafe {
        peercred_ucred {
            pid: peer.pid,
            uid: libc::geteuid(),
            gid: libc::getegid(),
        }
    };
    assert_eq!(out, want);
}

#[test]
fn failures_return_negative_errno_and_leave_out_untouched() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let (own, _other) = pair();
    let cases = [
        (-1, -libc::EBADF),
        (i32::MAX, -libc::EBADF),
        (listener.as_raw_fd(), -libc::EAFNOSUPPORT),
        (raw(&own), -libc::ENOTCONN),
    ];
    for (fd, code) in cases {
        let mut out = SENTINEL;
        assert_eq!(peercred_read(fd, &mut out), code, "fd {fd}");
        assert_eq!(out, SENTINEL, "fd {fd}: *out written on failure");
    }
}

#[test]
fn null_out_is_einval() {
    let peer = Peer::start();
    let fd = peer.fd();
    assert_eq!(peercred_read(fd, ptr::null_mut()), -libc::EINVAL);
    assert_eq!(
        peercred_groups(fd, ptr::null_mut(), ptr::null_mut()),
        -libc::EINVAL
    );
    assert_eq!(
        peercred_security_label(fd, ptr::null_mut(), ptr::null_mut()),
        -libc::EINVAL
    );
    let mut count = 4;
    assert_eq!(
        peercred_groups(fd, ptr::null_mut(), &mut count),
        -libc::EINVAL
    );
    assert_eq!(count, 4);
}

#[test]
fn groups_size_query_and_fill() {
    let peer = Peer::start();
    let mut needed = 0;
    let rc = peercred_groups(peer.fd(), ptr::null_mut(), &mut needed);
    assert!(rc == 0 || rc == -libc::ERANGE, "rc {rc}");
    let mut groups = vec![u32::MAX; needed];
    let mut count = groups.len();
    assert_eq!(
        peercred_groups(peer.fd(), groups.as_mut_ptr(), &mut count),
        0
    );
    assert_eq!(count, needed);
    assert_eq!(groups, peercred::groups(&peer.conn).unwrap());
}

#[test]
fn label_without_an_lsm_is_enoprotoopt() {
    let peer = Peer::start();
    if peercred::security_label(&peer.conn).unwrap().is_some() {
        eprintln!("skipped: a labelling LSM is loaded here; the no-LSM path cannot be shown");
        return;
    }
    let mut buf = [b'x' as libc::c_char; 8];
    let mut len = buf.len();
    assert_eq!(
        peercred_security_label(peer.fd(), buf.as_mut_ptr(), &mut len),
        -libc::ENOPROTOOPT
    );
    assert_eq!((len, buf[0]), (8, b'x' as libc::c_char));
}

#[test]
fn pidfd_is_a_new_cloexec_descriptor() {
    let peer = Peer::start();
    let fd = peercred_pidfd(peer.fd());
    if fd == -libc::ENOPROTOOPT {
        eprintln!("skipped: this kernel has no SO_PEERPIDFD (Linux < 6.5)");
        return;
    }
    assert!(fd >= 0 && fd != peer.fd(), "pidfd {fd}");
    // SAFETY: fd is ours; F_GETFD only reads its flags, then we close it.
    unsafe {
        assert_eq!(
            libc::fcntl(fd, libc::F_GETFD) & libc::FD_CLOEXEC,
            libc::FD_CLOEXEC
        );
        libc::close(fd);
    }
}

/// peercred_strerror's text for `code`.
fn text(code: i32) -> String {
    // SAFETY: peercred_strerror returns a static NUL-terminated string.
    unsafe { CStr::from_ptr(peercred_strerror(code)) }
        .to_str()
        .unwrap()
        .to_owned()
}

#[test]
fn strerror_is_never_null_and_names_the_cause() {
    assert!(text(-libc::EAFNOSUPPORT).contains("not a Unix domain socket"));
    assert!(text(-libc::ENOTCONN).contains("listening"));
    assert!(text(-libc::ENOTCONN).contains("socketpair this process made"));
    assert!(text(PEERCRED_ERR_PANIC).contains("internal error"));
    for code in [i32::MIN, -100_000, 1, 0, i32::MAX] {
        assert!(!text(code).is_empty());
    }
    assert_eq!(text(-100_000), "unknown peercred error code");
}

/// Every code a function documents has peercred's own words, and every other
/// errno the kernel may pass through has the system's: none is "unknown".
#[test]
fn strerror_has_words_for_every_code_the_library_returns() {
    for &code in DOCUMENTED_CODES {
        let words = text(code);
        assert!(!words.contains("unknown"), "{code}: {words}");
        assert!(
            !words.contains("(os error"),
            "{code} has only the system's text: {words}"
        );
    }
    for errno in 1..=133 {
        if [41, 58].contains(&errno) {
            continue; // numbers Linux never assigned
        }
        let words = text(-errno);
        assert!(!words.contains("unknown peercred"), "-{errno}: {words}");
        assert!(!words.starts_with("Unknown error"), "-{errno}: {words}");
    }
}

#[test]
fn panic_code_is_enotrecoverable() {
    assert_eq!(PEERCRED_ERR_PANIC, -libc::ENOTRECOVERABLE);
}

#[test]
fn version_is_the_crate_version() {
    let version = unsafe { CStr::from_ptr(peercred_version()) };
    assert_eq!(version.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
}
