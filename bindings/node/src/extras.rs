//! groups(), securityLabel(), pidfd().

use std::os::fd::IntoRawFd;

use napi_derive::napi;

use crate::error::to_js;

#[napi(catch_unwind)]
pub fn groups(fd: i32) -> napi::Result<Vec<u32>, String> {
    peercred::raw::groups(fd).map_err(to_js)
}

#[napi(catch_unwind)]
pub fn security_label(fd: i32) -> napi::Result<Option<String>, String> {
    peercred::raw::security_label(fd).map_err(to_js)
}

#[napi(catch_unwind)]
pub fn pidfd(fd: i32) -> napi::Result<i32, String> {
    peercred::raw::pidfd(fd)
        .map(IntoRawFd::into_raw_fd)
        .map_err(to_js)
}
