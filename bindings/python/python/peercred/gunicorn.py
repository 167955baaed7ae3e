"""gunicorn workers that serve ASGI apps through uvicorn with the caller's identity.

    gunicorn app:app --bind unix:/run/app.sock -w 4 -k peercred.gunicorn.UvicornWorker

The arbiter hands every worker the same listener; each worker reads the peer
of each connection it accepts, with the protocols of :mod:`peercred.uvicorn`.
Needs the ``uvicorn-worker`` package. For WSGI apps under gunicorn's sync and
gthread workers, see :mod:`peercred.wsgi`.
"""

from __future__ import annotations

from typing import Any

from uvicorn_worker import UvicornWorker as _UvicornWorker  # type: ignore[import-untyped]

from .uvicorn import AutoHTTPProtocol, H11Protocol

__all__ = ["UvicornH11Worker", "UvicornWorker"]


class UvicornWorker(_UvicornWorker):  # type: ignore[misc]
    """uvicorn-worker's UvicornWorker (uvloop or asyncio, httptools or h11) with the caller's identity."""

    CONFIG_KWARGS: dict[str, Any] = {**_UvicornWorker.CONFIG_KWARGS, "http": AutoHTTPProtocol}


class UvicornH11Worker(_UvicornWorker):  # type: ignore[misc]
    """The pure-Python variant (asyncio, h11), as uvicorn-worker's UvicornH11Worker."""

    CONFIG_KWARGS: dict[str, Any] = {"loop": "asyncio", "http": H11Protocol}
