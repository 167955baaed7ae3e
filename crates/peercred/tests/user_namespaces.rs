//! Readers in a user namespace of their own (`unshare -U`): a peer whose ids
//! have no mapping there arrives with the kernel's overflow ids, which
//! uid_mapping()/gid_mapping() call Unmapped; ids the namespace maps are
//! Mapped; an overflow id that the namespace also maps is Unknown. The
//! overflow ids are the sysctls, not 65534: changed to 4242 (and restored),
//! the kernel and peercred follow. Needs root; one #[test], the parts fork.

mod common;

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;

use common::{accept_client, become_nobody, is_root, NOBODY};
use peercred::IdMapping::{Mapped, Unknown, Unmapped};

const OVERFLOWUID: &str = "/proc/sys/kernel/overflowuid";

#[test]
fn user_namespaces() {
    if !is_root() {
        eprintln!("skipped: user namespaces with chosen maps need root");
        return;
    }
    let (root_conn, _root, _dir1) = accept_client(|| {});
    let (nobody_conn, _nobody, _dir2) = accept_client(|| become_nobody(&[]));
    let (other_conn, _other, _dir3) = accept_client(|| become_uid(4242));
    let read = |conn: &UnixStream| {
        let cred = peercred::read(conn).unwrap();
        (
            cred.uid(),
            cred.uid_mapping().unwrap(),
            cred.gid_mapping().unwrap(),
        )
    };

    // Here, in the initial namespace, every id is an id: 65534 is the account.
    assert_eq!(read(&nobody_conn), (NOBODY, Mapped, Mapped));

    // unshare -U without a map: nobody is mapped, everyone is the overflow id.
    let unmapped = (NOBODY, Unmapped, Unmapped);
    in_user_namespace(None, || {
        assert_eq!(read(&root_conn), unmapped);
        assert_eq!(read(&nobody_conn), unmapped);
        assert_eq!(peercred::uid_mapping(0).unwrap(), Unmapped);
    });

    // unshare -U --map-root-user: root is root, the others are unmapped.
    in_user_namespace(Some("0 0 1"), || {
        assert_eq!(read(&root_conn), (0, Mapped, Mapped));
        assert_eq!(read(&nobody_conn), unmapped);
        assert_eq!(read(&other_conn), unmapped);
    });

    // A namespace that maps 65534 too (rootless containers do): the overflow
    // id is also a real account, so from inside it cannot be told apart.
    in_user_namespace(Some("0 0 1\n65534 65534 1"), || {
        assert_eq!(read(&nobody_conn), (NOBODY, Unknown, Unknown));
        assert_eq!(read(&other_conn), (NOBODY, Unknown, Unknown));
        assert_eq!(read(&root_conn), (0, Mapped, Mapped));
    });

    // The overflow uid is a sysctl: at 4242 the kernel reports 4242, and the
    // answer follows the value, not a constant. Set for as short as possible:
    // it is global, other programs on this machine see it too.
    let restore = Sysctl::set(OVERFLOWUID, "4242");
    in_user_namespace(Some("0 0 1"), || {
        let cred = peercred::read(&nobody_conn).unwrap();
        assert_eq!((cred.uid(), cred.uid_mapping().unwrap()), (4242, Unmapped));
        assert_eq!(cred.gid(), NOBODY, "overflowgid is its own sysctl");
        assert_eq!(peercred::uid_mapping(NOBODY).unwrap(), Unmapped);
    });
    in_user_namespace(Some("0 0 1\n4242 4242 1"), || {
        assert_eq!(
            peercred::read(&nobody_conn).unwrap().uid_mapping().unwrap(),
            Unknown
        );
        assert_eq!(
            read(&other_conn).1,
            Unknown,
            "4242 itself, or the placeholder"
        );
    });
    drop(restore);
    // In the initial namespace 4242 stays an account, whatever the sysctl says.
    assert_eq!(peercred::uid_mapping(4242).unwrap(), Mapped);
}

fn become_uid(uid: u32) {
    // SAFETY: async-signal-safe system calls in a forked child.
    unsafe {
        if libc::setgroups(0, std::ptr::null()) != 0
            || libc::setgid(uid) != 0
            || libc::setuid(uid) != 0
        {
            libc::_exit(3);
        }
    }
}

/// Runs `check` in a forked child that unshares its user namespace, after
/// this process (root outside) has written `map` as its uid_map and gid_map.
fn in_user_namespace(map: Option<&str>, check: impl FnOnce()) {
    let (mut parent, mut child) = UnixStream::pair().unwrap();
    // SAFETY: this test binary runs one test, so the child is a copy of a
    // single-threaded process.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0);
    if pid == 0 {
        drop(parent);
        let run = || {
            // SAFETY: this child is single-threaded.
            assert_eq!(unsafe { libc::unshare(libc::CLONE_NEWUSER) }, 0, "unshare");
            child.write_all(&[1]).unwrap();
            child.read_exact(&mut [0]).unwrap(); // mapped
            check();
        };
        let code = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
            Ok(()) => 0,
            Err(_) => 101,
        };
        // SAFETY: leave without running the parent's exit handlers.
        unsafe { libc::_exit(code) };
    }
    drop(child);
    let unshared = parent.read_exact(&mut [0]).is_ok();
    if let (true, Some(map)) = (unshared, map) {
        std::fs::write(format!("/proc/{pid}/uid_map"), map).unwrap();
        std::fs::write(format!("/proc/{pid}/gid_map"), map).unwrap();
    }
    let _ = parent.write_all(&[1]);
    let mut status = 0;
    // SAFETY: waits for our own child.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "the reader in a user namespace (map {map:?}) failed: status {status}"
    );
}

/// A sysctl set for the length of a test and restored on drop, also when the
/// test fails.
struct Sysctl {
    path: &'static str,
    old: String,
}

impl Sysctl {
    fn set(path: &'static str, value: &str) -> Sysctl {
        let old = std::fs::read_to_string(path).unwrap();
        std::fs::write(path, value).unwrap();
        Sysctl { path, old }
    }
}

impl Drop for Sysctl {
    fn drop(&mut self) {
        std::fs::write(self.path, self.old.trim()).unwrap();
    }
}
