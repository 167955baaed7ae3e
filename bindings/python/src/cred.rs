//! peercred.read and peercred.PeerCred.

use pyo3::prelude::*;
use pyo3::types::PyIterator;

use crate::error::to_py;
use crate::fd::fd_of;

/// The peer's credentials as the kernel recorded them at connect(): immutable,
/// hashable, compared by value, and unpackable as ``pid, uid, gid = cred``.
#[pyclass(module = "peercred", frozen, eq, hash)]
#[derive(PartialEq, Eq, Hash)]
pub(crate) struct PeerCred(pub(crate) peercred::PeerCred);

#[pymethods]
impl PeerCred {
    /// The peer's pid, or None when the peer is outside our PID namespace.
    #[getter]
    fn pid(&self) -> Option<i32> {
        self.0.pid()
    }

    /// The peer's effective uid at connect().
    #[getter]
    fn uid(&self) -> u32 {
        self.0.uid()
    }

    /// The peer's effective gid at connect().
    #[getter]
    fn gid(&self) -> u32 {
        self.0.gid()
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyIterator>> {
        (self.0.pid(), self.0.uid(), self.0.gid())
            .into_pyobject(py)?
            .try_iter()
    }

    pub(crate) fn __repr__(&self) -> String {
        let pid = self
            .0
            .pid()
            .map_or_else(|| "None".to_owned(), |pid| pid.to_string());
        format!(
            "PeerCred(pid={pid}, uid={}, gid={})",
            self.0.uid(),
            self.0.gid()
        )
    }
}

/// Reads the credentials of the peer of a connected Unix domain socket.
///
/// ``socket`` is a socket object, any object with ``fileno()``, or an int file
/// descriptor. Raises OSError (or the subclass Python picks for its errno)
/// when there is no peer to describe, and TypeError for anything else.
#[pyfunction]
pub(crate) fn read(socket: &Bound<'_, PyAny>) -> PyResult<PeerCred> {
    peercred::raw::read(fd_of(socket)?)
        .map(PeerCred)
        .map_err(to_py)
}
