"""hypercorn's asyncio (and uvloop) workers with the caller's identity in every scope.

hypercorn 0.18 has no per-connection hook: each accepted connection becomes a
``TCPServer`` that hypercorn looks up in ``hypercorn.asyncio.run``.
:func:`install` puts a subclass there that reads the peer when the connection
is accepted, before any request on it is parsed, and hands a
:class:`peercred.asgi.PeerConnection` to every HTTP and WebSocket scope of the
connection under ``scope["state"]["peercred"]``; a connection whose read fails
is aborted and never served. Call it where hypercorn imports your app (each
worker process does), or use :func:`serve`::

    peercred.hypercorn.install()          # in the module hypercorn loads: hypercorn app:app --bind unix:/run/app.sock
    await peercred.hypercorn.serve(app, config)   # programmatic

Should a later hypercorn stop looking the class up there, the scopes carry no
identity and :class:`peercred.asgi.PeerCredMiddleware` refuses every request:
keep the middleware in front of the app.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any, Optional

import hypercorn.asyncio
import hypercorn.asyncio.run as _run
from hypercorn.asyncio.tcp_server import TCPServer as _TCPServer
from hypercorn.config import Config

from .asgi import SCOPE_KEY, PeerConnection, logger

__all__ = ["TCPServer", "install", "serve"]

_EXPECTED = ["self", "app", "loop", "config", "context", "state", "reader", "writer"]


class TCPServer(_TCPServer):
    """hypercorn's per-connection server, reading the caller first."""

    def __init__(
        self,
        app: Any,
        loop: asyncio.AbstractEventLoop,
        config: Config,
        context: Any,
        state: dict[str, Any],
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        super().__init__(app, loop, config, context, state, reader, writer)
        self._peercred: Optional[PeerConnection] = None
        try:
            self._peercred = PeerConnection(writer.get_extra_info("socket"))
        except Exception as err:  # noqa: BLE001 - whatever failed, this connection is not served
            logger.warning("closed a connection whose caller could not be read: %s", err)
            return
        # hypercorn copies this mapping into each request's scope["state"];
        # the copy made here is per connection.
        self.state = {**state, SCOPE_KEY: self._peercred}

    async def run(self) -> None:
        peer = self._peercred
        if peer is None:
            self.writer.transport.abort()
            return
        try:
            await super().run()
        finally:
            peer.close()


def install() -> None:
    """Makes hypercorn's asyncio workers read the caller of every connection they accept.

    Raises RuntimeError when this hypercorn builds its connections differently
    from the versions peercred knows, rather than serve without identities.
    """
    # hypercorn.asyncio.run imports the class it instantiates per connection
    # (not an export of that module, hence getattr/setattr).
    current = getattr(_run, "TCPServer", None)
    if current is TCPServer:
        return
    if current is not _TCPServer or list(inspect.signature(_TCPServer.__init__).parameters) != _EXPECTED:
        raise RuntimeError("peercred.hypercorn: this hypercorn builds connections differently from 0.18; not installed")
    setattr(_run, "TCPServer", TCPServer)


async def serve(app: Any, config: Config, **options: Any) -> None:
    """``hypercorn.asyncio.serve`` with :func:`install` done first."""
    install()
    await hypercorn.asyncio.serve(app, config, **options)
