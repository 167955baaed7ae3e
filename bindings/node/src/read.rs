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
//!
//! `readInto` itself is a plain N-API callback rather than a `#[napi]`
//! function: napi-rs's generated wrapper measured 170-250 ns per call here,
//! against a read whose system calls cost about 550 ns.

use std::cell::RefCell;
use std::ffi::{c_void, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::{self, NonNull};

use napi::bindgen_prelude::{Object, ToNapiValue, Uint32ArraySlice};
use napi::{sys, Env, JsValue};
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
            ptr::null_mut(),
            ptr::null_mut(),
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

/// Defines `readInto` on the addon's exports.
#[napi(module_exports)]
pub fn define_read_into(exports: Object, env: Env) -> napi::Result<()> {
    let mut function = ptr::null_mut();
    // SAFETY: the env and exports object of this module's initialisation.
    let status = unsafe {
        match sys::napi_create_function(
            env.raw(),
            c"readInto".as_ptr(),
            "readInto".len() as isize,
            Some(read_into),
            ptr::null_mut(),
            &mut function,
        ) {
            sys::Status::napi_ok => sys::napi_set_named_property(
                env.raw(),
                exports.raw(),
                c"readInto".as_ptr(),
                function,
            ),
            failed => failed,
        }
    };
    napi::check_status!(status, "defining readInto")
}

/// `readInto(fd, id)`: writes [pid, uid, gid] of the peer of `fd` into the
/// array registered as `id` (pid 0: not visible in our PID namespace), or
/// throws an Error whose `code` is the errno as a string (see error.rs).
unsafe extern "C" fn read_into(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    let mut argc = 2;
    let mut argv = [ptr::null_mut(); 2];
    let (mut fd, mut id) = (-1, u32::MAX);
    // SAFETY: the env and callback info of this call; argv has room for argc values.
    let parsed = unsafe {
        sys::napi_get_cb_info(
            env,
            info,
            &mut argc,
            argv.as_mut_ptr(),
            ptr::null_mut(),
            ptr::null_mut(),
        ) == sys::Status::napi_ok
            && argc == 2
            && sys::napi_get_value_int32(env, argv[0], &mut fd) == sys::Status::napi_ok
            && sys::napi_get_value_uint32(env, argv[1], &mut id) == sys::Status::napi_ok
    };
    let result = if parsed {
        catch_unwind(AssertUnwindSafe(|| fill(fd, id))).unwrap_or_else(|panic| {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(internal(format!("a panic inside peercred (a bug): {what}")))
        })
    } else {
        Err(internal("readInto(fd, id) takes two integers"))
    };
    if let Err(err) = result {
        let text = |s: &str| CString::new(s.replace('\0', " ")).unwrap_or_default();
        let (code, message) = (text(&err.status), text(&err.reason));
        // SAFETY: two NUL-terminated strings; N-API copies them.
        unsafe { sys::napi_throw_error(env, code.as_ptr(), message.as_ptr()) };
    }
    ptr::null_mut() // undefined
}

fn fill(fd: i32, id: u32) -> napi::Result<(), String> {
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
