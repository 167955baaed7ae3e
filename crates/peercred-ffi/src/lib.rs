//! The C ABI of peercred. Each exported function only translates: it checks the
//! pointers it is given, calls the core crate, and turns the answer into the C
//! convention (outputs written on success only, a negative errno otherwise).
//! Every body runs inside [`guard::guard`], so no panic unwinds into C.

mod buffer;
mod cred;
mod extras;
mod guard;
mod info;
mod process;

#[cfg(test)]
mod tests;
