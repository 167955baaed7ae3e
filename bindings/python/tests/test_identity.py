"""Program identity and the right process: the executable compared by file
and hashed, the calling process and login sessions, a peer whose main thread
exited, a thread with its own descriptor table, a daemon whose main thread
exited, and a reader in a child PID namespace, with and without a /proc of
its own."""

import ctypes
import hashlib
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import tempfile
import threading

import pytest

import peercred
from conftest import NOBODY, REPO, client_process, listener, qemu_cannot, requires_root

# Measured with the C suite and the Node suite under qemu-user 7.2 as well.
QEMU_OWN_EXE = qemu_cannot("renders /proc/self: the kernel's executable of an emulated process is qemu")
QEMU_MAIN_THREAD = qemu_cannot("does not run a process on as the kernel does once its main thread has exited")
QEMU_NAMESPACE = qemu_cannot("runs a reader in a child PID namespace otherwise than the kernel (not diagnosed further)")

NO_SESSION = 4294967295
PYTHON = os.path.realpath(sys.executable)  # the file that runs; sys.executable imports peercred
LEADERLESS_PEER = str(REPO / "tests" / "leaderless_peer.py")
CLONE_FILES = 0x400


def own_session():
    session = int(open("/proc/self/sessionid").read())
    return None if session == NO_SESSION else session


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).digest()


@QEMU_OWN_EXE
def test_own_process():
    with peercred.own_process() as own:
        exe = os.readlink("/proc/self/exe")
        assert own.pid == os.getpid() and own.is_alive()
        assert own.exe() == exe
        assert own.exe_matches(exe) and own.exe_matches(os.fsencode(exe)) and own.exe_matches(pathlib.Path(exe))
        assert not own.exe_matches("/bin/sh")
        with pytest.raises(FileNotFoundError):
            own.exe_matches("/nonexistent/peercred")
        with pytest.raises(ValueError):
            own.exe_matches("nul\0inside")
        with pytest.raises(TypeError):
            own.exe_matches(3)
        assert own.exe_sha256() == sha256(exe)
        assert own.parent_pid() == os.getppid()
        assert own.session_id() == own_session()
        assert own.same_session(own) == (own_session() is not None), "no session matches nothing"
        assert (own.uid(), own.gid()) == (os.geteuid(), os.getegid())
    with pytest.raises(ValueError):
        own.same_session(own)  # closed


def test_a_session_less_peer_does_not_share_our_lack_of_session():
    if own_session() is not None:
        pytest.skip("this test runs inside a login session")
    with listener() as (server, path), client_process(path):
        conn, _ = server.accept()
        with conn, peercred.peer_process(conn) as peer, peercred.own_process() as own:
            assert peer.session_id() is None
            assert not peer.same_session(own)


@requires_root("a private mount namespace over a system path (unshare -rm)")
@QEMU_OWN_EXE
def test_exe_matches_sees_the_file_not_the_spoofed_path():
    with tempfile.TemporaryDirectory() as tmp, listener() as (server, path):
        evil = os.path.join(tmp, "evil")
        shutil.copy(PYTHON, evil)
        with open(evil, "ab") as f:
            f.write(b"\n")  # another file with another hash, that still runs
        script = "import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); print('c', flush=True); sys.stdin.read()"
        spoof = subprocess.Popen(
            ["unshare", "-rm", "sh", "-c", 'mount --bind "$0" "$1" && exec "$1" -c "$2" "$3"', evil, PYTHON, script, path],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        try:
            if spoof.stdout.readline() != b"c\n":
                pytest.skip(f"unshare -rm is not permitted here: {spoof.stderr.read(300)!r}")
            conn, _ = server.accept()
            with conn, peercred.peer_process(conn) as peer:
                assert peer.exe() == PYTHON  # the path the peer renders in its own namespace
                assert not peer.exe_matches(PYTHON)
                assert peer.exe_matches(evil)
                assert peer.exe_sha256() == sha256(evil) != sha256(PYTHON)
        finally:
            spoof.stdin.close()
            spoof.wait()


@QEMU_MAIN_THREAD
def test_a_peer_whose_main_thread_exited():
    with listener() as (server, path):
        peer_proc = subprocess.Popen([PYTHON, LEADERLESS_PEER, path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            conn, _ = server.accept()
            assert peer_proc.stdout.readline() == "ready\n"
            with conn, peercred.peer_process(conn) as peer:
                dropped = (NOBODY, NOBODY) if os.geteuid() == 0 else (os.geteuid(), os.getegid())
                assert peer.is_alive()
                assert (peer.uid(), peer.gid()) == dropped  # the live thread's, not the zombie leader's
                assert peercred.read(conn).uid == os.geteuid()  # recorded at connect
                assert peer.cmdline() == [PYTHON, LEADERLESS_PEER, path]
                assert peer.exe() == PYTHON and peer.exe_matches(PYTHON)
                assert peer.parent_pid() == os.getpid()
        finally:
            peer_proc.stdin.close()
            peer_proc.wait()


@QEMU_OWN_EXE
def test_a_thread_with_its_own_descriptor_table():
    libc = ctypes.CDLL(None, use_errno=True)
    decoy = subprocess.Popen(["/bin/sleep", "30"])
    decoy_pidfd = os.pidfd_open(decoy.pid)
    number_ready, decoy_ready = threading.Event(), threading.Event()
    seen = {}

    def worker(conn, client_pid):
        try:
            if libc.unshare(CLONE_FILES) != 0:
                seen["error"] = ctypes.get_errno()
                return
            with peercred.peer_process(conn) as peer:
                seen["number"] = peer.fileno()
                number_ready.set()
                decoy_ready.wait(10)
                seen["facts"] = (peer.pid, peer.exe(), peer.exe_matches("/bin/sleep"))
                with peercred.PeerProcess.from_pidfd(peer.fileno()) as again:
                    seen["again"] = (again.pid, again.exe())
        finally:
            number_ready.set()

    try:
        with listener() as (server, path), client_process(path) as (proc, says):
            conn, _ = server.accept()
            with conn:
                thread = threading.Thread(target=worker, args=(conn, proc.pid))
                thread.start()
                number_ready.wait(10)
                installed = None
                if "number" in seen:
                    with pytest.raises(OSError):
                        os.fstat(seen["number"])  # free in the main thread's table ...
                    installed = os.dup2(decoy_pidfd, seen["number"])  # ... now the decoy's pidfd
                decoy_ready.set()
                thread.join()
                if installed is not None:
                    os.close(installed)
        assert "error" not in seen, f"unshare(CLONE_FILES): errno {seen.get('error')}"
        assert seen["facts"] == (says["pid"], says["exe"], False)
        assert seen["again"] == (says["pid"], says["exe"])
    finally:
        os.close(decoy_pidfd)
        decoy.kill()
        decoy.wait()


LEADERLESS_SERVER = """
import ctypes, os, socket, subprocess, sys, tempfile, threading, peercred
EXIT = {"x86_64": 60, "aarch64": 93}[os.uname().machine]
path = os.path.join(tempfile.mkdtemp(), "s")
listener = socket.socket(socket.AF_UNIX)
listener.bind(path)
listener.listen()
client = subprocess.Popen([sys.executable, "-c", "import socket,sys; socket.socket(socket.AF_UNIX).connect(sys.argv[1]); sys.stdin.read()", path], stdin=subprocess.PIPE)
conn, _ = listener.accept()
leader = os.getpid()

def worker():
    while open(f"/proc/{leader}/stat").read().rsplit(")", 1)[1].split()[0] != "Z":
        pass
    with peercred.peer_process(conn) as peer, peercred.own_process() as own:
        facts = (peer.pid == client.pid, peer.exe() == os.path.realpath(sys.executable),
                 own.pid == leader, own.exe_matches(sys.executable), len(own.cmdline()) == 3)
    print("ok" if all(facts) else f"wrong {facts}", flush=True)
    client.stdin.close()
    client.wait()
    os._exit(0)

threading.Thread(target=worker).start()
ctypes.CDLL(None).syscall(EXIT, 0)  # ends the main thread alone
"""


@QEMU_MAIN_THREAD
def test_a_daemon_whose_main_thread_exited():
    done = subprocess.run([sys.executable, "-c", LEADERLESS_SERVER], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "ok", done.stdout + done.stderr


IN_A_CHILD_NAMESPACE = """
import errno, os, socket, sys, tempfile, peercred
outside = int(sys.argv[1])
assert os.getpid() == 1
path = os.path.join(tempfile.mkdtemp(), "s")
listener = socket.socket(socket.AF_UNIX)
listener.bind(path)
listener.listen()
child = os.fork()
if child == 0:
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    s.recv(1)
    os._exit(0)
conn, _ = listener.accept()
cred = peercred.read(conn)
with peercred.peer_process(conn) as peer:
    assert peer.pid == cred.pid == child, (peer.pid, cred.pid, child)
    assert peer.parent_pid() == 1
    assert peer.exe_matches(sys.executable)
    assert peer.cmdline() == open("/proc/self/cmdline").read().split("\\0")[:-1]  # a fork of ours
conn.close()
os.waitpid(child, 0)
with peercred.peer_process(outside) as far:
    assert far.pid is None and far.is_alive()
    for fact in (far.exe, far.parent_pid, far.uid, lambda: far.exe_matches(sys.executable)):
        try:
            fact()
        except OSError as exc:
            assert exc.errno == errno.EREMOTE, exc
        else:
            raise SystemExit("a fact of a process outside our namespace")
print("ok")
"""


@requires_root("a child PID namespace (unshare)")
@QEMU_NAMESPACE
@pytest.mark.parametrize("own_proc", [[], ["--mount-proc"]], ids=["parents-proc", "own-proc"])
def test_a_reader_in_a_child_pid_namespace(own_proc):
    a, b = socket.socketpair()  # made here: outside the reader's namespace
    with a, b:
        done = subprocess.run(
            ["unshare", "--pid", "--fork", *own_proc, sys.executable, "-c", IN_A_CHILD_NAMESPACE, str(a.fileno())],
            pass_fds=[a.fileno()], capture_output=True, text=True, timeout=60,
        )
    if done.returncode != 0 and "unshare failed" in done.stderr:
        pytest.skip(f"unshare is not permitted here: {done.stderr.strip()}")
    assert done.stdout.strip() == "ok", done.stdout + done.stderr
