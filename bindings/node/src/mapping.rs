//! uidMapping(), gidMapping(): whether an id is real here or the kernel's
//! overflow placeholder. The wrapper checks that the argument is a uint32.

use napi_derive::napi;

use crate::error::to_js;

#[napi(catch_unwind)]
pub fn uid_mapping(uid: u32) -> napi::Result<&'static str, String> {
    peercred::uid_mapping(uid)
        .map(|mapping| mapping.as_str())
        .map_err(to_js)
}

#[napi(catch_unwind)]
pub fn gid_mapping(gid: u32) -> napi::Result<&'static str, String> {
    peercred::gid_mapping(gid)
        .map(|mapping| mapping.as_str())
        .map_err(to_js)
}
