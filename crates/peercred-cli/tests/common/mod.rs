//! Shared by the command's tests: running `peercred`, temporary folders another
//! uid can use, and servers in other processes (as uid 65534 when we are root).
#![allow(dead_code)] // each test binary uses a different part

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Output, Stdio};
use std::time::{Duration, Instant};

// The core's test helpers: temporary folders, forked children, PID namespaces.
#[path = "../../../peercred/tests/common/mod.rs"]
pub mod core_tests;
pub use core_tests::{is_root, TempDir, NOBODY};

pub const PEERCRED: &str = env!("CARGO_BIN_EXE_peercred");
pub const SERVERS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/servers.py");
pub const SENDER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sender.py");

pub fn peercred(args: &[&str]) -> Output {
    Command::new(PEERCRED).args(args).output().unwrap()
}

/// Runs `peercred args` and the time it took.
pub fn timed(args: &[&str]) -> (Output, Duration) {
    let started = Instant::now();
    let out = peercred(args);
    (out, started.elapsed())
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A temporary folder (removed on drop) in which every uid may create sockets.
pub fn shared_dir() -> TempDir {
    let dir = TempDir::new();
    core_tests::chmod(&dir.0, 0o777);
    dir
}

pub fn json(out: &std::process::Output) -> serde_json::Value {
    assert_eq!(out.status.code(), Some(0), "{}", stderr(out));
    serde_json::from_str(&stdout(out)).unwrap()
}

pub fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// One line on standard error, exit status 1, nothing on standard output.
pub fn assert_fails(out: &std::process::Output, says: &[&str]) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(out.stdout.is_empty(), "{}", stdout(out));
    for part in says {
        assert!(err.contains(part), "{part:?} not in {err}");
    }
}

/// What every command says of PATH once the process the kernel recorded at
/// listen(), `creator`, has exited: no pid as alive, nothing signalled, no wait.
pub fn assert_creator_gone(path: &str, creator: i32) {
    let value = json(&peercred(&["who", "--json", path]));
    assert_eq!(value["alive"], false);
    assert_eq!(value["pid"], serde_json::Value::Null);
    assert_eq!(value["recorded_pid"], creator);
    assert_eq!(value["exe"], serde_json::Value::Null);
    assert_eq!(value["uid"], server_uid());

    let text = stdout(&peercred(&["who", path]));
    assert!(text.contains("pid=none (it has exited"), "{text}");
    assert!(!text.contains(&format!("pid={creator}")), "{text}");
    assert!(!text.contains("exe="), "{text}");
    assert_fails(&peercred(&["who", "--pid", path]), &["has exited"]);
    for signal in ["TERM", "KILL"] {
        assert_fails(
            &peercred(&["kill", path, "-s", signal]),
            &["has exited", "nothing signalled"],
        );
    }
    assert_fails(
        &peercred(&["wait", path, "--timeout", "5"]),
        &["has exited", "not waiting"],
    );
}

/// The system's Python: one under root's home (pyenv) is not reachable by uid 65534.
pub fn python() -> &'static str {
    if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    }
}

/// `program args` as uid/gid 65534 without supplementary groups when we are
/// root (setpriv execs, so the child's pid is the program's); as ourselves otherwise.
pub fn as_other_uid(program: &str, args: &[&str]) -> Command {
    if is_root() {
        let mut command = Command::new("setpriv");
        command
            .args([
                format!("--reuid={NOBODY}"),
                format!("--regid={NOBODY}"),
                "--clear-groups".into(),
                program.into(),
            ])
            .args(args);
        command
    } else {
        eprintln!("note: not root, so the server runs in our own uid (setpriv needs root)");
        let mut command = Command::new(program);
        command.args(args);
        command
    }
}

/// The uid the servers of `as_other_uid` run as.
pub fn server_uid() -> u32 {
    if is_root() {
        NOBODY
    } else {
        // SAFETY: plain libc getter.
        unsafe { libc::geteuid() }
    }
}

/// A server process; killed and reaped on drop if still running.
pub struct Server {
    pub child: Child,
    pub stdout: BufReader<ChildStdout>,
}

impl Server {
    /// Starts `command` with piped stdin, stdout and stderr.
    pub fn spawn(mut command: Command) -> Server {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Server { child, stdout }
    }

    /// `peercred serve PATH` as another uid, once it listens.
    pub fn serve(path: &Path) -> Server {
        let mut server = Server::spawn(as_other_uid(PEERCRED, &["serve", path.to_str().unwrap()]));
        let line = server.stderr_line();
        assert!(line.contains("listening"), "{line}");
        server
    }

    /// `peercred serve --dgram PATH` as ourselves, once it listens, with the
    /// socket file made writable by every uid so that any may send.
    pub fn serve_dgram(path: &Path) -> Server {
        let mut command = Command::new(PEERCRED);
        command.args(["serve", "--dgram", path.to_str().unwrap()]);
        Server::receiving(command, path)
    }

    /// Starts `command`, a `peercred serve --dgram PATH` however wrapped, as
    /// [`Server::serve_dgram`] does.
    pub fn receiving(command: Command, path: &Path) -> Server {
        let mut server = Server::spawn(command);
        let line = server.stderr_line();
        assert!(line.contains("listening for datagrams"), "{line}");
        if !path.as_os_str().as_encoded_bytes().starts_with(b"@") {
            core_tests::chmod(path, 0o666);
        }
        server
    }

    /// One of tests/servers.py's roles as another uid, once it printed its first line.
    pub fn python(role: &str, path: &Path) -> (Server, String) {
        let mut server = Server::spawn(as_other_uid(
            python(),
            &[SERVERS, role, path.to_str().unwrap()],
        ));
        let line = server.line();
        (server, line)
    }

    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// The next line of its standard output.
    pub fn line(&mut self) -> String {
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        line
    }

    pub fn stderr_line(&mut self) -> String {
        let err = self.child.stderr.as_mut().unwrap();
        // One byte at a time, so that nothing after the line is read ahead and lost.
        let mut line = Vec::new();
        let mut byte = [0u8];
        while std::io::Read::read(err, &mut byte).unwrap() == 1 && byte[0] != b'\n' {
            line.push(byte[0]);
        }
        String::from_utf8_lossy(&line).into_owned()
    }

    /// Everything left on its standard error (once it has exited).
    pub fn rest_of_stderr(&mut self) -> String {
        let mut rest = String::new();
        std::io::Read::read_to_string(self.child.stderr.as_mut().unwrap(), &mut rest).unwrap();
        rest
    }

    /// Whether it still runs (not reaped, not a zombie).
    pub fn running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Makes `getsockopt(SO_PEERPIDFD)` fail with ENOPROTOOPT in the process that
/// `command` starts, as on kernels before 6.5.
pub fn without_so_peerpidfd(command: &mut Command) {
    without_socket_option(command, libc::SYS_getsockopt, libc::SO_PEERPIDFD);
}

/// Makes `setsockopt(SO_PASSPIDFD)` fail with ENOPROTOOPT in the process that
/// `command` starts, as on kernels before 6.5: messages then carry no pidfd.
pub fn without_so_passpidfd(command: &mut Command) {
    without_socket_option(command, libc::SYS_setsockopt, libc::SO_PASSPIDFD);
}

/// Makes `syscall` (getsockopt or setsockopt) of `option` fail with
/// ENOPROTOOPT: a seccomp filter installed between fork and exec.
fn without_socket_option(command: &mut Command, syscall: libc::c_long, option: libc::c_int) {
    #[cfg(target_arch = "x86_64")]
    const AUDIT_ARCH: u32 = 0xC000_003E;
    #[cfg(target_arch = "aarch64")]
    const AUDIT_ARCH: u32 = 0xC000_00B7;
    const ARCH: u32 = 4; // offsetof(struct seccomp_data, arch)
    const NR: u32 = 0; // offsetof(struct seccomp_data, nr)
    const OPTNAME: u32 = 16 + 2 * 8; // args[2] of get/setsockopt, its low half on a little-endian machine
    let load = |offset| libc::sock_filter {
        code: (libc::BPF_LD | libc::BPF_W | libc::BPF_ABS) as u16,
        jt: 0,
        jf: 0,
        k: offset,
    };
    let skip_unless = |value, skip| libc::sock_filter {
        code: (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16,
        jt: 0,
        jf: skip,
        k: value,
    };
    let ret = |value| libc::sock_filter {
        code: (libc::BPF_RET | libc::BPF_K) as u16,
        jt: 0,
        jf: 0,
        k: value,
    };
    let filter = [
        load(ARCH),
        skip_unless(AUDIT_ARCH, 5),
        load(NR),
        skip_unless(syscall as u32, 3),
        load(OPTNAME),
        skip_unless(option as u32, 1),
        ret(libc::SECCOMP_RET_ERRNO | libc::ENOPROTOOPT as u32),
        ret(libc::SECCOMP_RET_ALLOW),
    ];
    // SAFETY: only prctl and seccomp between fork and exec; the filter is
    // moved into the closure and outlives the call.
    unsafe {
        command.pre_exec(move || {
            let program = libc::sock_fprog {
                len: filter.len() as u16,
                filter: filter.as_ptr() as *mut libc::sock_filter,
            };
            if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
                || libc::syscall(
                    libc::SYS_seccomp,
                    libc::SECCOMP_SET_MODE_FILTER,
                    0,
                    &program as *const libc::sock_fprog,
                ) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// Runs `peercred args` as on a kernel without SO_PEERPIDFD; an error when the
/// filter cannot be installed.
pub fn peercred_without_so_peerpidfd(args: &[&str]) -> std::io::Result<Output> {
    let mut command = Command::new(PEERCRED);
    command.args(args);
    without_so_peerpidfd(&mut command);
    command.output()
}
