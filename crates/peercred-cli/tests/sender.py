"""A datagram sender for the tests of `peercred serve --dgram`, started by a
test (as another uid through setpriv). Prints its pid, sends one datagram to
PATH (@NAME: an abstract name), then waits until its standard input closes, so
that it still runs when its message is read; with --exit it exits at once.

  sender.py PATH TEXT [--from ADDRESS] [--size N] [--fds] [--exit]

--from binds the sending socket first (a path, or @NAME); --size sends N bytes
of "A" instead of TEXT; --fds attaches two descriptors (SCM_RIGHTS).
"""

import array
import os
import socket
import sys


def address(name):
    return "\0" + name[1:] if name.startswith("@") else name


def main(path, text, *options):
    options = list(options)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if "--from" in options:
        sock.bind(address(options[options.index("--from") + 1]))
    data = text.encode()
    if "--size" in options:
        data = b"A" * int(options[options.index("--size") + 1])
    print(os.getpid(), flush=True)
    ancillary = []
    if "--fds" in options:
        ancillary = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [0, 1]).tobytes())]
    sock.sendmsg([data], ancillary, 0, address(path))
    if "--exit" not in options:
        sys.stdin.read()


main(*sys.argv[1:])
