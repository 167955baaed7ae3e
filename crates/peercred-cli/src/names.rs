//! User and group names from the system databases (NSS), if any.

use std::ffi::CStr;

/// The name of `uid`, or None when the user databases do not know it.
pub fn user(uid: libc::uid_t) -> Option<String> {
    let mut buf = vec![0 as libc::c_char; 4096];
    // SAFETY: all-zero is a valid passwd to be filled in.
    let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
    let mut found = std::ptr::null_mut();
    // SAFETY: getpwuid_r writes into entry and buf, within buf.len().
    let rc = unsafe { libc::getpwuid_r(uid, &mut entry, buf.as_mut_ptr(), buf.len(), &mut found) };
    // SAFETY: on success pw_name points into buf, NUL-terminated.
    (rc == 0 && !found.is_null()).then(|| {
        unsafe { CStr::from_ptr(entry.pw_name) }
            .to_string_lossy()
            .into_owned()
    })
}

/// The name of `gid`, or None when the group databases do not know it.
pub fn group(gid: libc::gid_t) -> Option<String> {
    let mut buf = vec![0 as libc::c_char; 4096];
    // SAFETY: all-zero is a valid group to be filled in.
    let mut entry: libc::group = unsafe { std::mem::zeroed() };
    let mut found = std::ptr::null_mut();
    // SAFETY: getgrgid_r writes into entry and buf, within buf.len().
    let rc = unsafe { libc::getgrgid_r(gid, &mut entry, buf.as_mut_ptr(), buf.len(), &mut found) };
    // SAFETY: on success gr_name points into buf, NUL-terminated.
    (rc == 0 && !found.is_null()).then(|| {
        unsafe { CStr::from_ptr(entry.gr_name) }
            .to_string_lossy()
            .into_owned()
    })
}
