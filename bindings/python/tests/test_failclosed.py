"""Answers that must not pass for a peer: our own socketpairs
(multiprocessing.Pipe), listening sockets inherited by fork, by fork + exec as
fd 3 (socket activation) and by a raw clone(2) child, and ids that the
reader's user namespace cannot name (the overflow ids, whatever the sysctl)."""

import ctypes
import errno
import multiprocessing
import os
import platform
import signal
import socket
import subprocess
import sys

import pytest

import peercred
from conftest import NOBODY, listener, peer_connection, requires_root

OWN_PROCESS = "name this process itself"
LISTENING = "listening socket: read the accepted connection"


def _refused(call, *args):
    with pytest.raises(OSError) as raised:
        call(*args)
    assert raised.value.errno == errno.ENOTCONN
    return str(raised.value)


def _as_fd_3(fd):
    """For preexec_fn: puts `fd` on fd 3 and keeps it open across exec
    (subprocess's close_fds would close a dup made there, so it is off)."""

    def move():
        if fd == 3:
            os.set_inheritable(3, True)
        else:
            os.dup2(fd, 3)

    return {"preexec_fn": move, "close_fds": False}


def _echo(conn):
    conn.send(conn.recv())


def test_multiprocessing_pipe_is_our_own_socketpair():
    ours, theirs = multiprocessing.Pipe()
    child = multiprocessing.get_context("fork").Process(target=_echo, args=(theirs,))
    child.start()
    try:
        ours.send("ping")
        assert ours.recv() == "ping"
        # The child holds the other end, but the credentials name its creator: us.
        for call in (peercred.read, peercred.groups, peercred.pidfd, peercred.peer_process):
            assert OWN_PROCESS in _refused(call, ours.fileno())
        assert "multiprocessing.Pipe" in _refused(peercred.read, theirs.fileno())
    finally:
        child.join()
        ours.close()
        theirs.close()


def test_a_listener_inherited_by_fork():
    with listener() as (server, _):
        assert LISTENING in _refused(peercred.read, server)
        pid = os.fork()
        if pid == 0:
            try:
                peercred.read(server)
            except OSError as exc:
                os._exit(0 if exc.errno == errno.ENOTCONN else 1)
            os._exit(2)
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


READ_FD_3 = """
import errno, peercred
try:
    peercred.read(3)
except OSError as exc:
    print(exc.errno == errno.ENOTCONN, exc)
else:
    print("read a listener as a peer")
"""


def test_a_listener_passed_as_fd_3_across_exec():
    """Socket activation's shape: the manager listens and execs the service with fd 3."""
    with listener() as (server, _):
        done = subprocess.run([sys.executable, "-c", READ_FD_3], capture_output=True, text=True, **_as_fd_3(server.fileno()))
    assert done.stdout.startswith("True") and LISTENING in done.stdout, done.stdout + done.stderr


SYS_CLONE = {"x86_64": 56, "aarch64": 220}


@pytest.mark.skipif(platform.machine() not in SYS_CLONE, reason=f"clone(2)'s number on {platform.machine()}")
def test_a_raw_clone_child():
    """clone(2) itself, as systemd's safe_fork calls it: no atfork handler runs."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    with listener() as (server, _):
        _refused(peercred.read, server)  # a read before the child exists
        pid = libc.syscall(SYS_CLONE[platform.machine()], signal.SIGCHLD, 0, 0, 0, 0)
        if pid == 0:
            code = 0
            a, b = socket.socketpair()
            for bit, sock in ((1, a), (2, server)):
                try:
                    peercred.read(sock)
                    code |= bit
                except OSError as exc:
                    code |= 0 if exc.errno == errno.ENOTCONN else bit
            os._exit(code)
        assert pid > 0, os.strerror(ctypes.get_errno())
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "1: its own socketpair passed, 2: the listener passed"


def test_uid_mapping_here():
    with open("/proc/self/uid_map") as f:
        initial = f.read().split() == ["0", "0", "4294967295"]
    if initial:
        assert peercred.uid_mapping(NOBODY) == "mapped"  # the account, in the initial namespace
        assert peercred.gid_mapping(NOBODY) == "mapped"
    assert peercred.uid_mapping(4294967295) == "unmapped"
    with pytest.raises(OverflowError):
        peercred.uid_mapping(-1)
    with pytest.raises(TypeError):
        peercred.uid_mapping("0")


READ_MAPPED = """
import peercred
cred = peercred.read(3)
print(cred.uid, cred.uid_mapping(), cred.gid, cred.gid_mapping())
"""


def _read_in_user_namespace(conn, *unshare_args):
    done = subprocess.run(
        ["unshare", "--user", *unshare_args, sys.executable, "-c", READ_MAPPED],
        capture_output=True, text=True, **_as_fd_3(conn.fileno()),
    )
    if done.returncode != 0 and "unshare failed" in done.stderr:
        pytest.skip(f"unshare is not permitted here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    uid, uid_mapping, gid, gid_mapping = done.stdout.split()
    return int(uid), uid_mapping, int(gid), gid_mapping


@requires_root("a client as root and one as nobody, read from a user namespace")
def test_readers_in_a_user_namespace():
    with peer_connection() as (root, _), peer_connection(user=NOBODY, group=NOBODY, extra_groups=[]) as (nobody, _):
        # unshare -U: nothing is mapped, everyone is the overflow id.
        assert _read_in_user_namespace(root) == (NOBODY, "unmapped", NOBODY, "unmapped")
        # --map-root-user: root is root; nobody is not the account there, but unmapped.
        assert _read_in_user_namespace(root, "--map-root-user") == (0, "mapped", 0, "mapped")
        assert _read_in_user_namespace(nobody, "--map-root-user") == (NOBODY, "unmapped", NOBODY, "unmapped")


@requires_root("changing /proc/sys/kernel/overflowuid")
def test_the_overflow_uid_is_the_sysctl():
    with peer_connection(user=NOBODY, group=NOBODY, extra_groups=[]) as (nobody, _):
        with open("/proc/sys/kernel/overflowuid") as f:
            old = f.read().strip()
        try:
            with open("/proc/sys/kernel/overflowuid", "w") as f:
                f.write("4242")
            got = _read_in_user_namespace(nobody, "--map-root-user")
        finally:
            with open("/proc/sys/kernel/overflowuid", "w") as f:
                f.write(old)
    assert got == (4242, "unmapped", NOBODY, "unmapped")
