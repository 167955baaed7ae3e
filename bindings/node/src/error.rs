//! The one mapping from the core's errors to what the JS wrapper rethrows.

use napi::Error;

/// An Error whose `code` is the positive errno as a string and whose message is
/// the core's text; the wrapper turns it into Node's system-error shape
/// (code 'ENOTCONN', errno -107, syscall).
pub(crate) fn to_js(err: peercred::Error) -> Error<String> {
    Error::new(err.errno().to_string(), err.to_string())
}
