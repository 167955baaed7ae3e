"""PeerCred as a value, the version, and the stub."""

import re
import subprocess
import sys

import pytest

import peercred
from conftest import REPO, host_only, peer_connection


@pytest.fixture
def peer():
    with peer_connection() as (conn, says):
        yield conn, (says["pid"], says["uid"], says["gid"])


@pytest.fixture
def cred(peer):
    return peercred.read(peer[0])


def test_unpacks(cred, peer):
    pid, uid, gid = cred
    assert (pid, uid, gid) == peer[1] == (cred.pid, cred.uid, cred.gid)


def test_value_semantics(cred, peer):
    again = peercred.read(peer[0])
    assert cred == again and hash(cred) == hash(again)
    assert len({cred, again}) == 1
    assert cred != peer[1]


def test_repr(cred, peer):
    assert repr(cred) == "PeerCred(pid={}, uid={}, gid={})".format(*peer[1])


def test_mappings_are_strings(cred):
    assert cred.uid_mapping() in ("mapped", "unmapped", "unknown")
    assert cred.uid_mapping() == peercred.uid_mapping(cred.uid)
    assert cred.gid_mapping() == peercred.gid_mapping(cred.gid)


def test_immutable(cred):
    with pytest.raises(AttributeError):
        cred.uid = 0


def test_version_is_the_workspace_version():
    cargo = (REPO / "Cargo.toml").read_text()
    workspace = cargo[cargo.index("[workspace.package]"):]
    assert peercred.__version__ == re.search(r'^version\s*=\s*"([^"]+)"', workspace, re.M).group(1)


@host_only("stubtest: the stub against the module, built from the same source for every target")
def test_stub_matches_the_module():
    # The server integrations (peercred.uvicorn, .gunicorn, .hypercorn,
    # .starlette) import their servers, which this venv lacks on purpose: the
    # servers suite (tests/servers/python) checks the whole package.
    done = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "peercred._peercred", "peercred.asgi", "peercred.wsgi"],
        capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_import_needs_no_server():
    # `import peercred` and the server-neutral modules work without any server
    # or framework installed; an integration names what it is missing.
    done = subprocess.run(
        [sys.executable, "-c", "import sys, peercred, peercred.asgi, peercred.wsgi; "
         "assert not {'uvicorn', 'hypercorn', 'gunicorn', 'starlette'} & set(sys.modules); import peercred.uvicorn"],
        capture_output=True, text=True,
    )
    assert "No module named 'uvicorn'" in done.stderr, done.stderr
