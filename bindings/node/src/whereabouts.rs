//! Where a process lives, as plain objects for the wrapper (peercred.js),
//! which gives them their public shape; and the exit watcher, a dup of a
//! pidfd that the event loop watches (watched.rs): readable at the exit.

use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;

use napi::bindgen_prelude::{BigInt, Buffer, Either, Function, This};
use napi::{Env, JsValue};
use napi_derive::napi;

use crate::error::to_js;
use crate::process::{exact, NativePeerProcess};
use crate::watched::WatchedFd;

type Result<T> = napi::Result<T, String>;

#[napi(object)]
pub struct NativeNamespaces {
    pub all_shared: bool,
    pub differing: Vec<String>,
    /// Every kind, in the order of `ids` and `unique`.
    pub kinds: Vec<String>,
    pub ids: Vec<BigInt>,
    pub unique: Vec<bool>,
}

#[napi(object)]
pub struct NativeCredentials {
    /// Real, effective, saved, filesystem.
    pub uid: Vec<u32>,
    pub gid: Vec<u32>,
    pub cap_effective: BigInt,
    pub cap_permitted: BigInt,
    pub cap_bounding: BigInt,
    pub no_new_privs: bool,
    pub login_uid: Option<u32>,
    pub differs_from_connect: Option<bool>,
}

#[napi(object)]
pub struct NativeCgroup {
    pub path: Either<String, Buffer>,
    pub unit: Option<String>,
    pub slice: Option<String>,
    pub user_unit: Option<String>,
    pub user_slice: Option<String>,
    pub session: Option<String>,
    pub owner_uid: Option<u32>,
    pub container_id: Option<String>,
    pub container_runtime: Option<String>,
    pub pod_uid: Option<String>,
}

fn text(value: Option<&str>) -> Option<String> {
    value.map(str::to_owned)
}

pub(crate) fn namespaces(
    process: &peercred::PeerProcess,
) -> std::result::Result<NativeNamespaces, peercred::Error> {
    let ns = process.namespaces()?;
    let kinds = peercred::Namespace::all();
    Ok(NativeNamespaces {
        all_shared: ns.all_shared(),
        differing: ns.differing().iter().map(|k| k.name().to_owned()).collect(),
        kinds: kinds.iter().map(|k| k.name().to_owned()).collect(),
        ids: kinds
            .iter()
            .map(|&k| BigInt::from(ns.id(k).value()))
            .collect(),
        unique: kinds.iter().map(|&k| ns.id(k).is_unique()).collect(),
    })
}

pub(crate) fn credentials(
    process: &peercred::PeerProcess,
) -> std::result::Result<NativeCredentials, peercred::Error> {
    let c = process.credentials()?;
    Ok(NativeCredentials {
        uid: vec![c.real_uid(), c.effective_uid(), c.saved_uid(), c.fs_uid()],
        gid: vec![c.real_gid(), c.effective_gid(), c.saved_gid(), c.fs_gid()],
        cap_effective: BigInt::from(c.cap_effective()),
        cap_permitted: BigInt::from(c.cap_permitted()),
        cap_bounding: BigInt::from(c.cap_bounding()),
        no_new_privs: c.no_new_privs(),
        login_uid: c.login_uid(),
        differs_from_connect: c.differs_from_connect(),
    })
}

pub(crate) fn cgroup(cgroup: &peercred::Cgroup) -> NativeCgroup {
    NativeCgroup {
        path: exact(cgroup.path().as_os_str().as_bytes().to_vec()),
        unit: text(cgroup.unit()),
        slice: text(cgroup.slice()),
        user_unit: text(cgroup.user_unit()),
        user_slice: text(cgroup.user_slice()),
        session: text(cgroup.session()),
        owner_uid: cgroup.owner_uid(),
        container_id: text(cgroup.container_id()),
        container_runtime: cgroup.container_runtime().map(|r| r.name().to_owned()),
        pod_uid: cgroup.pod_uid(),
    }
}

/// What a cgroup path says (Cgroup.parse in the wrapper).
#[napi(catch_unwind)]
pub fn parse_cgroup(path: Either<String, Buffer>) -> Result<NativeCgroup> {
    let bytes = match &path {
        Either::A(text) => text.as_bytes(),
        Either::B(bytes) => bytes.as_ref(),
    };
    if bytes.contains(&0) {
        return Err(to_js(peercred::Error::Os(libc::EINVAL)));
    }
    let parsed = peercred::Cgroup::parse(std::ffi::OsStr::from_bytes(bytes)).map_err(to_js)?;
    Ok(cgroup(&parsed))
}

#[napi(catch_unwind)]
pub fn boot_id() -> Result<String> {
    peercred::boot_id().map_err(to_js)
}

/// A duplicate of a process's pidfd that the event loop watches: it calls
/// back once the process has exited. Owned by one JS environment.
#[napi]
pub struct NativeExitWatcher {
    fd: WatchedFd,
}

#[napi]
impl NativeExitWatcher {
    #[napi(factory, catch_unwind)]
    pub fn of(env: Env, process: &NativePeerProcess) -> Result<Self> {
        let process = process
            .0
            .as_ref()
            .ok_or_else(|| to_js(peercred::Error::BadDescriptor))?;
        let dup: OwnedFd = process
            .as_fd()
            .try_clone_to_owned()
            .map_err(|err| to_js(peercred::Error::Os(err.raw_os_error().unwrap_or(libc::EIO))))?;
        Ok(NativeExitWatcher {
            fd: WatchedFd::new(env.raw(), dup).map_err(to_js)?,
        })
    }

    /// Calls `callback(status)` on `this` when the pidfd is readable (the exit).
    #[napi(catch_unwind)]
    pub fn watch(&self, this: This<'_>, callback: Function<'_, i32, ()>) -> Result<()> {
        self.fd
            .watch(c"PeerProcessExit", this.raw(), callback.raw())
            .map_err(to_js)
    }

    #[napi]
    pub fn close(&mut self) {
        self.fd.close();
    }
}
