//! Connects to the demo server and prints who it is next to the server's reply,
//! as one JSON line (the demo protocol of CONTRIBUTING.md). Usage: example-client SOCKET_PATH

use std::io::Read;
use std::os::unix::net::UnixStream;

fn main() {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: example-client SOCKET_PATH");
        std::process::exit(2);
    };
    let mut reply = String::new();
    let read = UnixStream::connect(&path).and_then(|mut conn| conn.read_to_string(&mut reply));
    if let Err(err) = read {
        eprintln!("client: {}: {err}", path.to_string_lossy());
        std::process::exit(1);
    }
    let reply = reply.lines().next().unwrap_or_default();
    // SAFETY: plain libc getters.
    let (pid, uid, gid) = unsafe { (libc::getpid(), libc::geteuid(), libc::getegid()) };
    println!(
        "{{\"pid\": {pid}, \"uid\": {uid}, \"gid\": {gid}, \"reply\": {}}}",
        json_string(reply)
    );
}

fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' => out.extend(['\\', c]),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
