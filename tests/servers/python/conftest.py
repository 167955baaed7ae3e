"""Servers started for real on Unix sockets, and clients as another uid."""

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
NOBODY = 65534
EXTRA_GROUP = 100
IS_ROOT = os.geteuid() == 0


def wait_for(path: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before listening")
        with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX) as probe:
            probe.connect(path)
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {path}")


@contextlib.contextmanager
def server(*argv: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """Runs BIN/argv[0] with SOCK in argv replaced by a socket path; yields the path and the process once it accepts."""
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        path = os.path.join(tmp, "sock")
        cmd = [str(BIN / argv[0]), *(a.replace("SOCK", path) for a in argv[1:])]
        proc = subprocess.Popen(cmd, cwd=HERE, start_new_session=True, stdout=subprocess.DEVNULL)
        try:
            wait_for(path, proc)
            os.chmod(path, 0o666)
            yield path, proc
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def client(path: str, *plan: str) -> dict:
    """Runs client.py as nobody (uid and gid 65534, supplementary group 100) and returns what it printed."""
    prefix = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", f"--groups={EXTRA_GROUP}"] if IS_ROOT else []
    done = subprocess.run([*prefix, sys.executable, str(HERE / "client.py"), path, *plan],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def assert_caller(answer: dict, me: dict, groups: bool = True) -> None:
    """An answer names the client exactly: connect-time ids, and its live process."""
    assert (answer["pid"], answer["uid"], answer["gid"]) == (me["pid"], me["uid"], me["gid"]), answer
    assert answer["process"]["pid"] == me["pid"] and answer["process"]["uid"] == me["uid"], answer
    assert answer["process"]["exe"] == me["exe"], answer
    if groups:
        assert answer["groups"] == [g for g in me["groups"] if g != me["gid"]], answer
    if IS_ROOT:
        assert me["uid"] == NOBODY and me["groups"] == [EXTRA_GROUP]



def assert_released(path: str, settle: float = 0.2) -> None:
    """Once the clients have gone, the worker that answers holds one pidfd: the
    PeerProcess of the asking connection. A server finishes a connection some
    time after its client left (hypercorn: when its keep-alive timeout
    expires), so this polls every `settle` seconds."""
    deadline = time.monotonic() + 15
    while True:
        time.sleep(settle)
        conn = http.client.HTTPConnection("localhost", timeout=10)
        conn.sock = socket.socket(socket.AF_UNIX)
        conn.sock.connect(path)
        conn.request("GET", "/whoami")
        held = json.loads(conn.getresponse().read())["pidfds"]
        conn.close()
        if held == 1:
            return
        assert time.monotonic() < deadline, f"{held} pidfds still open after the clients left"


def assert_closed_unserved(sock: socket.socket) -> None:
    """The server closes (or resets) a connection it refused, without a byte of answer."""
    sock.sendall(b"GET /whoami HTTP/1.1\r\nHost: x\r\n\r\n")
    try:
        assert sock.recv(1024) == b""
    except ConnectionResetError:
        pass
