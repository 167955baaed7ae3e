//! `peercred::read` next to the raw libc call of SO_PEERCRED and to the exact
//! floor (the system calls an exact answer needs, done raw: SO_PEERCRED,
//! SO_ACCEPTCONN, getpid), and `PeerProcess::from_socket` + `exe_matches`,
//! on an accepted socket whose peer is another process, in alternating rounds
//! (make bench). Prints one JSON object per measurement. Usage: bench-read
//! [CALLS_PER_ROUND]

use std::hint::black_box;
use std::os::fd::AsRawFd;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;
use std::process::{Command, Stdio};

const ROUNDS: usize = 7;

/// A name for the report and the call it times.
type Contestant = (&'static str, fn(&UnixStream));

/// One getsockopt at SOL_SOCKET into `value`, as a C program makes it.
fn getsockopt<T>(conn: &UnixStream, name: libc::c_int, value: &mut T) {
    let mut len = size_of::<T>() as libc::socklen_t;
    // SAFETY: value and len describe a valid buffer.
    let rc = unsafe {
        libc::getsockopt(
            conn.as_raw_fd(),
            libc::SOL_SOCKET,
            name,
            (value as *mut T).cast(),
            &mut len,
        )
    };
    assert_eq!(rc, 0);
}

fn raw(conn: &UnixStream) {
    let mut cred = libc::ucred {
        pid: 0,
        uid: 0,
        gid: 0,
    };
    getsockopt(conn, libc::SO_PEERCRED, &mut cred);
    black_box(cred);
}

fn exact_floor(conn: &UnixStream) {
    raw(conn);
    let mut listening: libc::c_int = 0;
    getsockopt(conn, libc::SO_ACCEPTCONN, &mut listening);
    // SAFETY: getpid has no preconditions.
    black_box((listening, unsafe { libc::getpid() }));
}

fn ours(conn: &UnixStream) {
    black_box(peercred::read(conn).unwrap());
}

/// The peer process, then whether it runs the file `exe` (which it does).
fn process(conn: &UnixStream, exe: &Path) {
    let peer = peercred::PeerProcess::from_socket(conn).unwrap();
    assert!(peer.exe_matches(exe).unwrap());
}

/// CPU time of this thread in ns: the system calls' kernel time counts, other
/// programs running on a shared machine do not.
fn thread_cpu_ns() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: ts is a valid timespec to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 * 1e9 + ts.tv_nsec as f64
}

fn time(calls: u32, conn: &UnixStream, f: fn(&UnixStream)) -> f64 {
    let start = thread_cpu_ns();
    for _ in 0..calls {
        f(conn);
    }
    (thread_cpu_ns() - start) / f64::from(calls)
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

    let contestants: [Contestant; 3] = [
        ("getsockopt(SO_PEERCRED) raw", raw),
        (
            "exact floor: SO_PEERCRED + SO_ACCEPTCONN + getpid raw",
            exact_floor,
        ),
        ("peercred::read", ours),
    ];
    let mut ns = vec![Vec::new(); contestants.len()];
    for (_, f) in contestants {
        time(calls / 10, &conn, f);
    }
    for round in 0..ROUNDS {
        for ((name, f), ns) in contestants.iter().zip(&mut ns) {
            let t = time(calls, &conn, *f);
            println!("{{\"lang\":\"rust\",\"name\":\"{name}\",\"round\":{round},\"ns\":{t:.1}}}");
            ns.push(t);
        }
    }
    let exe = std::fs::read_link(format!("/proc/{}/exe", client.id())).unwrap();
    let per_process = |calls: u32| {
        let start = thread_cpu_ns();
        for _ in 0..calls {
            process(&conn, &exe);
        }
        (thread_cpu_ns() - start) / f64::from(calls)
    };
    per_process(calls / 500);
    for round in 0..ROUNDS {
        let t = per_process(calls / 50);
        println!("{{\"lang\":\"rust\",\"name\":\"PeerProcess::from_socket + exe_matches\",\"round\":{round},\"ns\":{t:.1}}}");
    }
    // Where it lives, on a process held for the run (the pidfd taken once).
    let held = peercred::PeerProcess::from_socket(&conn).unwrap();
    let where_facts: [(&str, &dyn Fn()); 2] = [
        ("PeerProcess::namespaces", &|| {
            assert!(held.namespaces().unwrap().all_shared());
        }),
        ("PeerProcess::cgroup + unit", &|| {
            std::hint::black_box(held.cgroup().unwrap().unit().is_some());
        }),
    ];
    for round in 0..ROUNDS {
        for (name, fact) in where_facts {
            let start = thread_cpu_ns();
            for _ in 0..calls / 50 {
                fact();
            }
            let t = (thread_cpu_ns() - start) / f64::from(calls / 50);
            println!("{{\"lang\":\"rust\",\"name\":\"{name}\",\"round\":{round},\"ns\":{t:.1}}}");
        }
    }
    drop(held);
    drop(client.stdin.take());
    client.wait().unwrap();
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (floor, o) = (median(&mut ns[1]), median(&mut ns[2]));
    eprintln!(
        "rust: exact floor {floor:.1} ns, peercred::read {o:.1} ns: {:.3}x (medians of {ROUNDS} rounds)",
        o / floor
    );
}
