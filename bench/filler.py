"""The sender of the per-message benchmarks (Python and Node): for each line
read from stdin it fills the receiver's datagram queue (non-blocking sends of
64-byte lines until EAGAIN) and answers with how many it queued.
Usage: filler.py SOCKET_PATH"""

import socket
import sys

sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.setblocking(False)
line = b"<13>bench: a log line of sixty-four bytes, more or less, here.."[:64]
for _ in sys.stdin:
    queued = 0
    try:
        while True:
            sock.sendto(line, sys.argv[1])
            queued += 1
    except BlockingIOError:
        pass
    print(queued, flush=True)
