#!/usr/bin/env python3
"""Plays the other end of a row of tests/cases.json's "process" table, for the
suites of every language (standard library only).

usage: process_peers.py PEER PATH

For the rows where the reader listens, the client connects to the listener
at PATH (the reader accepts); for the "listener*" rows this helper's child
listens at PATH (the reader connects once told, and in "listener-accepted"
reads one byte, in "listener-accepted-and-closed" the end, before it asks). When the
row's state holds, one JSON line goes to stdout:
  {"pid": P}          the pid the reader's peer should have (in its namespace)
  {"pid": P, "connect": true}   connect to PATH now (the listener rows)
  {"skip": "why"}     the kernel or the privileges forbid this row
Then the helper waits for stdin to close, kills and reaps what it made, and
exits. It is started by the reader, so it shares the reader's PID namespace:
"pid-reused" needs one of its own (the suites run the table as pid 1 of a new
one) and CAP_SYS_ADMIN there, to steer the next pid with ns_last_pid.
"""

import ctypes
import json
import os
import signal
import socket
import sys

CLIENT_UID = 4242


def say(**what):
    print(json.dumps(what), flush=True)


def child(body):
    """Forks a child that runs body(), keeps what it returns open, and waits
    to be killed; returns its pid."""
    pid = os.fork()
    if pid == 0:
        try:
            kept = body()  # noqa: F841 (its sockets stay open while we wait)
            while True:
                signal.pause()
        finally:
            os._exit(1)
    return pid


def connect(path):
    client = socket.socket(socket.AF_UNIX)
    client.connect(path)
    return client


def exited(pid, reap):
    """Waits until the child pid has exited; reaps it when asked."""
    os.waitid(os.P_PID, pid, os.WEXITED | (0 if reap else os.WNOWAIT))


def connect_then(path, then):
    """A child that connects to path and does then(client); returns once it
    has (or has exited in it)."""
    r, w = os.pipe()

    def body():
        client = connect(path)
        then(client)
        os.write(w, b"c")
        return client

    pid = child(body)
    os.close(w)  # so that the read ends when the child exits
    os.read(r, 1)
    os.close(r)
    return pid


def run(peer, path, made):
    if peer == "live":
        made.append(pid := connect_then(path, lambda c: None))
        return say(pid=pid)
    if peer in ("zombie", "reaped"):
        pid = connect_then(path, lambda c: os._exit(0))
        exited(pid, reap=peer == "reaped")
        if peer == "zombie":
            made.append(pid)
        return say(pid=pid)
    if peer == "pid-reused":
        return pid_reused(path, made)
    if peer == "child-pid-namespace":
        return child_pid_namespace(path, made)
    if peer == "other-network-namespace":
        r, w = os.pipe()

        def body():
            if ctypes.CDLL(None, use_errno=True).unshare(0x40000000) != 0:  # CLONE_NEWNET
                os.write(w, b"-")
                return None
            client = connect(path)
            os.write(w, b"c")
            return client

        made.append(pid := child(body))
        if os.read(r, 1) == b"-":
            return say(skip="unshare(CLONE_NEWNET) needs CAP_SYS_ADMIN")
        return say(pid=pid)
    if peer in ("passed-and-exited", "passed-and-alive"):
        here, there = socket.socketpair()

        def pass_on(client):
            socket.send_fds(there, [b"x"], [client.fileno()])
            client.close()
            if peer == "passed-and-exited":
                os._exit(0)

        pid = connect_then(path, pass_on)
        _, fds, _, _ = socket.recv_fds(here, 1, 1)
        made.append(socket.socket(fileno=fds[0]))  # this helper holds it now
        if peer == "passed-and-exited":
            exited(pid, reap=True)
        else:
            made.append(pid)
        return say(pid=pid)
    if peer.startswith("listener"):
        r, w = os.pipe()

        def listen():
            listener = socket.socket(socket.AF_UNIX)
            listener.bind(path)
            listener.listen()
            os.write(w, b"l")
            if peer == "listener-accepted":
                conn, _ = listener.accept()
                conn.send(b"a")  # the reader reads after this byte
                return listener, conn
            if peer == "listener-accepted-and-closed":
                listener.accept()[0].close()  # the reader reads the end
            return listener

        made.append(pid := child(listen))
        os.read(r, 1)
        return say(pid=pid, connect=True)
    if peer == "other-uid":
        if os.geteuid() != 0:
            return say(skip="a client under another uid needs root")

        r, w = os.pipe()

        def body():
            os.setgroups([])
            os.setgid(CLIENT_UID)
            os.setuid(CLIENT_UID)
            client = connect(path)
            os.write(w, b"c")
            return client

        made.append(pid := child(body))
        os.read(r, 1)
        return say(pid=pid)
    raise SystemExit(f"process_peers.py: unknown peer {peer!r}")


def pid_reused(path, made):
    """The client connects, exits and is reaped; then an impostor is given its
    pid (ns_last_pid = pid - 1 before the next fork), and lives on."""
    pid = connect_then(path, lambda c: os._exit(0))
    exited(pid, reap=True)
    try:
        with open("/proc/sys/kernel/ns_last_pid", "w") as f:
            f.write(str(pid - 1))
    except OSError as e:
        return say(skip=f"cannot steer pids here (ns_last_pid: {e.strerror}); needs CAP_SYS_ADMIN")
    impostor = child(lambda: None)
    made.append(impostor)
    if impostor != pid:
        return say(skip=f"another process took pid {pid} first (the impostor got {impostor})")
    return say(pid=pid, impostor=impostor)


def child_pid_namespace(path, made):
    """The client is pid 1 of a new PID namespace, a child of ours: we see it
    under another pid."""
    libc = ctypes.CDLL(None, use_errno=True)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            if libc.unshare(0x20000000) != 0:  # CLONE_NEWPID
                os.write(w, b"-")
                os._exit(0)
            cr, cw = os.pipe()
            inner = os.fork()  # pid 1 there; fork tells us its pid here
            if inner == 0:
                client = connect(path)  # noqa: F841 (kept open while we wait)
                os.write(cw, b"c")
                while True:
                    signal.pause()
            os.read(cr, 1)
            os.write(w, b"%d" % inner)
            os.waitpid(inner, 0)
        finally:
            os._exit(1)
    made.append(pid)
    answer = os.read(r, 32)
    if answer == b"-":
        return say(skip="unshare(CLONE_NEWPID) needs CAP_SYS_ADMIN")
    made.insert(0, int(answer))  # killed first: its parent would not reap it
    return say(pid=int(answer))


def main():
    peer, path = sys.argv[1:3]
    made = []
    try:
        run(peer, path, made)
        sys.stdin.read()
    finally:
        for thing in made:
            if isinstance(thing, int):
                try:
                    os.kill(thing, signal.SIGKILL)
                    os.waitpid(thing, 0)
                except (ProcessLookupError, ChildProcessError):
                    pass
            else:
                thing.close()


if __name__ == "__main__":
    main()
