//! read(): the hot path.
//!
//! Returning a fresh object from native code costs several times the system
//! calls, so each evaluation of the wrapper (peercred.js) registers a
//! Uint32Array of its own and gets a small id for it; each read passes that id
//! and the native side writes [pid, uid, gid] into that evaluation's array,
//! from which the wrapper builds the object. An answer therefore always lands
//! in the array of the evaluation that asked, however many evaluations share
//! this addon (a cleared require cache, a test runner's module isolation, CJS
//! and ESM), and each copy of the addon on disk and each worker thread has its
//! own table. An id that is not registered on this thread throws. Measured:
//! the id costs what the former single registered array did (within noise);
//! passing the array itself on every call costs 45 ns more.

use std::cell::RefCell;
use std::ffi::c_void;
use std::ptr::NonNull;

use napi::bindgen_prelude::{ToNapiValue, Uint32ArraySlice};
use napi::{sys, Env};
use napi_derive::napi;

use crate::error::to_js;

thread_local! {
    // A JS environment runs on one thread (workers on their own), so every
    // call for an id arrives on the thread that registered it.
    static BUFFERS: RefCell<Vec<Option<NonNull<u32>>>> = const { RefCell::new(Vec::new()) };
}

/// Registers `out` (a Uint32Array of at least 3 elements over its own
/// ArrayBuffer, which the wrapper never hands out) and returns its id. The id
/// is freed when `out` is garbage collected, and only then reused.
#[napi(catch_unwind)]
pub fn register_read_buffer(env: Env, mut out: Uint32ArraySlice) -> napi::Result<u32, String> {
    // SAFETY: the data pointer of an ArrayBuffer's backing store stays valid
    // and in place while the array lives; nothing else writes to it.
    let data = unsafe { out.as_mut() };
    if data.len() < 3 {
        return Err(to_js(peercred::Error::Os(libc::EINVAL)));
    }
    let data = NonNull::from(data).cast::<u32>();
    // SAFETY: the value this call was given, in its env.
    let value = unsafe { Uint32ArraySlice::to_napi_value(env.raw(), out) }.map_err(internal)?;
    let id = BUFFERS.with(|buffers| {
        let mut buffers = buffers.borrow_mut();
        match buffers.iter().position(Option::is_none) {
            Some(free) => {
                buffers[free] = Some(data);
                free
            }
            None => {
                buffers.push(Some(data));
                buffers.len() - 1
            }
        }
    });
    // SAFETY: a valid env and value of this call; the finalizer only clears
    // the slot, on this thread, once the array is collected.
    let status = unsafe {
        sys::napi_add_finalizer(
            env.raw(),
            value,
            id as *mut c_void,
            Some(forget),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        )
    };
    if status != sys::Status::napi_ok {
        BUFFERS.with(|buffers| buffers.borrow_mut()[id] = None);
        return Err(internal(format!(
            "napi_add_finalizer failed with status {status}"
        )));
    }
    Ok(id as u32)
}

/// A broken invariant of this addon, not an OS error: Node's code for those.
fn internal(what: impl std::fmt::Display) -> napi::Error<String> {
    napi::Error::new(
        "ERR_INTERNAL_ASSERTION".to_owned(),
        format!("@peercred/node: {what}"),
    )
}

unsafe extern "C" fn forget(_env: sys::napi_env, id: *mut c_void, _hint: *mut c_void) {
    // try_with: at thread exit the table may already be gone, with nothing to clear.
    let _ = BUFFERS.try_with(|buffers| {
        if let Some(slot) = buffers.borrow_mut().get_mut(id as usize) {
            *slot = None;
        }
    });
}

/// Writes [pid, uid, gid] of the peer of `fd` into the array registered as
/// `id` (pid 0: not visible in our PID namespace).
#[napi(catch_unwind)]
pub fn read_into(fd: i32, id: u32) -> napi::Result<(), String> {
    let cred = peercred::raw::read(fd).map_err(to_js)?;
    let slot = BUFFERS.with(|buffers| buffers.borrow().get(id as usize).copied().flatten());
    let Some(out) = slot else {
        return Err(internal(format_args!(
            "read buffer {id} is not registered on this thread"
        )));
    };
    // SAFETY: the registered array is alive (its evaluation is calling) and
    // at least 3 elements long; JS runs nothing on this thread meanwhile.
    let out = unsafe { std::slice::from_raw_parts_mut(out.as_ptr(), 3) };
    out[0] = cred.pid().unwrap_or(0) as u32;
    out[1] = cred.uid();
    out[2] = cred.gid();
    Ok(())
}
