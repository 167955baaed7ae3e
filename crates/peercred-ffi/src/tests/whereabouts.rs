use std::ffi::{CStr, CString};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::ptr;

use super::Peer;
use crate::cgroup::*;
use crate::credentials::*;
use crate::lifetime::*;
use crate::namespaces::*;
use crate::process::peercred_own_pidfd;

fn pidfd_of(pid: i32) -> OwnedFd {
    // SAFETY: pidfd_open returns a new descriptor or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    assert!(fd >= 0);
    // SAFETY: a new descriptor that we own.
    unsafe { OwnedFd::from_raw_fd(fd as i32) }
}

fn own() -> OwnedFd {
    // SAFETY: a new descriptor that we own.
    unsafe { OwnedFd::from_raw_fd(peercred_own_pidfd()) }
}

/// A text out of a function with the buffer convention: its rc and the text.
fn text(call: impl Fn(*mut libc::c_char, *mut usize) -> i32) -> (i32, Option<String>) {
    let mut buf = [0 as libc::c_char; 512];
    let mut len = buf.len();
    let rc = call(buf.as_mut_ptr(), &mut len);
    if rc < 0 || len == 0 {
        return (rc, None);
    }
    // SAFETY: the function wrote a NUL-terminated string of len bytes.
    let text = unsafe { CStr::from_ptr(buf.as_ptr()) };
    assert_eq!(text.to_bytes().len() + 1, len);
    (rc, Some(text.to_str().unwrap().to_owned()))
}

#[test]
fn a_peer_shares_the_namespaces_of_its_parent() {
    let peer = Peer::start();
    let pidfd = pidfd_of(peer.pid);
    let mut ns = peercred_namespaces {
        id: [7; PEERCRED_NS_COUNT],
        unique: 7,
        shared: 7,
    };
    assert_eq!(peercred_process_namespaces(pidfd.as_raw_fd(), &mut ns), 0);
    assert_eq!(ns.shared, 0xff);
    let mut mine = ns;
    assert_eq!(peercred_process_namespaces(own().as_raw_fd(), &mut mine), 0);
    assert_eq!(ns, mine);
    let proc_net = std::fs::metadata(format!("/proc/{}/ns/net", peer.pid)).unwrap();
    if ns.unique & (1 << PEERCRED_NS_NET) == 0 {
        assert_eq!(
            ns.id[PEERCRED_NS_NET as usize],
            std::os::unix::fs::MetadataExt::ino(&proc_net)
        );
    }
    let mut owner = 7;
    assert_eq!(
        peercred_process_user_namespace_owner(pidfd.as_raw_fd(), &mut owner),
        0
    );
    assert_eq!(
        peercred_process_namespaces(pidfd.as_raw_fd(), ptr::null_mut()),
        -libc::EINVAL
    );
    assert_eq!(peercred_process_namespaces(-1, &mut ns), -libc::EBADF);
}

#[test]
fn credentials_now() {
    let mut now = std::mem::MaybeUninit::<peercred_credentials>::uninit();
    assert_eq!(
        peercred_process_credentials(own().as_raw_fd(), now.as_mut_ptr()),
        0
    );
    // SAFETY: filled on success.
    let now = unsafe { now.assume_init() };
    // SAFETY: plain libc getters.
    let (uid, gid) = unsafe { (libc::geteuid(), libc::getegid()) };
    assert_eq!((now.uid[1], now.gid[1]), (uid, gid));
    assert!(now.no_new_privs == 0 || now.no_new_privs == 1);
    assert_eq!(now.cap_effective & !now.cap_permitted, 0);
    assert_eq!(
        peercred_process_credentials(own().as_raw_fd(), ptr::null_mut()),
        -libc::EINVAL
    );
}

#[test]
fn cgroup_path_and_fields() {
    let (rc, path) = text(|buf, len| peercred_process_cgroup(own().as_raw_fd(), buf, len));
    assert_eq!(rc, 0);
    let line = std::fs::read_to_string("/proc/self/cgroup").unwrap();
    assert!(
        line.lines()
            .any(|l| l == format!("0::{}", path.as_deref().unwrap())),
        "{line}"
    );
    let mut id = 0u64;
    match peercred_process_cgroup_id(own().as_raw_fd(), &mut id) {
        0 => assert!(id > 0),
        rc => assert_eq!(rc, -libc::ENOENT, "no cgroup v2 mount for our namespace"),
    }

    let session = c"/user.slice/user-1000.slice/session-3.scope";
    let field =
        |path: &CStr, field| text(|buf, len| peercred_cgroup_field(path.as_ptr(), field, buf, len));
    assert_eq!(
        field(session, PEERCRED_CGROUP_UNIT),
        (1, Some("session-3.scope".into()))
    );
    assert_eq!(
        field(session, PEERCRED_CGROUP_SLICE),
        (1, Some("user-1000.slice".into()))
    );
    assert_eq!(
        field(session, PEERCRED_CGROUP_SESSION),
        (1, Some("3".into()))
    );
    assert_eq!(field(session, PEERCRED_CGROUP_CONTAINER_ID), (0, None));
    let mut owner = 7;
    assert_eq!(peercred_cgroup_owner_uid(session.as_ptr(), &mut owner), 1);
    assert_eq!(owner, 1000);
    assert_eq!(
        peercred_cgroup_owner_uid(c"/system.slice/foo.service".as_ptr(), &mut owner),
        0
    );

    let id = "4f1c1d3f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5";
    let pod = CString::new(format!(
        "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0f4c2a6e_8b1d_4c1e_9f0a_2b3c4d5e6f70.slice/crio-{id}.scope"
    ))
    .unwrap();
    assert_eq!(
        field(&pod, PEERCRED_CGROUP_CONTAINER_ID),
        (1, Some(id.into()))
    );
    assert_eq!(
        field(&pod, PEERCRED_CGROUP_CONTAINER_RUNTIME),
        (1, Some("cri-o".into()))
    );
    assert_eq!(
        field(&pod, PEERCRED_CGROUP_POD_UID),
        (1, Some("0f4c2a6e-8b1d-4c1e-9f0a-2b3c4d5e6f70".into()))
    );
    assert_eq!(field(c"/..", PEERCRED_CGROUP_UNIT), (-libc::EREMOTE, None));
    assert_eq!(
        field(c"relative", PEERCRED_CGROUP_UNIT),
        (-libc::EINVAL, None)
    );
    assert_eq!(field(session, 99), (-libc::EINVAL, None));

    // A buffer too small: -ERANGE with the size needed, nothing written.
    let mut small = [b'x' as libc::c_char; 4];
    let mut len = small.len();
    assert_eq!(
        peercred_cgroup_field(
            session.as_ptr(),
            PEERCRED_CGROUP_UNIT,
            small.as_mut_ptr(),
            &mut len
        ),
        -libc::ERANGE
    );
    assert_eq!(
        (len, small[0]),
        ("session-3.scope".len() + 1, b'x' as libc::c_char)
    );
}

#[test]
fn pidfs_id_boot_id_and_exit() {
    let (rc, boot) = text(|buf, len| peercred_boot_id(buf, len));
    assert_eq!(rc, 0);
    assert_eq!(
        boot.unwrap(),
        std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
            .unwrap()
            .trim()
    );

    // SAFETY: the child exits at once with 3.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        unsafe { libc::_exit(3) };
    }
    let pidfd = pidfd_of(pid);
    let (mut id, mut again) = (0u64, 0u64);
    let pidfs = peercred_process_pidfs_id(pidfd.as_raw_fd(), &mut id);
    assert!(pidfs == 0 || pidfs == -libc::ENOPROTOOPT, "{pidfs}");
    assert_eq!(peercred_process_wait_exit(pidfd.as_raw_fd(), -1), 1);
    let mut status = 7;
    let before = peercred_process_exit_status(pidfd.as_raw_fd(), &mut status);
    // SAFETY: reaps our own child.
    unsafe { libc::waitpid(pid, ptr::null_mut(), 0) };
    match peercred_process_exit_status(pidfd.as_raw_fd(), &mut status) {
        1 => {
            assert_eq!(
                (before, libc::WIFEXITED(status), libc::WEXITSTATUS(status)),
                (0, true, 3)
            );
        }
        rc => assert_eq!((before, rc), (-libc::ENOPROTOOPT, -libc::ENOPROTOOPT)),
    }
    assert_eq!(
        peercred_process_wait_exit(pidfd.as_raw_fd(), 0),
        1,
        "reaped"
    );
    if pidfs == 0 {
        assert_eq!(peercred_process_pidfs_id(own().as_raw_fd(), &mut again), 0);
        assert_ne!(id, again);
    }
    let peer = Peer::start();
    assert_eq!(
        peercred_process_wait_exit(pidfd_of(peer.pid).as_raw_fd(), 10),
        0,
        "timeout"
    );
    assert_eq!(
        peercred_process_exit_status(pidfd.as_raw_fd(), ptr::null_mut()),
        -libc::EINVAL
    );
    let not_a_pidfd = std::fs::File::open("/dev/null").unwrap();
    assert_eq!(
        peercred_process_exit_status(not_a_pidfd.as_raw_fd(), &mut status),
        -libc::EINVAL
    );
}
