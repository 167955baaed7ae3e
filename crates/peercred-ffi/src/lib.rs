//! The C ABI of peercred. Each exported function only translates: it checks the
//! pointers it is given, calls the core crate, and turns the answer into the C
//! convention (outputs written on success only, a negative errno otherwise).
//! Every body runs inside one panic guard (`guard::guard`), so no panic unwinds into C.

#![deny(missing_docs)]

mod buffer;
mod cgroup;
mod cred;
mod credentials;
mod extras;
mod guard;
mod info;
mod lifetime;
mod mapping;
mod message;
mod namespaces;
mod process;

pub use cgroup::*;
pub use cred::{peercred_read, peercred_ucred};
pub use credentials::*;
pub use extras::{peercred_groups, peercred_pidfd, peercred_security_label};
pub use guard::PEERCRED_ERR_PANIC;
pub use info::{peercred_strerror, peercred_version};
pub use lifetime::*;
pub use mapping::*;
pub use message::{peercred_message, peercred_pass_credentials, peercred_recv};
pub use namespaces::*;
pub use process::*;

#[cfg(test)]
mod tests;
