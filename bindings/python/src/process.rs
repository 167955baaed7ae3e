//! peercred.peer_process and peercred.PeerProcess.

use std::ffi::OsString;
use std::os::fd::{AsFd, AsRawFd, RawFd};
use std::path::PathBuf;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::error::to_py;
use crate::fd::fd_of;

/// The process at the other end of a socket, held by its pidfd. Every fact is
/// read from /proc and confirmed afterwards by the pidfd, so it never describes
/// another process that took over the pid: a read that raced with the peer's
/// exit raises ProcessLookupError. Close it (or use ``with``) to release the pidfd.
#[pyclass(module = "peercred")]
pub(crate) struct PeerProcess(pub(crate) Option<peercred::PeerProcess>);

impl PeerProcess {
    fn open(&self) -> PyResult<&peercred::PeerProcess> {
        self.0
            .as_ref()
            .ok_or_else(|| PyValueError::new_err("I/O operation on closed PeerProcess"))
    }

    fn fact<T>(
        &self,
        fact: impl FnOnce(&peercred::PeerProcess) -> Result<T, peercred::Error>,
    ) -> PyResult<T> {
        fact(self.open()?).map_err(to_py)
    }
}

#[pymethods]
impl PeerProcess {
    /// Holds a duplicate of ``pidfd`` (the caller keeps and closes its own).
    #[staticmethod]
    fn from_pidfd(pidfd: &Bound<'_, PyAny>) -> PyResult<PeerProcess> {
        let process = peercred::raw::peer_process_from_pidfd(fd_of(pidfd)?).map_err(to_py)?;
        Ok(PeerProcess(Some(process)))
    }

    /// The peer's pid, or None when it is outside our PID namespace.
    #[getter]
    fn pid(&self) -> PyResult<Option<i32>> {
        Ok(self.open()?.pid())
    }

    fn is_alive(&self) -> PyResult<bool> {
        self.fact(peercred::PeerProcess::is_alive)
    }

    fn parent_pid(&self) -> PyResult<i32> {
        self.fact(peercred::PeerProcess::parent_pid)
    }

    fn exe(&self) -> PyResult<OsString> {
        self.fact(|process| process.exe().map(PathBuf::into_os_string))
    }

    /// The arguments as the peer set them: the peer can write anything there.
    fn cmdline(&self) -> PyResult<Vec<OsString>> {
        self.fact(peercred::PeerProcess::cmdline)
    }

    /// The audit login session id, or None outside any login session.
    fn session_id(&self) -> PyResult<Option<u32>> {
        self.fact(peercred::PeerProcess::session_id)
    }

    /// Clock ticks since boot (``os.sysconf('SC_CLK_TCK')`` per second).
    fn start_time(&self) -> PyResult<u64> {
        self.fact(peercred::PeerProcess::start_time)
    }

    /// The current effective uid (it may differ from the uid at connect()).
    fn uid(&self) -> PyResult<u32> {
        self.fact(peercred::PeerProcess::uid)
    }

    /// The current effective gid.
    fn gid(&self) -> PyResult<u32> {
        self.fact(peercred::PeerProcess::gid)
    }

    /// The pidfd, owned by this object (for poll/select: readable once the peer exits).
    fn fileno(&self) -> PyResult<RawFd> {
        Ok(self.open()?.as_fd().as_raw_fd())
    }

    /// Closes the pidfd; later calls raise ValueError. Closing twice is harmless.
    fn close(&mut self) {
        self.0 = None;
    }

    #[getter]
    fn closed(&self) -> bool {
        self.0.is_none()
    }

    fn __enter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __exit__(
        &mut self,
        _exc_type: &Bound<'_, PyAny>,
        _exc: &Bound<'_, PyAny>,
        _tb: &Bound<'_, PyAny>,
    ) {
        self.close();
    }

    fn __repr__(&self) -> String {
        match &self.0 {
            None => "<PeerProcess closed>".to_owned(),
            Some(process) => match process.pid() {
                Some(pid) => format!("<PeerProcess pid={pid}>"),
                None => "<PeerProcess pid=None>".to_owned(),
            },
        }
    }
}

/// The peer process of a socket, held by its pidfd (Linux >= 6.5).
#[pyfunction]
pub(crate) fn peer_process(socket: &Bound<'_, PyAny>) -> PyResult<PeerProcess> {
    let process = peercred::raw::peer_process(fd_of(socket)?).map_err(to_py)?;
    Ok(PeerProcess(Some(process)))
}
