//! What Python callers may pass as a socket: a socket object, anything with
//! fileno(), or an int descriptor.

use std::os::fd::RawFd;

use pyo3::exceptions::PyTypeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt};

/// The descriptor number of `socket`. A closed socket object's fileno() is -1,
/// which the core answers with EBADF like any negative number; numbers beyond
/// the int range cannot be open descriptors and become -1 too.
pub(crate) fn fd_of(socket: &Bound<'_, PyAny>) -> PyResult<RawFd> {
    // The int check comes first: it is the cheapest, and socket objects are
    // looked up only when it fails.
    if let Ok(number) = socket.cast::<PyInt>() {
        return int_fd(number);
    }
    let Ok(fileno) = socket.getattr(intern!(socket.py(), "fileno")) else {
        return Err(type_error(socket));
    };
    let number = fileno.call0()?;
    match number.cast::<PyInt>() {
        Ok(number) => int_fd(number),
        Err(_) => Err(PyTypeError::new_err(format!(
            "fileno() returned {}, not an int",
            number.get_type().name()?
        ))),
    }
}

fn int_fd(number: &Bound<'_, PyInt>) -> PyResult<RawFd> {
    // True is 1 (stdout): almost certainly a mistake, so refuse bools.
    if number.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err(
            "expected a socket or a file descriptor, got bool",
        ));
    }
    Ok(number.extract::<RawFd>().unwrap_or(-1))
}

fn type_error(socket: &Bound<'_, PyAny>) -> PyErr {
    let name = socket
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into());
    PyTypeError::new_err(format!(
        "expected a socket, an object with fileno() or an int file descriptor, got {name}"
    ))
}
