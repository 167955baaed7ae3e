"""Per-message credentials with senders in other processes and under other
uids (tests/sender.py): datagrams, connections that changed hands, privileged
claims, attached descriptors, truncation, exited senders, asyncio, threads,
signals and a kernel without SO_PASSPIDFD."""

import asyncio
import contextlib
import errno
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading

import pytest

import peercred
import peercred.aio
from conftest import NOBODY, REPO, requires_fault_build, requires_root, run_fault_build

SENDER = str(REPO / "tests" / "sender.py")
ROOT = os.geteuid() == 0


@contextlib.contextmanager
def receiver(kind=socket.SOCK_DGRAM, listen=False):
    """A socket at a path other users can reach, passing credentials before bind."""
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        path = os.path.join(tmp, "log")
        with socket.socket(socket.AF_UNIX, kind) as sock:
            peercred.pass_credentials(sock)
            sock.bind(path)
            os.chmod(path, 0o666)
            if listen:
                sock.listen()
            yield sock, path


def start(*args, as_nobody=False, prefix=()):
    """tests/sender.py in another process (as 65534:65534 when asked); yields
    the Popen and what it said about itself."""
    user = {"user": NOBODY, "group": NOBODY, "extra_groups": []} if as_nobody else {}
    proc = subprocess.Popen([*prefix, sys.executable, SENDER, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, **user)
    return proc, json.loads(proc.stdout.readline())


def finish(proc):
    proc.stdin.close()
    proc.stdout.close()
    return proc.wait(timeout=10)


def ids(message):
    return None if message.cred is None else tuple(message.cred)


def test_interleaved_senders_each_get_their_own_credentials():
    with receiver() as (sock, path):
        senders = [start("dgram", path, "--count", "50", as_nobody=ROOT and i % 2 == 1) for i in range(4)]
        by_pid = {says["pid"]: says for _, says in senders}
        counts = dict.fromkeys(by_pid, 0)
        for _ in range(200):
            with peercred.recv(sock, 64) as message:
                says = by_pid[int(message.data)]
                assert ids(message) == (says["pid"], says["uid"], says["gid"])
                counts[says["pid"]] += 1
        assert all(finish(proc) == 0 for proc, _ in senders)
    assert set(counts.values()) == {50}
    if ROOT:
        assert {says["uid"] for says in by_pid.values()} == {0, NOBODY}


def test_a_message_queued_before_pass_credentials_has_none():
    with tempfile.TemporaryDirectory() as tmp, socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        path = os.path.join(tmp, "log")
        sock.bind(path)
        proc, says = start("dgram", path)
        assert finish(proc) == 0
        peercred.pass_credentials(sock)
        early = peercred.recv(sock, 64)
        assert int(early.data) == says["pid"]
        assert early.cred is None and early.pidfd is None
        data, cred = early
        assert cred is None
        with pytest.raises(OSError) as raised:
            early.peer_process()
        assert raised.value.errno == errno.ENODATA
        proc, says = start("dgram", path)
        assert peercred.recv(sock, 64).cred.pid == says["pid"]
        finish(proc)


def test_unnamed_path_and_abstract_senders():
    with receiver() as (sock, path):
        named = os.path.join(os.path.dirname(path), "sender")
        abstract = f"peercred-py-{os.getpid()}"
        for args, want in [((), None), (("--bind", named), named), (("--abstract", abstract), b"\0" + abstract.encode())]:
            proc, _ = start("dgram", path, *args)
            assert peercred.recv(sock, 64).address == want
            finish(proc)


@requires_root("a sender whose real and effective uids differ")
def test_credentials_are_the_real_ids():
    with receiver() as (sock, path):
        proc, says = start("dgram", path, prefix=("setpriv", "--euid=65534", "--egid=65534", "--keep-groups"))
        assert ids(peercred.recv(sock, 64)) == (says["pid"], 0, 0)
        finish(proc)


@pytest.mark.parametrize("kind", ["seqpacket", "stream"])
def test_the_writer_is_named_after_the_socket_changed_hands(kind):
    sock_type = socket.SOCK_SEQPACKET if kind == "seqpacket" else socket.SOCK_STREAM
    with receiver(sock_type, listen=True) as (listener, path):
        writer_uid = ["--writer-uid", str(NOBODY)] if ROOT else []
        proc, says = start("handoff", path, "--type", kind, *writer_uid)
        conn, _ = listener.accept()
        with conn:
            message = peercred.recv(conn, 64)
            assert int(message.data) == says["writer"]
            assert ids(message) == (says["writer"], says["writer_uid"], says["writer_uid"])
            assert peercred.read(conn).pid == says["client"], "SO_PEERCRED names the client"
            finish(proc)
            # Both gone: the end of the connection has no credentials.
            end = peercred.recv(conn, 64)
            assert (end.size, end.cred) == (0, None)


@requires_root("explicit SCM_CREDENTIALS with other ids")
def test_privileged_senders_choose_what_they_send():
    with receiver() as (sock, path):
        proc, _ = start("dgram", path, "--claim", "1", "1234", "5678")
        message = peercred.recv(sock, 64)
        assert ids(message) == (1, 1234, 5678)
        if message.pidfd is not None:
            with message.peer_process() as claimed:
                assert claimed.pid == 1, "SCM_PIDFD follows the claimed pid"
        finish(proc)
        proc = subprocess.run([sys.executable, SENDER, "dgram", path, "--claim", "1", "65534", "65534"],
                              capture_output=True, text=True, user=NOBODY, group=NOBODY, extra_groups=[])
        assert proc.returncode == 1
        assert json.loads(proc.stdout.splitlines()[-1]) == {"errno": errno.EPERM}


def test_attached_descriptors_never_leak():
    with receiver() as (sock, path):
        before = len(os.listdir("/proc/self/fd"))
        for count in (3, 253):
            proc, _ = start("dgram", path, "--rights", str(count))
            with peercred.recv(sock, 64) as message:
                assert message.discarded_fds == count and not message.control_truncated
                assert message.cred is not None
            finish(proc)
        assert len(os.listdir("/proc/self/fd")) == before


def test_truncated_data_is_reported():
    with receiver() as (sock, path):
        proc, says = start("dgram", path, "--count", "2", "--size", "200")
        cut = peercred.recv(sock, 16)
        assert (len(cut.data), cut.size, cut.truncated) == (16, 16, True)
        assert cut.cred.pid == says["pid"]
        real = peercred.recv(sock, 16, socket.MSG_TRUNC)
        assert (len(real.data), real.size, real.truncated) == (16, 200, True)
        finish(proc)


LIMITED = """
import json, os, resource, socket, sys
import peercred
sock = socket.socket(fileno=int(sys.argv[1]))
for fd in range(64):
    try:
        os.fstat(fd)
    except OSError:
        os.dup2(sock.fileno(), fd)
resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
m = peercred.recv(sock, 16)
try:
    m.peer_process()
    pidfd = "ok"
except OSError as exc:
    pidfd = exc.errno
print(json.dumps([m.control_truncated, m.discarded_fds, m.cred is not None, pidfd]))
"""


def test_control_data_the_kernel_dropped_is_reported():
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    with a, b:
        peercred.pass_credentials(a)
        socket.send_fds(b, [b"x"], [0, 0])
        done = subprocess.run([sys.executable, "-c", LIMITED, str(a.fileno())], pass_fds=[a.fileno()],
                              capture_output=True, text=True)
    truncated, discarded, has_cred, pidfd = json.loads(done.stdout)
    assert (truncated, discarded, has_cred) == (True, 0, True), done.stderr
    assert pidfd in (errno.EMFILE, errno.ENOPROTOOPT), pidfd  # ENOPROTOOPT: Linux < 6.5 makes none


def test_a_sender_that_exited_still_has_credentials_but_no_facts():
    with receiver() as (sock, path):
        proc, says = start("dgram", path)
        finish(proc)  # exited and reaped
        message = peercred.recv(sock, 64)
        assert message.cred.pid == says["pid"]
        if message.pidfd is not None:
            with pytest.raises(ProcessLookupError):
                message.peer_process()


def test_asyncio_async_for_and_a_callback():
    async def main(sock, path):
        procs = [start("dgram", path, "--count", "5")[0] for _ in range(2)]
        seen = []
        async for message in peercred.aio.messages(sock):
            with message:
                seen.append(message.cred.pid)
            if len(seen) == 10:
                break
        got = []
        reader = peercred.aio.add_message_reader(sock, lambda m: got.append((int(m.data), m.cred.pid)))
        proc, says = start("dgram", path, "--count", "3")
        while len(got) < 3:
            await asyncio.sleep(0.01)
        reader.close()
        await reader.done
        for p in procs + [proc]:
            finish(p)
        return seen, got, says["pid"], [p.pid for p in procs]

    with receiver() as (sock, path):
        seen, got, pid, first = asyncio.run(main(sock, path))
    assert sorted(seen) == sorted(first * 5)
    assert got == [(pid, pid)] * 3


def test_asyncio_reader_stops_at_the_end_of_a_connection():
    async def main(a):
        reader = peercred.aio.add_message_reader(a, lambda m: None)
        await asyncio.wait_for(reader.done, 5)

    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    with a:
        peercred.pass_credentials(a)
        b.send(b"last words")
        b.close()
        asyncio.run(main(a))


def test_recv_releases_the_gil():
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    with a, b:
        peercred.pass_credentials(a)
        got = []
        thread = threading.Thread(target=lambda: got.append(peercred.recv(a, 16).data))
        thread.start()
        thread.join(0.2)
        assert thread.is_alive(), "the receiver should be waiting"
        b.send(b"wake")  # runs only because the waiting thread released the GIL
        thread.join(5)
    assert got == [b"wake"]


def test_a_signal_handler_that_raises_interrupts_recv():
    class Alarm(Exception):
        pass

    def on_alarm(signum, frame):
        raise Alarm

    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    previous = signal.signal(signal.SIGALRM, on_alarm)
    try:
        with a, b:
            signal.setitimer(signal.ITIMER_REAL, 0.1)
            with pytest.raises(Alarm):
                peercred.recv(a, 16)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_the_message_closes_its_pidfd():
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    with a, b:
        peercred.pass_credentials(a)
        before = len(os.listdir("/proc/self/fd"))
        for _ in range(100):
            b.send(b"x")
            peercred.recv(a, 16)  # dropped at once: CPython frees it
        assert len(os.listdir("/proc/self/fd")) == before
        b.send(b"x")
        message = peercred.recv(a, 16)
        message.close()
        message.close()
        assert message.closed and message.pidfd is None
        with pytest.raises(ValueError):
            message.peer_process()


OLD_KERNEL = """
import errno, socket, peercred
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
peercred.pass_credentials(a)
b.send(b"x")
m = peercred.recv(a, 16)
assert m.cred is not None and m.pidfd is None, m
try:
    m.peer_process()
except OSError as exc:
    assert exc.errno == errno.ENOPROTOOPT and "Linux 6.5" in str(exc), exc
print("credentials without a pidfd")
"""


@requires_fault_build
def test_kernels_without_so_passpidfd_give_credentials_without_a_pidfd(tmp_path):
    done = run_fault_build(tmp_path, OLD_KERNEL, "no-passpidfd")
    assert done.stdout.strip() == "credentials without a pidfd", done.stdout + done.stderr
