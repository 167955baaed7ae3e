"""Servers for the peercred command's tests, each started by a test (as
another uid through setpriv). Each runs until its standard input closes.

  full PATH     listens with a backlog of 0 and never accepts: once the test
                has queued one connection, the accept queue is full (a hung daemon)
  daemon PATH   the classic daemon: listen(), fork, the parent exits at once and
                the child serves; prints "CREATOR_PID SERVER_PID"
"""

import os
import select
import socket
import sys


def listen(path, backlog):
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    os.chmod(path, 0o666)
    server.listen(backlog)
    return server


def serve_until_stdin_closes(server):
    while True:
        ready, _, _ = select.select([server, sys.stdin], [], [])
        if sys.stdin in ready and not os.read(sys.stdin.fileno(), 1):
            return
        if server in ready:
            server.accept()[0].close()


def main(role, path):
    if role == "full":
        server = listen(path, 0)
        print("ready", flush=True)
        sys.stdin.read()
    elif role == "daemon":
        server = listen(path, 16)
        child = os.fork()
        if child:
            print(os.getpid(), child, flush=True)
            os._exit(0)
        serve_until_stdin_closes(server)
    else:
        sys.exit(f"unknown role {role}")


main(*sys.argv[1:])
