//! Every row of tests/cases.json through the Rust API: the documented answer
//! or error, never the kernel's placeholder.

mod common;

use std::os::fd::BorrowedFd;

use peercred::Error;

#[test]
fn every_row_of_the_semantics_table() {
    for case in common::cases()["semantics"].as_array().unwrap() {
        let name = case["socket"].as_str().unwrap();
        let expect = &case["expect"];
        let fixture = common::fixture(name);
        let got = if fixture.fd < 0 {
            peercred::raw::read(fixture.fd)
        } else {
            // SAFETY: the fixture keeps the descriptor open (or it is the closed number on purpose).
            peercred::read(&unsafe { BorrowedFd::borrow_raw(fixture.fd) })
        };
        if expect["cred"] == "peer" {
            let cred = got.unwrap_or_else(|err| panic!("{name}: {err}"));
            let (_, uid, gid) = common::me();
            assert_eq!(
                (cred.pid(), cred.uid(), cred.gid()),
                (fixture.peer, uid, gid),
                "{name}"
            );
            continue;
        }
        let err = got.expect_err(name);
        let errno = errno(expect["errno"].as_str().unwrap());
        assert_eq!(err.errno(), errno, "{name}: {err}");
        assert!(
            err.to_string()
                .contains(expect["message"].as_str().unwrap()),
            "{name}: {err}"
        );
        // Converted to io::Error, it is the OS error of its errno, as std's are.
        let io = std::io::Error::from(err);
        assert_eq!(io.raw_os_error(), Some(errno), "{name}");
    }
}

#[test]
fn every_function_refuses_what_read_refuses() {
    let (own, _other) = std::os::unix::net::UnixStream::pair().unwrap();
    let fd = std::os::fd::AsRawFd::as_raw_fd(&own);
    let refused: Result<(), Error> = Err(Error::NotConnected(peercred::NotConnected::OwnProcess));
    assert_eq!(peercred::raw::groups(fd).map(drop), refused);
    assert_eq!(peercred::raw::security_label(fd).map(drop), refused);
    assert_eq!(peercred::raw::pidfd(fd).map(drop), refused);
    assert_eq!(peercred::raw::peer_process(fd).map(drop), refused);

    let listening = common::fixture("unix-stream-listening");
    let fd = listening.fd;
    assert!(matches!(
        peercred::raw::groups(fd),
        Err(Error::NotConnected(_))
    ));
    assert!(matches!(
        peercred::raw::security_label(fd),
        Err(Error::NotConnected(_))
    ));
    assert!(matches!(
        peercred::raw::pidfd(fd),
        Err(Error::NotConnected(_))
    ));
    assert!(matches!(
        peercred::raw::peer_process(fd),
        Err(Error::NotConnected(_))
    ));
    assert_eq!(peercred::raw::groups(-1), Err(Error::BadDescriptor));
}

/// tests/cases.json's "messages" rows: pass_credentials() and a non-blocking
/// recv() on every fixture.
#[test]
fn every_row_of_the_messages_table() {
    for case in common::cases()["messages"].as_array().unwrap() {
        let name = case["socket"].as_str().unwrap();
        let fixture = common::fixture(name);
        let check = |what: &str, got: Result<(), Error>, expect: &serde_json::Value| {
            if expect == "ok" {
                return got.unwrap_or_else(|err| panic!("{name}: {what}: {err}"));
            }
            let err = got.expect_err(&format!("{name}: {what}"));
            assert_eq!(
                err.errno(),
                errno(expect["errno"].as_str().unwrap()),
                "{name}: {what}: {err}"
            );
            if let Some(message) = expect["message"].as_str() {
                assert!(err.to_string().contains(message), "{name}: {what}: {err}");
            }
        };
        check(
            "pass_credentials",
            peercred::raw::pass_credentials(fixture.fd),
            &case["pass_credentials"],
        );
        let mut buf = [0u8; 16];
        let got = peercred::raw::recv(fixture.fd, &mut buf, libc::MSG_DONTWAIT).map(drop);
        check("recv", got, &case["recv"]);
    }
}

fn errno(name: &str) -> i32 {
    match name {
        "EBADF" => libc::EBADF,
        "ENOTSOCK" => libc::ENOTSOCK,
        "EAFNOSUPPORT" => libc::EAFNOSUPPORT,
        "ENOTCONN" => libc::ENOTCONN,
        "EAGAIN" => libc::EAGAIN,
        other => panic!("unknown errno {other}"),
    }
}
