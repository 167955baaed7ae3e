"""uvicorn's HTTP protocols with the caller's identity in every scope.

    uvicorn app:app --uds /run/app.sock --http peercred.uvicorn:AutoHTTPProtocol

(or ``uvicorn.run(app, uds=..., http=AutoHTTPProtocol)``). Each protocol reads
the peer's credentials when uvicorn accepts the connection, before any request
on it is parsed, and hands a :class:`peercred.asgi.PeerConnection` to every
HTTP and WebSocket scope of the connection under ``scope["state"]["peercred"]``
through uvicorn's per-connection ``app_state``. A connection whose read fails
is aborted and never served. ``AutoHTTPProtocol`` picks httptools when it is
installed and h11 otherwise, as uvicorn's ``auto`` does.
"""

from __future__ import annotations

import asyncio
from typing import Any, Optional

from uvicorn.protocols.http.h11_impl import H11Protocol as _H11Protocol

from .asgi import SCOPE_KEY, PeerConnection, logger

__all__ = ["AutoHTTPProtocol", "H11Protocol", "HttpToolsProtocol"]


class _PeerCredProtocol(asyncio.Protocol):
    """Mixed in before one of uvicorn's HTTP protocol classes."""

    app_state: dict[str, Any]
    transport: asyncio.Transport
    _peercred: Optional[PeerConnection] = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        try:
            peer = PeerConnection(transport.get_extra_info("socket"))
        except Exception as err:  # noqa: BLE001 - whatever failed, this connection is not served
            logger.warning("closed a connection whose caller could not be read: %s", err)
            transport.abort()
            return
        self._peercred = peer
        # uvicorn copies app_state into each request's scope["state"] and hands it
        # to the WebSocket protocol on upgrade: a copy of it is per connection.
        self.app_state = {**self.app_state, SCOPE_KEY: peer}
        super().connection_made(transport)

    def connection_lost(self, exc: Optional[Exception]) -> None:
        peer = self._peercred
        if peer is None:
            return  # refused in connection_made: uvicorn never saw it
        try:
            super().connection_lost(exc)
        finally:
            peer.close()

    def handle_websocket_upgrade(self, *args: Any) -> None:
        super().handle_websocket_upgrade(*args)  # type: ignore[misc]
        # The transport now belongs to the WebSocket protocol, and only it hears
        # of the end of the connection: close the identity with it.
        peer = self._peercred
        websocket = self.transport.get_protocol()
        if peer is None or websocket is self:
            return
        websocket_lost = websocket.connection_lost

        def connection_lost(exc: Optional[Exception]) -> None:
            try:
                websocket_lost(exc)
            finally:
                peer.close()

        websocket.connection_lost = connection_lost  # type: ignore[method-assign]


class H11Protocol(_PeerCredProtocol, _H11Protocol):
    """uvicorn's h11 protocol (``--http h11``) with the caller's identity."""


AutoHTTPProtocol: type[asyncio.Protocol]
try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _HttpToolsProtocol
except ImportError:  # httptools is not installed: uvicorn's `auto` is h11 then, and so is ours
    AutoHTTPProtocol = H11Protocol
else:

    class HttpToolsProtocol(_PeerCredProtocol, _HttpToolsProtocol):
        """uvicorn's httptools protocol (``--http httptools``) with the caller's identity."""

    AutoHTTPProtocol = HttpToolsProtocol
