"""The static peercred commands of dist/cli, run where they will run: the
x86_64 one natively, the aarch64 one under qemu-user (binfmt_misc), each
against a server in another process and, as root, under another uid: who,
kill and wait (the last two through the pidfd the kernel gives at connect)."""

import contextlib
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import elf

BUILD = Path(__file__).resolve().parents[2] / "build"
COMMANDS = sorted((BUILD / "cli-static").glob("peercred-*-unknown-linux-musl"))
NOBODY = 65534

SERVER = """
import os, socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o666)
s.listen()
print(os.getpid(), flush=True)
if sys.argv[2:] == ["--until-a-client-leaves"]:
    conn, _ = s.accept()
    conn.recv(1)  # `peercred wait` has taken the pidfd and closed the connection
    sys.exit(0)
sys.stdin.read()  # serve until the test closes our stdin
"""


@pytest.fixture(params=COMMANDS, ids=lambda p: p.name)
def command(request):
    return request.param


@contextlib.contextmanager
def socket_dir():
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o1777)  # a server under another uid binds here
        yield Path(tmp)


@contextlib.contextmanager
def serving(*mode):
    """A listening socket served by another process: (path, its pid, its uid, the process)."""
    as_nobody = os.geteuid() == 0
    extra = {"user": NOBODY, "group": NOBODY, "extra_groups": []} if as_nobody else {}
    with socket_dir() as tmp:
        path = tmp / "sock"
        proc = subprocess.Popen([sys.executable, "-c", SERVER, str(path), *mode], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True, **extra)
        with proc:
            pid = int(proc.stdout.readline())
            try:
                yield path, pid, NOBODY if as_nobody else os.geteuid(), proc
            finally:
                proc.stdin.close()
                try:
                    proc.wait(timeout=60)
                finally:
                    proc.kill()  # a server a failed test left waiting


@pytest.fixture
def server():
    with serving() as served:
        yield served


def run(command, *args):
    return subprocess.run([str(command), *args], capture_output=True, text=True, timeout=60)


def test_it_is_built_for_its_architecture(command):
    arch = command.name.split("-")[-4]
    assert elf.machine(command) == arch
    assert elf.interpreter(command) is None and elf.needed(command) == []
    if arch != platform.machine():
        assert os.environ.get("PEERCRED_UNDER_QEMU"), "a foreign binary runs only where qemu is registered"


def test_who_names_the_server(command, server):
    path, pid, uid, _ = server
    done = run(command, "who", str(path), "--json")
    assert done.returncode == 0, done.stderr
    said = json.loads(done.stdout)
    assert (said["pid"], said["uid"]) == (pid, uid)


def test_a_stale_socket_is_exit_1(command):
    with socket_dir() as tmp:
        path = tmp / "stale"
        with socket.socket(socket.AF_UNIX) as s:
            s.bind(str(path))  # the file stays; nothing listens
        done = run(command, "who", str(path))
    assert done.returncode == 1 and done.stdout == "", done
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_a_usage_error_is_exit_2(command):
    assert run(command, "who").returncode == 2
    assert run(command, "no-such-command").returncode == 2


def test_kill_signals_the_server(command, server):
    path, _, _, proc = server
    probe = run(command, "kill", "--signal", "0", str(path))
    assert probe.returncode == 0, probe.stderr
    assert proc.poll() is None, "signal 0 sends nothing"
    done = run(command, "kill", str(path))
    assert done.returncode == 0, done.stderr
    assert proc.wait(timeout=60) == -signal.SIGTERM


def test_wait_ends_when_the_server_exits(command):
    with serving("--until-a-client-leaves") as (path, _, _, proc):
        done = run(command, "wait", str(path), "--timeout", "50")
        assert done.returncode == 0, done.stderr
        assert proc.wait(timeout=60) == 0


def test_wait_gives_up_at_its_deadline(command, server):
    path, _, _, proc = server
    done = run(command, "wait", str(path), "--timeout", "0.2")
    assert done.returncode == 124 and "still runs" in done.stderr, done
    assert proc.poll() is None
