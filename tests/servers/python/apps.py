"""The apps that tests/servers/python serves: each answers with what it
learnt about its caller, so that the client (another process, another uid) can
compare it with what it knows of itself."""

import contextlib
import itertools
import os
import weakref
from typing import Any, AsyncIterator

from fastapi import Depends, FastAPI, WebSocket
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute

import peercred
import peercred.wsgi
from peercred import PeerCred, PeerProcess
from peercred.asgi import PeerConnection, PeerCredMiddleware
from peercred.starlette import peer_connection, peer_cred, peer_process


def open_pidfds() -> int:
    """The pidfds this worker holds: the cached PeerProcess of each open connection."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            count += os.readlink(f"/proc/self/fd/{fd}") == "anon_inode:[pidfd]"
    return count


# Each connection gets a number when a handler first sees it, keyed by the
# object that lives as long as the connection (a PeerConnection, or under WSGI
# the socket), weakly so that nothing here keeps a connection's pidfd open.
_numbers: "weakref.WeakKeyDictionary[Any, int]" = weakref.WeakKeyDictionary()
_count = itertools.count()


def connection_number(owner: Any) -> int:
    if owner not in _numbers:
        _numbers[owner] = next(_count)
    return _numbers[owner]


def answer(cred: PeerCred, process: PeerProcess, owner: Any, groups: Any = None) -> dict[str, Any]:
    return {
        "pid": cred.pid, "uid": cred.uid, "gid": cred.gid, "groups": groups,
        "process": {"pid": process.pid, "uid": process.uid(), "exe": process.exe(), "object": id(process)},
        "connection": connection_number(owner), "worker": os.getpid(), "pidfds": open_pidfds(),
    }


# Requests whose answer never reached their client (it had gone); /seen reports them.
seen: list[dict[str, Any]] = []


def record(cred: PeerCred, connection: PeerConnection) -> None:
    try:
        connection.process().exe()
        fact = "read"
    except (OSError, ValueError) as err:  # the process has gone, or the connection has ended
        fact = type(err).__name__
    seen.append({"pid": cred.pid, "uid": cred.uid, "gid": cred.gid, "process": fact})


# FastAPI: the accessors as dependencies; `whoami` is sync, so FastAPI runs it in its thread pool.
fastapi_app = FastAPI()
fastapi_app.add_middleware(PeerCredMiddleware)


@fastapi_app.get("/whoami")
def fastapi_whoami(
    cred: PeerCred = Depends(peer_cred),
    process: PeerProcess = Depends(peer_process),
    connection: PeerConnection = Depends(peer_connection),
) -> dict[str, Any]:
    return answer(cred, process, connection, connection.groups())


@fastapi_app.get("/late")
def fastapi_late(cred: PeerCred = Depends(peer_cred), connection: PeerConnection = Depends(peer_connection)) -> None:
    record(cred, connection)


@fastapi_app.get("/seen")
def fastapi_seen() -> list[dict[str, Any]]:
    return seen


@fastapi_app.websocket("/ws")
async def fastapi_ws(websocket: WebSocket, connection: PeerConnection = Depends(peer_connection)) -> None:
    await websocket.accept()
    await websocket.send_json(answer(connection.cred, connection.process(), connection))
    await websocket.close()


# Starlette: the accessors called directly; a lifespan state that must survive next to the identity.
async def starlette_whoami(request: Request) -> JSONResponse:
    body = answer(peer_cred(request), peer_process(request), peer_connection(request), peer_connection(request).groups())
    body["lifespan"] = request.state.started
    return JSONResponse(body)


async def starlette_ws(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_json(answer(peer_cred(websocket), peer_process(websocket), peer_connection(websocket)))
    await websocket.close()


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
    yield {"started": True}


starlette_app = PeerCredMiddleware(Starlette(
    routes=[Route("/whoami", starlette_whoami), WebSocketRoute("/ws", starlette_ws)], lifespan=lifespan,
))


def wsgi_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """WSGI under gunicorn's sync and gthread workers."""
    import json

    body = answer(peercred.wsgi.peer_cred(environ), peercred.wsgi.peer_process(environ), peercred.wsgi.peer_socket(environ))
    data = json.dumps(body).encode()
    start_response("200 OK", [("content-type", "application/json"), ("content-length", str(len(data)))])
    return [data]
