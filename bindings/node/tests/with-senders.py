#!/usr/bin/env python3
"""Builds the sockets of the Node message tests that Node cannot make, then
execs the given command with them inherited (like with-fixtures.py):

- "queued": a bound datagram socket holding one message that a process which
  has exited sent before anyone set SO_PASSCRED;
- "exited": the same with SO_PASSCRED set first: the message has credentials,
  its sender has been reaped;
- "seqpacket-handed-over", "stream-handed-over": accepted connections on a
  listener that passes credentials (as systemd's PassCredentials= does), whose
  client handed its socket (SCM_RIGHTS) to a process of another uid, which
  wrote its pid and exited (tests/sender.py handoff).

PEERCRED_SENDERS holds {name: {"fd": N, ...what the senders said}} as JSON,
PEERCRED_SENDERS_DIR the folder of their socket files.
Usage: with-senders.py node messages.senders.js
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(os.environ.get("PEERCRED_REPO") or Path(__file__).resolve().parents[3])
SENDER = str(REPO / "tests" / "sender.py")
PYTHON = "/usr/bin/python3"  # executable by the other uid, unlike pyenv's
SO_PASSPIDFD = 76
NOBODY = 65534

tmp = tempfile.mkdtemp(prefix="peercred-senders-")
os.chmod(tmp, 0o755)
given = {}


def keep(name, sock, **info):
    os.set_inheritable(sock.fileno(), True)
    given[name] = {"fd": sock.fileno(), **info}
    return sock


queued = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
queued.bind(os.path.join(tmp, "queued"))
early = subprocess.run([PYTHON, SENDER, "dgram", queued.getsockname()], capture_output=True, text=True, check=True)
keep("queued", queued, pid=json.loads(early.stdout)["pid"], path=queued.getsockname())

# A sender that exited and was reaped before anyone read its message.
exited = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
exited.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
try:
    exited.setsockopt(socket.SOL_SOCKET, SO_PASSPIDFD, 1)
except OSError:
    pass  # Linux < 6.5
exited.bind(os.path.join(tmp, "exited"))
gone = subprocess.run([PYTHON, SENDER, "dgram", exited.getsockname()], capture_output=True, text=True, check=True)
keep("exited", exited, pid=json.loads(gone.stdout)["pid"])

sockets = [queued, exited]
for kind, sock_type in (("seqpacket", socket.SOCK_SEQPACKET), ("stream", socket.SOCK_STREAM)):
    path = os.path.join(tmp, kind)
    listener = socket.socket(socket.AF_UNIX, sock_type)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    try:
        listener.setsockopt(socket.SOL_SOCKET, SO_PASSPIDFD, 1)
    except OSError:
        pass  # Linux < 6.5: credentials without a pidfd
    listener.bind(path)
    os.chmod(path, 0o666)
    listener.listen()
    writer = ["--writer-uid", str(NOBODY)] if os.geteuid() == 0 else []
    proc = subprocess.Popen([PYTHON, SENDER, "handoff", path, "--type", kind, *writer],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    conn, _ = listener.accept()
    says = json.loads(proc.stdout.readline())
    proc.stdin.close()  # both exit once the writer has written
    proc.wait(timeout=10)
    sockets += [listener, conn]
    keep(f"{kind}-handed-over", conn, **says)

os.environ["PEERCRED_SENDERS"] = json.dumps(given)
os.environ["PEERCRED_SENDERS_DIR"] = tmp  # the tests remove it
os.execvp(sys.argv[1], sys.argv[1:])
