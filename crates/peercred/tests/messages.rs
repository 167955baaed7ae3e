//! Per-message credentials with senders in other processes and under other
//! uids. Each check forks, so they run in one #[test], one at a time.

mod common;

use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::net::{UnixDatagram, UnixStream};
use std::path::Path;

use common::{become_nobody, chmod, is_root, open_fds, reap, sockaddr, TempDir, NOBODY};
use peercred::{Address, Error, Message};

#[test]
fn messages() {
    interleaved_senders_each_get_their_own_credentials();
    a_message_queued_before_pass_credentials_has_none();
    unnamed_path_and_abstract_senders();
    credentials_are_the_real_ids_of_the_sender();
    for kind in [libc::SOCK_SEQPACKET, libc::SOCK_STREAM] {
        the_writer_is_named_after_the_socket_changed_hands(kind);
    }
    privileged_senders_choose_what_they_send();
    attached_descriptors_never_leak();
    truncated_data_is_reported();
    control_data_the_kernel_dropped_is_reported();
    a_sender_that_exited_still_has_credentials_but_no_facts();
    a_sender_outside_our_pid_namespace_has_no_pid();
}

/// A datagram socket at a path that other users can reach, passing
/// credentials from before it can receive anything.
fn receiver(dir: &TempDir) -> UnixDatagram {
    let socket = UnixDatagram::unbound().unwrap();
    peercred::pass_credentials(&socket).unwrap();
    bind(socket.as_raw_fd(), &dir.path("log"));
    chmod(&dir.path("log"), 0o666);
    socket
}

/// Whether the kernel took SO_PASSPIDFD (Linux 6.5 and later).
fn passes_pidfd(socket: &impl AsFd) -> bool {
    let (mut value, mut len) = (0i32, 4u32);
    // SAFETY: an int option into an int.
    let rc = unsafe {
        libc::getsockopt(
            socket.as_fd().as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_PASSPIDFD,
            (&mut value as *mut i32).cast(),
            &mut len,
        )
    };
    rc == 0 && value == 1
}

fn bind(fd: RawFd, path: &Path) {
    let addr = sockaddr(path);
    // SAFETY: a valid sockaddr_un and its size.
    let rc = unsafe {
        libc::bind(
            fd,
            (&addr as *const libc::sockaddr_un).cast(),
            size_of_val(&addr) as u32,
        )
    };
    assert_eq!(rc, 0, "bind {path:?}: {}", std::io::Error::last_os_error());
}

fn recv(socket: &impl AsFd) -> (Vec<u8>, Message) {
    let mut buf = vec![0; 4096];
    let message = peercred::recv(socket, &mut buf).unwrap();
    buf.truncate(message.len().min(4096));
    (buf, message)
}

/// Forks a process that runs `body` (system calls only) and exits with its code.
fn spawn(body: impl FnOnce() -> i32) -> i32 {
    // SAFETY: the child only makes system calls, then _exit.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0);
    if pid == 0 {
        let code = body();
        unsafe { libc::_exit(code) };
    }
    pid
}

fn new_socket(kind: i32) -> RawFd {
    // SAFETY: socket(2) returns a new descriptor or -1.
    unsafe { libc::socket(libc::AF_UNIX, kind | libc::SOCK_CLOEXEC, 0) }
}

/// sendmsg of `data` (and `control`, a prepared cmsg buffer) to `to`, or on
/// the connected `fd` when `to` is None; 0 on success, the errno otherwise.
fn send(fd: RawFd, to: Option<&libc::sockaddr_un>, data: &[u8], control: &mut [u8]) -> i32 {
    let mut iov = libc::iovec {
        iov_base: data.as_ptr() as *mut _,
        iov_len: data.len(),
    };
    // SAFETY: all-zero msghdr is valid; the pointers outlive the call.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    if let Some(to) = to {
        msg.msg_name = (to as *const libc::sockaddr_un) as *mut _;
        msg.msg_namelen = size_of::<libc::sockaddr_un>() as u32;
    }
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    if !control.is_empty() {
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = control.len() as _;
    }
    // SAFETY: msg describes valid buffers.
    if unsafe { libc::sendmsg(fd, &msg, libc::MSG_NOSIGNAL) } < 0 {
        std::io::Error::last_os_error().raw_os_error().unwrap()
    } else {
        0
    }
}

/// One control entry for sendmsg (prepared before fork: no allocation in the child).
fn cmsg(kind: i32, data: &[u8]) -> Vec<u8> {
    // SAFETY: CMSG_SPACE/CMSG_LEN are arithmetic; the header is written inside the buffer.
    unsafe {
        let mut buf = vec![0u8; libc::CMSG_SPACE(data.len() as u32) as usize];
        let hdr = buf.as_mut_ptr().cast::<libc::cmsghdr>();
        (*hdr).cmsg_level = libc::SOL_SOCKET;
        (*hdr).cmsg_type = kind;
        (*hdr).cmsg_len = libc::CMSG_LEN(data.len() as u32) as _;
        std::ptr::copy_nonoverlapping(data.as_ptr(), libc::CMSG_DATA(hdr), data.len());
        buf
    }
}

fn ucred(pid: i32, uid: u32, gid: u32) -> Vec<u8> {
    [pid.to_ne_bytes(), uid.to_ne_bytes(), gid.to_ne_bytes()].concat()
}

fn getpid() -> i32 {
    // SAFETY: plain libc getter.
    unsafe { libc::getpid() }
}

fn pid_in(data: &[u8]) -> i32 {
    i32::from_ne_bytes(data[..4].try_into().unwrap())
}

fn ids(message: &Message) -> Option<(Option<i32>, u32, u32)> {
    message.cred().map(|c| (c.pid(), c.uid(), c.gid()))
}

fn interleaved_senders_each_get_their_own_credentials() {
    const EACH: usize = 50;
    let dir = TempDir::new();
    let socket = receiver(&dir);
    let to = sockaddr(&dir.path("log"));
    let nobody = is_root();
    let senders: Vec<(i32, u32)> = (0..4)
        .map(|i| {
            let other = nobody && i % 2 == 1;
            let pid = spawn(move || {
                if other {
                    become_nobody(&[]);
                }
                let fd = new_socket(libc::SOCK_DGRAM);
                let me = getpid().to_ne_bytes();
                for _ in 0..EACH {
                    if send(fd, Some(&to), &me, &mut []) != 0 {
                        return 1;
                    }
                }
                0
            });
            (pid, if other { NOBODY } else { 0 })
        })
        .collect();
    let mut seen = std::collections::HashMap::new();
    for _ in 0..4 * EACH {
        let (data, message) = recv(&socket);
        let sender = pid_in(&data);
        let &(_, uid) = senders
            .iter()
            .find(|(pid, _)| *pid == sender)
            .expect("a sender's pid");
        let uid = if is_root() {
            uid
        } else {
            unsafe { libc::getuid() }
        };
        let cred = message.cred().expect("credentials");
        assert_eq!(
            (cred.pid(), cred.uid(), cred.gid()),
            (Some(sender), uid, uid)
        );
        if *seen.entry(sender).and_modify(|n| *n += 1).or_insert(1) == 1 {
            if let Ok(process) = message.peer_process() {
                assert_eq!(process.pid(), Some(sender), "the pidfd names the sender");
            }
        }
    }
    for (pid, _) in senders {
        assert_eq!(reap(pid), 0);
    }
    assert!(seen.values().all(|&n| n == EACH));
}

fn a_message_queued_before_pass_credentials_has_none() {
    let dir = TempDir::new();
    let socket = UnixDatagram::bind(dir.path("log")).unwrap();
    let to = sockaddr(&dir.path("log"));
    let sender = spawn(|| send(new_socket(libc::SOCK_DGRAM), Some(&to), b"early", &mut []));
    assert_eq!(reap(sender), 0);
    peercred::pass_credentials(&socket).unwrap();
    let (data, early) = recv(&socket);
    assert_eq!(data, b"early");
    assert_eq!(ids(&early), None, "the kernel's placeholder is no sender");
    assert!(early.pidfd().is_none());
    assert_eq!(early.peer_process().unwrap_err(), Error::NoCredentials);
    assert_eq!(early.peer_process().unwrap_err().errno(), libc::ENODATA);
    let sender = spawn(|| send(new_socket(libc::SOCK_DGRAM), Some(&to), b"later", &mut []));
    let (_, later) = recv(&socket);
    assert_eq!(later.cred().unwrap().pid(), Some(sender));
    assert_eq!(reap(sender), 0);
}

fn unnamed_path_and_abstract_senders() {
    let dir = TempDir::new();
    let socket = receiver(&dir);
    let to = sockaddr(&dir.path("log"));
    let named = sockaddr(&dir.path("sender"));
    let mut abstract_name: libc::sockaddr_un = sockaddr(Path::new("Xpeercred-test-abstract"));
    abstract_name.sun_path[0] = 0;
    let abstract_len = (2 + "Xpeercred-test-abstract".len()) as u32;
    let sender = spawn(move || {
        let unnamed = new_socket(libc::SOCK_DGRAM);
        let path = new_socket(libc::SOCK_DGRAM);
        let abstract_socket = new_socket(libc::SOCK_DGRAM);
        // SAFETY: valid sockaddr_un values and their lengths.
        let bound = unsafe {
            libc::bind(
                path,
                (&named as *const libc::sockaddr_un).cast(),
                size_of_val(&named) as u32,
            ) == 0
                && libc::bind(
                    abstract_socket,
                    (&abstract_name as *const libc::sockaddr_un).cast(),
                    abstract_len,
                ) == 0
        };
        let sent = [unnamed, path, abstract_socket]
            .iter()
            .all(|&fd| send(fd, Some(&to), b"hi", &mut []) == 0);
        if bound && sent {
            0
        } else {
            1
        }
    });
    let addresses: Vec<String> = (0..3)
        .map(|_| format!("{:?}", recv(&socket).1.address()))
        .collect();
    assert_eq!(reap(sender), 0);
    assert_eq!(
        addresses,
        [
            format!("{:?}", Address::Unnamed),
            format!("{:?}", Address::Path(&dir.path("sender"))),
            format!("{:?}", Address::Abstract(b"peercred-test-abstract")),
        ]
    );
}

/// SCM_CREDENTIALS carries the sender's real uid and gid, where SO_PEERCRED
/// records the effective ones: a process running with euid 65534 and real uid
/// 0 sends as 0.
fn credentials_are_the_real_ids_of_the_sender() {
    if !is_root() {
        eprintln!("skipped: a sender whose real and effective uids differ needs root");
        return;
    }
    let dir = TempDir::new();
    let socket = receiver(&dir);
    let to = sockaddr(&dir.path("log"));
    let sender = spawn(|| {
        // SAFETY: plain system calls in the child.
        if unsafe { libc::setresgid(0, NOBODY, 0) != 0 || libc::setresuid(0, NOBODY, 0) != 0 } {
            return 3;
        }
        send(new_socket(libc::SOCK_DGRAM), Some(&to), b"x", &mut [])
    });
    let (_, message) = recv(&socket);
    assert_eq!(ids(&message), Some((Some(sender), 0, 0)));
    assert_eq!(reap(sender), 0);
}

/// Receives one descriptor over `from` (SCM_RIGHTS).
fn receive_fd(from: RawFd) -> RawFd {
    let mut byte = [0u8];
    let mut iov = libc::iovec {
        iov_base: byte.as_mut_ptr().cast(),
        iov_len: 1,
    };
    let mut control = [0u64; 8];
    // SAFETY: all-zero msghdr is valid; the buffers outlive the call.
    unsafe {
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = size_of_val(&control) as _;
        if libc::recvmsg(from, &mut msg, 0) <= 0 || msg.msg_controllen == 0 {
            return -1;
        }
        *(libc::CMSG_DATA(libc::CMSG_FIRSTHDR(&msg)) as *const i32)
    }
}

/// A client connects, then hands its connected socket to a process of another
/// uid, which writes: SO_PEERCRED still names the client, the message names
/// the writer. The listener passes credentials; accepted sockets inherit it.
fn the_writer_is_named_after_the_socket_changed_hands(kind: i32) {
    let dir = TempDir::new();
    // SAFETY: socket/bind/listen on a fresh descriptor.
    let listener = unsafe { OwnedFd::from_raw_fd(new_socket(kind)) };
    let addr = sockaddr(&dir.path("conn"));
    bind(listener.as_raw_fd(), &dir.path("conn"));
    // SAFETY: listen on a bound socket.
    assert_eq!(unsafe { libc::listen(listener.as_raw_fd(), 4) }, 0);
    peercred::pass_credentials(&listener).unwrap();
    let (handoff_a, handoff_b) = UnixStream::pair().unwrap();
    let (a, b) = (handoff_a.as_raw_fd(), handoff_b.as_raw_fd());
    let rights = cmsg(libc::SCM_RIGHTS, &[0u8; 4]);
    let other = is_root();
    let writer = spawn(move || {
        if other {
            become_nobody(&[]);
        }
        let fd = receive_fd(b);
        if fd < 0 {
            return 2;
        }
        send(fd, None, &getpid().to_ne_bytes(), &mut [])
    });
    let client = spawn(move || {
        let fd = new_socket(kind);
        // SAFETY: connect with a valid address.
        if unsafe {
            libc::connect(
                fd,
                (&addr as *const libc::sockaddr_un).cast(),
                size_of_val(&addr) as u32,
            )
        } != 0
        {
            return 1;
        }
        let mut rights = rights;
        let data_at = unsafe { libc::CMSG_LEN(0) } as usize;
        rights[data_at..data_at + 4].copy_from_slice(&fd.to_ne_bytes());
        send(a, None, b"f", &mut rights)
    });
    // SAFETY: accept on a listening socket.
    let conn = unsafe {
        OwnedFd::from_raw_fd(libc::accept4(
            listener.as_raw_fd(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            libc::SOCK_CLOEXEC,
        ))
    };
    assert_eq!(reap(client), 0);
    let (data, message) = recv(&conn);
    let want_uid = if other { NOBODY } else { 0 };
    assert_eq!(pid_in(&data), writer);
    assert_eq!(
        ids(&message),
        Some((Some(writer), want_uid, want_uid)),
        "kind {kind}"
    );
    let at_connect = peercred::read(&conn).unwrap();
    assert_eq!(
        (at_connect.pid(), at_connect.uid()),
        (Some(client), 0),
        "SO_PEERCRED names the client"
    );
    assert_eq!(reap(writer), 0);
    // Everyone closed: the end of the connection carries no sender (on a
    // stream the kernel writes zeroed credentials, uid 0, there).
    drop(listener);
    let (data, end) = recv(&conn);
    assert_eq!((data.len(), ids(&end)), (0, None), "kind {kind}");
}

/// Root may send any pid, uid and gid; the pidfd follows the pid it names.
/// Others may not name another process.
fn privileged_senders_choose_what_they_send() {
    if !is_root() {
        eprintln!("skipped: explicit SCM_CREDENTIALS with other ids needs root");
        return;
    }
    let dir = TempDir::new();
    let socket = receiver(&dir);
    let to = sockaddr(&dir.path("log"));
    let mut claim = cmsg(libc::SCM_CREDENTIALS, &ucred(1, 1234, 5678));
    let sender = spawn(move || {
        send(
            new_socket(libc::SOCK_DGRAM),
            Some(&to),
            b"claim",
            &mut claim,
        )
    });
    let (_, message) = recv(&socket);
    assert_eq!(reap(sender), 0);
    assert_eq!(
        ids(&message),
        Some((Some(1), 1234, 5678)),
        "root's claim is delivered as sent"
    );
    if message.pidfd().is_some() {
        assert_eq!(
            message.peer_process().unwrap().pid(),
            Some(1),
            "SCM_PIDFD follows the claimed pid"
        );
    }
    let mut other_pid = cmsg(libc::SCM_CREDENTIALS, &ucred(1, NOBODY, NOBODY));
    let refused = spawn(move || {
        become_nobody(&[]);
        send(
            new_socket(libc::SOCK_DGRAM),
            Some(&to),
            b"claim",
            &mut other_pid,
        )
    });
    assert_eq!(
        reap(refused),
        libc::EPERM,
        "an unprivileged sender cannot name pid 1"
    );
}

fn attached_descriptors_never_leak() {
    let dir = TempDir::new();
    let socket = receiver(&dir);
    let to = sockaddr(&dir.path("log"));
    let fds: Vec<u8> = (0..253).flat_map(|_| 0i32.to_ne_bytes()).collect(); // stdin, 253 times
    let mut three = cmsg(libc::SCM_RIGHTS, &fds[..12]);
    let mut most = cmsg(libc::SCM_RIGHTS, &fds);
    let before = open_fds();
    let sender = spawn(move || {
        let fd = new_socket(libc::SOCK_DGRAM);
        send(fd, Some(&to), b"3", &mut three) | send(fd, Some(&to), b"253", &mut most)
    });
    for want in [3, 253] {
        let (_, message) = recv(&socket);
        assert_eq!(message.discarded_fds(), want);
        assert!(!message.control_truncated());
        assert!(message.cred().is_some());
        assert_eq!(
            message.pidfd().is_some(),
            passes_pidfd(&socket),
            "the pidfd was not pushed out"
        );
    }
    assert_eq!(reap(sender), 0);
    assert_eq!(open_fds(), before, "a received descriptor leaked");
}

fn truncated_data_is_reported() {
    let (a, b) = UnixDatagram::pair().unwrap();
    peercred::pass_credentials(&a).unwrap();
    let sender = spawn(|| {
        send(b.as_raw_fd(), None, &[7; 200], &mut [])
            | send(b.as_raw_fd(), None, &[7; 200], &mut [])
    });
    let mut small = [0u8; 16];
    let cut = peercred::recv(&a, &mut small).unwrap();
    assert_eq!((cut.len(), cut.truncated()), (16, true));
    assert_eq!(cut.cred().unwrap().pid(), Some(sender));
    let real = peercred::recv_with_flags(&a, &mut small, peercred::RecvFlags::TRUNC).unwrap();
    assert_eq!((real.len(), real.truncated()), (200, true));
    assert_eq!(reap(sender), 0);
}

/// A receiver at its descriptor limit cannot take the descriptors a sender
/// attached, nor the pidfd: the kernel sets MSG_CTRUNC, which is reported,
/// and the credentials (which need no descriptor) are still complete.
fn control_data_the_kernel_dropped_is_reported() {
    let (a, b) = UnixDatagram::pair().unwrap();
    peercred::pass_credentials(&a).unwrap();
    let mut rights = cmsg(libc::SCM_RIGHTS, &[0u8; 8]);
    let sender = spawn(move || send(b.as_raw_fd(), None, b"x", &mut rights));
    assert_eq!(reap(sender), 0);
    let receiver = spawn(|| {
        const LIMIT: i32 = 64;
        // Fill every free descriptor below the limit, then lower the limit to it.
        for fd in 0..LIMIT {
            // SAFETY: fcntl probes, dup2 fills a free number.
            unsafe {
                if libc::fcntl(fd, libc::F_GETFD) < 0 {
                    libc::dup2(a.as_raw_fd(), fd);
                }
            }
        }
        let limit = libc::rlimit {
            rlim_cur: LIMIT as u64,
            rlim_max: LIMIT as u64,
        };
        // SAFETY: plain system call.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) } != 0 {
            return 2;
        }
        let mut buf = [0u8; 8];
        let Ok(message) = peercred::recv(&a, &mut buf) else {
            return 3;
        };
        // Linux < 6.5 makes no pidfd at all.
        let pidfd_refused = matches!(
            message.peer_process(),
            Err(Error::Os(libc::EMFILE) | Error::Unsupported(_))
        );
        match (
            message.control_truncated(),
            message.discarded_fds(),
            message.cred().is_some(),
            pidfd_refused,
        ) {
            (true, 0, true, true) => 0,
            _ => 4,
        }
    });
    assert_eq!(
        reap(receiver),
        0,
        "MSG_CTRUNC reported, credentials kept, the pidfd refused with EMFILE"
    );
}

fn a_sender_that_exited_still_has_credentials_but_no_facts() {
    let dir = TempDir::new();
    let socket = receiver(&dir);
    let to = sockaddr(&dir.path("log"));
    let sender = spawn(move || send(new_socket(libc::SOCK_DGRAM), Some(&to), b"bye", &mut []));
    assert_eq!(reap(sender), 0);
    let (_, message) = recv(&socket);
    assert_eq!(message.cred().unwrap().pid(), Some(sender));
    match message.peer_process() {
        Err(Error::PeerExited) => {}
        Err(Error::Unsupported(why)) => eprintln!("skipped the pidfd half: {why}"),
        other => panic!("a reaped sender's facts: {other:?}"),
    }
}

/// The receiver is pid 1 of a new PID namespace; the sender (this process)
/// is outside it: the kernel reports pid 0 with real ids, which are
/// credentials without a pid, not the placeholder.
fn a_sender_outside_our_pid_namespace_has_no_pid() {
    let (a, b) = UnixDatagram::pair().unwrap();
    peercred::pass_credentials(&a).unwrap();
    let outer = spawn(move || {
        // SAFETY: plain system calls.
        if unsafe { libc::unshare(libc::CLONE_NEWPID) } != 0 {
            return 77;
        }
        let inner = spawn(move || {
            let mut buf = [0u8; 8];
            match peercred::recv(&a, &mut buf).map(|m| ids(&m)) {
                // SAFETY: plain libc getters.
                Ok(Some((None, uid, gid)))
                    if (uid, gid) == unsafe { (libc::getuid(), libc::getgid()) } =>
                {
                    0
                }
                _ => 1,
            }
        });
        reap(inner)
    });
    b.send(b"from outside").unwrap();
    match reap(outer) {
        77 => eprintln!("skipped: unshare(CLONE_NEWPID) is not permitted here"),
        code => assert_eq!(code, 0, "pid unknown, ids kept"),
    }
}
