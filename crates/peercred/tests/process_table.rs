//! tests/cases.json's "process" table through the Rust API: PeerProcess of a
//! socket whose other end tests/process_peers.py puts in each state, checked
//! against the column of the kernel this runs on: SO_PEERPIDFD as it is, the
//! sock_diag fallback under tests/old-kernel/as-old-kernel (or on a real
//! Linux 6.1), neither under `as-old-kernel --no-pidfd-open`.
//! One #[test]: it forks, which is safe only without other test threads.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::os::fd::AsFd;
use std::os::unix::net::{UnixListener, UnixStream};
use std::process::{Child, Command, Stdio};

use common::{in_child, is_root, reap, TempDir, SKIP};
use peercred::{Error, Fallback, PeerProcess};
use serde_json::{json, Value};

#[test]
fn every_row_of_the_process_table() {
    // As pid 1 of a PID namespace of our own, where pids can be steered.
    let code = in_child(|| match is_root() {
        true => common::as_init_of_new_pid_namespace(run_table),
        false => SKIP,
    });
    if code == SKIP {
        eprintln!(
            "not root: the table runs in this PID namespace, without pid-reused and other-uid"
        );
        assert_eq!(in_child(run_table), 0);
    } else {
        assert_eq!(code, 0, "the table failed (its output says where)");
    }
}

/// The column of this kernel, as tests/old-kernel/as-old-kernel says it.
fn column() -> &'static str {
    match std::env::var("PEERCRED_AS_OLD_KERNEL").as_deref() {
        Ok("no-pidfd-open") => "no pidfd_open",
        Ok("no-unix-diag") => "no unix_diag",
        Ok(_) => "sock_diag",
        Err(_) => "SO_PEERPIDFD",
    }
}

fn run_table() -> i32 {
    let column = column();
    for row in common::cases()["process"].as_array().unwrap() {
        let peer = row["peer"].as_str().unwrap();
        let Some((got, peer_pid)) = answer_for(peer) else {
            continue;
        };
        let want = &row[column];
        let ok = match want.get("errno") {
            Some(errno) => {
                got["errno"] == *errno
                    && got["message"]
                        .as_str()
                        .is_some_and(|m| m.contains(want["message"].as_str().unwrap()))
            }
            None => {
                got == json!({"source": want["source"], "alive": want["alive"], "pid": peer_pid})
            }
        };
        if !ok {
            say(&format!(
                "process table, {peer} ({column}): got {got}, want {want} (peer pid {peer_pid})"
            ));
            return 1;
        }
    }
    0
}

/// To stderr itself: the test harness would keep a forked child's eprintln.
fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// What PeerProcess answers for a socket whose other end is in state `peer`,
/// and the peer's pid; None when the row cannot be made here (it says why).
fn answer_for(peer: &str) -> Option<(Value, Value)> {
    let dir = TempDir::new();
    let path = dir.path("s");
    let connects = peer.starts_with("listener");
    let listener = (!connects).then(|| {
        let listener = UnixListener::bind(&path).unwrap();
        common::chmod(&path, 0o666);
        listener
    });
    let mut helper = Helper::start(peer, &path);
    let mut conn = listener.map(|l| l.accept().unwrap().0);
    let said = helper.said();
    if let Some(why) = said["skip"].as_str() {
        say(&format!("skipped process row {peer}: {why}"));
        return None;
    }
    if connects {
        let mut client = UnixStream::connect(&path).unwrap();
        match peer {
            "listener-accepted" => client.read_exact(&mut [0]).unwrap(),
            "listener-accepted-and-closed" => assert_eq!(client.read(&mut [0]).unwrap(), 0),
            _ => {}
        }
        conn = Some(client);
    }
    let conn = conn.unwrap();
    let got = match peer {
        "other-uid" => as_nobody(|| describe(&conn)),
        _ => describe(&conn),
    };
    Some((got, said["pid"].clone()))
}

/// The answer as the table writes it; also checks that refusing the
/// fallback answers as the kernel does.
fn describe(conn: &impl AsFd) -> Value {
    let refused = PeerProcess::from_socket_with(conn, Fallback::Refuse);
    let got = PeerProcess::from_socket(conn);
    if column() != "SO_PEERPIDFD" {
        assert!(
            matches!(refused, Err(Error::Unsupported(why)) if why.contains("refused")),
            "{refused:?}"
        );
    } else {
        assert_eq!(
            refused.map(|p| p.source()),
            got.as_ref().map(|p| p.source()).map_err(|e| *e)
        );
    }
    match got {
        Ok(process) => json!({
            "source": process.source().as_str(),
            "alive": process.is_alive().unwrap(),
            "pid": process.pid(),
        }),
        Err(err) => json!({"errno": errno_name(err.errno()), "message": err.to_string()}),
    }
}

/// Runs `read` in a forked child as uid and gid 65534, without privileges.
fn as_nobody(read: impl FnOnce() -> Value) -> Value {
    let (mut parent_end, mut child_end) = UnixStream::pair().unwrap();
    // SAFETY: the table runs in a single-threaded child of the test.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        common::become_nobody(&[]);
        let _ = child_end.write_all(read().to_string().as_bytes());
        unsafe { libc::_exit(0) };
    }
    drop(child_end);
    let mut text = String::new();
    parent_end.read_to_string(&mut text).unwrap();
    assert_eq!(reap(pid), 0);
    serde_json::from_str(&text).unwrap()
}

fn errno_name(errno: i32) -> &'static str {
    match errno {
        libc::ESRCH => "ESRCH",
        libc::EACCES => "EACCES",
        libc::EREMOTE => "EREMOTE",
        libc::ENOPROTOOPT => "ENOPROTOOPT",
        _ => "other",
    }
}

/// tests/process_peers.py, playing the other end; stopped on drop.
struct Helper(Child, BufReader<std::process::ChildStdout>);

impl Helper {
    fn start(peer: &str, path: &std::path::Path) -> Helper {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/process_peers.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(peer)
            .arg(path)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs tests/process_peers.py");
        let out = BufReader::new(child.stdout.take().unwrap());
        Helper(child, out)
    }

    /// Its one line: the row's state holds.
    fn said(&mut self) -> Value {
        let mut line = String::new();
        self.1.read_line(&mut line).unwrap();
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"))
    }
}

impl Drop for Helper {
    fn drop(&mut self) {
        drop(self.0.stdin.take());
        let _ = self.0.wait();
    }
}
