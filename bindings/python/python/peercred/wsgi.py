"""The caller's identity inside WSGI apps.

PEP 3333 gives an app no connection; a server that puts the accepted socket in
the environ makes the caller readable. Known: gunicorn's sync and gthread
workers (``environ["gunicorn.socket"]``). Any other server gets a RuntimeError
naming it, never a guess::

    def app(environ, start_response):
        cred = peercred.wsgi.peer_cred(environ)
        exe = peercred.wsgi.peer_process(environ).exe()

This module imports no server; ``import peercred`` never does.
"""

from __future__ import annotations

import socket
import threading
import weakref
from typing import Any, Mapping

from ._peercred import PeerCred, PeerProcess, peer_process as _peer_process, read

__all__ = ["peer_cred", "peer_process", "peer_socket"]

_SOCKET_KEYS = ("gunicorn.socket",)

# One PeerProcess per connection: gthread serves many requests of a keep-alive
# connection on the same socket object. Keyed by the object, never by its fd
# number (which a later connection reuses); the entry and its pidfd go when
# gunicorn drops the socket.
_processes: weakref.WeakKeyDictionary[socket.socket, PeerProcess] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def peer_socket(environ: Mapping[str, Any]) -> socket.socket:
    """The accepted connection's socket; RuntimeError naming the server when the environ has none."""
    for key in _SOCKET_KEYS:
        sock = environ.get(key)
        if isinstance(sock, socket.socket):
            return sock
    server = environ.get("SERVER_SOFTWARE") or "this WSGI server"
    raise RuntimeError(
        f"peercred.wsgi: {server} puts no connection socket in the WSGI environ, so the caller cannot be read; "
        "serve the app with gunicorn (sync or gthread workers), or with an ASGI server and peercred.asgi"
    )


def peer_cred(environ: Mapping[str, Any]) -> PeerCred:
    """The caller's pid, uid and gid as the kernel recorded them at connect()."""
    return read(peer_socket(environ))


def peer_process(environ: Mapping[str, Any]) -> PeerProcess:
    """The caller's process, opened once per connection; released when the server drops the connection.

    Do not close it: later requests on the same connection get the same object.
    """
    sock = peer_socket(environ)
    with _lock:
        process = _processes.get(sock)
        if process is None or process.closed:
            process = _processes[sock] = _peer_process(sock)
        return process
