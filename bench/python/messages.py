"""peercred.recv next to the stdlib recvmsg that gets the same answer (the
credentials parsed, the pidfd closed), from a sender in another process, in
alternating rounds (make bench). The kernel queues at most
net.unix.max_dgram_qlen datagrams, so the sender (bench/filler.py) refills the
queue between timed batches and only the receiving is timed.
Prints one JSON object per measurement."""

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
MESSAGES = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
SIZE = 64
SO_PASSPIDFD = 76
SCM_PIDFD = 4
ANCILLARY = socket.CMSG_SPACE(12) + socket.CMSG_SPACE(4)
FILLER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "filler.py")


# Each contestant is the code a user writes, in a function of its own.
def bare(sock):
    return sock.recv(SIZE)


def stdlib_bare(sock):
    data, ancillary, flags, address = sock.recvmsg(SIZE, ANCILLARY)
    os.close(struct.unpack("i", ancillary[-1][2])[0])  # the pidfd comes last
    return data, ancillary


def stdlib(sock):
    data, ancillary, flags, address = sock.recvmsg(SIZE, ANCILLARY)
    cred = None
    for level, kind, value in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
            cred = struct.unpack("iII", value)
        elif level == socket.SOL_SOCKET and kind == SCM_PIDFD:
            os.close(struct.unpack("i", value)[0])
    return data, cred


def ours(sock_or_fd):
    return peercred.recv(sock_or_fd, SIZE)


def timed(call, arg, filler):
    spent = done = 0
    while done < MESSAGES:
        filler.stdin.write("f\n")
        filler.stdin.flush()
        queued = int(filler.stdout.readline())
        # CPU time of this thread, as bench.py measures: other programs do not count.
        start = time.thread_time_ns()
        for _ in range(queued):
            call(arg)
        spent += time.thread_time_ns() - start
        done += queued
    return spent / done


def main():
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "log")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        peercred.pass_credentials(sock)  # SO_PASSCRED and SO_PASSPIDFD
        sock.bind(path)
        filler = subprocess.Popen([sys.executable, FILLER, path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        contestants = [
            ("stdlib sock.recv (data only)", bare, sock),
            ("stdlib recvmsg (raw ancillary data, pidfd closed)", stdlib_bare, sock),
            ("stdlib recvmsg + SCM_CREDENTIALS/SCM_PIDFD parsed, pidfd closed", stdlib, sock),
            ("peercred.recv(sock)", ours, sock),
            ("peercred.recv(fd)", ours, sock.fileno()),
        ]
        for _, call, arg in contestants:
            timed(call, arg, filler)  # warm up
        for round_ in range(ROUNDS):
            for name, call, arg in contestants:
                ns = timed(call, arg, filler)
                print(json.dumps({"lang": "python", "name": name, "round": round_, "ns": round(ns, 1)}), flush=True)
        filler.stdin.close()
        filler.wait()
        sock.close()


if __name__ == "__main__":
    main()
