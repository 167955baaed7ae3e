//! `peercred who PATH`: who serves the socket at PATH.

use std::io::ErrorKind;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::ExitCode;

use crate::peer::Peer;

pub fn run(path: &Path, json: bool) -> ExitCode {
    let conn = match UnixStream::connect(path) {
        Ok(conn) => conn,
        Err(err) => {
            let why = match err.kind() {
                ErrorKind::NotFound => "no such socket".to_owned(),
                ErrorKind::ConnectionRefused => {
                    "nothing is listening (a stale socket file)".to_owned()
                }
                _ => err.to_string(),
            };
            eprintln!("peercred: {}: {why}", path.display());
            return ExitCode::FAILURE;
        }
    };
    match Peer::of(&conn) {
        Ok(peer) if json => println!("{}", peer.json()),
        Ok(peer) => println!("{} is served by {}", path.display(), peer.line()),
        Err(err) => {
            eprintln!("peercred: {}: {err}", path.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
