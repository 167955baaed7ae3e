//! Rust tests of the exported functions: the C conventions (NULL handling,
//! outputs untouched on failure, the -ERANGE size protocol, the panic guard).
//! The semantics table itself runs through the C suite in tests/c, which uses
//! the library the way C programs do.

mod conventions;
mod message;
mod panic;
mod process;

use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;

/// A connected pair whose peer is this process.
fn pair() -> (UnixStream, UnixStream) {
    UnixStream::pair().expect("socketpair")
}

fn raw(stream: &UnixStream) -> i32 {
    stream.as_raw_fd()
}

/// Runs the test `test` of this binary again, alone, in a child process with
/// `flag` set (its body runs only then) and PEERCRED_FAULT=`fault`: a switch
/// that would disturb the other tests of this process stays in the child.
fn in_child_process(test: &str, flag: &str, fault: &str) -> std::process::Output {
    std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--test-threads=1"])
        .env(flag, "1")
        .env("PEERCRED_FAULT", fault)
        .output()
        .unwrap()
}
