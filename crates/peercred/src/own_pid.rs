//! The calling process's pid without a system call per read.
//!
//! getpid() is a real system call on current glibc; calling it on every read
//! would cost a third of the read. The pid is cached and forgotten in the child
//! of every fork(), through pthread_atfork.

use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Once;

static OWN_PID: AtomicI32 = AtomicI32::new(0);
static REGISTER: Once = Once::new();

extern "C" fn forget_in_child() {
    OWN_PID.store(0, Ordering::Relaxed);
}

pub(crate) fn own_pid() -> libc::pid_t {
    let pid = OWN_PID.load(Ordering::Relaxed);
    if pid != 0 {
        return pid;
    }
    REGISTER.call_once(|| {
        // SAFETY: registers a child handler that only stores to an atomic.
        unsafe { libc::pthread_atfork(None, None, Some(forget_in_child)) };
    });
    // SAFETY: getpid has no preconditions.
    let pid = unsafe { libc::getpid() };
    OWN_PID.store(pid, Ordering::Relaxed);
    pid
}
