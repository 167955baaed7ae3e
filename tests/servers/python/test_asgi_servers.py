"""uvicorn (httptools, h11), hypercorn and gunicorn with uvicorn workers,
serving FastAPI and Starlette apps on Unix sockets to clients under another uid."""

import os
import signal
import socket
import subprocess
import sys
import time

from conftest import HERE, IS_ROOT, NOBODY, assert_caller, assert_closed_unserved, assert_released, client, server


def assert_connections(got: dict, *, keepalive: int, new: int, ws: bool = True) -> None:
    """Every answer names the client; one PeerProcess per connection, closed with it."""
    me = got["me"]
    answers = got.get("keepalive", []) + got.get("new", []) + ([got["ws"]] if ws else [])
    assert len(answers) == keepalive + new + ws
    for answer in answers:
        assert_caller(answer, me, groups=answer.get("groups") is not None)
    # The requests of one connection share its cached PeerProcess; each connection has its own.
    assert len({(a["worker"], a["connection"], a["process"]["object"]) for a in answers[:keepalive]}) <= 1
    connections = [(a["worker"], a["connection"]) for a in answers]
    assert len(set(connections)) == len(connections) - max(keepalive - 1, 0)


def test_uvicorn_httptools_fastapi():
    with server("uvicorn", "apps:fastapi_app", "--uds", "SOCK", "--http", "peercred.uvicorn:HttpToolsProtocol",
                "--no-access-log") as (path, _):
        assert_connections(client(path, "keepalive", "3", "new", "2", "ws"), keepalive=3, new=2)
        assert_released(path)


def test_uvicorn_h11_starlette_with_lifespan_state():
    with server("uvicorn", "apps:starlette_app", "--uds", "SOCK", "--http", "peercred.uvicorn:H11Protocol",
                "--ws", "wsproto", "--no-access-log") as (path, _):
        got = client(path, "keepalive", "2", "new", "1", "ws")
        assert_connections(got, keepalive=2, new=1)
        assert all(a["lifespan"] is True for a in got["keepalive"] + got["new"])
        assert_released(path)


def test_uvicorn_auto_is_httptools():
    import peercred.uvicorn

    assert peercred.uvicorn.AutoHTTPProtocol is peercred.uvicorn.HttpToolsProtocol


def test_hypercorn_starlette_and_a_tcp_bind_refused():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with server("hypercorn", "hypercorn_app:app", "--bind", "unix:SOCK", "--bind", f"127.0.0.1:{port}",
                "--keep-alive", "1") as (path, _):
        got = client(path, "keepalive", "2", "new", "1", "ws")
        assert_connections(got, keepalive=2, new=1)
        assert all(a["lifespan"] is True for a in got["keepalive"] + got["new"])
        assert_released(path, settle=1.2)  # a probe's connection lingers for --keep-alive 1
        # A TCP connection has no peer credentials: closed, never served.
        with socket.create_connection(("127.0.0.1", port), timeout=10) as tcp:
            assert_closed_unserved(tcp)


def test_gunicorn_uvicorn_workers():
    with server("gunicorn", "apps:fastapi_app", "--bind", "unix:SOCK", "-w", "2",
                "-k", "peercred.gunicorn.UvicornWorker") as (path, _):
        got = client(path, "keepalive", "2", "new", "4", "ws")
        assert_connections(got, keepalive=2, new=4)
        assert_released(path)


def test_uvicorn_on_tcp_refuses_every_connection():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "uvicorn"), "apps:fastapi_app",
                             "--port", str(port), "--http", "peercred.uvicorn:AutoHTTPProtocol"],
                            cwd=HERE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                tcp = socket.create_connection(("127.0.0.1", port), timeout=10)
                break
            except ConnectionRefusedError:
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.05)
        with tcp:
            assert_closed_unserved(tcp)
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=15)
    assert "closed a connection whose caller could not be read" in err, err


def test_forgotten_hook_is_refused_by_the_middleware():
    # Plain uvicorn: no identity in the scope, so the middleware answers 403
    # and closes WebSockets before accepting them.
    with server("uvicorn", "apps:fastapi_app", "--uds", "SOCK", "--no-access-log") as (path, _):
        got = client(path, "keepalive", "2", "ws")
        assert [a["status"] for a in got["keepalive"]] == [403, 403]
        assert got["ws"] == {"status": 403}


def test_a_client_gone_before_the_read():
    # The server is stopped while the client connects, sends a request and
    # exits: its identity is still exactly what the kernel recorded at
    # connect(), and facts about its process are refused, never guessed.
    with server("uvicorn", "apps:fastapi_app", "--uds", "SOCK", "--http", "peercred.uvicorn:AutoHTTPProtocol",
                "--no-access-log") as (path, uvicorn):
        uvicorn.send_signal(signal.SIGSTOP)
        try:
            gone = client(path, "late")["me"]
        finally:
            uvicorn.send_signal(signal.SIGCONT)
        deadline = time.monotonic() + 10
        while not (seen := client(path, "seen")["seen"]) and time.monotonic() < deadline:
            time.sleep(0.05)
        # Facts about it are refused: by the kernel (the process has gone) or,
        # when uvicorn had already seen the end of the connection, by the
        # closed PeerConnection. Never an answer about another process.
        assert len(seen) == 1 and seen[0]["process"] in ("ProcessLookupError", "ValueError"), seen
        assert (seen[0]["pid"], seen[0]["uid"], seen[0]["gid"]) == (gone["pid"], gone["uid"], gone["gid"])
        if IS_ROOT:
            assert gone["uid"] == NOBODY

