//! Shared by the integration tests: the fixtures of tests/cases.json, and
//! peers in forked processes.
#![allow(dead_code)] // each test binary uses a different part

use std::ffi::CString;
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::net::{UnixDatagram, UnixListener, UnixStream};
use std::path::PathBuf;

pub const NOBODY: u32 = 65534;

pub fn cases() -> serde_json::Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/cases.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

pub fn me() -> (Option<i32>, u32, u32) {
    // SAFETY: plain libc getters.
    unsafe { (Some(libc::getpid()), libc::geteuid(), libc::getegid()) }
}

/// Whether the kernel answers as one without SO_PEERPIDFD (Linux 5.3 to 6.4):
/// tests/old-kernel/as-old-kernel says so (PEERCRED_AS_OLD_KERNEL), as does
/// its runner on a real Linux 6.1. PeerProcess of a socket is then the
/// sock_diag fallback's, and there is no PIDFD_GET_INFO either.
pub fn as_old_kernel() -> bool {
    std::env::var_os("PEERCRED_AS_OLD_KERNEL").is_some()
}

pub fn is_root() -> bool {
    // SAFETY: plain libc getter.
    unsafe { libc::geteuid() == 0 }
}

/// A temporary folder that a client under another uid can reach; removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("peercred-rs-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).unwrap();
        chmod(&dir, 0o755);
        TempDir(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What a fixture holds open; `fd` is the descriptor to read, `peer` the pid
/// of the helper process that made it (the `*-other-process` fixtures).
pub struct Fixture {
    pub fd: RawFd,
    pub peer: Option<i32>,
    _keep: Vec<OwnedFd>,
    _helper: Option<Helper>,
    _dir: TempDir,
}

/// A forked helper process that made a fixture and handed it over; killed
/// and reaped on drop (other test threads may hold copies of any pipe it
/// could wait on).
struct Helper(i32);

impl Drop for Helper {
    fn drop(&mut self) {
        // SAFETY: our own child, killed and reaped.
        unsafe {
            libc::kill(self.0, libc::SIGKILL);
            libc::waitpid(self.0, std::ptr::null_mut(), 0);
        }
    }
}

/// Runs `io` on a one-byte message with room for one SCM_RIGHTS descriptor.
/// Async-signal-safe.
///
/// # Safety
/// `io` gets a msghdr whose pointers are valid only during the call.
unsafe fn with_message<T>(io: impl FnOnce(&mut libc::msghdr) -> T) -> T {
    let mut byte = 0u8;
    let mut iov = libc::iovec {
        iov_base: (&mut byte as *mut u8).cast(),
        iov_len: 1,
    };
    // Aligned for cmsghdr, and larger than CMSG_SPACE(sizeof(int)).
    let mut control = [0u64; 4];
    let mut msg: libc::msghdr = std::mem::zeroed();
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    // `as _`: socklen_t on musl, size_t on glibc.
    msg.msg_controllen = std::mem::size_of_val(&control) as _;
    io(&mut msg)
}

/// Sends `fd` over `chan` (SCM_RIGHTS). Async-signal-safe.
pub fn send_fd(chan: RawFd, fd: RawFd) -> bool {
    // SAFETY: one control message, laid out as cmsg(3) prescribes.
    unsafe {
        with_message(|msg| {
            msg.msg_controllen = libc::CMSG_SPACE(size_of::<RawFd>() as u32) as _;
            let cmsg = libc::CMSG_FIRSTHDR(msg);
            (*cmsg).cmsg_level = libc::SOL_SOCKET;
            (*cmsg).cmsg_type = libc::SCM_RIGHTS;
            (*cmsg).cmsg_len = libc::CMSG_LEN(size_of::<RawFd>() as u32) as _;
            std::ptr::write_unaligned(libc::CMSG_DATA(cmsg).cast::<RawFd>(), fd);
            libc::sendmsg(chan, msg, 0) == 1
        })
    }
}

/// Receives one descriptor sent by [`send_fd`].
pub fn recv_fd(chan: RawFd) -> OwnedFd {
    // SAFETY: as in send_fd; the received descriptor is new and ours.
    unsafe {
        with_message(|msg| {
            assert_eq!(
                libc::recvmsg(chan, msg, libc::MSG_CMSG_CLOEXEC),
                1,
                "the helper sent nothing"
            );
            let cmsg = libc::CMSG_FIRSTHDR(msg);
            assert!(!cmsg.is_null() && (*cmsg).cmsg_type == libc::SCM_RIGHTS);
            OwnedFd::from_raw_fd(std::ptr::read_unaligned(
                libc::CMSG_DATA(cmsg).cast::<RawFd>(),
            ))
        })
    }
}

/// The `*-other-process` fixtures: a forked helper listens on `path`,
/// connects and accepts (or only makes a socketpair), hands over the socket
/// that `name` asks for, keeps the rest, and waits to be killed. Only raw
/// system calls in the child: other test threads may hold locks.
fn from_helper(name: &str, path: &std::path::Path) -> (OwnedFd, Helper) {
    let addr = sockaddr(path);
    let addr_len = size_of_val(&addr) as u32;
    let chan = socketpair(libc::SOCK_STREAM);
    let want = match name {
        "unix-stream-accepted-other-process" => 0,
        "unix-stream-connecting-other-process" => 1,
        "socketpair-stream-other-process" => 2,
        "unix-stream-listening-other-process" => 3,
        other => panic!("unknown fixture {other}"),
    };
    // SAFETY: the child makes only async-signal-safe system calls.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0);
    if pid == 0 {
        unsafe {
            let sa = (&addr as *const libc::sockaddr_un).cast();
            let listener = libc::socket(libc::AF_UNIX, libc::SOCK_STREAM, 0);
            let handed = if want == 2 {
                let mut sv = [0; 2];
                libc::socketpair(libc::AF_UNIX, libc::SOCK_STREAM, 0, sv.as_mut_ptr());
                sv[0]
            } else {
                libc::bind(listener, sa, addr_len);
                libc::listen(listener, 4);
                if want == 3 {
                    listener
                } else {
                    let client = libc::socket(libc::AF_UNIX, libc::SOCK_STREAM, 0);
                    libc::connect(client, sa, addr_len);
                    let accepted =
                        libc::accept(listener, std::ptr::null_mut(), std::ptr::null_mut());
                    if want == 0 {
                        accepted
                    } else {
                        client
                    }
                }
            };
            if !send_fd(chan[1].as_raw_fd(), handed) {
                libc::_exit(1);
            }
            loop {
                libc::pause();
            }
        }
    }
    (recv_fd(chan[0].as_raw_fd()), Helper(pid))
}

fn socket(domain: i32, kind: i32) -> OwnedFd {
    // SAFETY: socket(2) returns a new descriptor or -1.
    let fd = unsafe { libc::socket(domain, kind | libc::SOCK_CLOEXEC, 0) };
    assert!(fd >= 0, "socket: {}", std::io::Error::last_os_error());
    // SAFETY: a new descriptor that we own.
    unsafe { OwnedFd::from_raw_fd(fd) }
}

fn seqpacket_connection(dir: &TempDir) -> Vec<OwnedFd> {
    let listener = seqpacket_listener(dir);
    let client = socket(libc::AF_UNIX, libc::SOCK_SEQPACKET);
    let addr = sockaddr(&dir.path("seq"));
    // SAFETY: a valid sockaddr_un of the given size.
    assert_eq!(
        unsafe {
            libc::connect(
                client.as_raw_fd(),
                (&addr as *const libc::sockaddr_un).cast(),
                size_of_val(&addr) as u32,
            )
        },
        0
    );
    // SAFETY: accept on a listening socket.
    let accepted = unsafe {
        libc::accept4(
            listener.as_raw_fd(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            libc::SOCK_CLOEXEC,
        )
    };
    assert!(accepted >= 0);
    // SAFETY: a new descriptor that we own.
    vec![unsafe { OwnedFd::from_raw_fd(accepted) }, client, listener]
}

pub fn seqpacket_listener(dir: &TempDir) -> OwnedFd {
    let fd = socket(libc::AF_UNIX, libc::SOCK_SEQPACKET);
    let addr = sockaddr(&dir.path("seq"));
    // SAFETY: a valid sockaddr_un; listen on the bound socket.
    unsafe {
        assert_eq!(
            libc::bind(
                fd.as_raw_fd(),
                (&addr as *const libc::sockaddr_un).cast(),
                size_of_val(&addr) as u32
            ),
            0
        );
        assert_eq!(libc::listen(fd.as_raw_fd(), 4), 0);
    }
    fd
}

pub fn sockaddr(path: &std::path::Path) -> libc::sockaddr_un {
    use std::os::unix::ffi::OsStrExt;
    // SAFETY: all-zero is a valid sockaddr_un.
    let mut addr: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
    for (dst, src) in addr.sun_path.iter_mut().zip(path.as_os_str().as_bytes()) {
        *dst = *src as libc::c_char;
    }
    addr
}

fn socketpair(kind: i32) -> Vec<OwnedFd> {
    let mut fds = [0; 2];
    // SAFETY: fds has room for two descriptors.
    assert_eq!(
        unsafe {
            libc::socketpair(
                libc::AF_UNIX,
                kind | libc::SOCK_CLOEXEC,
                0,
                fds.as_mut_ptr(),
            )
        },
        0
    );
    // SAFETY: two new descriptors that we own.
    fds.iter()
        .map(|&fd| unsafe { OwnedFd::from_raw_fd(fd) })
        .collect()
}

fn owned(value: impl Into<OwnedFd>) -> OwnedFd {
    value.into()
}

/// Builds the fixture `name` of tests/cases.json.
pub fn fixture(name: &str) -> Fixture {
    let dir = TempDir::new();
    if name.ends_with("-other-process") {
        let (fd, helper) = from_helper(name, &dir.path("helper"));
        return Fixture {
            fd: fd.as_raw_fd(),
            peer: Some(helper.0),
            _keep: vec![fd],
            _helper: Some(helper),
            _dir: dir,
        };
    }
    let unix_listener = |file: &str| UnixListener::bind(dir.path(file)).unwrap();
    let keep: Vec<OwnedFd> = match name {
        "socketpair-stream" => socketpair(libc::SOCK_STREAM),
        "socketpair-dgram" => socketpair(libc::SOCK_DGRAM),
        "socketpair-seqpacket" => socketpair(libc::SOCK_SEQPACKET),
        "unix-stream-accepted" | "unix-stream-connecting" => {
            let listener = unix_listener("s");
            let client = UnixStream::connect(dir.path("s")).unwrap();
            let (server, _) = listener.accept().unwrap();
            let (first, second) = if name.ends_with("accepted") {
                (server.into(), client.into())
            } else {
                (client.into(), server.into())
            };
            vec![first, second, owned(listener)]
        }
        "unix-seqpacket-accepted" => seqpacket_connection(&dir),
        "closed-fd" => {
            // A number far above the lowest free one: the tests of this binary
            // run in parallel threads, and a socket another test opens would
            // take a just-closed low number.
            let fd = socket(libc::AF_UNIX, libc::SOCK_STREAM);
            let mut limit = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            // SAFETY: getrlimit writes the struct it is given.
            assert_eq!(
                unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) },
                0
            );
            let high = limit.rlim_cur.saturating_sub(1).min(4000) as libc::c_int;
            // SAFETY: fcntl on a descriptor we own; the copy is closed at once.
            let number = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, high) };
            assert!(
                number >= high,
                "F_DUPFD: {}",
                std::io::Error::last_os_error()
            );
            // SAFETY: `number` is the copy made above, owned by nobody else.
            unsafe { libc::close(number) };
            return Fixture {
                fd: number,
                peer: None,
                _keep: Vec::new(),
                _helper: None,
                _dir: dir,
            };
        }
        "negative-fd" => {
            return Fixture {
                fd: -1,
                peer: None,
                _keep: Vec::new(),
                _helper: None,
                _dir: dir,
            }
        }
        "o-path-fd" => {
            // SAFETY: open(2) with a NUL-terminated path.
            let fd = unsafe { libc::open(c"/".as_ptr(), libc::O_PATH | libc::O_CLOEXEC) };
            // SAFETY: a new descriptor that we own.
            vec![unsafe { OwnedFd::from_raw_fd(fd) }]
        }
        "pipe" => {
            let mut fds = [0; 2];
            // SAFETY: fds has room for two descriptors.
            assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
            // SAFETY: two new descriptors that we own.
            fds.iter()
                .map(|&fd| unsafe { OwnedFd::from_raw_fd(fd) })
                .collect()
        }
        "regular-file" => vec![File::create(dir.path("file")).unwrap().into()],
        "dev-null" => vec![File::open("/dev/null").unwrap().into()],
        "tcp-listening" => vec![std::net::TcpListener::bind("127.0.0.1:0").unwrap().into()],
        "tcp-connected" => {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
            vec![
                listener.accept().unwrap().0.into(),
                client.into(),
                listener.into(),
            ]
        }
        "udp" => vec![std::net::UdpSocket::bind("127.0.0.1:0").unwrap().into()],
        "netlink" => vec![socket(libc::AF_NETLINK, libc::SOCK_RAW)],
        "unix-stream-unconnected" => vec![socket(libc::AF_UNIX, libc::SOCK_STREAM)],
        "unix-stream-bound" => {
            let fd = socket(libc::AF_UNIX, libc::SOCK_STREAM);
            let addr = sockaddr(&dir.path("bound"));
            // SAFETY: a valid sockaddr_un of the given size.
            assert_eq!(
                unsafe {
                    libc::bind(
                        fd.as_raw_fd(),
                        (&addr as *const libc::sockaddr_un).cast(),
                        size_of_val(&addr) as u32,
                    )
                },
                0
            );
            vec![fd]
        }
        "unix-dgram-unbound" => vec![UnixDatagram::unbound().unwrap().into()],
        "unix-dgram-connected" => {
            let target = UnixDatagram::bind(dir.path("d")).unwrap();
            let socket = UnixDatagram::unbound().unwrap();
            socket.connect(dir.path("d")).unwrap();
            vec![socket.into(), target.into()]
        }
        "unix-stream-listening" => vec![unix_listener("l").into()],
        "unix-seqpacket-listening" => vec![seqpacket_listener(&dir)],
        other => panic!("unknown fixture {other}"),
    };
    Fixture {
        fd: keep[0].as_raw_fd(),
        peer: None,
        _keep: keep,
        _helper: None,
        _dir: dir,
    }
}

/// A client process forked from this one: it connects to `path` (after
/// `prepare`, e.g. dropping privileges, runs in the child), writes one byte,
/// then waits until `release`. Only async-signal-safe work in the child.
pub struct Client {
    pub pid: i32,
    hold: Option<UnixStream>,
}

impl Client {
    pub fn start(path: &std::path::Path, prepare: impl FnOnce()) -> Client {
        let (hold_parent, hold_child) = UnixStream::pair().unwrap();
        let addr = sockaddr(path);
        // SAFETY: the child only makes system calls, then _exit.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0);
        if pid == 0 {
            drop(hold_parent);
            prepare();
            let ok = connect_raw(&addr);
            let mut byte = [0u8];
            // Wait for the parent to close its end.
            unsafe { libc::read(hold_child.as_raw_fd(), byte.as_mut_ptr().cast(), 1) };
            unsafe { libc::_exit(if ok { 0 } else { 1 }) };
        }
        Client {
            pid,
            hold: Some(hold_parent),
        }
    }

    /// Lets the client exit; it stays a zombie until `reap`.
    pub fn release(&mut self) {
        self.hold = None;
    }

    /// Blocks until the released client has exited, without reaping it.
    pub fn wait_exit(&self) {
        // SAFETY: waitid with WNOWAIT leaves the child a zombie.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        unsafe {
            libc::waitid(
                libc::P_PID,
                self.pid as u32,
                &mut info,
                libc::WEXITED | libc::WNOWAIT,
            )
        };
    }

    pub fn reap(&mut self) -> i32 {
        self.release();
        let mut status = 0;
        // SAFETY: waits for our own child.
        unsafe { libc::waitpid(self.pid, &mut status, 0) };
        status
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if self.hold.is_some() {
            self.reap();
        }
    }
}

/// A stream socket connected to `addr`, kept open for the rest of the process
/// (only system calls, so that a forked child may call it); false on failure.
pub fn connect_raw(addr: &libc::sockaddr_un) -> bool {
    // SAFETY: socket(2), and connect(2) with a sockaddr_un of its own size.
    unsafe {
        let fd = libc::socket(libc::AF_UNIX, libc::SOCK_STREAM, 0);
        fd >= 0
            && libc::connect(
                fd,
                (addr as *const libc::sockaddr_un).cast(),
                size_of_val(addr) as u32,
            ) == 0
    }
}

/// Drops to uid/gid 65534 with `groups` as supplementary groups, in a child.
pub fn become_nobody(groups: &[u32]) {
    // SAFETY: async-signal-safe system calls in a forked child.
    unsafe {
        if libc::setgroups(groups.len(), groups.as_ptr()) != 0
            || libc::setgid(NOBODY) != 0
            || libc::setuid(NOBODY) != 0
        {
            libc::_exit(3);
        }
    }
}

/// A listener in a folder reachable by other users, and a client connected to it.
pub fn accept_client(prepare: impl FnOnce()) -> (UnixStream, Client, TempDir) {
    let dir = TempDir::new();
    let listener = UnixListener::bind(dir.path("s")).unwrap();
    chmod(&dir.path("s"), 0o666);
    let client = Client::start(&dir.path("s"), prepare);
    let (conn, _) = listener.accept().unwrap();
    (conn, client, dir)
}

pub fn chmod(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

pub fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// The exit status of a forked child that had to skip its part (and says why).
pub const SKIP: i32 = 77;

/// Runs `child` in a forked process and returns its exit code; 77 means "skipped".
pub fn in_child(child: impl FnOnce() -> i32) -> i32 {
    // SAFETY: the test binaries that use this run one test at a time.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(child)).unwrap_or(101);
        unsafe { libc::_exit(code) };
    }
    reap(pid)
}

/// Waits for the child `pid`: its exit code, or 128 + the signal that killed it.
pub fn reap(pid: i32) -> i32 {
    let mut status = 0;
    // SAFETY: waits for our own child.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        128 + libc::WTERMSIG(status)
    }
}

/// In a new PID namespace (and a /proc mounted for it), as its pid 1: returns
/// `child`'s status, or SKIP if the kernel refuses.
pub fn as_init_of_new_pid_namespace(child: impl FnOnce() -> i32) -> i32 {
    // SAFETY: unshare affects this (forked, single-threaded) process only.
    if unsafe { libc::unshare(libc::CLONE_NEWPID | libc::CLONE_NEWNS) } != 0 {
        return SKIP;
    }
    in_child(|| {
        let proc_ = CString::new("proc").unwrap();
        let root = CString::new("/").unwrap();
        let target = CString::new("/proc").unwrap();
        // SAFETY: private mounts in our own mount namespace, so /proc shows our PID namespace.
        let mounted = unsafe {
            libc::mount(
                std::ptr::null(),
                root.as_ptr(),
                std::ptr::null(),
                libc::MS_REC | libc::MS_PRIVATE,
                std::ptr::null(),
            ) == 0
                && libc::mount(
                    proc_.as_ptr(),
                    target.as_ptr(),
                    proc_.as_ptr(),
                    0,
                    std::ptr::null(),
                ) == 0
        };
        if !mounted {
            return SKIP;
        }
        child()
    })
}

pub fn read_byte(stream: &mut UnixStream) -> u8 {
    let mut byte = [0];
    stream.read_exact(&mut byte).unwrap();
    byte[0]
}

pub fn write_byte(stream: &mut UnixStream, byte: u8) {
    stream.write_all(&[byte]).unwrap();
}

/// A pidfd for our own child `pid` (which cannot be reaped behind our back).
pub fn pidfd_open(pid: i32) -> OwnedFd {
    // SAFETY: pidfd_open returns a new descriptor or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    assert!(fd >= 0, "pidfd_open: {}", std::io::Error::last_os_error());
    // SAFETY: a new descriptor that we own.
    unsafe { OwnedFd::from_raw_fd(fd as RawFd) }
}

/// Polls `done` every millisecond for up to ten seconds.
pub fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..10_000 {
        if done() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    panic!("timed out waiting until {what}");
}

/// The one-letter state of `/proc/PID/status` (`Z` for a zombie).
pub fn proc_state(pid: i32) -> Option<char> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("State:"))
        .and_then(|state| state.trim().chars().next())
}

/// This test binary's audit session id, None outside any login session.
pub fn own_session() -> Option<u32> {
    let id: u32 = std::fs::read_to_string("/proc/self/sessionid")
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    (id != u32::MAX).then_some(id)
}

/// Unshares the calling (forked, single-threaded) process's namespaces
/// `flags`, which include a new mount namespace, and makes its mounts private,
/// so that what it mounts next stays its own; false when the kernel refuses.
pub fn unshare_with_private_mounts(flags: i32) -> bool {
    // SAFETY: unshare and mount affect this process's own namespaces.
    unsafe {
        libc::unshare(flags | libc::CLONE_NEWNS) == 0
            && libc::mount(
                std::ptr::null(),
                c"/".as_ptr(),
                std::ptr::null(),
                libc::MS_REC | libc::MS_PRIVATE,
                std::ptr::null(),
            ) == 0
    }
}

/// A forked peer that connects to `addr`, starts `thread` with the number of
/// `hold` as its argument, and ends its main thread (`SYS_exit`, not
/// exit_group): a process whose main thread is a zombie while `thread` runs
/// on. Only system calls in the child.
pub fn leaderless_peer(
    addr: &libc::sockaddr_un,
    thread: extern "C" fn(*mut std::ffi::c_void) -> *mut std::ffi::c_void,
    hold: RawFd,
) -> i32 {
    // SAFETY: the child makes system calls and starts one thread, then ends its main thread.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0);
    if pid == 0 {
        unsafe {
            if !connect_raw(addr) {
                libc::_exit(4);
            }
            let mut handle = std::mem::zeroed();
            if libc::pthread_create(
                &mut handle,
                std::ptr::null(),
                thread,
                hold as usize as *mut _,
            ) != 0
            {
                libc::_exit(5);
            }
            libc::syscall(libc::SYS_exit, 0);
        }
    }
    pid
}
