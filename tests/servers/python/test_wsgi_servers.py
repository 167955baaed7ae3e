"""WSGI apps under gunicorn's sync and gthread workers, clients under another uid."""

from wsgiref.util import setup_testing_defaults

import pytest

import peercred.wsgi
from conftest import assert_caller, assert_released, client, server


def assert_answers(got: dict, step: str, count: int) -> None:
    assert len(got[step]) == count
    for answer in got[step]:
        assert_caller(answer, got["me"], groups=False)


def test_gunicorn_sync_workers():
    with server("gunicorn", "apps:wsgi_app", "--bind", "unix:SOCK", "-w", "2", "-k", "sync") as (path, _):
        assert_answers(client(path, "new", "3"), "new", 3)
        assert_released(path)


def test_gunicorn_gthread_keepalive_shares_the_process():
    with server("gunicorn", "apps:wsgi_app", "--bind", "unix:SOCK", "-w", "1", "-k", "gthread", "--threads", "2",
                "--keep-alive", "5") as (path, _):
        got = client(path, "keepalive", "3", "new", "1")
        assert_answers(got, "keepalive", 3)
        assert_answers(got, "new", 1)
        assert len({(a["connection"], a["process"]["object"]) for a in got["keepalive"]}) == 1
        assert got["new"][0]["connection"] != got["keepalive"][0]["connection"]
        assert_released(path)


def test_a_server_without_a_socket_is_named():
    environ: dict = {"SERVER_SOFTWARE": "waitress"}
    setup_testing_defaults(environ)
    with pytest.raises(RuntimeError, match="waitress puts no connection socket in the WSGI environ"):
        peercred.wsgi.peer_cred(environ)
