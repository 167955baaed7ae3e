"""The sockets of tests/cases.json's "fixtures": built in this process, or
(the *-other-process ones) by a forked helper that hands one over.

Standard library only: the Python suite uses it directly, and the Node suite
through bindings/node/tests/with-fixtures.py for the sockets Node cannot make
(socketpairs, seqpacket, Unix datagram, netlink, pipes, O_PATH, SCM_RIGHTS).
"""

import contextlib
import ctypes
import os
import signal
import socket
import tempfile

OTHER_PROCESS = "-other-process"


def _helper(name, path):
    """Forks a helper that makes the socket `name` asks for, hands it over
    (SCM_RIGHTS), keeps the rest, and waits to be killed. Returns (socket, pid)."""
    here, there = socket.socketpair()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        try:
            _die_with(parent)
            here.close()
            if name == "socketpair-stream" + OTHER_PROCESS:
                handed, _kept = socket.socketpair()
            else:
                listener = socket.socket(socket.AF_UNIX)
                listener.bind(path)
                listener.listen()
                handed = listener
                if name != "unix-stream-listening" + OTHER_PROCESS:
                    client = socket.socket(socket.AF_UNIX)
                    client.connect(path)
                    accepted, _ = listener.accept()
                    handed = accepted if name == "unix-stream-accepted" + OTHER_PROCESS else client
            socket.send_fds(there, [b"x"], [handed.fileno()])
            while True:
                signal.pause()
        finally:
            os._exit(1)
    there.close()
    with here:
        _, fds, _, _ = socket.recv_fds(here, 1, 1)
    return socket.socket(fileno=fds[0]), pid


def _die_with(parent):
    """Ends this helper when `parent` ends, however it ends: the Node suite
    execs node over the process that forked it, which then cannot run this
    module's cleanup."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(1, signal.SIGKILL, 0, 0, 0) != 0:  # PR_SET_PDEATHSIG
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG)")
    if os.getppid() != parent:  # it ended before the line above
        os._exit(1)


@contextlib.contextmanager
def fixture_socket(name, peers=None):
    """Yields what tests/cases.json's fixture `name` describes (a socket, an fd
    or -1); the helper's pid of a *-other-process fixture goes to peers[name]."""
    with contextlib.ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory())
        path = os.path.join(tmp, "s")

        if name.endswith(OTHER_PROCESS):
            handed, pid = _helper(name, os.path.join(tmp, "helper"))
            stack.callback(os.waitpid, pid, 0)
            stack.callback(os.kill, pid, signal.SIGKILL)
            if peers is not None:
                peers[name] = pid
            yield stack.enter_context(handed)
            return

        def sock(family, kind):
            return stack.enter_context(socket.socket(family, kind))

        def fd(number):
            stack.callback(os.close, number)
            return number

        def unix(kind, listen=False, bind=True):
            s = sock(socket.AF_UNIX, kind)
            if bind:
                s.bind(path)
            if listen:
                s.listen()
            return s

        def connection(kind, accepted):
            listening = unix(kind, listen=True)
            client = sock(socket.AF_UNIX, kind)
            client.connect(path)
            server = stack.enter_context(listening.accept()[0])
            return server if accepted else client

        def tcp(connected):
            listening = stack.enter_context(socket.create_server(("127.0.0.1", 0)))
            if not connected:
                return listening
            stack.enter_context(socket.create_connection(listening.getsockname()))
            return stack.enter_context(listening.accept()[0])

        def pair(kind):
            a, b = socket.socketpair(socket.AF_UNIX, kind)
            stack.enter_context(b)
            return stack.enter_context(a)

        def closed_fd():
            s = socket.socket(socket.AF_UNIX)
            number = s.fileno()
            s.close()
            return number

        def udp():
            s = sock(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(("127.0.0.1", 0))
            return s

        def dgram_connected():
            target = unix(socket.SOCK_DGRAM)
            s = sock(socket.AF_UNIX, socket.SOCK_DGRAM)
            s.connect(target.getsockname())
            return s

        def pipe():
            r, w = os.pipe()
            fd(w)
            return fd(r)

        builders = {
            "socketpair-stream": lambda: pair(socket.SOCK_STREAM),
            "socketpair-dgram": lambda: pair(socket.SOCK_DGRAM),
            "socketpair-seqpacket": lambda: pair(socket.SOCK_SEQPACKET),
            "unix-stream-accepted": lambda: connection(socket.SOCK_STREAM, True),
            "unix-stream-connecting": lambda: connection(socket.SOCK_STREAM, False),
            "unix-seqpacket-accepted": lambda: connection(socket.SOCK_SEQPACKET, True),
            "closed-fd": closed_fd,
            "negative-fd": lambda: -1,
            "o-path-fd": lambda: fd(os.open("/", os.O_PATH)),
            "pipe": pipe,
            "regular-file": lambda: fd(os.open(os.path.join(tmp, "file"), os.O_CREAT | os.O_RDWR, 0o600)),
            "dev-null": lambda: fd(os.open("/dev/null", os.O_RDONLY)),
            "tcp-listening": lambda: tcp(False),
            "tcp-connected": lambda: tcp(True),
            "udp": udp,
            "netlink": lambda: sock(socket.AF_NETLINK, socket.SOCK_RAW),
            "unix-stream-unconnected": lambda: unix(socket.SOCK_STREAM, bind=False),
            "unix-stream-bound": lambda: unix(socket.SOCK_STREAM),
            "unix-dgram-unbound": lambda: unix(socket.SOCK_DGRAM, bind=False),
            "unix-dgram-connected": dgram_connected,
            "unix-stream-listening": lambda: unix(socket.SOCK_STREAM, listen=True),
            "unix-seqpacket-listening": lambda: unix(socket.SOCK_SEQPACKET, listen=True),
        }
        yield builders[name]()
