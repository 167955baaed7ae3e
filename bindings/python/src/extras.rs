//! peercred.groups, peercred.security_label, peercred.pidfd.

use std::os::fd::IntoRawFd;

use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::error::to_py;
use crate::fd::fd_of;

/// The peer's supplementary group ids as captured at connect(), as the kernel
/// lists them: the primary gid (``read(sock).gid``) is not added, and every
/// group with no gid in our user namespace is the overflow gid (see
/// ``gid_mapping``).
#[pyfunction]
pub(crate) fn groups<'py>(socket: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTuple>> {
    let groups = peercred::raw::groups(fd_of(socket)?).map_err(to_py)?;
    PyTuple::new(socket.py(), groups)
}

/// The peer's security label (e.g. an SELinux context), or None when no
/// labelling LSM is loaded.
#[pyfunction]
pub(crate) fn security_label(socket: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    peercred::raw::security_label(fd_of(socket)?).map_err(to_py)
}

/// A new close-on-exec pidfd naming the peer process, which the caller owns and
/// closes (``os.close``). OSError ENOPROTOOPT on kernels before 6.5;
/// ProcessLookupError once the peer has exited and been reaped.
#[pyfunction]
pub(crate) fn pidfd(socket: &Bound<'_, PyAny>) -> PyResult<i32> {
    peercred::raw::pidfd(fd_of(socket)?)
        .map(IntoRawFd::into_raw_fd)
        .map_err(to_py)
}
