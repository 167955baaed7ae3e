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

    /// The peer's effective uid at connect(), as our user namespace numbers it:
    /// the overflow uid (/proc/sys/kernel/overflowuid) when it has none here;
    /// see uid_mapping().
    #[getter]
    fn uid(&self) -> u32 {
        self.0.uid()
    }

    /// The peer's effective gid at connect(); the overflow gid when it has none
    /// here; see gid_mapping().
    #[getter]
    fn gid(&self) -> u32 {
        self.0.gid()
    }

    /// "mapped" (a real uid here), "unmapped" (the kernel's placeholder for a
    /// uid this namespace cannot name) or "unknown" (the overflow uid, which is
    /// also a real uid here).
    fn uid_mapping(&self) -> PyResult<&'static str> {
        self.0.uid_mapping().map(|m| m.as_str()).map_err(to_py)
    }

    /// As uid_mapping(), for the gid.
    fn gid_mapping(&self) -> PyResult<&'static str> {
        self.0.gid_mapping().map(|m| m.as_str()).map_err(to_py)
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
/// when there is no other end to describe (ENOTCONN also for a listening
/// socket and for a socketpair this process made, multiprocessing.Pipe()
/// included), and TypeError for anything else.
#[pyfunction]
pub(crate) fn read(socket: &Bound<'_, PyAny>) -> PyResult<PeerCred> {
    peercred::raw::read(fd_of(socket)?)
        .map(PeerCred)
        .map_err(to_py)
}

/// Whether ``uid``, as the kernel reported it to this process, is a real uid in
/// our user namespace: "mapped", "unmapped" (the kernel's overflow placeholder
/// for a uid this namespace cannot name) or "unknown" (the overflow uid is
/// also a real uid here). Reads /proc/self/uid_map and the overflowuid sysctl.
#[pyfunction]
pub(crate) fn uid_mapping(uid: u32) -> PyResult<&'static str> {
    peercred::uid_mapping(uid)
        .map(|m| m.as_str())
        .map_err(to_py)
}

/// As uid_mapping(), for a gid (``read(sock).gid`` or one of ``groups(sock)``).
#[pyfunction]
pub(crate) fn gid_mapping(gid: u32) -> PyResult<&'static str> {
    peercred::gid_mapping(gid)
        .map(|m| m.as_str())
        .map_err(to_py)
}
