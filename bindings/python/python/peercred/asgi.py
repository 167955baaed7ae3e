"""The caller's identity inside ASGI apps: one documented scope key and a
middleware that refuses every request without it.

A server integration (``peercred.uvicorn``, ``peercred.gunicorn``,
``peercred.hypercorn``) reads the peer's credentials once per accepted
connection, before a byte of it is parsed, and puts a :class:`PeerConnection`
into every HTTP and WebSocket scope of that connection under
``scope["state"]["peercred"]`` (in Starlette: ``request.state.peercred``). A
connection whose read fails is closed and never served. ``scope["state"]`` is
the one per-request dict that uvicorn and hypercorn both fill from a mapping
the server hands them, so the same key works in both without patching how they
build scopes.

The identity belongs to the connection: every request of a keep-alive or
HTTP/2 connection comes from the same caller, so facts about the caller are
read once per connection (:meth:`PeerConnection.process`) and released when it
closes.

This module imports no server or framework; ``import peercred`` never does.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Awaitable, Callable, MutableMapping, Optional, Protocol

from ._peercred import PeerCred, PeerProcess, groups, peer_process, read, security_label

__all__ = ["SCOPE_KEY", "PeerConnection", "PeerCredMiddleware", "peer_connection"]

SCOPE_KEY = "peercred"
"""The key in ``scope["state"]`` under which the server integrations put the :class:`PeerConnection`."""

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

logger = logging.getLogger("peercred")

_HOOKS = (
    "serve it with a peercred server integration: uvicorn --http peercred.uvicorn:AutoHTTPProtocol, "
    "gunicorn -k peercred.gunicorn.UvicornWorker, or peercred.hypercorn.install() before hypercorn serves"
)


class _HasFileno(Protocol):
    def fileno(self) -> int: ...


class PeerConnection:
    """The peer of one accepted connection.

    ``cred`` is what the kernel recorded at connect(). ``process()``,
    ``groups()`` and ``security_label()`` are read on first use and cached for
    the connection's lifetime; the server integration closes the object (and
    the cached PeerProcess's pidfd) when the connection closes.
    """

    __slots__ = ("cred", "_sock", "_process", "_groups", "_label", "_lock", "__weakref__")

    def __init__(self, sock: _HasFileno) -> None:
        """Reads the credentials of `sock`'s peer; raises OSError as peercred.read does."""
        self.cred: PeerCred = read(sock)
        self._sock: Optional[_HasFileno] = sock
        self._process: Optional[PeerProcess] = None
        self._groups: Optional[tuple[int, ...]] = None
        self._label: Optional[str] = None
        # Starlette runs sync dependencies in a thread pool, and HTTP/2 streams
        # of one connection run at once: one PeerProcess per connection, not two.
        self._lock = threading.Lock()

    def _open_sock(self) -> _HasFileno:
        sock = self._sock
        if sock is None:
            raise ValueError("PeerConnection is closed: its connection has ended")
        return sock

    def process(self) -> PeerProcess:
        """The peer process (Linux >= 6.5), opened on first use, closed with the connection.

        Raises ProcessLookupError when the peer has exited before the first
        call, OSError ENOPROTOOPT on older kernels, ValueError once closed.
        """
        with self._lock:
            if self._process is None:
                self._process = peer_process(self._open_sock())
            elif self._sock is None:
                raise ValueError("PeerConnection is closed: its connection has ended")
            return self._process

    def groups(self) -> tuple[int, ...]:
        """The peer's supplementary groups at connect() (without the primary gid, which is ``cred.gid``)."""
        if self._groups is None:
            self._groups = groups(self._open_sock())
        return self._groups

    def security_label(self) -> Optional[str]:
        """The peer's security label at connect(), or None without a labelling LSM."""
        if self._label is None:
            self._label = security_label(self._open_sock())
        return self._label

    @property
    def closed(self) -> bool:
        return self._sock is None

    def close(self) -> None:
        """Releases the cached PeerProcess; called by the server integration when the connection ends."""
        with self._lock:
            self._sock = None
            if self._process is not None:
                self._process.close()

    def __repr__(self) -> str:
        return f"PeerConnection({self.cred!r}{', closed' if self.closed else ''})"


def peer_connection(scope: Scope) -> PeerConnection:
    """The PeerConnection of an HTTP or WebSocket scope; LookupError when the server put none there."""
    found = scope.get("state", {}).get(SCOPE_KEY)
    if not isinstance(found, PeerConnection):
        raise LookupError(f"no peer identity in this ASGI scope: {_HOOKS}")
    return found


class PeerCredMiddleware:
    """Refuses every HTTP request (403) and WebSocket (closed before accept)
    whose scope carries no PeerConnection, so an app never runs unprotected
    because the server integration was left out. Lifespan passes through.

    ``app = PeerCredMiddleware(app)``, or in Starlette and FastAPI
    ``app.add_middleware(PeerCredMiddleware)``.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._warned = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and not isinstance(scope.get("state", {}).get(SCOPE_KEY), PeerConnection):
            if not self._warned:
                self._warned = True
                logger.error("refusing requests: no peer identity in the ASGI scope; %s", _HOOKS)
            await _refuse(scope, send)
            return
        await self.app(scope, receive, send)


async def _refuse(scope: Scope, send: Send) -> None:
    if scope["type"] == "websocket":
        # Closing before accept makes the server answer the handshake with 403.
        await send({"type": "websocket.close", "code": 1008})
        return
    body = b"Forbidden: the server did not establish who is calling\n"
    await send({
        "type": "http.response.start",
        "status": 403,
        "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())],
    })
    await send({"type": "http.response.body", "body": body})
