//! The one place where Rust answers become C return values.

use std::ffi::CStr;
use std::os::raw::{c_char, c_int};
use std::panic::{catch_unwind, AssertUnwindSafe};

use peercred::Error;

/// Returned by any function when a bug inside peercred panicked (-ENOTRECOVERABLE).
/// The call had no effect; the process may go on.
pub const PEERCRED_ERR_PANIC: c_int = -131;

/// Runs an exported function's body and converts its answer to C. A panic
/// becomes the type's panic value instead of unwinding into C, which would be
/// undefined behaviour.
pub(crate) fn guard<R: ToC>(body: impl FnOnce() -> R) -> R::C {
    catch_unwind(AssertUnwindSafe(body)).map_or_else(|_| R::panicked(), ToC::to_c)
}

/// What a body returns, and how C sees it.
pub(crate) trait ToC {
    type C;
    fn to_c(self) -> Self::C;
    fn panicked() -> Self::C;
}

/// `Ok(n)` is n (>= 0); an error is its negative errno.
impl ToC for Result<c_int, Error> {
    type C = c_int;
    fn to_c(self) -> c_int {
        self.unwrap_or_else(|err| -err.errno())
    }
    fn panicked() -> c_int {
        PEERCRED_ERR_PANIC
    }
}

/// `Ok(n)` is a byte count (>= 0); an error is its negative errno.
impl ToC for Result<libc::ssize_t, Error> {
    type C = libc::ssize_t;
    fn to_c(self) -> libc::ssize_t {
        self.unwrap_or_else(|err| -(err.errno() as libc::ssize_t))
    }
    fn panicked() -> libc::ssize_t {
        PEERCRED_ERR_PANIC as libc::ssize_t
    }
}

/// Static text, as a C string that the caller must not free.
impl ToC for &'static CStr {
    type C = *const c_char;
    fn to_c(self) -> *const c_char {
        self.as_ptr()
    }
    fn panicked() -> *const c_char {
        c"internal error in peercred".as_ptr()
    }
}

/// A NULL output pointer is a caller bug: -EINVAL, and nothing is done.
pub(crate) fn writable<'a, T>(ptr: *mut T) -> Result<&'a mut T, Error> {
    // SAFETY: non-NULL pointers are the caller's promise of a valid, writable T.
    unsafe { ptr.as_mut() }.ok_or(Error::Os(libc::EINVAL))
}

/// A NUL-terminated string argument; NULL is a caller bug: -EINVAL.
pub(crate) fn c_str<'a>(ptr: *const c_char) -> Result<&'a CStr, Error> {
    if ptr.is_null() {
        return Err(Error::Os(libc::EINVAL));
    }
    // SAFETY: non-NULL pointers are the caller's promise of a NUL-terminated string.
    Ok(unsafe { CStr::from_ptr(ptr) })
}
