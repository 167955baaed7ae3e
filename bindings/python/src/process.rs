//! peercred.peer_process, peercred.own_process and peercred.PeerProcess.

use std::ffi::OsString;
use std::os::fd::{AsFd, AsRawFd, RawFd};
use std::os::unix::ffi::OsStringExt;
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use crate::error::to_py;
use crate::fd::fd_of;
use crate::whereabouts::{Cgroup, Namespaces, ProcessCredentials};

/// The process at the other end of a socket (or the calling process), held by
/// its pidfd. Every fact is read now from the live process, not recorded at
/// connect() like read()'s ids: a caller that can exec after connecting can
/// make them describe another program. Each is read from /proc and confirmed
/// afterwards by the pidfd, so it never describes another process that took
/// over the pid: a read that raced with the process's exit raises
/// ProcessLookupError. Close it (or use ``with``) to release the pidfd.
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

    /// The parent's pid now, or None when the parent is outside our PID namespace.
    fn parent_pid(&self) -> PyResult<Option<i32>> {
        self.fact(peercred::PeerProcess::parent_pid)
    }

    /// The executable's path now, as the process sees it (its own mount namespace).
    fn exe(&self) -> PyResult<OsString> {
        self.fact(|process| process.exe().map(PathBuf::into_os_string))
    }

    /// Whether the process runs, now, the very file ``path`` names here (device and inode).
    fn exe_matches(&self, path: &Bound<'_, PyAny>) -> PyResult<bool> {
        let path = fs_path(path)?;
        self.fact(|process| process.exe_matches(&path))
    }

    /// The SHA-256 of the file the process runs now, read through /proc/PID/exe.
    fn exe_sha256<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let digest = self.fact(peercred::PeerProcess::exe_sha256)?;
        Ok(PyBytes::new(py, &digest))
    }

    /// The arguments as the peer set them: the peer can write anything there.
    fn cmdline(&self) -> PyResult<Vec<OsString>> {
        self.fact(peercred::PeerProcess::cmdline)
    }

    /// The audit login session id now, or None outside any login session.
    fn session_id(&self) -> PyResult<Option<u32>> {
        self.fact(peercred::PeerProcess::session_id)
    }

    /// Whether both processes are in the same login session; no session matches nothing.
    fn same_session(&self, other: PyRef<'_, PeerProcess>) -> PyResult<bool> {
        let other = other.open()?;
        self.fact(|process| process.same_session(other))
    }

    /// Clock ticks since boot (``os.sysconf('SC_CLK_TCK')`` per second).
    fn start_time(&self) -> PyResult<u64> {
        self.fact(peercred::PeerProcess::start_time)
    }

    /// The effective uid now (decide on read()'s, recorded at connect()).
    fn uid(&self) -> PyResult<u32> {
        self.fact(peercred::PeerProcess::uid)
    }

    /// The effective gid now (decide on read()'s, recorded at connect()).
    fn gid(&self) -> PyResult<u32> {
        self.fact(peercred::PeerProcess::gid)
    }

    /// Its namespaces now, each compared with the calling thread's.
    fn namespaces(&self) -> PyResult<Namespaces> {
        self.fact(peercred::PeerProcess::namespaces).map(Namespaces)
    }

    /// The uid that created its user namespace, in our numbering.
    fn user_namespace_owner(&self) -> PyResult<u32> {
        self.fact(peercred::PeerProcess::user_namespace_owner)
    }

    /// Its ids, capabilities, no_new_privs and login uid now.
    fn credentials(&self) -> PyResult<ProcessCredentials> {
        self.fact(peercred::PeerProcess::credentials)
            .map(ProcessCredentials)
    }

    /// Its cgroup v2 now, relative to our cgroup namespace.
    fn cgroup(&self) -> PyResult<Cgroup> {
        self.fact(peercred::PeerProcess::cgroup).map(Cgroup)
    }

    /// The id of its cgroup v2 now.
    fn cgroup_id(&self) -> PyResult<u64> {
        self.fact(peercred::PeerProcess::cgroup_id)
    }

    /// The invocation id of its systemd unit now, or None.
    fn unit_invocation_id(&self) -> PyResult<Option<String>> {
        self.fact(peercred::PeerProcess::unit_invocation_id)
    }

    /// Its pidfs id: never given to another process before a reboot (Linux 6.9).
    fn pidfs_id(&self) -> PyResult<u64> {
        self.fact(peercred::PeerProcess::pidfs_id)
    }

    /// Its wait status once its parent has reaped it, else None (Linux 6.15).
    fn exit_status(&self) -> PyResult<Option<i32>> {
        self.fact(|p| p.exit_status().map(|s| s.map(|s| s.into_raw())))
    }

    /// Blocks (without the GIL) until it has exited or ``timeout`` seconds
    /// pass: True once it has exited, False on timeout.
    #[pyo3(signature = (timeout=None))]
    fn wait_exit(&self, py: Python<'_>, timeout: Option<f64>) -> PyResult<bool> {
        let timeout = match timeout {
            None => None,
            Some(t) if t.is_finite() && t >= 0.0 => Some(std::time::Duration::from_secs_f64(t)),
            Some(_) => {
                return Err(PyValueError::new_err(
                    "timeout must be a non-negative number",
                ))
            }
        };
        let process = self.open()?;
        py.detach(|| process.wait_exit(timeout)).map_err(to_py)
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

/// The calling process, held and read like a peer (Linux >= 5.3).
#[pyfunction]
pub(crate) fn own_process() -> PyResult<PeerProcess> {
    let process = peercred::PeerProcess::own().map_err(to_py)?;
    Ok(PeerProcess(Some(process)))
}

/// A path as Python's os functions take it: str (file system encoding with
/// surrogateescape, so any bytes round-trip), bytes, or an os.PathLike.
fn fs_path(path: &Bound<'_, PyAny>) -> PyResult<OsString> {
    let bytes = if let Ok(text) = path.cast::<PyString>() {
        text.extract::<OsString>()?.into_vec()
    } else if let Ok(bytes) = path.cast::<PyBytes>() {
        bytes.as_bytes().to_vec()
    } else {
        return fs_path(&fspath(path)?);
    };
    // What os.stat() says of the same path.
    if bytes.contains(&0) {
        return Err(PyValueError::new_err("embedded null byte"));
    }
    Ok(OsString::from_vec(bytes))
}

/// `os.fspath(path)` for an os.PathLike: its str or bytes.
fn fspath<'py>(path: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let fspath = path
        .getattr(intern!(path.py(), "__fspath__"))
        .map_err(|_| {
            let name = path
                .get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default();
            PyTypeError::new_err(format!(
                "expected str, bytes or os.PathLike object, not {name}"
            ))
        })?;
    let inner = fspath.call0()?;
    if inner.is_instance_of::<PyString>() || inner.is_instance_of::<PyBytes>() {
        Ok(inner)
    } else {
        Err(PyTypeError::new_err(
            "__fspath__() must return str or bytes",
        ))
    }
}
