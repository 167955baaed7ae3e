//! `peercred serve PATH`: prints each client's credentials as it connects.

use std::ffi::CString;
use std::io::ErrorKind;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;
use std::process::ExitCode;
use std::sync::OnceLock;

use crate::peer::Peer;

static SOCKET: OnceLock<CString> = OnceLock::new();

/// Removes the socket and exits: both async-signal-safe.
extern "C" fn on_signal(_: libc::c_int) {
    if let Some(path) = SOCKET.get() {
        // SAFETY: a NUL-terminated path that lives for the whole program.
        unsafe { libc::unlink(path.as_ptr()) };
    }
    // SAFETY: _exit is async-signal-safe.
    unsafe { libc::_exit(0) };
}

/// Binds `path`, replacing a stale socket file but never a live server's.
fn bind(path: &Path) -> Result<UnixListener, String> {
    match UnixStream::connect(path) {
        Ok(_) => return Err("another server is live there".into()),
        Err(err) if err.kind() == ErrorKind::ConnectionRefused => std::fs::remove_file(path)
            .map_err(|err| format!("cannot remove the stale socket: {err}"))?,
        Err(_) => {}
    }
    UnixListener::bind(path).map_err(|err| err.to_string())
}

pub fn run(path: &Path) -> ExitCode {
    let listener = match bind(path) {
        Ok(listener) => listener,
        Err(why) => {
            eprintln!("peercred: {}: {why}", path.display());
            return ExitCode::FAILURE;
        }
    };
    SOCKET.get_or_init(|| CString::new(path.as_os_str().as_bytes()).expect("a path has no NUL"));
    // SAFETY: the handler only calls async-signal-safe functions.
    unsafe {
        libc::signal(libc::SIGINT, on_signal as *const () as libc::sighandler_t);
        libc::signal(libc::SIGTERM, on_signal as *const () as libc::sighandler_t);
    }
    eprintln!("peercred: listening on {}", path.display());
    for conn in listener.incoming() {
        match conn
            .map_err(|err| err.to_string())
            .and_then(|conn| Peer::of(&conn).map_err(|err| err.to_string()))
        {
            Ok(peer) => println!("{}", peer.line()),
            Err(why) => eprintln!("peercred: a connection: {why}"),
        }
    }
    ExitCode::SUCCESS
}
