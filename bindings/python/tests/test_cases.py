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


@pytest.mark.parametrize("case", CASES["arguments"]["python"], ids=lambda c: c["arg"])
def test_arguments(case):
    if case["arg"] == "closed-socket-object":
        arg = socket.socket(socket.AF_UNIX)
        arg.close()
    else:
        arg = ARGUMENTS[case["arg"]]
    with pytest.raises(getattr(builtins, case["raises"])) as raised:
        peercred.read(arg)
    if "errno" in case:
        assert raised.value.errno == getattr(errno, case["errno"])


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
