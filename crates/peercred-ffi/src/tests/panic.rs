//! The guard must turn a panic inside the core into PEERCRED_ERR_PANIC. The
//! core panics on purpose when built with fault-injection (a dev-dependency
//! feature here) and PEERCRED_FAULT=panic is set; that variable would disturb
//! the other tests of this process, so the checks run in a child process: this
//! test binary again, with only `every_function_returns_the_panic_code` selected.

use super::{in_child_process, Peer};
use crate::cgroup::*;
use crate::cred::peercred_read;
use crate::credentials::peercred_process_credentials;
use crate::extras::{peercred_groups, peercred_pidfd, peercred_security_label};
use crate::guard::PEERCRED_ERR_PANIC;
use crate::lifetime::*;
use crate::message::{peercred_pass_credentials, peercred_recv};
use crate::namespaces::*;
use crate::process::*;

const CHILD: &str = "PEERCRED_PANIC_CHILD";

#[test]
fn panics_become_the_panic_code() {
    let child = in_child_process(
        "tests::panic::every_function_returns_the_panic_code",
        CHILD,
        "panic",
    );
    assert!(
        child.status.success(),
        "a function did not return PEERCRED_ERR_PANIC:\n{}",
        String::from_utf8_lossy(&child.stdout)
    );
}

#[test]
fn every_function_returns_the_panic_code() {
    if std::env::var_os(CHILD).is_none() {
        return; // only meaningful in the child started above
    }
    let peer = Peer::start();
    let fd = peer.fd();
    let (mut n, mut len, mut id, mut ticks) = (0i32, 8usize, 0u32, 0u64);
    let mut cred = crate::cred::peercred_ucred {
        pid: 0,
        uid: 0,
        gid: 0,
    };
    let mut buf = [0 as libc::c_char; 8];
    let mut groups = [0u32; 8];
    let mut digest = [0u8; PEERCRED_SHA256_LEN];
    let mut namespaces = std::mem::MaybeUninit::uninit();
    let namespaces = namespaces.as_mut_ptr();
    let mut credentials = std::mem::MaybeUninit::uninit();
    let credentials = credentials.as_mut_ptr();
    let codes = [
        peercred_read(fd, &mut cred),
        peercred_groups(fd, groups.as_mut_ptr(), &mut len),
        peercred_security_label(fd, buf.as_mut_ptr(), &mut len),
        peercred_pidfd(fd),
        peercred_process_pid(fd, &mut n),
        peercred_process_alive(fd),
        peercred_process_parent_pid(fd, &mut n),
        peercred_process_exe(fd, buf.as_mut_ptr(), &mut len),
        peercred_process_exe_matches(fd, c"/".as_ptr()),
        peercred_process_exe_sha256(fd, digest.as_mut_ptr()),
        peercred_process_cmdline(fd, buf.as_mut_ptr(), &mut len),
        peercred_process_session_id(fd, &mut id),
        peercred_process_same_session(fd, fd),
        peercred_own_pidfd(),
        peercred_process_start_time(fd, &mut ticks),
        peercred_process_uid(fd, &mut id),
        peercred_process_gid(fd, &mut id),
        peercred_pass_credentials(fd),
        peercred_process_namespaces(fd, namespaces),
        peercred_process_user_namespace_owner(fd, &mut id),
        peercred_process_credentials(fd, credentials),
        peercred_process_cgroup(fd, buf.as_mut_ptr(), &mut len),
        peercred_cgroup_field(
            c"/".as_ptr(),
            PEERCRED_CGROUP_UNIT,
            buf.as_mut_ptr(),
            &mut len,
        ),
        peercred_cgroup_owner_uid(c"/".as_ptr(), &mut id),
        peercred_process_cgroup_id(fd, &mut ticks),
        peercred_process_unit_invocation_id(fd, buf.as_mut_ptr(), &mut len),
        peercred_process_pidfs_id(fd, &mut ticks),
        peercred_boot_id(buf.as_mut_ptr(), &mut len),
        peercred_process_wait_exit(fd, 0),
        peercred_process_exit_status(fd, &mut n),
    ];
    assert_eq!(codes, [PEERCRED_ERR_PANIC; 30]);
    let mut message = std::mem::MaybeUninit::uninit();
    let received = peercred_recv(
        fd,
        buf.as_mut_ptr().cast(),
        buf.len(),
        0,
        message.as_mut_ptr(),
    );
    assert_eq!(received, PEERCRED_ERR_PANIC as isize);
}
