"""peercred.asgi without any server: PeerConnection and the refusing middleware."""

import asyncio

import pytest

from conftest import client_process, listener
from peercred.asgi import SCOPE_KEY, PeerConnection, PeerCredMiddleware, peer_connection


@pytest.fixture
def connection():
    with listener() as (server, path), client_process(path) as (_, says):
        conn, _ = server.accept()
        with conn:
            peer = PeerConnection(conn)
            yield peer, says
            peer.close()


def test_connection_reads_at_construction(connection):
    peer, says = connection
    assert tuple(peer.cred) == (says["pid"], says["uid"], says["gid"])
    assert peer.groups() == tuple(g for g in says["groups"] if g != says["gid"])
    assert repr(peer) == f"PeerConnection({peer.cred!r})"


def test_process_is_cached_and_closed_with_the_connection(connection):
    peer, says = connection
    process = peer.process()
    assert peer.process() is process and process.pid == says["pid"]
    peer.close()
    assert peer.closed and process.closed and repr(peer).endswith(", closed)")
    with pytest.raises(ValueError, match="connection has ended"):
        peer.process()


def test_a_socket_without_a_peer_is_refused():
    import socket

    with socket.socket(socket.AF_INET) as tcp, pytest.raises(OSError):
        PeerConnection(tcp)


def run(app, scope):
    sent = []

    async def receive():
        return {"type": "http.request"}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent


async def reached(scope, receive, send):
    await send({"type": "reached", "peer": peer_connection(scope)})


def test_middleware_refuses_http_without_identity():
    sent = run(PeerCredMiddleware(reached), {"type": "http", "state": {}})
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 403
    assert b"did not establish who is calling" in sent[1]["body"]


def test_middleware_closes_websockets_without_identity():
    assert run(PeerCredMiddleware(reached), {"type": "websocket"}) == [{"type": "websocket.close", "code": 1008}]


def test_middleware_refuses_a_lookalike_value():
    # Only a PeerConnection counts: an app's own lifespan state under the same key does not.
    sent = run(PeerCredMiddleware(reached), {"type": "http", "state": {SCOPE_KEY: (1, 2, 3)}})
    assert sent[0]["status"] == 403


def test_middleware_passes_identity_and_lifespan(connection):
    peer, _ = connection
    assert run(PeerCredMiddleware(reached), {"type": "http", "state": {SCOPE_KEY: peer}}) == [{"type": "reached", "peer": peer}]


def test_middleware_passes_lifespan():
    async def app(scope, receive, send):
        await send({"type": scope["type"]})

    assert run(PeerCredMiddleware(app), {"type": "lifespan"}) == [{"type": "lifespan"}]


def test_peer_connection_names_the_hooks():
    with pytest.raises(LookupError, match="peercred.uvicorn:AutoHTTPProtocol"):
        peer_connection({"type": "http"})

