"""Every row of tests/cases.json, from Python, with its exact errno and message."""

import builtins
import errno
import os
import socket

import pytest

import peercred
from conftest import CASES, fixture_socket

SEMANTICS = {case["socket"]: case["expect"] for case in CASES["semantics"]}


@pytest.mark.parametrize("name", list(SEMANTICS))
def test_semantics(name):
    expect = SEMANTICS[name]
    peers = {}
    with fixture_socket(name, peers) as sock:
        if expect.get("cred") == "peer":
            assert tuple(peercred.read(sock)) == (peers[name], os.geteuid(), os.getegid())
            return
        with pytest.raises(OSError) as raised:
            peercred.read(sock)
    assert raised.value.errno == getattr(errno, expect["errno"])
    assert expect["message"] in str(raised.value)


ARGUMENTS = {
    "str": "/run/sock",
    "bytes": b"/run/sock",
    "float": 3.0,
    "None": None,
    "object-without-fileno": object(),
    "negative-int": -1,
}


def argument(case):
    """The value of an "arguments" row: a closed socket object is made fresh."""
    if case["arg"] == "closed-socket-object":
        arg = socket.socket(socket.AF_UNIX)
        arg.close()
        return arg
    return ARGUMENTS[case["arg"]]


def check_argument(call, case):
    with pytest.raises(getattr(builtins, case["raises"])) as raised:
        call(argument(case))
    if "errno" in case:
        assert raised.value.errno == getattr(errno, case["errno"])


@pytest.mark.parametrize("case", CASES["arguments"]["python"], ids=lambda c: c["arg"])
def test_arguments(case):
    check_argument(peercred.read, case)


@pytest.mark.parametrize("call", [peercred.groups, peercred.security_label, peercred.pidfd, peercred.peer_process])
@pytest.mark.parametrize("fixture", ["unix-stream-listening", "socketpair-stream", "unix-stream-listening-other-process"])
def test_every_function_follows_the_same_rules(call, fixture):
    with fixture_socket(fixture) as sock, pytest.raises(OSError) as raised:
        call(sock)
    assert raised.value.errno == errno.ENOTCONN
    with pytest.raises(TypeError):
        call("not a socket")


def test_bool_is_not_a_descriptor():
    with pytest.raises(TypeError):
        peercred.read(True)


def test_huge_int_is_ebadf():
    with pytest.raises(OSError) as raised:
        peercred.read(2**40)
    assert raised.value.errno == errno.EBADF


def test_fileno_must_return_int():
    class Odd:
        def fileno(self):
            return "3"

    with pytest.raises(TypeError):
        peercred.read(Odd())


def check(call, expect, name):
    if expect == "ok":
        call()
        return
    with pytest.raises(OSError) as raised:
        call()
    assert raised.value.errno == getattr(errno, expect["errno"]), name
    if "message" in expect:
        assert expect["message"] in str(raised.value), name


@pytest.mark.parametrize("case", CASES["messages"], ids=lambda c: c["socket"])
def test_messages(case):
    with fixture_socket(case["socket"]) as sock:
        check(lambda: peercred.pass_credentials(sock), case["pass_credentials"], "pass_credentials")
        check(lambda: peercred.recv(sock, 16, socket.MSG_DONTWAIT), case["recv"], "recv")


@pytest.mark.parametrize("case", CASES["arguments"]["python"], ids=lambda c: c["arg"])
@pytest.mark.parametrize("call", [peercred.pass_credentials, lambda s: peercred.recv(s, 16)], ids=["pass_credentials", "recv"])
def test_message_arguments(case, call):
    check_argument(call, case)


def test_recv_refuses_unknown_flags_and_sizes():
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    with a, b:
        with pytest.raises(OSError) as raised:
            peercred.recv(a, 16, socket.MSG_OOB)
        assert raised.value.errno == errno.EINVAL
        with pytest.raises(OverflowError):
            peercred.recv(a, -1)
