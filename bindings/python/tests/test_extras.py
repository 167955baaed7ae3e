"""Groups, the security label, the pidfd and the race-free peer process."""

import contextlib
import errno
import os
import socket
import subprocess
import sys

import pytest

import peercred
from conftest import NOBODY, client_process, listener, peer_connection, qemu_cannot, requires_root

NO_SESSION = 4294967295
QEMU_GROUPS = qemu_cannot("passes SO_PEERGROUPS through as a 4-byte int option: more than one group ends in ERANGE")


@requires_root("a peer with chosen supplementary groups (setgroups)")
@pytest.mark.parametrize("extra", [pytest.param([4242, 4343], marks=QEMU_GROUPS), []])
def test_groups_of_a_peer(extra):
    with listener() as (server, path), client_process(path, user=NOBODY, group=NOBODY, extra_groups=extra):
        conn, _ = server.accept()
        with conn:
            assert peercred.groups(conn) == tuple(extra)


def test_security_label_without_an_lsm_is_none():
    with peer_connection() as (conn, _):
        label = peercred.security_label(conn)
    if label is not None:
        pytest.skip(f"a labelling LSM is loaded here (label {label!r}): the None path cannot be shown")
    # A real label cannot be made without SELinux, AppArmor or Smack loaded.
    assert label is None


def _pidfd_or_skip(conn):
    try:
        return peercred.pidfd(conn)
    except OSError as exc:
        if exc.errno == errno.ENOPROTOOPT:
            pytest.skip("this kernel has no SO_PEERPIDFD (Linux < 6.5)")
        raise


@contextlib.contextmanager
def live_peer():
    """A client in another process: (its Popen, what it says of itself, our connection, its PeerProcess)."""
    with listener() as (server, path), client_process(path) as (proc, says):
        conn, _ = server.accept()
        with conn:
            os.close(_pidfd_or_skip(conn))
            with peercred.peer_process(conn) as peer:
                yield proc, says, conn, peer


def test_peer_process_of_a_live_zombie_and_reaped_peer():
    with live_peer() as (proc, says, conn, peer):
        assert peer.pid == says["pid"]
        assert peer.is_alive()
        assert peer.parent_pid() == says["ppid"] == os.getpid()
        assert peer.session_id() == (None if says["session"] == NO_SESSION else says["session"])
        assert (peer.uid(), peer.gid()) == (says["uid"], says["gid"])

        proc.stdin.close()  # the client exits ...
        os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)  # ... and stays a zombie
        assert not peer.is_alive()
        with pytest.raises(ProcessLookupError):
            peer.parent_pid()
        os.close(peercred.pidfd(conn))  # a zombie still has a pidfd

        proc.wait()  # reaped
        assert not peer.is_alive()
        with pytest.raises(ProcessLookupError):
            peer.exe()
        with pytest.raises(ProcessLookupError):
            peercred.pidfd(conn)
        with pytest.raises(ProcessLookupError):
            peercred.peer_process(conn)
    assert peer.closed
    with pytest.raises(ValueError):
        peer.uid()


@qemu_cannot("renders the peer's /proc/self (exe, cmdline, start time) unlike the kernel's /proc/PID, which names qemu")
def test_peer_process_names_what_the_peer_runs():
    with live_peer() as (_, says, _, peer):
        assert peer.exe() == says["exe"]
        assert peer.cmdline() == says["cmdline"]
        assert peer.start_time() == says["start"]


def test_from_pidfd_keeps_the_callers_descriptor():
    with peer_connection() as (conn, says):
        fd = _pidfd_or_skip(conn)
        try:
            with peercred.PeerProcess.from_pidfd(fd) as peer:
                assert peer.pid == says["pid"] and peer.fileno() != fd
            os.fstat(fd)  # still open: ours to close
        finally:
            os.close(fd)
    with pytest.raises(OSError) as raised:
        peercred.PeerProcess.from_pidfd(conn)  # closed socket object
    assert raised.value.errno == errno.EBADF


def _open_fds():
    return len(os.listdir("/proc/self/fd"))


def test_no_call_leaves_a_descriptor_behind():
    own, other = socket.socketpair()
    tcp = socket.create_server(("127.0.0.1", 0))
    with peer_connection() as (a, _), own, other, tcp:
        before = _open_fds()
        for _ in range(200):
            peercred.read(a)
            peercred.groups(a)
            peercred.security_label(a)
            try:
                peercred.peer_process(a).close()
                with peercred.peer_process(a) as peer:
                    peer.exe(), peer.cmdline(), peer.uid()
                peercred.peer_process(a)  # dropped without close(): freed by the GC
            except OSError as exc:
                assert exc.errno == errno.ENOPROTOOPT
            for call in (peercred.read, peercred.groups, peercred.pidfd, peercred.peer_process):
                with pytest.raises(OSError):
                    call(tcp)
                with pytest.raises(OSError):
                    call(own)
        assert _open_fds() == before


PID_REUSE = """
import os, socket, sys, tempfile, time, peercred
path = os.path.join(tempfile.mkdtemp(), "s")
listener = socket.socket(socket.AF_UNIX)
listener.bind(path)
listener.listen()
client = os.fork()
if client == 0:
    socket.socket(socket.AF_UNIX).connect(path)
    os._exit(0)
conn, _ = listener.accept()
peer = peercred.peer_process(conn)
assert peer.pid == client
os.waitpid(client, 0)  # exited and reaped: its pid is free
with open("/proc/sys/kernel/ns_last_pid", "w") as f:
    f.write(str(client - 1))
impostor = os.fork()
if impostor == 0:
    os.execv("/bin/sleep", ["sleep", "30"])
assert impostor == client, (impostor, client)
deadline = time.monotonic() + 30
while not os.readlink(f"/proc/{client}/exe").endswith("/sleep"):  # until the impostor has exec'd,
    assert time.monotonic() < deadline  # /proc/PID names the impostor ...
assert not peer.is_alive()
for fact in (peer.exe, peer.cmdline, peer.uid, peer.start_time):
    try:
        fact()
    except ProcessLookupError:
        pass
    else:
        raise SystemExit(f"{fact.__name__}() described the impostor")  # ... the peer process must not
os.kill(impostor, 9)
print("ok")
"""


@requires_root("a private PID namespace (unshare) and ns_last_pid")
def test_forced_pid_reuse_is_refused():
    done = subprocess.run(
        ["unshare", "--pid", "--fork", "--mount-proc", sys.executable, "-c", PID_REUSE],
        capture_output=True, text=True,
    )
    if done.returncode != 0 and "unshare failed" in done.stderr:
        pytest.skip(f"unshare is not permitted here: {done.stderr.strip()}")
    assert done.stdout.strip() == "ok", done.stdout + done.stderr
