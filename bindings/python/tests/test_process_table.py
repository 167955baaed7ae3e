"""tests/cases.json's "process" rows through peercred.peer_process: a socket
whose other end tests/process_peers.py puts in each state, checked against the
column of the kernel this runs on (SO_PEERPIDFD, the sock_diag fallback under
tests/old-kernel/as-old-kernel, or neither with --no-pidfd-open).

The table runs in a new interpreter (this file as a script), as pid 1 of a PID
namespace of its own when root (`unshare --pid --fork --mount-proc`), where
pid-reused can steer pids; it prints each mismatch and exits 1."""

import errno
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
NOBODY = 65534


def column():
    old = os.environ.get("PEERCRED_AS_OLD_KERNEL")
    return "SO_PEERPIDFD" if old is None else "no pidfd_open" if old == "no-pidfd-open" else "sock_diag"


def test_every_row_of_the_process_table():
    command = [sys.executable, __file__]
    if os.geteuid() == 0 and shutil.which("unshare"):
        command = ["unshare", "--pid", "--fork", "--mount-proc", *command]
    run = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


def describe(conn):
    """The answer as the table writes it; refusing the fallback answers as the kernel does."""
    import peercred

    try:
        with peercred.peer_process(conn) as process:
            got = {"source": process.source, "alive": process.is_alive(), "pid": process.pid}
    except OSError as exc:
        return {"errno": errno.errorcode[exc.errno], "message": str(exc)}
    try:
        peercred.peer_process(conn, fallback=False).close()
        refused = None
    except OSError as exc:
        refused = exc
    if got["source"] == "sock_diag":
        assert refused is not None and refused.errno == errno.ENOPROTOOPT and "refused" in str(refused)
    else:
        assert refused is None, refused
    return got


def describe_as_nobody(conn):
    """describe() in a forked child as uid and gid 65534, without privileges."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            os.write(w, json.dumps(describe(conn)).encode())
        finally:
            os._exit(0)
    os.close(w)
    with os.fdopen(r) as answer:
        text = answer.read()
    os.waitpid(pid, 0)
    return json.loads(text)


def answer_for(peer):
    """(the answer, the peer's pid), or None when the row cannot be made here."""
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        path = os.path.join(tmp, "s")
        connects = peer.startswith("listener")
        server = None
        if not connects:
            server = socket.socket(socket.AF_UNIX)
            server.bind(path)
            os.chmod(path, 0o666)
            server.listen()
        helper = subprocess.Popen(
            [sys.executable, str(REPO / "tests" / "process_peers.py"), peer, path],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            conn = None if connects else server.accept()[0]
            said = json.loads(helper.stdout.readline())
            if "skip" in said:
                print(f"skipped process row {peer}: {said['skip']}")
                return None
            if connects:
                conn = socket.socket(socket.AF_UNIX)
                conn.connect(path)
                if peer == "listener-accepted":
                    assert conn.recv(1) == b"a"
                if peer == "listener-accepted-and-closed":
                    assert conn.recv(1) == b""
            with conn:
                got = describe_as_nobody(conn) if peer == "other-uid" else describe(conn)
            return got, said["pid"]
        finally:
            helper.stdin.close()
            helper.wait(timeout=30)
            helper.stdout.close()
            if server is not None:
                server.close()


def main():
    cases = json.loads((REPO / "tests" / "cases.json").read_text())
    failed = 0
    for row in cases["process"]:
        answered = answer_for(row["peer"])
        if answered is None:
            continue
        got, peer_pid = answered
        want = row[column()]
        if "errno" in want:
            ok = got.get("errno") == want["errno"] and want["message"] in got.get("message", "")
        else:
            ok = got == {"source": want["source"], "alive": want["alive"], "pid": peer_pid}
        if not ok:
            failed += 1
            print(f"process table, {row['peer']} ({column()}): got {got}, want {want} (peer pid {peer_pid})")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
