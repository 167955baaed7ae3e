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
