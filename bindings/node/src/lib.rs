//! The native half of @peercred/node. It only translates: numbers in, answers
//! and errors out. Argument checks, taking the fd from a net.Socket, and the
//! shape of Node's errors live in the JS wrapper (peercred.js); all semantics
//! live in the core crate. Every function is `catch_unwind`: a panic becomes a
//! JS exception, never an abort of the process.

mod error;
mod extras;
mod mapping;
mod process;
mod read;
mod socket;
mod uv;
mod watched;
mod whereabouts;
