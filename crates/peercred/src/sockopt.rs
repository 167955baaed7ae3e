//! Thin, checked wrappers around getsockopt(2) at SOL_SOCKET.

use std::mem::{size_of, MaybeUninit};
use std::os::fd::{AsRawFd, BorrowedFd};

use crate::Error;

/// Fills `buf` with option `name`; returns the length the kernel reported, or its
/// errno with that length (on `ERANGE`, the size the kernel needs).
pub(crate) fn get_bytes(
    fd: BorrowedFd<'_>,
    name: libc::c_int,
    buf: &mut [u8],
) -> Result<usize, (i32, usize)> {
    let mut len = libc::socklen_t::try_from(buf.len()).unwrap_or(libc::socklen_t::MAX);
    // SAFETY: buf is valid for len bytes and len is passed by pointer as the kernel expects.
    let rc = unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            libc::SOL_SOCKET,
            name,
            buf.as_mut_ptr().cast(),
            &mut len,
        )
    };
    if rc == 0 {
        Ok(len as usize)
    } else {
        Err((
            std::io::Error::last_os_error()
                .raw_os_error()
                .unwrap_or(libc::EIO),
            len as usize,
        ))
    }
}

/// Reads a fixed-size option of plain-old-data type `T`, insisting that the kernel
/// wrote exactly `size_of::<T>()` bytes.
///
/// # Safety
/// `T` must be valid for any bit pattern (a C struct of integers).
pub(crate) unsafe fn get<T: Copy>(fd: BorrowedFd<'_>, name: libc::c_int) -> Result<T, Error> {
    let mut value = MaybeUninit::<T>::zeroed();
    let mut len = size_of::<T>() as libc::socklen_t;
    let rc = libc::getsockopt(
        fd.as_raw_fd(),
        libc::SOL_SOCKET,
        name,
        value.as_mut_ptr().cast(),
        &mut len,
    );
    if rc != 0 {
        return Err(Error::from_socket_errno(
            std::io::Error::last_os_error()
                .raw_os_error()
                .unwrap_or(libc::EIO),
        ));
    }
    if len as usize != size_of::<T>() {
        // A short answer would leave part of the value as our own zeroes, which the
        // kernel did not vouch for.
        return Err(Error::Os(libc::EPROTO));
    }
    Ok(value.assume_init())
}

/// Reads an `int` option such as `SO_DOMAIN`, `SO_TYPE` or `SO_ACCEPTCONN`.
pub(crate) fn get_int(fd: BorrowedFd<'_>, name: libc::c_int) -> Result<libc::c_int, Error> {
    // SAFETY: c_int is valid for any bit pattern.
    unsafe { get::<libc::c_int>(fd, name) }
}

/// Sets an `int` option such as `SO_PASSCRED`.
pub(crate) fn set_int(
    fd: BorrowedFd<'_>,
    name: libc::c_int,
    value: libc::c_int,
) -> Result<(), Error> {
    // SAFETY: value is a valid int for the duration of the call, its size passed with it.
    let rc = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            libc::SOL_SOCKET,
            name,
            (&value as *const libc::c_int).cast(),
            size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(Error::from_socket_errno(
            std::io::Error::last_os_error()
                .raw_os_error()
                .unwrap_or(libc::EIO),
        ))
    }
}
