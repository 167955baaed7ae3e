//! A Unix-socket daemon that admits only its own user and root, deciding with
//! `peercred::read` on each accepted connection (the demo protocol of
//! CONTRIBUTING.md). Usage: example-server SOCKET_PATH

use std::ffi::CString;
use std::io::{ErrorKind, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;
use std::sync::OnceLock;

static SOCKET_PATH: OnceLock<CString> = OnceLock::new();

/// Removes the socket and exits: both async-signal-safe.
extern "C" fn on_signal(_: libc::c_int) {
    if let Some(path) = SOCKET_PATH.get() {
        // SAFETY: a NUL-terminated path that lives for the whole program.
        unsafe { libc::unlink(path.as_ptr()) };
    }
    // SAFETY: _exit is async-signal-safe.
    unsafe { libc::_exit(0) };
}

/// Binds `path`, replacing a stale socket file but never a live server's.
fn listen(path: &Path) -> std::io::Result<UnixListener> {
    match UnixStream::connect(path) {
        Ok(_) => {
            return Err(std::io::Error::new(
                ErrorKind::AddrInUse,
                "another server is live there",
            ))
        }
        Err(err) if err.kind() == ErrorKind::ConnectionRefused => std::fs::remove_file(path)?,
        Err(_) => {}
    }
    let listener = UnixListener::bind(path)?;
    // Admission is peercred's decision, not the file mode's.
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o666))?;
    Ok(listener)
}

fn answer(conn: &UnixStream) -> String {
    // SAFETY: geteuid cannot fail.
    let me = unsafe { libc::geteuid() };
    match peercred::read(conn) {
        Err(err) => format!("deny reason={err}"),
        Ok(cred) => {
            let ids = format!(
                "pid={} uid={} gid={}",
                cred.pid().unwrap_or(0),
                cred.uid(),
                cred.gid()
            );
            if cred.uid() == me || cred.uid() == 0 {
                format!("allow {ids}")
            } else {
                format!(
                    "deny {ids} reason=uid {} is neither {me} nor root",
                    cred.uid()
                )
            }
        }
    }
}

fn main() {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: example-server SOCKET_PATH");
        std::process::exit(2);
    };
    let path = Path::new(&path);
    let listener = listen(path).unwrap_or_else(|err| {
        eprintln!("server: cannot listen on {}: {err}", path.display());
        std::process::exit(1);
    });
    SOCKET_PATH
        .set(CString::new(path.as_os_str().as_bytes()).expect("path without NUL"))
        .unwrap();
    // SAFETY: installs a handler that only calls async-signal-safe functions.
    unsafe {
        libc::signal(libc::SIGINT, on_signal as *const () as libc::sighandler_t);
        libc::signal(libc::SIGTERM, on_signal as *const () as libc::sighandler_t);
    }
    for conn in listener.incoming() {
        let mut conn = match conn {
            Ok(conn) => conn,
            Err(err) => {
                eprintln!("server: accept: {err}");
                continue;
            }
        };
        let line = answer(&conn);
        eprintln!("server: {line}");
        if let Err(err) = writeln!(conn, "{line}") {
            eprintln!("server: write: {err}");
        }
    }
}
