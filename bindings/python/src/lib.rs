//! The Python module `peercred._peercred`, re-exported by `peercred`. It only
//! translates: Python arguments in (fd.rs), core answers and errors out
//! (error.rs); all semantics live in the core crate.

mod cred;
mod error;
mod extras;
mod fd;
mod message;
mod process;
mod whereabouts;

use pyo3::prelude::*;

#[pymodule]
fn _peercred(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    module.add_class::<cred::PeerCred>()?;
    module.add_class::<process::PeerProcess>()?;
    module.add_class::<message::Message>()?;
    module.add_class::<whereabouts::Namespaces>()?;
    module.add_class::<whereabouts::ProcessCredentials>()?;
    module.add_class::<whereabouts::Cgroup>()?;
    module.add_function(wrap_pyfunction!(whereabouts::boot_id, module)?)?;
    module.add_function(wrap_pyfunction!(cred::read, module)?)?;
    module.add_function(wrap_pyfunction!(extras::groups, module)?)?;
    module.add_function(wrap_pyfunction!(extras::security_label, module)?)?;
    module.add_function(wrap_pyfunction!(extras::pidfd, module)?)?;
    module.add_function(wrap_pyfunction!(process::peer_process, module)?)?;
    module.add_function(wrap_pyfunction!(cred::uid_mapping, module)?)?;
    module.add_function(wrap_pyfunction!(cred::gid_mapping, module)?)?;
    module.add_function(wrap_pyfunction!(process::own_process, module)?)?;
    module.add_function(wrap_pyfunction!(message::pass_credentials, module)?)?;
    module.add_function(wrap_pyfunction!(message::_recv, module)?)?;
    Ok(())
}
