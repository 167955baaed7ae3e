//! A descriptor that the JS thread's event loop watches for readability (a
//! datagram socket's next message, a pidfd's exit),
//! owned until close() or the end of its JS environment (main thread or
//! worker): a libuv poll handle on the loop that napi_get_uv_event_loop gives,
//! whose callback enters JS through napi_make_callback, as Node's own handles
//! do (async hooks, then nextTick and microtasks). No thread and no polling
//! loop: epoll wakes the event loop when a message is queued.
//!
//! An async cleanup hook (N-API 8) closes the handle and the descriptor when
//! the environment ends first, and Node waits for the close to finish, so a
//! worker that exits with a socket open neither leaks it nor leaves libuv a
//! handle it would refuse to close the loop with.

use std::cell::Cell;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::os::raw::{c_int, c_void};
use std::ptr;
use std::rc::Rc;

use napi::sys;

use crate::uv;

/// Owns the descriptor and, while watched, the poll handle.
pub(crate) struct WatchedFd(Rc<State>);

struct State {
    env: sys::napi_env,
    fd: Cell<Option<OwnedFd>>,
    poll: Cell<*mut uv::Poll>,
    /// The JS callback, its receiver and async context, while watched.
    js: Cell<Option<(sys::napi_ref, sys::napi_ref, sys::napi_async_context)>>,
    cleanup: Cell<sys::napi_async_cleanup_hook_handle>,
    closed: Cell<bool>,
}

/// A failed N-API or libuv call, as an errno for the core's error type.
fn check(ok: bool) -> Result<(), peercred::Error> {
    if ok {
        Ok(())
    } else {
        Err(peercred::Error::Os(libc::EIO))
    }
}

impl WatchedFd {
    /// Takes ownership of `fd` for the JS environment `env`.
    pub(crate) fn new(env: sys::napi_env, fd: OwnedFd) -> Result<WatchedFd, peercred::Error> {
        let state = Rc::new(State {
            env,
            fd: Cell::new(Some(fd)),
            poll: Cell::new(ptr::null_mut()),
            js: Cell::new(None),
            cleanup: Cell::new(ptr::null_mut()),
            closed: Cell::new(false),
        });
        let arg = Rc::into_raw(state.clone()) as *mut c_void;
        let mut handle = ptr::null_mut();
        // SAFETY: env is the calling environment; the hook owns one count of `state`.
        let status = unsafe {
            sys::napi_add_async_cleanup_hook(env, Some(on_env_cleanup), arg, &mut handle)
        };
        if status != sys::Status::napi_ok {
            // SAFETY: reclaims the count given to the hook that was not registered.
            drop(unsafe { Rc::from_raw(arg as *const State) });
            return Err(peercred::Error::Os(libc::EIO));
        }
        state.cleanup.set(handle);
        Ok(WatchedFd(state))
    }

    /// The descriptor, or EBADF once closed.
    pub(crate) fn fd(&self) -> Result<RawFd, peercred::Error> {
        let fd = self.0.fd.take();
        let raw = fd.as_ref().map(AsRawFd::as_raw_fd);
        self.0.fd.set(fd);
        raw.ok_or(peercred::Error::BadDescriptor)
    }

    pub(crate) fn is_watching(&self) -> bool {
        !self.0.poll.get().is_null()
    }

    /// Starts calling `callback` on `receiver` with the poll status (0, or a
    /// negative errno from the loop) each time the descriptor is readable.
    pub(crate) fn watch(
        &self,
        name: &std::ffi::CStr,
        receiver: sys::napi_value,
        callback: sys::napi_value,
    ) -> Result<(), peercred::Error> {
        let fd = self.fd()?;
        if self.is_watching() {
            return Ok(());
        }
        let env = self.0.env;
        // SAFETY: N-API calls on the calling environment with valid values;
        // the poll handle is allocated at libuv's own size and freed in on_closed.
        unsafe {
            let mut event_loop = ptr::null_mut();
            check(sys::napi_get_uv_event_loop(env, &mut event_loop) == sys::Status::napi_ok)?;
            let (mut callback_ref, mut receiver_ref, mut context, mut resource) = (
                ptr::null_mut(),
                ptr::null_mut(),
                ptr::null_mut(),
                ptr::null_mut(),
            );
            check(
                sys::napi_create_string_utf8(env, name.as_ptr(), -1, &mut resource)
                    == sys::Status::napi_ok,
            )?;
            check(
                sys::napi_create_reference(env, callback, 1, &mut callback_ref)
                    == sys::Status::napi_ok,
            )?;
            check(
                sys::napi_create_reference(env, receiver, 1, &mut receiver_ref)
                    == sys::Status::napi_ok,
            )?;
            check(
                sys::napi_async_init(env, receiver, resource, &mut context) == sys::Status::napi_ok,
            )?;
            self.0.js.set(Some((callback_ref, receiver_ref, context)));
            let poll = libc::malloc(uv::uv_handle_size(uv::POLL_HANDLE)).cast::<uv::Poll>();
            if poll.is_null() {
                self.release_js();
                return Err(peercred::Error::Os(libc::ENOMEM));
            }
            let rc = uv::uv_poll_init(event_loop, poll, fd);
            if rc != 0 {
                libc::free(poll.cast());
                self.release_js();
                return Err(peercred::Error::Os(-rc));
            }
            uv::uv_handle_set_data(poll, Rc::into_raw(self.0.clone()) as *mut c_void);
            self.0.poll.set(poll);
            let rc = uv::uv_poll_start(poll, uv::READABLE, on_poll);
            if rc != 0 {
                self.close();
                return Err(peercred::Error::Os(-rc));
            }
        }
        Ok(())
    }

    /// Whether the handle keeps the event loop (and the process) alive.
    pub(crate) fn set_ref(&self, on: bool) {
        let poll = self.0.poll.get();
        if !poll.is_null() {
            // SAFETY: a live handle of this loop.
            unsafe {
                if on {
                    uv::uv_ref(poll)
                } else {
                    uv::uv_unref(poll)
                }
            }
        }
    }

    /// Stops watching and closes the descriptor; from JS, so the references
    /// to JS values are released now. Closing twice is harmless.
    pub(crate) fn close(&self) {
        self.release_js();
        self.0.close();
    }

    fn release_js(&self) {
        if let Some((callback, receiver, context)) = self.0.js.take() {
            // SAFETY: called from JS on the environment that made them.
            unsafe {
                sys::napi_delete_reference(self.0.env, callback);
                sys::napi_delete_reference(self.0.env, receiver);
                sys::napi_async_destroy(self.0.env, context);
            }
        }
    }
}

impl Drop for WatchedFd {
    fn drop(&mut self) {
        // The JS object was collected (it cannot be while watched: the
        // receiver reference keeps it) or its environment is ending.
        self.0.close();
    }
}

impl State {
    /// Closes the poll handle (asynchronously) and the descriptor, then
    /// unregisters the cleanup hook. Touches no JS value: it also runs while
    /// the environment is being torn down.
    fn close(self: &Rc<State>) {
        if self.closed.replace(true) {
            return;
        }
        let poll = self.poll.replace(ptr::null_mut());
        if poll.is_null() {
            self.fd.take();
            self.unregister();
            return;
        }
        // SAFETY: a live handle. uv_close stops it and takes the descriptor
        // out of epoll at once (libuv closes its own stream descriptors at this
        // point too), so the descriptor can close now; on_closed frees the handle.
        unsafe {
            uv::uv_poll_stop(poll);
            uv::uv_close(poll, on_closed);
        }
        self.fd.take();
    }

    fn unregister(&self) {
        let handle = self.cleanup.replace(ptr::null_mut());
        if !handle.is_null() {
            // SAFETY: the hook registered in new(); its count of the state is reclaimed.
            unsafe {
                sys::napi_remove_async_cleanup_hook(handle);
                drop(Rc::from_raw(self as *const State));
            }
        }
    }
}

/// The environment is ending: close everything, and let Node wait for it.
unsafe extern "C" fn on_env_cleanup(
    _handle: sys::napi_async_cleanup_hook_handle,
    arg: *mut c_void,
) {
    // SAFETY: arg is the count of the state the hook owns, which unregister()
    // reclaims; a count of our own keeps the state alive until close() returns.
    let state = unsafe {
        Rc::increment_strong_count(arg as *const State);
        Rc::from_raw(arg as *const State)
    };
    // The environment deletes its references itself; only let go of them here.
    state.js.set(None);
    state.close();
}

unsafe extern "C" fn on_closed(poll: *mut uv::Poll) {
    // SAFETY: the data is the count of the state the handle owned.
    let state = unsafe { Rc::from_raw(uv::uv_handle_get_data(poll) as *const State) };
    // SAFETY: allocated with malloc in watch(); libuv is done with it.
    unsafe { libc::free(poll.cast()) };
    state.unregister();
}

unsafe extern "C" fn on_poll(poll: *mut uv::Poll, status: c_int, _events: c_int) {
    // SAFETY: the handle's data is a live count of the state while the handle is open.
    let state = unsafe { &*(uv::uv_handle_get_data(poll) as *const State) };
    let Some((callback, receiver, context)) = state.js.get() else {
        return;
    };
    if state.closed.get() {
        return;
    }
    let env = state.env;
    // SAFETY: N-API calls on the loop's own JS thread, inside a handle scope.
    unsafe {
        let mut scope = ptr::null_mut();
        if sys::napi_open_handle_scope(env, &mut scope) != sys::Status::napi_ok {
            return;
        }
        let (mut function, mut this, mut arg, mut result) = (
            ptr::null_mut(),
            ptr::null_mut(),
            ptr::null_mut(),
            ptr::null_mut(),
        );
        sys::napi_get_reference_value(env, callback, &mut function);
        sys::napi_get_reference_value(env, receiver, &mut this);
        sys::napi_create_int32(env, status, &mut arg);
        let called = sys::napi_make_callback(env, context, this, function, 1, &arg, &mut result);
        if called == sys::Status::napi_pending_exception {
            // Thrown by a 'message' listener: uncaught, as from Node's own handles.
            let mut error = ptr::null_mut();
            sys::napi_get_and_clear_last_exception(env, &mut error);
            sys::napi_fatal_exception(env, error);
        }
        sys::napi_close_handle_scope(env, scope);
    }
}
