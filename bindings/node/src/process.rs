//! The peer process, held by its pidfd; the wrapper's PeerProcess class owns one.

use std::ffi::OsString;
use std::os::fd::{AsFd, AsRawFd};
use std::os::unix::ffi::OsStringExt;

use napi::bindgen_prelude::{BigInt, Buffer, Either};
use napi_derive::napi;

use crate::error::to_js;
use crate::whereabouts::{self, NativeCgroup, NativeCredentials, NativeNamespaces};

#[napi]
pub struct NativePeerProcess(pub(crate) Option<peercred::PeerProcess>);

type Result<T> = napi::Result<T, String>;

impl NativePeerProcess {
    fn fact<T>(
        &self,
        fact: impl FnOnce(&peercred::PeerProcess) -> std::result::Result<T, peercred::Error>,
    ) -> Result<T> {
        // The wrapper refuses calls after close(), so None is a bug there: EBADF.
        let process = self
            .0
            .as_ref()
            .ok_or_else(|| to_js(peercred::Error::BadDescriptor))?;
        fact(process).map_err(to_js)
    }
}

/// Bytes exactly as the kernel gave them: a string when they are UTF-8, else
/// a Buffer (never a replacement character: two different executables must
/// not read the same).
pub(crate) fn exact(bytes: Vec<u8>) -> Either<String, Buffer> {
    String::from_utf8(bytes).map_or_else(|err| Either::B(err.into_bytes().into()), Either::A)
}

#[napi]
impl NativePeerProcess {
    #[napi(factory, catch_unwind)]
    pub fn from_socket(fd: i32) -> Result<Self> {
        peercred::raw::peer_process(fd)
            .map(|p| NativePeerProcess(Some(p)))
            .map_err(to_js)
    }

    #[napi(factory, catch_unwind)]
    pub fn own() -> Result<Self> {
        peercred::PeerProcess::own()
            .map(|p| NativePeerProcess(Some(p)))
            .map_err(to_js)
    }

    #[napi(factory, catch_unwind)]
    pub fn from_pidfd(pidfd: i32) -> Result<Self> {
        peercred::raw::peer_process_from_pidfd(pidfd)
            .map(|p| NativePeerProcess(Some(p)))
            .map_err(to_js)
    }

    /// 0 when the peer is outside our PID namespace.
    #[napi(catch_unwind)]
    pub fn pid(&self) -> Result<i32> {
        self.fact(|p| Ok(p.pid().unwrap_or(0)))
    }

    #[napi(catch_unwind)]
    pub fn is_alive(&self) -> Result<bool> {
        self.fact(peercred::PeerProcess::is_alive)
    }

    /// null when the parent is outside our PID namespace.
    #[napi(catch_unwind)]
    pub fn parent_pid(&self) -> Result<Option<i32>> {
        self.fact(peercred::PeerProcess::parent_pid)
    }

    #[napi(catch_unwind)]
    pub fn exe(&self) -> Result<Either<String, Buffer>> {
        self.fact(|p| p.exe().map(|path| exact(path.into_os_string().into_vec())))
    }

    /// A string is taken as its UTF-8 bytes, a Buffer as it is.
    #[napi(catch_unwind)]
    pub fn exe_matches(&self, path: Either<String, Buffer>) -> Result<bool> {
        let path = match path {
            Either::A(text) => OsString::from(text),
            Either::B(bytes) => OsString::from_vec(bytes.to_vec()),
        };
        self.fact(|p| p.exe_matches(&path))
    }

    #[napi(catch_unwind)]
    pub fn exe_sha256(&self) -> Result<Buffer> {
        self.fact(|p| p.exe_sha256().map(|digest| digest.to_vec().into()))
    }

    #[napi(catch_unwind)]
    pub fn cmdline(&self) -> Result<Vec<Either<String, Buffer>>> {
        self.fact(|p| {
            p.cmdline()
                .map(|args| args.into_iter().map(|arg| exact(arg.into_vec())).collect())
        })
    }

    #[napi(catch_unwind)]
    pub fn same_session(&self, other: &NativePeerProcess) -> Result<bool> {
        let other = other
            .0
            .as_ref()
            .ok_or_else(|| to_js(peercred::Error::BadDescriptor))?;
        self.fact(|p| p.same_session(other))
    }

    /// -1 when the peer belongs to no login session.
    #[napi(catch_unwind)]
    pub fn session_id(&self) -> Result<i64> {
        self.fact(|p| p.session_id().map(|id| id.map_or(-1, i64::from)))
    }

    /// Clock ticks since boot; exact as a JS number for 2^53 ticks (285,000 years at 1000 Hz).
    #[napi(catch_unwind)]
    pub fn start_time(&self) -> Result<f64> {
        self.fact(|p| p.start_time().map(|ticks| ticks as f64))
    }

    #[napi(catch_unwind)]
    pub fn uid(&self) -> Result<u32> {
        self.fact(peercred::PeerProcess::uid)
    }

    #[napi(catch_unwind)]
    pub fn gid(&self) -> Result<u32> {
        self.fact(peercred::PeerProcess::gid)
    }

    #[napi(catch_unwind)]
    pub fn namespaces(&self) -> Result<NativeNamespaces> {
        self.fact(whereabouts::namespaces)
    }

    #[napi(catch_unwind)]
    pub fn user_namespace_owner(&self) -> Result<u32> {
        self.fact(peercred::PeerProcess::user_namespace_owner)
    }

    #[napi(catch_unwind)]
    pub fn credentials(&self) -> Result<NativeCredentials> {
        self.fact(whereabouts::credentials)
    }

    #[napi(catch_unwind)]
    pub fn cgroup(&self) -> Result<NativeCgroup> {
        self.fact(|p| p.cgroup().map(|c| whereabouts::cgroup(&c)))
    }

    #[napi(catch_unwind)]
    pub fn cgroup_id(&self) -> Result<BigInt> {
        self.fact(|p| p.cgroup_id().map(BigInt::from))
    }

    #[napi(catch_unwind)]
    pub fn unit_invocation_id(&self) -> Result<Option<String>> {
        self.fact(peercred::PeerProcess::unit_invocation_id)
    }

    #[napi(catch_unwind)]
    pub fn pidfs_id(&self) -> Result<BigInt> {
        self.fact(|p| p.pidfs_id().map(BigInt::from))
    }

    /// The wait status once reaped, else null.
    #[napi(catch_unwind)]
    pub fn exit_status(&self) -> Result<Option<i32>> {
        self.fact(|p| {
            p.exit_status()
                .map(|s| s.map(std::os::unix::process::ExitStatusExt::into_raw))
        })
    }

    #[napi(catch_unwind)]
    pub fn fileno(&self) -> Result<i32> {
        self.fact(|p| Ok(p.as_fd().as_raw_fd()))
    }

    #[napi]
    pub fn close(&mut self) {
        self.0 = None;
    }
}
