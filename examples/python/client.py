"""Connects to the demo server and prints who it is next to the server's reply,
as one JSON line (the demo protocol of CONTRIBUTING.md). Standard library only.
Usage: python client.py SOCKET_PATH
"""

import json
import os
import socket
import sys

if len(sys.argv) != 2:
    sys.exit("usage: client.py SOCKET_PATH")
with socket.socket(socket.AF_UNIX) as sock:
    sock.connect(sys.argv[1])
    reply = sock.makefile().readline().rstrip("\n")
print(json.dumps({"pid": os.getpid(), "uid": os.geteuid(), "gid": os.getegid(), "reply": reply}))
