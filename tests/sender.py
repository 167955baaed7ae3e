#!/usr/bin/env python3
"""A sender in another process for the per-message credential tests of
Python and Node (standard library only; run it as another user with setpriv).

  sender.py dgram TARGET [--count N] [--bind PATH | --abstract NAME]
                         [--claim PID UID GID] [--rights N] [--size N] [--hold]
      Prints {"pid", "uid", "gid"} (real ids), then sends N datagrams to
      TARGET (a path, or "@name" for an abstract name), each holding its pid
      as ASCII unless --size asks for that many bytes; --claim sends explicit
      SCM_CREDENTIALS, --rights attaches N copies of stdin (SCM_RIGHTS). Exits
      1 with {"errno"} when sending fails. --hold: stay alive until stdin closes.

  sender.py handoff TARGET --type stream|seqpacket [--writer-uid UID]
      Connects to TARGET, hands the connected socket (SCM_RIGHTS) to a child
      that drops to UID and writes its pid, closes its own copy, and prints
      {"client", "writer", "writer_uid"} once the child has written.
"""

import argparse
import array
import json
import os
import socket
import struct
import sys


def address(target):
    return "\0" + target[1:] if target.startswith("@") else target


def say(**what):
    print(json.dumps(what), flush=True)


def dgram(args):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if args.bind:
        s.bind(args.bind)
    elif args.abstract:
        s.bind("\0" + args.abstract)
    control = []
    if args.claim:
        control.append((socket.SOL_SOCKET, socket.SCM_CREDENTIALS, struct.pack("iII", *args.claim)))
    if args.rights:
        control.append((socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [0] * args.rights).tobytes()))
    say(pid=os.getpid(), uid=os.getuid(), gid=os.getgid())
    data = b"x" * args.size if args.size is not None else str(os.getpid()).encode()
    try:
        for _ in range(args.count):
            s.sendmsg([data], control, 0, address(args.target))
    except OSError as exc:
        say(errno=exc.errno)
        sys.exit(1)
    if args.hold:
        sys.stdin.read()


def handoff(args):
    kind = socket.SOCK_SEQPACKET if args.type == "seqpacket" else socket.SOCK_STREAM
    parent_end, child_end = socket.socketpair()
    writer = os.fork()
    if writer == 0:
        parent_end.close()
        if args.writer_uid is not None:
            os.setgroups([])
            os.setresgid(args.writer_uid, args.writer_uid, args.writer_uid)
            os.setresuid(args.writer_uid, args.writer_uid, args.writer_uid)
        _, fds, _, _ = socket.recv_fds(child_end, 1, 1)
        conn = socket.socket(fileno=fds[0])
        conn.sendall(str(os.getpid()).encode())
        child_end.send(b"w")  # written
        child_end.recv(1)  # wait until told to exit
        os._exit(0)
    child_end.close()
    conn = socket.socket(socket.AF_UNIX, kind)
    conn.connect(address(args.target))
    socket.send_fds(parent_end, [b"f"], [conn.fileno()])
    conn.close()
    parent_end.recv(1)
    say(client=os.getpid(), writer=writer, writer_uid=os.getuid() if args.writer_uid is None else args.writer_uid)
    sys.stdin.read()  # keep both alive until the test closes our stdin
    parent_end.send(b"x")
    os.waitpid(writer, 0)


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="mode", required=True)
    d = sub.add_parser("dgram")
    d.add_argument("target")
    d.add_argument("--count", type=int, default=1)
    d.add_argument("--bind")
    d.add_argument("--abstract")
    d.add_argument("--claim", type=int, nargs=3)
    d.add_argument("--rights", type=int, default=0)
    d.add_argument("--size", type=int)
    d.add_argument("--hold", action="store_true")
    h = sub.add_parser("handoff")
    h.add_argument("target")
    h.add_argument("--type", choices=["stream", "seqpacket"], required=True)
    h.add_argument("--writer-uid", type=int)
    args = parser.parse_args()
    dgram(args) if args.mode == "dgram" else handoff(args)


if __name__ == "__main__":
    main()
