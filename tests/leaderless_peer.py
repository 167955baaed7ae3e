"""A peer whose main thread has exited: it connects to SOCKET, starts a second
thread, and ends its main thread alone (the raw exit system call, so the
process lives on in the other thread). As root the surviving thread then
drops its own ids to nobody with raw system calls (glibc's would change every
thread's), so the zombie leader keeps saying root. It prints "ready" once the
main thread is gone and exits when its stdin closes.

Shared by the Python and Node tests. Usage: leaderless_peer.py SOCKET
"""

import ctypes
import os
import socket
import sys
import threading
import time

NOBODY = 65534
# (exit, setgroups, setresuid, setresgid) of this architecture.
SYSCALLS = {"x86_64": (60, 116, 117, 119), "aarch64": (93, 159, 147, 149)}
EXIT, SETGROUPS, SETRESUID, SETRESGID = SYSCALLS[os.uname().machine]

libc = ctypes.CDLL(None, use_errno=True)  # calls release the GIL
conn = socket.socket(socket.AF_UNIX)
conn.connect(sys.argv[1])
leader = os.getpid()


def survivor():
    while open(f"/proc/{leader}/stat").read().rsplit(")", 1)[1].split()[0] != "Z":
        time.sleep(0.001)  # until the main thread is a zombie
    if os.geteuid() == 0:
        for call, *args in ((SETGROUPS, 0, None), (SETRESGID, NOBODY, NOBODY, NOBODY), (SETRESUID, NOBODY, NOBODY, NOBODY)):
            if libc.syscall(call, *args) != 0:
                os._exit(3)
    print("ready", flush=True)
    sys.stdin.read()
    os._exit(0)


threading.Thread(target=survivor).start()
libc.syscall(EXIT, 0)
