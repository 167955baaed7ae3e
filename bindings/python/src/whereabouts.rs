//! Where a process lives: peercred.Namespaces, peercred.ProcessCredentials,
//! peercred.Cgroup and peercred.boot_id, made from the core's answers.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::cred::PeerCred;
use crate::error::to_py;

fn kind(name: &str) -> PyResult<peercred::Namespace> {
    peercred::Namespace::from_name(name).ok_or_else(|| {
        PyValueError::new_err(format!(
            "unknown namespace kind {name:?}: one of cgroup, ipc, mnt, net, pid, time, user, uts"
        ))
    })
}

/// A process's namespaces, each compared with the calling thread's
/// (PeerProcess.namespaces()). Kinds are named as in /proc/PID/ns: "cgroup",
/// "ipc", "mnt", "net", "pid", "time", "user", "uts".
#[pyclass(module = "peercred", frozen, eq, hash)]
#[derive(PartialEq, Eq, Hash)]
pub(crate) struct Namespaces(pub(crate) peercred::Namespaces);

#[pymethods]
impl Namespaces {
    /// Whether the process shared every namespace with the caller: seen from a
    /// daemon on the host, a host process (not a container or a sandbox).
    #[getter]
    fn all_shared(&self) -> bool {
        self.0.all_shared()
    }

    /// The kinds in which the process is in another namespace than the caller.
    #[getter]
    fn differing<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.0.differing().iter().map(|kind| kind.name()))
    }

    /// Whether the process was in the caller's namespace of this kind.
    fn is_shared(&self, kind_name: &str) -> PyResult<bool> {
        Ok(self.0.is_shared(kind(kind_name)?))
    }

    /// The id of its namespace of this kind (see is_unique()).
    fn id(&self, kind_name: &str) -> PyResult<u64> {
        Ok(self.0.id(kind(kind_name)?).value())
    }

    /// Whether id() is never reused (the kernel's namespace id, Linux 6.18;
    /// 6.8 for "mnt"), or is the nsfs inode number, which another namespace
    /// can get once this one is gone.
    fn is_unique(&self, kind_name: &str) -> PyResult<bool> {
        Ok(self.0.id(kind(kind_name)?).is_unique())
    }

    fn __repr__(&self) -> String {
        let differ: Vec<&str> = self.0.differing().iter().map(|kind| kind.name()).collect();
        format!("<Namespaces differing={differ:?}>")
    }
}

/// A process's credentials now (PeerProcess.credentials()): ids numbered in
/// our user namespace, capability masks that count in the process's own.
#[pyclass(module = "peercred", frozen, eq, hash)]
#[derive(PartialEq, Eq, Hash)]
pub(crate) struct ProcessCredentials(pub(crate) peercred::ProcessCredentials);

#[pymethods]
impl ProcessCredentials {
    #[getter]
    fn real_uid(&self) -> u32 {
        self.0.real_uid()
    }
    #[getter]
    fn effective_uid(&self) -> u32 {
        self.0.effective_uid()
    }
    #[getter]
    fn saved_uid(&self) -> u32 {
        self.0.saved_uid()
    }
    #[getter]
    fn fs_uid(&self) -> u32 {
        self.0.fs_uid()
    }
    #[getter]
    fn real_gid(&self) -> u32 {
        self.0.real_gid()
    }
    #[getter]
    fn effective_gid(&self) -> u32 {
        self.0.effective_gid()
    }
    #[getter]
    fn saved_gid(&self) -> u32 {
        self.0.saved_gid()
    }
    #[getter]
    fn fs_gid(&self) -> u32 {
        self.0.fs_gid()
    }
    #[getter]
    fn cap_effective(&self) -> u64 {
        self.0.cap_effective()
    }
    #[getter]
    fn cap_permitted(&self) -> u64 {
        self.0.cap_permitted()
    }
    #[getter]
    fn cap_bounding(&self) -> u64 {
        self.0.cap_bounding()
    }
    #[getter]
    fn no_new_privs(&self) -> bool {
        self.0.no_new_privs()
    }
    /// The audit login uid, or None (unset, unmapped here, no audit).
    #[getter]
    fn login_uid(&self) -> Option<u32> {
        self.0.login_uid()
    }
    /// Whether the effective ids differ from those recorded at connect();
    /// None for a process not taken from a socket.
    #[getter]
    fn differs_from_connect(&self) -> Option<bool> {
        self.0.differs_from_connect()
    }
    /// Whether the effective ids differ from ``cred`` (read()'s, at connect()).
    fn differs_from(&self, cred: PyRef<'_, PeerCred>) -> bool {
        self.0.differs_from(&cred.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "<ProcessCredentials euid={} egid={} cap_effective={:#x}>",
            self.0.effective_uid(),
            self.0.effective_gid(),
            self.0.cap_effective()
        )
    }
}

/// A cgroup v2 path relative to our cgroup namespace, and what systemd and
/// the container engines encode in it (PeerProcess.cgroup(), Cgroup.parse()).
#[pyclass(module = "peercred", frozen, eq, hash)]
#[derive(PartialEq, Eq, Hash)]
pub(crate) struct Cgroup(pub(crate) peercred::Cgroup);

#[pymethods]
impl Cgroup {
    /// Parses a path: ValueError unless it starts with "/"; OSError(EREMOTE)
    /// for one that leaves the cgroup namespace ("/..").
    #[staticmethod]
    fn parse(path: OsString) -> PyResult<Cgroup> {
        if path.as_encoded_bytes().contains(&0) {
            return Err(PyValueError::new_err("embedded null byte"));
        }
        match peercred::Cgroup::parse(&path) {
            Ok(cgroup) => Ok(Cgroup(cgroup)),
            Err(peercred::Error::Os(libc::EINVAL)) => {
                Err(PyValueError::new_err("a cgroup path starts with '/'"))
            }
            Err(err) => Err(to_py(err)),
        }
    }
    #[getter]
    fn path(&self) -> OsString {
        OsString::from_vec(self.0.path().as_os_str().as_encoded_bytes().to_vec())
    }
    #[getter]
    fn unit(&self) -> Option<&str> {
        self.0.unit()
    }
    #[getter]
    fn slice(&self) -> Option<&str> {
        self.0.slice()
    }
    #[getter]
    fn user_unit(&self) -> Option<&str> {
        self.0.user_unit()
    }
    #[getter]
    fn user_slice(&self) -> Option<&str> {
        self.0.user_slice()
    }
    #[getter]
    fn session(&self) -> Option<&str> {
        self.0.session()
    }
    #[getter]
    fn owner_uid(&self) -> Option<u32> {
        self.0.owner_uid()
    }
    #[getter]
    fn container_id(&self) -> Option<&str> {
        self.0.container_id()
    }
    /// "docker", "podman", "containerd", "cri-o", or None.
    #[getter]
    fn container_runtime(&self) -> Option<&'static str> {
        self.0.container_runtime().map(|runtime| runtime.name())
    }
    #[getter]
    fn pod_uid(&self) -> Option<String> {
        self.0.pod_uid()
    }
    fn __repr__(&self) -> String {
        format!("<Cgroup {}>", self.0.path().display())
    }
}

/// The id of the running boot (/proc/sys/kernel/random/boot_id).
#[pyfunction]
pub(crate) fn boot_id() -> PyResult<String> {
    peercred::boot_id().map_err(to_py)
}
