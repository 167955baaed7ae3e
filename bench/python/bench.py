"""peercred.read next to the stdlib ways of getting the same answer (the bare
SO_PEERCRED call, and the three calls an exact answer needs), on an accepted
socket whose peer is another process, in alternating rounds (make bench).
Prints one JSON object per measurement."""

import collections
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time

import peercred

ROUNDS = 7
CALLS = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
Cred = collections.namedtuple("Cred", "pid uid gid")
SIZE = struct.calcsize("iII")


# Each contestant is the line a user writes, inside a function of its own, so
# that every one pays the same call overhead.
def bare(sock):
    return sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, SIZE)


def exact(sock):
    # The calls an exact answer needs, as peercred makes them, without decoding.
    return (
        sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, SIZE),
        sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN),
        os.getpid(),
    )


def unpacked(sock):
    return Cred(*struct.unpack("iII", sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, SIZE)))


def ours(sock_or_fd):
    return peercred.read(sock_or_fd)


def process(sock_and_exe):
    sock, exe = sock_and_exe
    with peercred.peer_process(sock) as peer:
        return peer.exe_matches(exe)


def timed(call, arg, calls=CALLS):
    # CPU time of this thread: other programs on a shared machine do not count.
    start = time.thread_time_ns()
    for _ in range(calls):
        call(arg)
    return (time.thread_time_ns() - start) / calls


def main():
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "s")
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(path)
        listener.listen()
        client = subprocess.Popen(
            [sys.executable, "-c", f"import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect({path!r}); sys.stdin.read()"],
            stdin=subprocess.PIPE,
        )
        conn, _ = listener.accept()
    contestants = [
        ("stdlib getsockopt (bytes only)", bare, conn),
        ("stdlib exact: SO_PEERCRED + SO_ACCEPTCONN + getpid", exact, conn),
        ("stdlib getsockopt + struct.unpack + namedtuple", unpacked, conn),
        ("peercred.read(sock)", ours, conn),
        ("peercred.read(fd)", ours, conn.fileno()),
    ]
    exe = os.readlink(f"/proc/{client.pid}/exe")
    assert process((conn, exe))  # the peer runs that file; warm up
    held = peercred.peer_process(conn)  # where it lives, on a process held for the run
    slow = [
        ("peer_process(sock) + exe_matches + close", process, (conn, exe), CALLS // 50),
        ("held.namespaces()", lambda peer: peer.namespaces(), held, CALLS // 50),
        ("held.cgroup().unit", lambda peer: peer.cgroup().unit, held, CALLS // 50),
    ]
    for _, call, arg in contestants:
        call(arg)  # warm up
    for round_ in range(ROUNDS):
        for name, call, arg, *calls in contestants + slow:
            ns = timed(call, arg, *calls)
            print(json.dumps({"lang": "python", "name": name, "round": round_, "ns": round(ns, 1)}), flush=True)
    held.close()
    client.stdin.close()
    client.wait()
    conn.close()


if __name__ == "__main__":
    main()
