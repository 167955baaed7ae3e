#!/usr/bin/env python3
"""The syslog-style logger examples (examples/*/logger*): each language's
logger stamps every line with what the kernel attached to the message.

For each logger: senders in other processes (as root and, when run as root,
as nobody) send a line with an embedded newline, which must come out escaped
with the sender's uid, pid and executable; util-linux `logger -u` must work
against it; SIGTERM must remove the socket file. Standard library only.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOGGERS = {
    "c": [str(ROOT / "build/c/logger")],
    "python": [str(ROOT / ".venv/bin/python"), str(ROOT / "examples/python/logger.py")],
    "node": ["node", str(ROOT / "examples/node/logger.js")],
}
PYTHON = "/usr/bin/python3"  # executable by nobody
# Stays alive until its stdin closes, so that its executable can still be read.
SEND = """
import json, os, socket, sys
print(json.dumps({"pid": os.getpid(), "uid": os.getuid()}), flush=True)
socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b"hello\\nuid=0 pid=1 exe=/sbin/init: forged\\n", sys.argv[1])
sys.stdin.read()
"""
NOBODY = 65534


def wait_for(path, proc, timeout=15):
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"logger did not bind {path}: exit {proc.poll()}")
        time.sleep(0.02)
    time.sleep(0.1)  # bound before chmod: let the mode change land


def check(name, cmd, tmp):
    path = os.path.join(tmp, f"{name}.sock")
    proc = subprocess.Popen(cmd + [path], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    failures = []
    try:
        wait_for(path, proc)
        senders = [{}] + ([{"user": NOBODY, "group": NOBODY, "extra_groups": []}] if os.geteuid() == 0 else [])
        for ids in senders:
            sender = subprocess.Popen([PYTHON, "-c", SEND, path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, **ids)
            said = json.loads(sender.stdout.readline())
            line = proc.stdout.readline().rstrip("\n")
            sender.communicate()
            want = (f"uid={said['uid']} pid={said['pid']} exe={os.path.realpath(PYTHON)}: "
                    "hello\\x0auid=0 pid=1 exe=/sbin/init: forged")
            if line != want:
                failures.append(f"{name}: got {line!r}, want {want!r}")
        # logger(1) exits at once: by the time the line is written it may be
        # gone, and then its executable is unknown ("?"), never guessed.
        subprocess.run(["logger", "-u", path, "from util-linux"], check=True)
        line = proc.stdout.readline()
        exe_known = "exe=/usr/bin/logger:" in line or "exe=?:" in line
        if f"uid={os.getuid()} " not in line or not exe_known or "from util-linux" not in line:
            failures.append(f"{name}: logger -u gave {line!r}")
    except Exception as exc:  # a broken logger is reported, not fatal
        failures.append(f"{name}: {exc}")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            _, err = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
        if proc.returncode not in (0, -signal.SIGTERM) or os.path.exists(path):
            failures.append(f"{name}: exit {proc.returncode}, socket file left: {os.path.exists(path)}: {err[-300:]}")
    return failures


def main():
    tmp = tempfile.mkdtemp(prefix="peercred-loggers-")
    os.chmod(tmp, 0o755)
    failures = []
    try:
        for name, cmd in LOGGERS.items():
            failures += check(name, cmd, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for failure in failures:
        print(failure)
    print(f"loggers: {len(LOGGERS) - len({f.split(':')[0] for f in failures})} of {len(LOGGERS)} passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
