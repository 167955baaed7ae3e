use std::mem::{size_of, MaybeUninit};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::linux::net::SocketAddrExt;
use std::os::unix::net::{SocketAddr, UnixDatagram};
use std::ptr;

use super::in_child_process;
use crate::message::{peercred_message, peercred_pass_credentials, peercred_recv};

/// A message struct filled with a pattern, to prove failures leave it untouched.
fn sentinel() -> MaybeUninit<peercred_message> {
    let mut out = MaybeUninit::<peercred_message>::uninit();
    // SAFETY: writing bytes into our own storage.
    unsafe {
        ptr::write_bytes(
            out.as_mut_ptr().cast::<u8>(),
            0xa5,
            size_of::<peercred_message>(),
        )
    };
    out
}

fn untouched(out: &MaybeUninit<peercred_message>) -> bool {
    // SAFETY: every byte was written by sentinel().
    let bytes = unsafe {
        std::slice::from_raw_parts(out.as_ptr().cast::<u8>(), size_of::<peercred_message>())
    };
    bytes.iter().all(|&b| b == 0xa5)
}

/// Closes the pidfd a successful peercred_recv handed over, if any.
fn close_pidfd(message: &peercred_message) {
    if message.pidfd >= 0 {
        // SAFETY: the caller owns it; nothing else closes it.
        unsafe { libc::close(message.pidfd) };
    }
}

fn receiving_pair() -> (UnixDatagram, UnixDatagram) {
    let (a, b) = UnixDatagram::pair().unwrap();
    assert_eq!(peercred_pass_credentials(a.as_raw_fd()), 0);
    (a, b)
}

/// peercred_recv into a sentinel-filled message, which is returned as is.
fn call(fd: i32, buf: &mut [u8], flags: i32) -> (isize, MaybeUninit<peercred_message>) {
    let mut out = sentinel();
    let n = peercred_recv(
        fd,
        buf.as_mut_ptr().cast(),
        buf.len(),
        flags,
        out.as_mut_ptr(),
    );
    (n, out)
}

fn recv(fd: i32, buf: &mut [u8], flags: i32) -> (isize, peercred_message) {
    let (n, out) = call(fd, buf, flags);
    assert!(n >= 0, "peercred_recv: {n}");
    // SAFETY: written on success.
    (n, unsafe { out.assume_init() })
}

#[test]
fn fills_the_message() {
    let (a, b) = receiving_pair();
    b.send(b"hello").unwrap();
    let mut buf = [0u8; 16];
    let (n, message) = recv(a.as_raw_fd(), &mut buf, 0);
    assert_eq!((n, &buf[..5]), (5, &b"hello"[..]));
    assert_eq!(message.has_cred, 1);
    // SAFETY: plain libc getters.
    let me = unsafe { (libc::getpid(), libc::getuid(), libc::getgid()) };
    assert_eq!((message.cred.pid, message.cred.uid, message.cred.gid), me);
    assert_eq!(
        (
            message.msg_flags,
            message.discarded_fds,
            message.address_len
        ),
        (0, 0, 0)
    );
    if message.pidfd >= 0 {
        // SAFETY: the caller owns the pidfd.
        let pidfd = unsafe { OwnedFd::from_raw_fd(message.pidfd) };
        let flags = unsafe { libc::fcntl(pidfd.as_raw_fd(), libc::F_GETFD) };
        assert_eq!(flags & libc::FD_CLOEXEC, libc::FD_CLOEXEC);
    }
}

#[test]
fn truncation_and_the_real_length() {
    let (a, b) = receiving_pair();
    b.send(&[1; 100]).unwrap();
    b.send(&[1; 100]).unwrap();
    let mut buf = [0u8; 10];
    let (n, cut) = recv(a.as_raw_fd(), &mut buf, 0);
    assert_eq!((n, cut.msg_flags & libc::MSG_TRUNC), (10, libc::MSG_TRUNC));
    let (n, _) = recv(a.as_raw_fd(), &mut buf, libc::MSG_TRUNC);
    assert_eq!(n, 100);
}

fn abstract_socket(name: &[u8]) -> UnixDatagram {
    let addr = SocketAddr::from_abstract_name(name).unwrap();
    UnixDatagram::bind_addr(&addr).unwrap()
}

#[test]
fn the_sender_address_is_ready_for_sendto() {
    let target = abstract_socket(b"peercred-ffi-target");
    assert_eq!(peercred_pass_credentials(target.as_raw_fd()), 0);
    let sender = abstract_socket(b"peercred-ffi-sender");
    sender
        .send_to_addr(b"ping", &target.local_addr().unwrap())
        .unwrap();
    let mut buf = [0u8; 8];
    let (_, message) = recv(target.as_raw_fd(), &mut buf, 0);
    assert_eq!(
        message.address_len as usize,
        2 + 1 + b"peercred-ffi-sender".len()
    );
    assert_eq!(message.address.sun_path[0], 0);
    // SAFETY: the address and length the library returned.
    let sent = unsafe {
        libc::sendto(
            target.as_raw_fd(),
            b"pong".as_ptr().cast(),
            4,
            0,
            (&message.address as *const libc::sockaddr_un).cast(),
            message.address_len,
        )
    };
    assert_eq!(sent, 4);
    let mut reply = [0u8; 4];
    assert_eq!(sender.recv(&mut reply).unwrap(), 4);
    close_pidfd(&message);
}

#[test]
fn failures_return_negative_errno_and_leave_out_untouched() {
    let (a, _b) = receiving_pair();
    let tcp = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut buf = [0u8; 8];
    let cases = [
        (-1, libc::MSG_DONTWAIT, -libc::EBADF),
        (i32::MAX, libc::MSG_DONTWAIT, -libc::EBADF),
        (tcp.as_raw_fd(), libc::MSG_DONTWAIT, -libc::EAFNOSUPPORT),
        (
            a.as_raw_fd(),
            libc::MSG_DONTWAIT,
            -libc::EAGAIN as isize as i32,
        ),
        (a.as_raw_fd(), libc::MSG_OOB, -libc::EINVAL),
        (a.as_raw_fd(), libc::MSG_ERRQUEUE, -libc::EINVAL),
    ];
    for (fd, flags, code) in cases {
        let (n, out) = call(fd, &mut buf, flags);
        assert_eq!(n, code as isize, "fd {fd} flags {flags:#x}");
        assert!(untouched(&out), "fd {fd}: *out written on failure");
    }
    assert_eq!(
        peercred_recv(
            a.as_raw_fd(),
            buf.as_mut_ptr().cast(),
            8,
            0,
            ptr::null_mut()
        ),
        -libc::EINVAL as isize
    );
    let mut out = sentinel();
    assert_eq!(
        peercred_recv(a.as_raw_fd(), ptr::null_mut(), 8, 0, out.as_mut_ptr()),
        -libc::EINVAL as isize
    );
    assert!(untouched(&out));
    assert_eq!(
        peercred_pass_credentials(tcp.as_raw_fd()),
        -libc::EAFNOSUPPORT
    );
    assert_eq!(peercred_pass_credentials(-1), -libc::EBADF);
}

#[test]
fn an_empty_buffer_may_be_null() {
    let (a, b) = receiving_pair();
    b.send(b"x").unwrap();
    let mut out = sentinel();
    let n = peercred_recv(a.as_raw_fd(), ptr::null_mut(), 0, 0, out.as_mut_ptr());
    assert_eq!(n, 0);
    // SAFETY: written on success.
    let message = unsafe { out.assume_init() };
    assert_eq!(
        (message.has_cred, message.msg_flags & libc::MSG_TRUNC),
        (1, libc::MSG_TRUNC)
    );
    close_pidfd(&message);
}

const OLD_KERNEL_CHILD: &str = "PEERCRED_OLD_KERNEL_CHILD";

/// PEERCRED_FAULT=no-passpidfd makes pass_credentials act as on Linux < 6.5
/// (no SO_PASSPIDFD): credentials still arrive, the pidfd is -1. Checked in a
/// child process, like the panic test, so the switch disturbs no other test.
#[test]
fn kernels_without_so_passpidfd_give_credentials_and_no_pidfd() {
    let child = in_child_process(
        "tests::message::old_kernel_child",
        OLD_KERNEL_CHILD,
        "no-passpidfd",
    );
    assert!(
        child.status.success(),
        "{}",
        String::from_utf8_lossy(&child.stdout)
    );
}

#[test]
fn old_kernel_child() {
    if std::env::var_os(OLD_KERNEL_CHILD).is_none() {
        return; // only meaningful in the child started above
    }
    let (a, b) = receiving_pair();
    b.send(b"x").unwrap();
    let mut buf = [0u8; 4];
    let (_, message) = recv(a.as_raw_fd(), &mut buf, 0);
    assert_eq!((message.has_cred, message.pidfd), (1, -1));
}
