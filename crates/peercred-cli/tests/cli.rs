//! The `peercred` command, run as a user would: who (text and --json), serve,
//! and the exit codes.

use std::io::{BufRead, BufReader};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

fn peercred(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_peercred"))
        .args(args)
        .output()
        .unwrap()
}

fn temp_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("peercred-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir(&dir).unwrap();
    dir.join("sock")
}

/// A server in this process that accepts (and drops) connections.
fn serve_here(path: &Path) {
    let listener = UnixListener::bind(path).unwrap();
    std::thread::spawn(move || for _conn in listener.incoming() {});
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn who_names_the_server() {
    let path = temp_path("who");
    serve_here(&path);
    let out = peercred(&["who", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    // SAFETY: plain libc getter.
    let uid = unsafe { libc::geteuid() };
    assert!(
        text.contains(&format!("pid={} uid={uid}", std::process::id())),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "exe={}",
            std::env::current_exe().unwrap().display()
        )),
        "{text}"
    );
}

#[test]
fn who_json_shape() {
    let path = temp_path("json");
    serve_here(&path);
    let out = peercred(&["who", path.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let value: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["exe", "gid", "group", "pid", "uid", "user"]);
    assert_eq!(value["pid"], std::process::id());
    // SAFETY: plain libc getters.
    let (uid, gid) = unsafe { (libc::geteuid(), libc::getegid()) };
    assert_eq!(
        (value["uid"].as_u64(), value["gid"].as_u64()),
        (Some(uid.into()), Some(gid.into()))
    );
    assert_eq!(
        value["exe"],
        std::env::current_exe().unwrap().to_str().unwrap()
    );
    if uid == 0 {
        assert_eq!(
            (value["user"].as_str(), value["group"].as_str()),
            (Some("root"), Some("root"))
        );
    }
}

#[test]
fn who_exit_codes() {
    let missing = peercred(&["who", "/nonexistent/peercred.sock"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stderr(&missing).contains("no such socket"),
        "{}",
        stderr(&missing)
    );

    let stale = temp_path("stale");
    drop(UnixListener::bind(&stale).unwrap()); // the file stays, nobody listens
    let out = peercred(&["who", stale.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("nothing is listening"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stderr(&out).lines().count(), 1, "one line");

    for args in [
        &[][..],
        &["who"],
        &["who", "a", "b"],
        &["serve"],
        &["frobnicate"],
        &["who", "--bogus"],
    ] {
        assert_eq!(peercred(args).status.code(), Some(2), "{args:?}");
    }
    for args in [&["--help"][..], &["who", "--help"], &["serve", "--help"]] {
        let out = peercred(args);
        assert!(
            out.status.success() && stdout(&out).contains("usage: peercred who PATH"),
            "{args:?}"
        );
    }
}

fn start_serve(path: &Path) -> (Child, BufReader<std::process::ChildStdout>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_peercred"))
        .args(["serve", path.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap(); // "listening on ..."
    assert!(line.contains("listening"), "{line}");
    let out = BufReader::new(child.stdout.take().unwrap());
    (child, out)
}

#[test]
fn serve_prints_each_client_and_cleans_up() {
    let path = temp_path("serve");
    drop(UnixListener::bind(&path).unwrap()); // a stale socket file: replaced
    let (mut child, mut out) = start_serve(&path);

    let conn = UnixStream::connect(&path).unwrap();
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert!(
        line.starts_with(&format!("pid={} ", std::process::id())),
        "{line}"
    );
    drop(conn);

    let second = peercred(&["serve", path.to_str().unwrap()]);
    assert_eq!(
        second.status.code(),
        Some(1),
        "a live socket must not be clobbered"
    );
    assert!(stderr(&second).contains("live"), "{}", stderr(&second));

    // SAFETY: signals our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    assert!(child.wait().unwrap().success());
    assert!(!path.exists(), "the socket file was left behind");
}
