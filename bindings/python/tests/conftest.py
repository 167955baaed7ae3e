"""Shared fixtures: the sockets of tests/cases.json, and peers in other processes."""

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "tests"))
from fixtures import fixture_socket  # noqa: E402  (the repository's shared fixture builder)

CASES = json.loads((REPO / "tests" / "cases.json").read_text())
NOBODY = 65534


@contextlib.contextmanager
def listener(kind=socket.SOCK_STREAM):
    """A listening Unix socket in a folder that a client under another uid can reach."""
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        path = os.path.join(tmp, "sock")
        s = socket.socket(socket.AF_UNIX, kind)
        s.bind(path)
        os.chmod(path, 0o666)
        s.listen()
        with s:
            yield s, path


CLIENT = textwrap.dedent(
    """
    import json, os, socket, sys
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    stat = open("/proc/self/stat").read().rsplit(")", 1)[1].split()
    print(json.dumps({
        "pid": os.getpid(), "ppid": os.getppid(), "uid": os.geteuid(), "gid": os.getegid(),
        "groups": os.getgroups(), "exe": os.readlink("/proc/self/exe"),
        "cmdline": open("/proc/self/cmdline").read().split("\\0")[:-1],
        "session": int(open("/proc/self/sessionid").read()), "start": int(stat[19]),
    }), flush=True)
    sys.stdin.read()  # stay connected until the test closes our stdin
    """
)


@contextlib.contextmanager
def client_process(path, **popen_args):
    """A client in another process, connected to `path`; yields (Popen, what it says of itself)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", CLIENT, path],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        **popen_args,
    )
    try:
        yield proc, json.loads(proc.stdout.readline())
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)
        proc.stdout.close()


@contextlib.contextmanager
def peer_connection(**popen_args):
    """An accepted connection from a client in another process; yields (conn, what it says of itself)."""
    with listener() as (server, path), client_process(path, **popen_args) as (_, says):
        conn, _ = server.accept()
        with conn:
            yield conn, says


FAULT_BUILD = os.environ.get("PEERCRED_FAULT_BUILD")
requires_fault_build = pytest.mark.skipif(
    not FAULT_BUILD, reason="PEERCRED_FAULT_BUILD is not set (make test-python sets it)"
)


def run_fault_build(tmp_path, code, fault):
    """Runs `code` in a new interpreter whose peercred has the fault-injection
    build of the extension (PEERCRED_FAULT_BUILD), with PEERCRED_FAULT=fault."""
    package = Path(__import__("peercred").__file__).parent
    copy = tmp_path / "peercred"
    shutil.copytree(package, copy)
    (native,) = copy.glob("_peercred*.so")
    shutil.copyfile(FAULT_BUILD, native)
    env = dict(os.environ, PYTHONPATH=str(tmp_path), PEERCRED_FAULT=fault)
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=tmp_path)


def requires_root(what):
    return pytest.mark.skipif(os.geteuid() != 0, reason=f"{what} needs root")


# make test-python-arm64 runs this suite with a real arm64 CPython under
# qemu-user and names qemu in PEERCRED_UNDER_QEMU: what qemu cannot emulate is
# skipped there only, with the reason.
UNDER_QEMU = os.environ.get("PEERCRED_UNDER_QEMU")


def qemu_cannot(what):
    return pytest.mark.skipif(bool(UNDER_QEMU), reason=f"{UNDER_QEMU} {what}")


# What is the same on every target and costs minutes under qemu (stress loops,
# stubtest): the host's run checks it.
def host_only(what):
    return pytest.mark.skipif(bool(UNDER_QEMU), reason=f"{what}: the host's run checks it, not {UNDER_QEMU}")
