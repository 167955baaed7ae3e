//! The one mapping from the core's errors to Python exceptions.

use pyo3::exceptions::PyOSError;
use pyo3::PyErr;

/// `OSError(errno, message)`: Python picks the built-in subclass for the errno
/// (ProcessLookupError for ESRCH, ...), `.errno` is the errno and the message is
/// the core's, which names the cause and the remedy.
pub(crate) fn to_py(err: peercred::Error) -> PyErr {
    PyOSError::new_err((err.errno(), err.to_string()))
}
