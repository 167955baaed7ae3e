//! The few libuv functions the event-loop integration needs. The node binary
//! exports libuv's symbols to addons (node-gyp addons link against the same
//! ones); like the napi_* symbols, they are resolved when the addon is loaded.
//! Only libuv 1.x's stable ABI is used: handles are allocated by size
//! (uv_handle_size) and reached through uv_handle_get/set_data, never by
//! field offsets.

use std::os::raw::{c_int, c_void};

pub(crate) use napi::sys::uv_loop_s as Loop;

/// An opaque `uv_poll_t`.
pub(crate) type Poll = c_void;

/// `UV_POLL` in `uv_handle_type`.
pub(crate) const POLL_HANDLE: c_int = 8;
/// `UV_READABLE` in `uv_poll_event`.
pub(crate) const READABLE: c_int = 1;

pub(crate) type PollCallback =
    unsafe extern "C" fn(handle: *mut Poll, status: c_int, events: c_int);
pub(crate) type CloseCallback = unsafe extern "C" fn(handle: *mut Poll);

extern "C" {
    pub(crate) fn uv_handle_size(kind: c_int) -> usize;
    pub(crate) fn uv_poll_init(event_loop: *mut Loop, handle: *mut Poll, fd: c_int) -> c_int;
    pub(crate) fn uv_poll_start(handle: *mut Poll, events: c_int, callback: PollCallback) -> c_int;
    pub(crate) fn uv_poll_stop(handle: *mut Poll) -> c_int;
    pub(crate) fn uv_close(handle: *mut Poll, callback: CloseCallback);
    pub(crate) fn uv_ref(handle: *mut Poll);
    pub(crate) fn uv_unref(handle: *mut Poll);
    pub(crate) fn uv_handle_get_data(handle: *const Poll) -> *mut c_void;
    pub(crate) fn uv_handle_set_data(handle: *mut Poll, data: *mut c_void);
}
