//! `peercred::read` next to the raw libc call it wraps, and
//! `PeerProcess::from_socket` + `exe_matches`, on an accepted socket whose
//! peer is another process, in alternating rounds (make bench). Prints one
//! JSON object per measurement. Usage: bench-read [CALLS_PER_ROUND]

use std::hint::black_box;
use std::os::fd::AsRawFd;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

const ROUNDS: usize = 7;

fn raw(conn: &UnixStream) {
    let mut cred = libc::ucred {
        pid: 0,
        uid: 0,
        gid: 0,
    };
    let mut len = size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: cred and len describe a valid buffer.
    let rc = unsafe {
        libc::getsockopt(
            conn.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&mut cred as *mut libc::ucred).cast(),
            &mut len,
        )
    };
    assert_eq!(rc, 0);
    black_box(cred);
}

fn ours(conn: &UnixStream) {
    black_box(peercred::read(conn).unwrap());
}

/// The peer process, then whether it runs the file `exe` (which it does).
fn process(conn: &UnixStream, exe: &Path) {
    let peer = peercred::PeerProcess::from_socket(conn).unwrap();
    assert!(peer.exe_matches(exe).unwrap());
}

fn time(calls: u32, conn: &UnixStream, f: fn(&UnixStream)) -> f64 {
    let start = Instant::now();
    for _ in 0..calls {
        f(conn);
    }
    start.elapsed().as_nanos() as f64 / f64::from(calls)
}

fn main() {
    let calls: u32 = std::env::args()
        .nth(1)
        .map_or(1_000_000, |n| n.parse().expect("a number of calls"));
    let path = std::env::temp_dir().join(format!("peercred-bench-rs-{}.sock", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let listener = UnixListener::bind(&path).unwrap();
    // The peer is another process, so nothing can take a same-process shortcut.
    let script = format!(
        "import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect({:?}); sys.stdin.read()",
        path
    );
    let mut client = Command::new("python3")
        .args(["-c", &script])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let (conn, _) = listener.accept().unwrap();
    std::fs::remove_file(&path).unwrap();

    let (mut raws, mut ourses) = (Vec::new(), Vec::new());
    time(calls / 10, &conn, raw);
    time(calls / 10, &conn, ours);
    for round in 0..ROUNDS {
        let (r, o) = (time(calls, &conn, raw), time(calls, &conn, ours));
        println!("{{\"lang\":\"rust\",\"name\":\"getsockopt(SO_PEERCRED) raw\",\"round\":{round},\"ns\":{r:.1}}}");
        println!(
            "{{\"lang\":\"rust\",\"name\":\"peercred::read\",\"round\":{round},\"ns\":{o:.1}}}"
        );
        raws.push(r);
        ourses.push(o);
    }
    let exe = std::fs::read_link(format!("/proc/{}/exe", client.id())).unwrap();
    let per_process = |calls: u32| {
        let start = Instant::now();
        for _ in 0..calls {
            process(&conn, &exe);
        }
        start.elapsed().as_nanos() as f64 / f64::from(calls)
    };
    per_process(calls / 500);
    for round in 0..ROUNDS {
        let ns = per_process(calls / 50);
        println!("{{\"lang\":\"rust\",\"name\":\"PeerProcess::from_socket + exe_matches\",\"round\":{round},\"ns\":{ns:.1}}}");
    }
    drop(client.stdin.take());
    client.wait().unwrap();
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (r, o) = (median(&mut raws), median(&mut ourses));
    eprintln!("rust: raw getsockopt {r:.1} ns, peercred::read {o:.1} ns: {:.3}x (medians of {ROUNDS} rounds)", o / r);
}
