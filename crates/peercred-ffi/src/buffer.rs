//! The caller-supplied buffer convention shared by the functions that return
//! variable-length answers: `*len` is the capacity in, the size used out.

use std::os::raw::c_int;

use peercred::Error;

use crate::guard::writable;

/// A caller's buffer of `*len` items, checked before any work is done: `len`
/// must not be NULL, and `buf` may be NULL only when `*len` is 0, which asks
/// for the size.
pub(crate) struct OutBuffer<'a, T> {
    buf: *mut T,
    len: &'a mut usize,
}

impl<'a, T: Copy> OutBuffer<'a, T> {
    pub(crate) fn new(buf: *mut T, len: *mut usize) -> Result<Self, Error> {
        let len = writable(len)?;
        if buf.is_null() && *len != 0 {
            return Err(Error::Os(libc::EINVAL));
        }
        Ok(OutBuffer { buf, len })
    }

    /// Copies `items` in and sets `*len` to their number. When they do not fit,
    /// the buffer is left untouched, `*len` is set to the number needed and the
    /// result is -ERANGE.
    pub(crate) fn fill(self, items: &[T]) -> Result<c_int, Error> {
        if items.len() > *self.len {
            *self.len = items.len();
            return Err(Error::Os(libc::ERANGE));
        }
        if !items.is_empty() {
            // SAFETY: the caller promised `buf` holds `*len` >= items.len() items.
            unsafe { std::ptr::copy_nonoverlapping(items.as_ptr(), self.buf, items.len()) };
        }
        *self.len = items.len();
        Ok(0)
    }
}

impl OutBuffer<'_, u8> {
    /// For C strings: `bytes` plus a terminating NUL, counted in `*len`.
    pub(crate) fn text(buf: *mut libc::c_char, len: *mut usize) -> Result<Self, Error> {
        OutBuffer::new(buf.cast::<u8>(), len)
    }

    pub(crate) fn fill_text(self, bytes: &[u8]) -> Result<c_int, Error> {
        let mut text = Vec::with_capacity(bytes.len() + 1);
        text.extend_from_slice(bytes);
        text.push(0);
        self.fill(&text)
    }
}
