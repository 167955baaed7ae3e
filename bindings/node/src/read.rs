//! read(): the hot path.
//!
//! Returning a fresh object from native code costs several times the system
//! call, so the wrapper registers one Uint32Array per JS thread (main thread or
//! worker) and each read() writes [pid, uid, gid] into it; the wrapper builds
//! the object. Passing the array on every call measured 15% slower.

use std::cell::RefCell;

use napi::bindgen_prelude::Uint32Array;
use napi_derive::napi;

use crate::error::to_js;

thread_local! {
    // One JS environment per thread (workers run on their own threads), so the
    // buffer registered by this thread's wrapper is the one its calls fill.
    static OUT: RefCell<Option<Uint32Array>> = const { RefCell::new(None) };
}

/// Registers the buffer that `read_into` fills; it stays referenced here.
#[napi(catch_unwind)]
pub fn set_read_buffer(out: Uint32Array) -> napi::Result<(), String> {
    if out.len() < 3 {
        return Err(to_js(peercred::Error::Os(libc::EINVAL)));
    }
    OUT.with(|slot| *slot.borrow_mut() = Some(out));
    Ok(())
}

/// Writes [pid, uid, gid] of the peer of `fd` into the registered buffer (pid
/// 0: not visible in our PID namespace).
#[napi(catch_unwind)]
pub fn read_into(fd: i32) -> napi::Result<(), String> {
    let cred = peercred::raw::read(fd).map_err(to_js)?;
    OUT.with(|slot| match slot.borrow_mut().as_mut() {
        Some(out) => {
            // SAFETY: JS runs nothing on this thread while this call does, and
            // the wrapper never hands the buffer out, so nothing else touches it.
            let out = unsafe { out.as_mut() };
            out[0] = cred.pid().unwrap_or(0) as u32;
            out[1] = cred.uid();
            out[2] = cred.gid();
            Ok(())
        }
        None => Err(to_js(peercred::Error::Os(libc::EINVAL))),
    })
}
