"""The caller's identity for Starlette and FastAPI endpoints, HTTP and WebSocket.

Each accessor takes the request (or WebSocket) and works as a FastAPI
dependency::

    from fastapi import Depends
    from peercred.starlette import peer_cred, peer_process

    @app.get("/whoami")
    async def whoami(cred: PeerCred = Depends(peer_cred), peer: PeerProcess = Depends(peer_process)):
        return {"uid": cred.uid, "exe": peer.exe()}

The identity is put in the scope by a server integration (peercred.uvicorn,
peercred.gunicorn, peercred.hypercorn); without one each accessor raises
LookupError. The PeerProcess is cached per connection and closed with it: do
not close it yourself.
"""

from __future__ import annotations

from starlette.requests import HTTPConnection

from ._peercred import PeerCred, PeerProcess
from .asgi import PeerConnection
from .asgi import peer_connection as _peer_connection

__all__ = ["peer_connection", "peer_cred", "peer_process"]


def peer_connection(connection: HTTPConnection) -> PeerConnection:
    """The PeerConnection of this request's connection."""
    return _peer_connection(connection.scope)


def peer_cred(connection: HTTPConnection) -> PeerCred:
    """The caller's pid, uid and gid as the kernel recorded them at connect()."""
    return _peer_connection(connection.scope).cred


def peer_process(connection: HTTPConnection) -> PeerProcess:
    """The caller's process, opened once per connection and closed with it."""
    return _peer_connection(connection.scope).process()
