#!/usr/bin/env python3
"""The example daemons (examples/node/keyrack-daemon.js and
examples/python/session_daemon.py) against the attacks of their design
issue, each run by an unprivileged user (uid 4242) against that user's own
daemon, in its login session:

1. a path spoofed in a private mount namespace (unshare -rm, then mount
   --bind a file of its own over the allowed program and exec that path);
2. connect, then exec the allowed program while a forked child keeps the
   socket and does the talking;
3. connect, then exec a setuid program (su) the same way.

None may be admitted; the genuine program (a compiled client, set-group-ID
to a group of its own) is. Also: a caller in another session is refused, a
daemon with no session refuses everyone, and a daemon given an allow-list
entry that is not set-group-ID to a group of its own refuses to start with
one line saying why.

Needs root (setpriv, a new login session through /proc/self/loginuid) and
what `make demo-prereqs` builds. Standard library only. Exit 0 when all hold.
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
USER, GROUP = 4242, 4343  # no accounts: an unprivileged uid and a group of its own
CLIENT = ROOT / "build" / "c" / "client"  # prints {"pid":..., "reply": "<the daemon's line>"}
DAEMONS = {
    "node": lambda sock, exe: ["node", str(ROOT / "examples/node/keyrack-daemon.js"), sock, exe],
    "python": lambda sock, exe: [str(ROOT / ".venv/bin/python"), str(ROOT / "examples/python/session_daemon.py"), sock, "--allow", exe],
}

# The attacker of 2 and 3: it connects, forks a child that keeps the socket and
# reports the daemon's reply, and itself becomes the program given.
EXEC_AFTER_CONNECT = """
import json, os, socket, sys
conn = socket.socket(socket.AF_UNIX)
conn.connect(sys.argv[1])
if os.fork() == 0:
    reply = conn.makefile().readline().strip()
    print(json.dumps({"reply": reply}), flush=True)
    os.kill(os.getppid(), 9)
    os._exit(0)
os.execv(sys.argv[2], sys.argv[2:])
"""


def as_user(argv):
    return ["setpriv", f"--reuid={USER}", f"--regid={USER}", "--clear-groups", *argv]


def new_session():
    """preexec_fn: a new audit login session for the child (what pam_loginuid does)."""
    with open("/proc/self/loginuid", "w") as f:
        f.write(str(USER))


class Daemon:
    def __init__(self, name, workdir, exe):
        self.dir = Path(tempfile.mkdtemp(dir=workdir, prefix=f"{name}-"))
        os.chown(self.dir, USER, USER)
        self.sock = str(self.dir / "sock")
        self.log = open(self.dir / "log", "w+")
        self.proc = subprocess.Popen(as_user(DAEMONS[name](self.sock, exe)), stdout=self.log, stderr=self.log)

    def wait_listening(self):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                with socket.socket(socket.AF_UNIX) as probe:
                    probe.connect(self.sock)
                    probe.recv(256)  # root is refused: any line means it answers
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"daemon did not listen: {self.logged()}")

    def logged(self):
        self.log.seek(0)
        return self.log.read().strip()

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def reply(argv, **popen):
    """Runs a client, returns the daemon's reply it reports (or why there is none)."""
    done = subprocess.run(argv, capture_output=True, text=True, timeout=30, stdin=subprocess.PIPE, **popen)
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            return json.loads(line)["reply"]
    return f"(no reply: exit {done.returncode}: {done.stderr.strip()[-200:]})"


def exec_after_connect(sock, *program):
    """Attack 2 or 3, with `program`'s stdin held open so that it stays alive."""
    argv = as_user([sys.executable, "-c", EXEC_AFTER_CONNECT, sock, *program])
    with subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as proc:
        try:
            line = proc.stdout.readline()
        finally:
            proc.stdin.close()
            proc.kill()
    return json.loads(line)["reply"] if line.startswith("{") else f"(no reply: {line!r})"


def in_session(work):
    """Runs in a new login session: the daemons, the genuine client, the attacks."""
    genuine, evil, blackhole = f"{work}/genuine-client", f"{work}/evil-client", f"{work}/blackhole"
    results = []
    for name in DAEMONS:
        daemon = Daemon(name, work, genuine)
        try:
            daemon.wait_listening()
            sock = daemon.sock
            cases = [
                ("the genuine client", reply(as_user([genuine, sock])), "welcome", None),
                ("1. a path spoofed in a mount namespace", reply(as_user(
                    ["unshare", "-rm", "sh", "-c", 'mount --bind "$0" "$1" && exec "$1" "$2"', evil, genuine, sock])),
                 "refused", f"gid {USER} at connect"),
                ("2. exec of the genuine client after connect", exec_after_connect(sock, genuine, blackhole),
                 "refused", f"gid {USER} at connect"),
                ("3. exec of setuid su after connect", exec_after_connect(sock, "/usr/bin/su", "root"),
                 "refused", f"gid {USER} at connect"),
                ("the genuine client in another session", reply(as_user([genuine, sock]), preexec_fn=new_session),
                 "refused", "session"),
            ]
        finally:
            daemon.stop()
        for what, said, verdict, why in cases:
            ok = said.startswith(verdict) and (why is None or why in said)
            results.append({"daemon": name, "case": what, "reply": said, "ok": ok, "log": "" if ok else daemon.logged()})
    print(json.dumps(results))


def outside_any_session(work):
    """A daemon with no session refuses everyone; a bad allow-list stops it from starting."""
    results = []
    genuine = f"{work}/genuine-client"
    own_gid_exe = f"{work}/setgid-to-the-users-group"
    for name in DAEMONS:
        if int(open("/proc/self/sessionid").read()) == 4294967295:
            daemon = Daemon(name, work, genuine)
            try:
                daemon.wait_listening()
                said = reply(as_user([genuine, daemon.sock]))
            finally:
                daemon.stop()
            results.append({"daemon": name, "case": "no session on either side", "reply": said,
                            "ok": said.startswith("refused") and "no session matches nothing" in said, "log": daemon.logged()})
        for exe, why in (("/usr/bin/python3", "is not set-group-ID"), (own_gid_exe, "not a group of its own")):
            dummy = Path(tempfile.mkdtemp(dir=work))
            os.chown(dummy, USER, USER)
            done = subprocess.run(as_user(DAEMONS[name](f"{dummy}/sock", exe)), capture_output=True, text=True, timeout=30)
            lines = done.stderr.strip().splitlines()
            ok = (done.returncode == 1 and len(lines) == 1 and why in lines[0]
                  and "an executable allow-list alone is not a security rule" in lines[0]
                  and not os.path.exists(f"{dummy}/sock"))
            results.append({"daemon": name, "case": f"refuses to start: {exe}", "reply": done.stderr.strip(), "ok": ok, "log": ""})
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--in-session", metavar="WORKDIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.in_session:
        return in_session(args.in_session)
    if os.geteuid() != 0:
        print("example attacks: skipped: they need root (setpriv to another uid, a new login session)")
        return 0
    if not Path("/proc/self/loginuid").exists():
        print("example attacks: skipped: the kernel has no audit login sessions (/proc/self/loginuid)")
        return 0
    with tempfile.TemporaryDirectory() as work:
        os.chmod(work, 0o755)
        genuine = f"{work}/genuine-client"
        shutil.copy(CLIENT, genuine)
        os.chown(genuine, 0, GROUP)
        os.chmod(genuine, 0o2755)  # chmod after chown: chown clears set-group-ID
        shutil.copy(CLIENT, f"{work}/evil-client")
        os.chown(f"{work}/evil-client", USER, USER)
        shutil.copy(CLIENT, f"{work}/setgid-to-the-users-group")
        os.chown(f"{work}/setgid-to-the-users-group", 0, USER)
        os.chmod(f"{work}/setgid-to-the-users-group", 0o2755)
        blackhole = socket.socket(socket.AF_UNIX)  # accepts nothing: a client connected to it waits
        blackhole.bind(f"{work}/blackhole")
        os.chmod(f"{work}/blackhole", 0o666)
        blackhole.listen(16)
        session = subprocess.run([sys.executable, __file__, "--in-session", work], capture_output=True, text=True,
                                 preexec_fn=new_session, timeout=600)
        if session.returncode != 0 or not session.stdout.strip():
            print(f"example attacks: the in-session run failed:\n{session.stdout}{session.stderr}")
            return 1
        results = json.loads(session.stdout) + outside_any_session(work)
        blackhole.close()
    failed = 0
    for r in results:
        mark = "ok " if r["ok"] else "FAIL"
        print(f"  {mark} {r['daemon']:6} {r['case']:46} {r['reply'][:110]}")
        if not r["ok"]:
            failed += 1
            print(f"       daemon log:\n{r['log']}")
    print(f"example attacks: {len(results) - failed} held, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
