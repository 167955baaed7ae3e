//! `peercred serve PATH`: listens on PATH and prints each client's credentials
//! as it connects; with `--dgram`, receives datagrams there and prints each
//! one's sender and text (datagram.rs).
//!
//! It deletes nothing but a socket file nobody listens on: PATH must be a
//! socket (`lstat`, so a symlink is not followed) and a probe `connect()` must be
//! refused. Any other file at PATH is refused and left untouched; on exit it
//! removes its own socket only if PATH still is that socket.

use std::ffi::CString;
use std::io::{ErrorKind, Write};
use std::os::linux::net::SocketAddrExt;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::os::unix::net::{SocketAddr, UnixListener};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

use crate::connect::{abstract_name, connect, Unreachable};
use crate::datagram;
use crate::peer::Peer;
use crate::{fail, DEFAULT_CONNECT_TIMEOUT};

pub const LONG_ABOUT: &str = "\
Listen on PATH and print each client's credentials as it connects; with \
--dgram, print each datagram's sender and text as it arrives.

For each connection, one line on standard output: `pid=P uid=U (user) gid=G \
(group) exe=EXE`, the ids the kernel recorded at the client's connect() and \
its executable read through its pidfd; a client that has already exited gets \
`pid=none (...)` instead of a pid.

With --dgram, PATH is a datagram socket: a logger to try from the shell with \
`logger -u PATH hello` or `socat - UNIX-SENDTO:PATH`. It asks the kernel to \
attach each message's sender (SO_PASSCRED, and SO_PASSPIDFD on Linux 6.5+) \
before anything can arrive, and prints one line per datagram, `pid=P uid=U \
(user) gid=G (group) exe=EXE from=ADDRESS: TEXT`:
  pid=, uid=, gid=: what the kernel attached when the message was sent: the sender's pid and real uid and gid (a privileged sender may name others; see SECURITY.md). As for a connection, the pid is printed only while the pidfd the kernel attached (SCM_PIDFD) proves that the sender still runs: `pid=none (...)` once it has exited, `pid=unproven (...)` without a pidfd (Linux before 6.5).
  exe=: the sender's executable, read through that pidfd; `exe=unknown (...)` says why it is unknown.
  from=: the address the sending socket is bound to, if it is (a path, or @NAME for an abstract name). The sender chose it: it is no identity.
  truncated, fds=: a message longer than 65536 bytes is cut, and the line says `truncated (the first 65536 of N bytes)`; descriptors a sender attached are closed unread and counted.
  TEXT: the message without its trailing newlines. Backslashes, control bytes and bytes that are not UTF-8 are written as \\xNN, line separators and bidirectional controls as \\u{XXXX} (so are the address and the executable's name): no sender can forge a line.

A message that carries the kernel's placeholder instead of a sender (pid 0 \
with the overflow ids: one queued before SO_PASSCRED, or from a sender that \
this namespace can name neither by pid nor by id) is printed as \
`credentials=none (...)`, never as a user.

PATH must not exist, or be a socket file nobody listens on (a stale one), which \
is replaced. Anything else is refused with one line and exit status 1 and left \
untouched: a regular file, a directory, a symbolic link, a live server's socket \
(a stream, seqpacket or datagram one), or a server that is alive but not \
accepting. The socket file's mode follows the umask: for other users to \
connect or send, chmod it. On SIGINT or SIGTERM it says which signal arrived, \
removes its socket if PATH still is that socket, and exits 0.";

#[derive(clap::Args)]
pub struct Args {
    /// Where to listen: a path where nothing exists, a socket file nobody
    /// listens on (a stale one, which is replaced), or @NAME for a name in the
    /// abstract namespace.
    pub path: PathBuf,
    /// Receive datagrams at PATH instead of accepting connections, and print
    /// each one's sender and text as it arrives.
    #[arg(long)]
    pub dgram: bool,
    /// How long the probe of an existing socket waits for room in its server's
    /// accept queue, in seconds.
    #[arg(long, value_name = "SECONDS", default_value = DEFAULT_CONNECT_TIMEOUT, value_parser = crate::duration::parse)]
    pub timeout: Duration,
}

/// What the signal handler needs, set once before it is installed.
static SOCKET: OnceLock<CString> = OnceLock::new();
static SOCKET_DEV: AtomicU64 = AtomicU64::new(0);
static SOCKET_INO: AtomicU64 = AtomicU64::new(0);

/// Says which signal ended the server, removes its socket if PATH still is it,
/// and exits: all async-signal-safe (write, lstat, unlink, _exit).
extern "C" fn on_signal(signal: libc::c_int) {
    let name: &[u8] = if signal == libc::SIGINT {
        b"peercred: SIGINT"
    } else {
        b"peercred: SIGTERM"
    };
    write_stderr(name);
    if remove_own_socket() {
        write_stderr(b", removed the socket");
    }
    write_stderr(b"\n");
    // SAFETY: _exit is async-signal-safe.
    unsafe { libc::_exit(0) };
}

/// Removes our socket if PATH still is it (same device and inode); true if it did.
/// Async-signal-safe: lstat and unlink only.
fn remove_own_socket() -> bool {
    let Some(path) = SOCKET.get() else {
        return false;
    };
    // SAFETY: all-zero is a valid stat buffer; the path lives for the whole program.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    let ours = unsafe { libc::lstat(path.as_ptr(), &mut st) } == 0
        && st.st_dev == SOCKET_DEV.load(Ordering::Relaxed)
        && st.st_ino == SOCKET_INO.load(Ordering::Relaxed);
    // SAFETY: a NUL-terminated path that lives for the whole program.
    ours && unsafe { libc::unlink(path.as_ptr()) } == 0
}

fn write_stderr(bytes: &[u8]) {
    // SAFETY: write(2) from a valid buffer; a failure leaves nothing to do.
    unsafe { libc::write(libc::STDERR_FILENO, bytes.as_ptr().cast(), bytes.len()) };
}

/// Makes way for a socket at `path`: there must be nothing, or a socket file
/// nobody listens on, which is removed. A live socket of any type is refused.
fn claim(path: &Path, timeout: Duration) -> Result<(), String> {
    // An abstract name has no file to replace: only the probe tells.
    let file = match abstract_name(path) {
        Some(_) => None,
        None => match std::fs::symlink_metadata(path) {
            Err(err) if err.kind() == ErrorKind::NotFound => return Ok(()),
            Err(err) => return Err(err.to_string()),
            Ok(meta) if !meta.file_type().is_socket() => {
                return Err(format!(
                    "{} is there, not a socket: refusing to replace it",
                    kind(&meta)
                ))
            }
            Ok(meta) => Some(meta),
        },
    };
    match (connect(path, timeout), file) {
        (Ok(_), _) => Err("another server is live there".into()),
        (Err(Unreachable::Datagram), _) => {
            Err("another server is live there (a datagram socket)".into())
        }
        (Err(Unreachable::Stale), Some(meta)) => remove_stale(path, &meta),
        // Gone meanwhile, or nobody at this abstract name (bind refuses a name in use).
        (Err(Unreachable::Missing | Unreachable::NotListening), _) => Ok(()),
        (Err(why), _) => Err(format!("{why}: leaving it alone")),
    }
}

fn listen(path: &Path) -> std::io::Result<UnixListener> {
    match abstract_name(path) {
        Some(name) => UnixListener::bind_addr(&SocketAddr::from_abstract_name(name)?),
        None => UnixListener::bind(path),
    }
}

/// Unlinks the stale socket, unless PATH has meanwhile become another file.
fn remove_stale(path: &Path, probed: &std::fs::Metadata) -> Result<(), String> {
    let now = std::fs::symlink_metadata(path).map_err(|err| err.to_string())?;
    if (now.dev(), now.ino()) != (probed.dev(), probed.ino()) {
        return Err("the file changed while it was probed: leaving it alone".into());
    }
    std::fs::remove_file(path).map_err(|err| format!("cannot remove the stale socket: {err}"))
}

fn kind(meta: &std::fs::Metadata) -> &'static str {
    let kind = meta.file_type();
    if kind.is_file() {
        "a regular file"
    } else if kind.is_dir() {
        "a directory"
    } else if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else {
        "a file"
    }
}

/// What `serve` reads from.
enum Socket {
    Listener(UnixListener),
    Datagram(std::os::fd::OwnedFd),
}

pub fn run(args: &Args) -> ExitCode {
    let path = args.path.as_path();
    if let Err(why) = claim(path, args.timeout) {
        return fail(path, why);
    }
    let socket = if args.dgram {
        datagram::bind(path).map(Socket::Datagram)
    } else {
        listen(path)
            .map(Socket::Listener)
            .map_err(|err| err.to_string())
    };
    let socket = match socket {
        Ok(socket) => socket,
        Err(err) => return fail(path, err),
    };
    // A socket file to remove on exit (an abstract name vanishes with the socket).
    let file = abstract_name(path).is_none();
    if let Some(meta) = file.then(|| std::fs::symlink_metadata(path).ok()).flatten() {
        SOCKET_DEV.store(meta.dev(), Ordering::Relaxed);
        SOCKET_INO.store(meta.ino(), Ordering::Relaxed);
        SOCKET
            .get_or_init(|| CString::new(path.as_os_str().as_bytes()).expect("a path has no NUL"));
    }
    // SAFETY: the handler only calls async-signal-safe functions.
    unsafe {
        libc::signal(libc::SIGINT, on_signal as *const () as libc::sighandler_t);
        libc::signal(libc::SIGTERM, on_signal as *const () as libc::sighandler_t);
    }
    let mut out = std::io::stdout().lock();
    match socket {
        Socket::Listener(listener) => {
            eprintln!("peercred: listening on {}", path.display());
            accept_all(&listener, &mut out);
        }
        Socket::Datagram(socket) => {
            eprintln!("peercred: listening for datagrams on {}", path.display());
            datagram::receive_all(&socket, &mut out);
        }
    }
    // Whoever reads our output has gone (`| head`): so do we.
    remove_own_socket();
    ExitCode::FAILURE
}

/// Prints a line for each connection; returns only once `out` is closed.
fn accept_all(listener: &UnixListener, out: &mut impl Write) {
    for conn in listener.incoming() {
        match conn
            .map_err(|err| err.to_string())
            .and_then(|conn| Peer::of(&conn).map_err(|err| err.to_string()))
        {
            Ok(peer) => {
                if writeln!(out, "{}", peer.line())
                    .and_then(|()| out.flush())
                    .is_err()
                {
                    return;
                }
            }
            Err(why) => eprintln!("peercred: a connection: {why}"),
        }
    }
}
