//! Where the caller lives, with real arrangements: a host client; a client in
//! new PID, mount, network, UTS, IPC and cgroup namespaces (a rootful
//! container); a rootless one (a user namespace mapping 0 to 1000); a daemon
//! in a user namespace with a host client outside its map; clients moved into
//! cgroups shaped like Docker's, Kubernetes', a service's and a login
//! session's; a client that setns-es after connecting, one that executes a
//! setuid program, one whose main thread exited; waiting for exits; and
//! pidfs ids across a forced pid reuse. Needs root (unshare, cgroupfs); each
//! part says why when it is skipped. Also run as on Linux 6.1 (mk/rust.mk:
//! `PEERCRED_FAULT=no-pidfd-info,no-pidfd-ns,no-ns-id,no-pidfs`), where
//! every answer must be the same, from /proc. One #[test]: the parts fork.

mod common;

use std::fs;
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::MetadataExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{in_child, is_root, me, wait_until, TempDir, NOBODY, SKIP};
use peercred::{ContainerRuntime, Error, IdMapping, Namespace, PeerProcess};

/// Whether this run acts as Linux 6.1: no PIDFD_GET_INFO, no namespace
/// ioctls on pidfds, no namespace ids, no pidfs.
fn as_linux_6_1() -> bool {
    cfg!(feature = "fault-injection")
        && std::env::var("PEERCRED_FAULT").is_ok_and(|v| v.contains("no-pidfd-ns"))
}

/// Whether this kernel gives natively what Linux `major.minor` brought, and
/// this run does not act as an older one: the answer must then come from it.
fn native(major: u32, minor: u32) -> bool {
    let release = fs::read_to_string("/proc/sys/kernel/osrelease").unwrap();
    let mut numbers = release
        .split(|c: char| !c.is_ascii_digit())
        .map(|n| n.parse::<u32>().unwrap_or(0));
    let running = (numbers.next().unwrap_or(0), numbers.next().unwrap_or(0));
    !as_linux_6_1() && running >= (major, minor)
}

#[test]
fn whereabouts() {
    host_client();
    if !is_root() {
        eprintln!(
            "skipped the namespace and cgroup arrangements: they need root (unshare, cgroupfs)"
        );
        return;
    }
    container_like_client();
    rootless_like_client();
    report(
        "daemon in a user namespace",
        in_child(daemon_in_a_user_namespace),
    );
    client_that_setns_after_connecting();
    setuid_exec_after_connecting();
    peer_whose_main_thread_exited();
    waiting_for_exit();
    report(
        "pidfs ids across a forced pid reuse",
        in_child(pidfs_ids_across_pid_reuse),
    );
    cgroups();
}

fn report(what: &str, code: i32) {
    match code {
        0 => {}
        SKIP => eprintln!("skipped {what}: the kernel refused the namespace (unshare)"),
        code => panic!("{what}: the child failed with {code}"),
    }
}

/// A peer process forked from this one: `before` runs first (changing its
/// ids or namespaces; false stops it), then it connects to `path` and says
/// so; at [`Peer::go`] it runs `after` and answers; it exits once the test
/// drops it. Only system calls in the child.
struct Peer {
    pid: i32,
    ctl: Option<UnixStream>,
}

impl Peer {
    fn start(path: &Path, before: impl FnOnce() -> bool, after: impl FnOnce() -> bool) -> Peer {
        let addr = common::sockaddr(path);
        let (parent, mut child) = UnixStream::pair().unwrap();
        // SAFETY: the child makes system calls only, then _exit.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0);
        if pid == 0 {
            drop(parent);
            let ok = before() && common::connect_raw(&addr);
            let _ = child.write_all(&[u8::from(ok)]);
            if ok && child.read_exact(&mut [0]).is_ok() {
                let done = after();
                let _ = child.write_all(&[u8::from(done)]);
                let _ = child.read(&mut [0]);
            }
            // SAFETY: leave without running the test's exit handlers.
            unsafe { libc::_exit(0) };
        }
        drop(child);
        Peer {
            pid,
            ctl: Some(parent),
        }
    }

    fn connected(&mut self) -> bool {
        common::read_byte(self.ctl.as_mut().unwrap()) == 1
    }

    /// Runs the peer's `after`; whether it succeeded.
    fn go(&mut self) -> bool {
        let ctl = self.ctl.as_mut().unwrap();
        common::write_byte(ctl, 1);
        common::read_byte(ctl) == 1
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        // A peer waiting on its control socket ends at its close.
        self.ctl = None;
        // SAFETY: our own child, killed and reaped.
        unsafe {
            libc::kill(self.pid, libc::SIGKILL);
            libc::waitpid(self.pid, std::ptr::null_mut(), 0);
        }
    }
}

/// A listener that every uid can connect to.
fn listen(dir: &TempDir) -> (UnixListener, PathBuf) {
    let path = dir.path("s");
    let listener = UnixListener::bind(&path).unwrap();
    common::chmod(&path, 0o666);
    (listener, path)
}

fn unshare(flags: i32) -> bool {
    // SAFETY: affects the calling (forked, single-threaded) process only.
    unsafe { libc::unshare(flags) == 0 }
}

fn become_uid(uid: u32) -> bool {
    // SAFETY: async-signal-safe system calls in a forked child.
    unsafe {
        libc::setgroups(0, std::ptr::null()) == 0
            && libc::setgid(uid) == 0
            && libc::setuid(uid) == 0
    }
}

/// The calling thread's namespaces, read the way peers' are.
fn own_namespaces() -> peercred::Namespaces {
    PeerProcess::own().unwrap().namespaces().unwrap()
}

fn host_client() {
    let (conn, client, _dir) = common::accept_client(|| {});
    let peer = PeerProcess::from_socket(&conn).unwrap();
    let ns = peer.namespaces().unwrap();
    assert!(ns.all_shared(), "{ns:?}");
    assert_eq!(ns.differing(), []);
    assert_eq!(ns, own_namespaces());
    for &kind in Namespace::all() {
        // NS_GET_ID (6.18) names every kind; NS_GET_MNTNS_ID (6.8) mount namespaces.
        let unique = native(6, 18) || (kind == Namespace::Mount && native(6, 8));
        assert_eq!(ns.id(kind).is_unique(), unique, "{kind}");
        assert_eq!(Namespace::from_name(kind.name()), Some(kind));
        let inode = fs::metadata(format!("/proc/{}/ns/{kind}", client.pid))
            .unwrap()
            .ino();
        if !unique {
            assert_eq!(ns.id(kind).value(), inode, "{kind}: the nsfs inode");
        }
    }
    assert_eq!(peer.user_namespace_owner().unwrap(), own_owner());

    let now = peer.credentials().unwrap();
    let (_, uid, gid) = me();
    assert_eq!(
        (
            now.real_uid(),
            now.effective_uid(),
            now.saved_uid(),
            now.fs_uid()
        ),
        (uid, uid, uid, uid)
    );
    assert_eq!(
        (
            now.real_gid(),
            now.effective_gid(),
            now.saved_gid(),
            now.fs_gid()
        ),
        (gid, gid, gid, gid)
    );
    assert_eq!(now.differs_from_connect(), Some(false));
    assert!(!now.differs_from(&peercred::read(&conn).unwrap()));
    let own = PeerProcess::own().unwrap().credentials().unwrap();
    assert_eq!(
        own.differs_from_connect(),
        None,
        "the caller itself knows no connection"
    );
    assert_eq!(facts(&own), facts(&now));
    assert_eq!(now.login_uid(), own_login_uid());

    let cgroup = peer.cgroup().unwrap();
    assert_eq!(cgroup, PeerProcess::own().unwrap().cgroup().unwrap());
    assert_eq!(
        format!("0::{}\n", cgroup.path().display()),
        fs::read_to_string(format!("/proc/{}/cgroup", client.pid))
            .unwrap()
            .lines()
            .find(|l| l.starts_with("0::"))
            .map(|l| format!("{l}\n"))
            .unwrap()
    );
    match peer.pidfs_id() {
        Ok(id) => {
            assert!(native(6, 9));
            assert_eq!(
                id,
                PeerProcess::from_pidfd(peercred::pidfd(&conn).unwrap())
                    .unwrap()
                    .pidfs_id()
                    .unwrap()
            );
            assert_ne!(id, PeerProcess::own().unwrap().pidfs_id().unwrap());
        }
        Err(err) => assert!(!native(6, 9), "{err}"),
    }
    let boot = peercred::boot_id().unwrap();
    assert_eq!(
        boot,
        fs::read_to_string("/proc/sys/kernel/random/boot_id")
            .unwrap()
            .trim()
    );
    assert!(peer.exit_status().map_or(!native(6, 15), |s| s.is_none()));
}

fn own_owner() -> u32 {
    PeerProcess::own().unwrap().user_namespace_owner().unwrap()
}

fn own_login_uid() -> Option<u32> {
    let uid: u32 = fs::read_to_string("/proc/self/loginuid")
        .ok()?
        .trim()
        .parse()
        .ok()?;
    (uid != u32::MAX).then_some(uid)
}

/// Every fact of credentials read now, but the comparison with a connection.
fn facts(c: &peercred::ProcessCredentials) -> impl PartialEq + std::fmt::Debug {
    (
        [c.real_uid(), c.effective_uid(), c.saved_uid(), c.fs_uid()],
        [c.real_gid(), c.effective_gid(), c.saved_gid(), c.fs_gid()],
        [c.cap_effective(), c.cap_permitted(), c.cap_bounding()],
        c.no_new_privs(),
        c.login_uid(),
    )
}

/// `docker run` as root, without a user namespace: root on both sides, so the
/// connect-time uid says nothing; the namespaces say "not a host process".
fn container_like_client() {
    let dir = TempDir::new();
    let (listener, path) = listen(&dir);
    let flags = libc::CLONE_NEWPID
        | libc::CLONE_NEWNS
        | libc::CLONE_NEWNET
        | libc::CLONE_NEWUTS
        | libc::CLONE_NEWIPC
        | libc::CLONE_NEWCGROUP;
    let mut peer = Peer::start(
        &path,
        || unshare(flags) && into_new_pid_namespace(),
        || true,
    );
    if !peer.connected() {
        eprintln!("skipped the container-like client: unshare refused");
        return;
    }
    let (conn, _) = listener.accept().unwrap();
    let cred = peercred::read(&conn).unwrap();
    assert_eq!(cred.uid(), 0, "root in a rootful container is root here");
    let process = PeerProcess::from_socket(&conn).unwrap();
    let ns = process.namespaces().unwrap();
    use Namespace::*;
    assert_eq!(ns.differing(), [Cgroup, Ipc, Mount, Net, Pid, Uts]);
    assert!(!ns.all_shared());
    let ours = own_namespaces();
    for &kind in Namespace::all() {
        assert_eq!(
            ns.id(kind) == ours.id(kind),
            [Time, User].contains(&kind),
            "{kind}"
        );
        assert_eq!(ns.is_shared(kind), [Time, User].contains(&kind), "{kind}");
    }
    assert_eq!(process.user_namespace_owner().unwrap(), own_owner());
    // Its cgroup namespace is rooted where it was: from here its path is ours.
    assert_eq!(
        process.cgroup().unwrap(),
        PeerProcess::own().unwrap().cgroup().unwrap()
    );
    assert_eq!(
        process.credentials().unwrap().cap_effective(),
        PeerProcess::own()
            .unwrap()
            .credentials()
            .unwrap()
            .cap_effective()
    );
    drop(peer);
}

/// After unshare(CLONE_NEWPID) only children enter the new namespace: forks,
/// and the parent waits for its child (pid 1 there) and leaves.
fn into_new_pid_namespace() -> bool {
    // SAFETY: fork in a forked single-threaded child; the parent only waits.
    let pid = unsafe { libc::fork() };
    if pid > 0 {
        unsafe {
            libc::waitpid(pid, std::ptr::null_mut(), 0);
            libc::_exit(0);
        }
    }
    pid == 0
}

/// Podman without root: uid 1000 made a user namespace whose root is itself.
fn rootless_like_client() {
    let dir = TempDir::new();
    let (listener, path) = listen(&dir);
    let (mut here, mut there) = UnixStream::pair().unwrap();
    let mut peer = Peer::start(
        &path,
        move || {
            // Unshare as 1000, then wait for the maps that make 0 inside 1000 outside.
            become_uid(1000)
                && unshare(libc::CLONE_NEWUSER)
                && there.write_all(&[1]).is_ok()
                && there.read_exact(&mut [0]).is_ok()
        },
        || true,
    );
    if common::read_byte(&mut here) != 1 {
        eprintln!("skipped the rootless-like client: unshare(CLONE_NEWUSER) refused");
        return;
    }
    fs::write(format!("/proc/{}/setgroups", peer.pid), "deny").unwrap();
    fs::write(format!("/proc/{}/uid_map", peer.pid), "0 1000 1").unwrap();
    fs::write(format!("/proc/{}/gid_map", peer.pid), "0 1000 1").unwrap();
    common::write_byte(&mut here, 1);
    assert!(peer.connected());
    let (conn, _) = listener.accept().unwrap();
    let cred = peercred::read(&conn).unwrap();
    assert_eq!(
        (cred.uid(), cred.uid_mapping().unwrap()),
        (1000, IdMapping::Mapped),
        "its root is 1000 here"
    );
    let process = PeerProcess::from_socket(&conn).unwrap();
    let ns = process.namespaces().unwrap();
    assert_eq!(ns.differing(), [Namespace::User]);
    assert_eq!(process.user_namespace_owner().unwrap(), 1000);
    let now = process.credentials().unwrap();
    assert_eq!(now.effective_uid(), 1000);
    assert_eq!(
        now.cap_effective(),
        now.cap_bounding(),
        "every capability, over its own namespace"
    );
    assert_eq!(now.differs_from_connect(), Some(false));
    drop(peer);
}

/// A daemon in a user namespace of its own (its root is 1000 outside) and a
/// host client as root, which has no uid in the daemon's map: the overflow
/// uid, Unmapped, and no namespace facts (EACCES), never a guess.
fn daemon_in_a_user_namespace() -> i32 {
    let dir = TempDir::new();
    let (listener, path) = listen(&dir);
    let mut client = Peer::start(&path, || true, || true);
    assert!(client.connected());
    let (conn, _) = listener.accept().unwrap();
    let (mut here, mut there) = UnixStream::pair().unwrap();
    // SAFETY: the daemon child makes system calls, then checks and exits.
    let daemon = unsafe { libc::fork() };
    if daemon == 0 {
        let unshared = become_uid(1000) && unshare(libc::CLONE_NEWUSER);
        let _ = there.write_all(&[u8::from(unshared)]);
        if !unshared || there.read_exact(&mut [0]).is_err() {
            unsafe { libc::_exit(SKIP) };
        }
        let checks = std::panic::catch_unwind(|| {
            let cred = peercred::read(&conn).unwrap();
            assert_eq!(
                cred.uid_mapping().unwrap(),
                IdMapping::Unmapped,
                "uid {}",
                cred.uid()
            );
            let peer = PeerProcess::from_socket(&conn).unwrap();
            assert_eq!(peer.namespaces(), Err(Error::Os(libc::EACCES)));
            assert_eq!(peer.user_namespace_owner(), Err(Error::Os(libc::EACCES)));
            // /proc/PID/status and cgroup are world-readable.
            let now = peer.credentials().unwrap();
            assert_eq!(
                peercred::uid_mapping(now.effective_uid()).unwrap(),
                IdMapping::Unmapped
            );
            assert!(peer.cgroup().is_ok());
        });
        unsafe { libc::_exit(if checks.is_ok() { 0 } else { 101 }) };
    }
    if common::read_byte(&mut here) != 1 {
        return common::reap(daemon);
    }
    fs::write(format!("/proc/{daemon}/setgroups"), "deny").unwrap();
    fs::write(format!("/proc/{daemon}/uid_map"), "0 1000 1").unwrap();
    fs::write(format!("/proc/{daemon}/gid_map"), "0 1000 1").unwrap();
    common::write_byte(&mut here, 1);
    let code = common::reap(daemon);
    drop(client);
    code
}

/// A client that moves into new network and UTS namespaces after connecting:
/// the namespaces are facts of now.
fn client_that_setns_after_connecting() {
    let dir = TempDir::new();
    let (listener, path) = listen(&dir);
    let fds = std::cell::Cell::new((-1, -1, -1, -1));
    let mut peer = Peer::start(
        &path,
        || {
            // Make the new namespaces (kept by descriptors), then go back home to connect.
            // SAFETY: system calls on paths and descriptors of this child.
            unsafe {
                let home_net = libc::open(c"/proc/self/ns/net".as_ptr(), libc::O_RDONLY);
                let home_uts = libc::open(c"/proc/self/ns/uts".as_ptr(), libc::O_RDONLY);
                if !unshare(libc::CLONE_NEWNET | libc::CLONE_NEWUTS) {
                    return false;
                }
                let new_net = libc::open(c"/proc/self/ns/net".as_ptr(), libc::O_RDONLY);
                let new_uts = libc::open(c"/proc/self/ns/uts".as_ptr(), libc::O_RDONLY);
                fds.set((home_net, home_uts, new_net, new_uts));
                libc::setns(home_net, libc::CLONE_NEWNET) == 0
                    && libc::setns(home_uts, libc::CLONE_NEWUTS) == 0
            }
        },
        || {
            let (_, _, new_net, new_uts) = fds.get();
            // SAFETY: setns with descriptors this child opened.
            unsafe {
                libc::setns(new_net, libc::CLONE_NEWNET) == 0
                    && libc::setns(new_uts, libc::CLONE_NEWUTS) == 0
            }
        },
    );
    if !peer.connected() {
        eprintln!("skipped the client that setns-es: unshare refused");
        return;
    }
    let (conn, _) = listener.accept().unwrap();
    let process = PeerProcess::from_socket(&conn).unwrap();
    let before = process.namespaces().unwrap();
    assert!(before.all_shared());
    assert!(peer.go(), "setns failed");
    let after = process.namespaces().unwrap();
    assert_eq!(after.differing(), [Namespace::Net, Namespace::Uts]);
    assert_ne!(after.id(Namespace::Net), before.id(Namespace::Net));
    assert_eq!(after.id(Namespace::Mount), before.id(Namespace::Mount));
}

/// uid 1000 connects, then executes a setuid-root program: the connection
/// still says 1000; the credentials now say root, and that they changed.
fn setuid_exec_after_connecting() {
    let dir = TempDir::new();
    let (listener, path) = listen(&dir);
    let program = dir.path("suid-sleep");
    fs::copy("/bin/sleep", &program).unwrap();
    common::chmod(&program, 0o4755);
    let program_c = std::ffi::CString::new(program.as_os_str().as_encoded_bytes()).unwrap();
    let mut peer = Peer::start(
        &path,
        || become_uid(1000),
        || {
            // SAFETY: execv with NUL-terminated strings; returns only on failure.
            unsafe {
                let argv = [program_c.as_ptr(), c"30".as_ptr(), std::ptr::null()];
                libc::execv(program_c.as_ptr(), argv.as_ptr());
            }
            false
        },
    );
    assert!(peer.connected());
    let (conn, _) = listener.accept().unwrap();
    let process = PeerProcess::from_socket(&conn).unwrap();
    let before = process.credentials().unwrap();
    assert_eq!(
        (before.effective_uid(), before.differs_from_connect()),
        (1000, Some(false))
    );
    common::write_byte(peer.ctl.as_mut().unwrap(), 1);
    wait_until("the peer has executed the setuid program", || {
        process.exe_matches(&program).unwrap_or(false)
    });
    let after = process.credentials().unwrap();
    if after.effective_uid() != 0 {
        eprintln!(
            "skipped the setuid exec: {} is on a nosuid mount",
            program.display()
        );
        return;
    }
    assert_eq!(
        (
            after.real_uid(),
            after.effective_uid(),
            after.saved_uid(),
            after.fs_uid()
        ),
        (1000, 0, 0, 0)
    );
    assert_eq!(after.differs_from_connect(), Some(true));
    assert!(after.differs_from(&peercred::read(&conn).unwrap()));
    assert_eq!(
        peercred::read(&conn).unwrap().uid(),
        1000,
        "recorded at connect"
    );
}

/// A peer whose main thread exited, after which its live thread moved into a
/// UTS namespace of its own and dropped to nobody (raw system calls, this
/// thread only): the kernel's pidfd ioctls have no main thread to read, so
/// the facts come from the live thread, never from the zombie.
fn peer_whose_main_thread_exited() {
    let dir = TempDir::new();
    let (listener, path) = listen(&dir);
    let addr = common::sockaddr(&path);
    let (mut here, there) = UnixStream::pair().unwrap();
    let pid = common::leaderless_peer(&addr, move_then_wait, there.as_raw_fd());
    drop(there);
    let (conn, _) = listener.accept().unwrap();
    assert_eq!(
        common::read_byte(&mut here),
        1,
        "the peer's thread could not move"
    );
    wait_until("the peer's main thread has exited", || {
        common::proc_state(pid) == Some('Z')
    });
    let process = PeerProcess::from_socket(&conn).unwrap();
    let ns = process.namespaces().unwrap();
    assert_eq!(
        ns.differing(),
        [Namespace::Uts],
        "the live thread's namespaces"
    );
    let now = process.credentials().unwrap();
    assert_eq!((now.effective_uid(), now.effective_gid()), (NOBODY, NOBODY));
    assert_eq!(now.differs_from_connect(), Some(true));
    assert_eq!(
        process.cgroup().unwrap(),
        PeerProcess::own().unwrap().cgroup().unwrap()
    );
    common::write_byte(&mut here, 0);
    assert_eq!(common::reap(pid), 0);
}

extern "C" fn move_then_wait(hold: *mut libc::c_void) -> *mut libc::c_void {
    let hold = hold as usize as i32;
    let mut byte = 1u8;
    // SAFETY: system calls on integers and a one-byte buffer.
    unsafe {
        if libc::unshare(libc::CLONE_NEWUTS) != 0
            || libc::syscall(libc::SYS_setgroups, 0, std::ptr::null::<libc::gid_t>()) != 0
            || libc::syscall(libc::SYS_setresgid, NOBODY, NOBODY, NOBODY) != 0
            || libc::syscall(libc::SYS_setresuid, NOBODY, NOBODY, NOBODY) != 0
        {
            byte = 0;
        }
        libc::write(hold, (&byte as *const u8).cast(), 1);
        libc::read(hold, (&mut byte as *mut u8).cast(), 1);
        libc::_exit(0);
    }
}

/// wait_exit blocks until the exit, without polling; the exit status comes
/// once the parent (this test) has reaped the peer.
fn waiting_for_exit() {
    let dir = TempDir::new();
    let (listener, path) = listen(&dir);
    let mut peer = Peer::start(&path, || true, || unsafe { libc::_exit(3) });
    assert!(peer.connected());
    let (conn, _) = listener.accept().unwrap();
    let process = PeerProcess::from_socket(&conn).unwrap();
    assert!(!process.wait_exit(Some(Duration::from_millis(20))).unwrap());
    assert_eq!(process.exit_status().ok().flatten(), None);
    let ctl = peer.ctl.take().unwrap();
    (&ctl).write_all(&[1]).unwrap();
    assert!(process.wait_exit(None).unwrap());
    assert!(!process.is_alive().unwrap());
    // A zombie: exited, not yet reaped.
    assert_eq!(process.exit_status().ok().flatten(), None);
    let mut status = 0;
    // SAFETY: reaps our own child.
    unsafe { libc::waitpid(peer.pid, &mut status, 0) };
    std::mem::forget(peer);
    match process.exit_status() {
        Ok(Some(exit)) => assert_eq!((exit.code(), status), (Some(3), 3 << 8)),
        Err(Error::Unsupported(_)) => assert!(!native(6, 15)),
        other => panic!("exit status after the reap: {other:?}"),
    }
    assert!(process.wait_exit(Some(Duration::ZERO)).unwrap());
}

/// In a PID namespace of our own, two successive clients get the same pid
/// (ns_last_pid), and different pidfs ids.
fn pidfs_ids_across_pid_reuse() -> i32 {
    common::as_init_of_new_pid_namespace(|| {
        let dir = TempDir::new();
        let (listener, path) = listen(&dir);
        let mut seen = Vec::new();
        for _ in 0..2 {
            fs::write("/proc/sys/kernel/ns_last_pid", "99").unwrap();
            let mut peer = Peer::start(&path, || true, || true);
            assert!(peer.connected());
            let (conn, _) = listener.accept().unwrap();
            let process = PeerProcess::from_socket(&conn).unwrap();
            seen.push((process.pid(), process.pidfs_id()));
            drop(peer);
        }
        assert_eq!(
            (seen[0].0, seen[1].0),
            (Some(100), Some(100)),
            "the pid repeated"
        );
        match (&seen[0].1, &seen[1].1) {
            (Ok(first), Ok(second)) => assert_ne!(first, second),
            (Err(Error::Unsupported(_)), Err(Error::Unsupported(_))) => assert!(!native(6, 9)),
            other => panic!("{other:?}"),
        }
        0
    })
}

/// The cgroup v2 mount of this machine (hybrid here: /sys/fs/cgroup/unified).
fn v2_mount() -> Option<PathBuf> {
    ["/sys/fs/cgroup", "/sys/fs/cgroup/unified"]
        .into_iter()
        .map(PathBuf::from)
        .find(|dir| {
            let c = std::ffi::CString::new(dir.as_os_str().as_encoded_bytes()).unwrap();
            // SAFETY: statfs writes one struct.
            let mut fs: libc::statfs = unsafe { std::mem::zeroed() };
            unsafe { libc::statfs(c.as_ptr(), &mut fs) == 0 && fs.f_type == 0x6367_7270 }
        })
}

/// Cgroups made under a test root of the v2 hierarchy, removed on drop (also
/// when the test fails): processes still in them go back to the root first.
struct Cgroups {
    mount: PathBuf,
    root: PathBuf,
    made: Vec<PathBuf>,
}

impl Cgroups {
    fn new(mount: PathBuf) -> Cgroups {
        let root = mount.join(format!("peercred-test-{}", std::process::id()));
        fs::create_dir(&root).unwrap();
        Cgroups {
            mount,
            root: root.clone(),
            made: vec![root],
        }
    }

    /// Makes `relative` (and its parents) under the test root; its directory.
    fn make(&mut self, relative: &str) -> PathBuf {
        let mut dir = self.root.clone();
        for part in relative.split('/') {
            dir.push(part);
            if !dir.exists() {
                fs::create_dir(&dir).unwrap();
                self.made.push(dir.clone());
            }
        }
        dir
    }

    fn enter(&self, dir: &Path, pid: i32) {
        fs::write(dir.join("cgroup.procs"), pid.to_string()).unwrap();
    }
}

impl Drop for Cgroups {
    fn drop(&mut self) {
        for dir in self.made.iter().rev() {
            if let Ok(procs) = fs::read_to_string(dir.join("cgroup.procs")) {
                for pid in procs.lines() {
                    let _ = fs::write(self.mount.join("cgroup.procs"), pid);
                }
            }
            if let Err(err) = fs::remove_dir(dir) {
                eprintln!("could not remove the test cgroup {}: {err}", dir.display());
            }
        }
    }
}

const DOCKER_ID: &str = "4f1c1d3f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5";
const CONTAINERD_ID: &str = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d";
const POD_UID: &str = "0f4c2a6e-8b1d-4c1e-9f0a-2b3c4d5e6f70";
const INVOCATION: &str = "0123456789abcdef0123456789abcdef";

/// Clients of one uid (root) moved into cgroups shaped like a Docker
/// container's, a Kubernetes pod's (containerd), a service's and a login
/// session's, read by a daemon whose cgroup namespace is rooted at the test
/// root, with the v2 hierarchy mounted for it (as in a container): the
/// paths it sees are exactly those shapes. A client outside its namespace
/// has no path it can name.
fn cgroups() {
    let Some(mount) = v2_mount() else {
        eprintln!("skipped the cgroup arrangements: no cgroup v2 hierarchy is mounted");
        return;
    };
    let mut tree = Cgroups::new(mount.clone());
    let docker = tree.make(&format!("system.slice/docker-{DOCKER_ID}.scope"));
    let pod_slice = format!(
        "kubepods.slice/kubepods-pod{}.slice",
        POD_UID.replace('-', "_")
    );
    let kube = tree.make(&format!("{pod_slice}/cri-containerd-{CONTAINERD_ID}.scope"));
    let service = tree.make("system.slice/foo.service");
    let session = tree.make("user.slice/user-1000.slice/session-3.scope");
    let delegated = tree.make("system.slice/delegated.service");
    let moved = tree.make("system.slice/moved.service");
    xattr(&service, "trusted.invocation_id", INVOCATION);
    xattr(&session, "user.invocation_id", INVOCATION);
    xattr(&delegated, "user.invocation_id", INVOCATION);
    std::os::unix::fs::chown(&delegated, Some(1000), Some(1000)).unwrap();

    let dir = TempDir::new();
    let (listener, path) = listen(&dir);
    let mut peers = Vec::new();
    let mut conns = Vec::new();
    for cgroup in [
        Some(&docker),
        Some(&kube),
        Some(&service),
        Some(&session),
        Some(&delegated),
        None,
    ] {
        let mut peer = Peer::start(&path, || true, || true);
        assert!(peer.connected());
        conns.push(listener.accept().unwrap().0);
        if let Some(cgroup) = cgroup {
            tree.enter(cgroup, peer.pid);
        }
        peers.push(peer);
    }
    // A peer whose main thread exits, moved afterwards: the kernel leaves the
    // zombie main thread where it was, and PIDFD_GET_INFO would say so.
    let (mut here, there) = UnixStream::pair().unwrap();
    let addr = common::sockaddr(&path);
    let leaderless = common::leaderless_peer(&addr, wait_on, there.as_raw_fd());
    drop(there);
    conns.push(listener.accept().unwrap().0);
    wait_until("the main thread has exited", || {
        common::proc_state(leaderless) == Some('Z')
    });
    tree.enter(&moved, leaderless);

    // The id of each peer's cgroup, the outside one's being this test's own.
    let own_cgroup = PeerProcess::own().unwrap().cgroup().unwrap();
    let own_dir = tree
        .mount
        .join(own_cgroup.path().strip_prefix("/").unwrap());
    let ids: Vec<u64> = [
        &docker, &kube, &service, &session, &delegated, &own_dir, &moved,
    ]
    .iter()
    .map(|dir| fs::metadata(dir).unwrap().ino())
    .collect();
    let root = tree.root.clone();
    let code = in_child(move || as_daemon_rooted_at(&root, &mount, || check_cgroups(&conns, &ids)));
    common::write_byte(&mut here, 0);
    common::reap(leaderless);
    drop(peers);
    report("the daemon in a cgroup namespace", code);
}

extern "C" fn wait_on(hold: *mut libc::c_void) -> *mut libc::c_void {
    let mut byte = 0u8;
    // SAFETY: a read on an integer descriptor, then the end of the process.
    unsafe {
        libc::read(hold as usize as i32, (&mut byte as *mut u8).cast(), 1);
        libc::_exit(0);
    }
}

fn xattr(dir: &Path, name: &str, value: &str) {
    let path = std::ffi::CString::new(dir.as_os_str().as_encoded_bytes()).unwrap();
    let name = std::ffi::CString::new(name).unwrap();
    // SAFETY: setxattr with NUL-terminated strings and a value of its length.
    let rc = unsafe {
        libc::setxattr(
            path.as_ptr(),
            name.as_ptr(),
            value.as_ptr().cast(),
            value.len(),
            0,
        )
    };
    assert_eq!(rc, 0, "setxattr: {}", std::io::Error::last_os_error());
}

/// Runs `check` in this (forked) process after moving it into `root`,
/// unsharing its cgroup and mount namespaces, and mounting the v2 hierarchy
/// for its namespace where it was.
fn as_daemon_rooted_at(root: &Path, mount: &Path, check: impl FnOnce()) -> i32 {
    fs::write(root.join("cgroup.procs"), std::process::id().to_string()).unwrap();
    let target = std::ffi::CString::new(mount.as_os_str().as_encoded_bytes()).unwrap();
    // The kernel refuses the same superblock on top of itself: replace it.
    // SAFETY: mounts of this forked, single-threaded process's own namespace.
    let ready = common::unshare_with_private_mounts(libc::CLONE_NEWCGROUP)
        && unsafe {
            libc::umount2(target.as_ptr(), libc::MNT_DETACH) == 0
                && libc::mount(
                    c"cgroup2".as_ptr(),
                    target.as_ptr(),
                    c"cgroup2".as_ptr(),
                    0,
                    std::ptr::null(),
                ) == 0
        };
    if !ready {
        return SKIP;
    }
    check();
    0
}

fn check_cgroups(conns: &[UnixStream], ids: &[u64]) {
    let process = |i: usize| PeerProcess::from_socket(&conns[i]).unwrap();
    let pod_slice = format!("kubepods-pod{}.slice", POD_UID.replace('-', "_"));

    let docker = process(0).cgroup().unwrap();
    assert_eq!(
        docker.path(),
        Path::new(&format!("/system.slice/docker-{DOCKER_ID}.scope"))
    );
    assert_eq!(
        (docker.container_runtime(), docker.container_id()),
        (Some(ContainerRuntime::Docker), Some(DOCKER_ID))
    );
    assert_eq!(
        (docker.unit(), docker.slice(), docker.pod_uid()),
        (
            Some(&*format!("docker-{DOCKER_ID}.scope")),
            Some("system.slice"),
            None
        )
    );

    let kube = process(1).cgroup().unwrap();
    assert_eq!(
        kube.path(),
        Path::new(&format!(
            "/kubepods.slice/{pod_slice}/cri-containerd-{CONTAINERD_ID}.scope"
        ))
    );
    assert_eq!(
        (kube.container_runtime(), kube.container_id()),
        (Some(ContainerRuntime::Containerd), Some(CONTAINERD_ID))
    );
    assert_eq!(kube.pod_uid().as_deref(), Some(POD_UID));
    assert_eq!(kube.slice(), Some(&*pod_slice));

    let service = process(2).cgroup().unwrap();
    assert_eq!(
        (service.unit(), service.slice(), service.container_id()),
        (Some("foo.service"), Some("system.slice"), None)
    );
    assert_eq!(
        (service.session(), service.owner_uid(), service.user_unit()),
        (None, None, None)
    );
    assert_eq!(
        process(2).unit_invocation_id().unwrap().as_deref(),
        Some(INVOCATION),
        "trusted.invocation_id"
    );

    let session = process(3).cgroup().unwrap();
    assert_eq!(
        (session.unit(), session.session(), session.owner_uid()),
        (Some("session-3.scope"), Some("3"), Some(1000))
    );
    assert_eq!(session.slice(), Some("user-1000.slice"));
    assert_eq!(
        process(3).unit_invocation_id().unwrap().as_deref(),
        Some(INVOCATION),
        "user.* on root's directory"
    );
    assert_eq!(
        process(4).unit_invocation_id().unwrap(),
        None,
        "user.* on a directory its unit owns"
    );

    // Outside the daemon's cgroup namespace: its path would start with /..
    // Linux 6.13 gives the id of that cgroup all the same; without a path,
    // older kernels cannot.
    assert_eq!(process(5).cgroup(), Err(Error::CgroupNotVisible));
    for (index, id) in ids.iter().enumerate() {
        match process(index).cgroup_id() {
            Err(Error::CgroupNotVisible) if index == 5 && !native(6, 13) => {}
            got => assert_eq!(got, Ok(*id), "cgroup id of peer {index}"),
        }
    }
    let moved = process(6).cgroup().unwrap();
    assert_eq!(
        moved.unit(),
        Some("moved.service"),
        "the live thread's cgroup"
    );
}
