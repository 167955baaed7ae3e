//! peercred.pass_credentials, peercred._recv and peercred.Message.

use std::cell::RefCell;
use std::os::fd::{AsRawFd, RawFd};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyIterator};

use crate::cred::PeerCred;
use crate::error::to_py;
use crate::fd::fd_of;
use crate::process::PeerProcess;

/// Makes every message received on ``socket`` from now on carry its sender's
/// credentials (and a pidfd on Linux >= 6.5). Call it before ``bind()``.
#[pyfunction]
pub(crate) fn pass_credentials(socket: &Bound<'_, PyAny>) -> PyResult<()> {
    peercred::raw::pass_credentials(fd_of(socket)?).map_err(to_py)
}

thread_local! {
    // Reused between calls: a fresh zeroed buffer of bufsize bytes per call
    // would cost more than the receive itself.
    static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}
/// Buffers above this size are not kept between calls.
const KEEP: usize = 1 << 20;

/// One recvmsg; the wrapper ``peercred.recv`` adds socket timeouts.
#[pyfunction]
#[pyo3(signature = (socket, bufsize, flags = 0))]
pub(crate) fn _recv(
    py: Python<'_>,
    socket: &Bound<'_, PyAny>,
    bufsize: usize,
    flags: i32,
) -> PyResult<Message> {
    let fd = fd_of(socket)?;
    let mut buf = BUFFER.with(|b| std::mem::take(&mut *b.borrow_mut()));
    if buf.len() < bufsize {
        buf.resize(bufsize, 0);
    }
    let received = loop {
        match py.detach(|| peercred::raw::recv(fd, &mut buf[..bufsize], flags)) {
            // PEP 475: retry unless a signal handler raised.
            Err(peercred::Error::Os(libc::EINTR)) => py.check_signals()?,
            other => break other,
        }
    };
    let data = received
        .as_ref()
        .ok()
        .map(|m| PyBytes::new(py, &buf[..m.len().min(bufsize)]).unbind());
    if buf.len() <= KEEP {
        BUFFER.with(|b| *b.borrow_mut() = buf);
    }
    let inner = received.map_err(to_py)?;
    let address = match inner.address() {
        peercred::Address::Unnamed => py.None(),
        peercred::Address::Path(path) => path.as_os_str().into_pyobject(py)?.into_any().unbind(),
        // The socket module's form: bytes with the leading NUL.
        peercred::Address::Abstract(name) => {
            PyBytes::new(py, &[&[0], name].concat()).into_any().unbind()
        }
    };
    Ok(Message {
        data: data.expect("set on success"),
        address,
        inner,
        closed: false,
    })
}

/// One message and its sender: ``data``, ``cred`` (PeerCred, or None when the
/// message carried no credentials), ``address``, the sender's ``pidfd`` and
/// ``peer_process()``. Unpacks as ``data, cred = message``. Owns the pidfd:
/// ``close()`` it (or use ``with``); it is also closed when collected.
#[pyclass(module = "peercred")]
pub(crate) struct Message {
    data: Py<PyBytes>,
    address: Py<PyAny>,
    inner: peercred::Message,
    closed: bool,
}

#[pymethods]
impl Message {
    /// The bytes received (at most ``bufsize``).
    #[getter]
    fn data(&self, py: Python<'_>) -> Py<PyBytes> {
        self.data.clone_ref(py)
    }

    /// The sender's pid (None outside our PID namespace), real uid and real
    /// gid, or None when the message carried no credentials.
    #[getter]
    fn cred(&self) -> Option<PeerCred> {
        self.inner.cred().map(PeerCred)
    }

    /// The sender's pidfd, owned by this message; None when it carried none or
    /// after close().
    #[getter]
    fn pidfd(&self) -> Option<RawFd> {
        self.inner.pidfd().map(|fd| fd.as_raw_fd())
    }

    /// The sending socket's address: a str path, bytes starting with NUL for an
    /// abstract name, or None when the sender is unbound. The sender chose it.
    #[getter]
    fn address(&self, py: Python<'_>) -> Py<PyAny> {
        self.address.clone_ref(py)
    }

    /// The byte count recvmsg returned: with MSG_TRUNC, a datagram's real length.
    #[getter]
    fn size(&self) -> usize {
        self.inner.len()
    }

    /// The datagram or record was longer than bufsize (MSG_TRUNC).
    #[getter]
    fn truncated(&self) -> bool {
        self.inner.truncated()
    }

    /// The kernel dropped control data (MSG_CTRUNC).
    #[getter]
    fn control_truncated(&self) -> bool {
        self.inner.control_truncated()
    }

    /// recvmsg's msg_flags.
    #[getter]
    fn flags(&self) -> i32 {
        self.inner.flags()
    }

    /// Descriptors the sender attached (SCM_RIGHTS), closed on arrival.
    #[getter]
    fn discarded_fds(&self) -> usize {
        self.inner.discarded_fds()
    }

    #[getter]
    fn closed(&self) -> bool {
        self.closed
    }

    /// The sending process, held by a duplicate of the pidfd. Raises
    /// ProcessLookupError once the sender was reaped, OSError ENODATA when the
    /// message carried no credentials, ENOPROTOOPT without SCM_PIDFD (Linux < 6.5).
    fn peer_process(&self) -> PyResult<PeerProcess> {
        if self.closed {
            return Err(PyValueError::new_err("I/O operation on closed Message"));
        }
        let process = self.inner.peer_process().map_err(to_py)?;
        Ok(PeerProcess(Some(process)))
    }

    /// Closes the pidfd. Closing twice is harmless.
    fn close(&mut self) {
        drop(self.inner.take_pidfd());
        self.closed = true;
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

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyIterator>> {
        (self.data.clone_ref(py), self.cred())
            .into_pyobject(py)?
            .try_iter()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let cred = match self.cred() {
            Some(cred) => cred.__repr__(),
            None => "None".to_owned(),
        };
        Ok(format!(
            "<Message size={} cred={} address={}{}>",
            self.inner.len(),
            cred,
            self.address.bind(py).repr()?,
            if self.inner.truncated() {
                " truncated"
            } else {
                ""
            },
        ))
    }
}
