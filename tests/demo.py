#!/usr/bin/env python3
"""The demo matrix: every language's example server against every language's client.

Each client runs as a separate process and reports who it is (its own getpid,
geteuid, getegid); each server reports what peercred told it about the caller
and whether its policy (own uid or root) admits it. A row is checked when the
two agree and the decision follows the policy. When run as root, every client
also runs once as nobody (65534:65534), which the servers must refuse.

Protocol and commands: CONTRIBUTING.md, "Demo protocol". Standard library only.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OTHER_ID = 65534  # nobody / nogroup


def commands(c_dir, python, node):
    """The servers and the clients, by language: C from c_dir, the Python and
    Node examples run by the given interpreters (another architecture's too)."""
    servers = {
        "c": [f"{c_dir}/server"],
        "rust": [str(ROOT / "target/debug/example-server")],
        "python": [python, str(ROOT / "examples/python/server.py")],
        "node": [node, str(ROOT / "examples/node/server.js")],
    }
    clients = {
        "c": [f"{c_dir}/client"],
        "rust": [str(ROOT / "target/debug/example-client")],
        "python": [python, str(ROOT / "examples/python/client.py")],
        "node": [node, str(ROOT / "examples/node/client.js")],
    }
    return servers, clients


def wait_for_socket(path, server, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"server exited with status {server.returncode} before listening")
        if os.path.exists(path):
            probe = socket.socket(socket.AF_UNIX)
            try:
                probe.connect(path)
                probe.recv(256)  # the server answers the probe and closes
                return
            except OSError:
                pass
            finally:
                probe.close()
        time.sleep(0.05)
    raise RuntimeError(f"server did not listen on {path} within {timeout:.0f} s")


def parse_reply(reply):
    """'allow pid=1 uid=0 gid=0' or 'deny pid=… uid=… gid=… reason=…'."""
    words = reply.split(" ", 4)
    fields = dict(w.split("=", 1) for w in words[1:4])
    return words[0], {k: int(v) for k, v in fields.items()}


def run_client(client_cmd, path, as_other):
    extra = {"user": OTHER_ID, "group": OTHER_ID, "extra_groups": []} if as_other else {}
    done = subprocess.run(
        client_cmd + [path], capture_output=True, text=True, timeout=30, cwd="/", **extra
    )
    if done.returncode != 0:
        raise RuntimeError(f"client exited {done.returncode}: {done.stderr.strip()[-300:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quiet", action="store_true", help="print only failures and the summary")
    parser.add_argument("--languages", default="c,rust,python,node", help="comma-separated subset (default: all)")
    parser.add_argument("--c-dir", default=str(ROOT / "build/c"), help="folder of the C server and client")
    parser.add_argument("--python", default=str(ROOT / ".venv/bin/python"), help="a Python with peercred installed")
    parser.add_argument("--node", default="node", help="the node that runs the Node examples")
    args = parser.parse_args()
    languages = args.languages.split(",")
    all_servers, all_clients = commands(args.c_dir, args.python, args.node)
    servers = {name: cmd for name, cmd in all_servers.items() if name in languages}
    clients = {name: cmd for name, cmd in all_clients.items() if name in languages}

    as_root = os.geteuid() == 0
    identities = [False, True] if as_root else [False]
    if not as_root:
        print("demo: not root, so no client runs under another uid (that needs setuid)")
    server_uid = os.geteuid()

    tmp = tempfile.mkdtemp(prefix="peercred-demo-")
    os.chmod(tmp, 0o755)  # nobody must reach the socket; peercred decides admission
    rows, failures = [], 0
    header = f"{'server':7} {'client':7} {'as':6} {'server saw (pid uid gid)':26} {'client is (pid uid gid)':26} {'decision':9} ok"
    print(header)
    print("-" * len(header))
    for server_name, server_cmd in servers.items():
        path = os.path.join(tmp, f"{server_name}.sock")
        server = subprocess.Popen(server_cmd + [path], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            wait_for_socket(path, server)
            for client_name, client_cmd in clients.items():
                for as_other in identities:
                    who = "nobody" if as_other else ("root" if as_root else "self")
                    try:
                        result = run_client(client_cmd, path, as_other)
                        decision, seen = parse_reply(result["reply"])
                        claimed = {k: result[k] for k in ("pid", "uid", "gid")}
                        expected = "allow" if claimed["uid"] in (server_uid, 0) else "deny"
                        ok = seen == claimed and decision == expected
                        saw = f"{seen['pid']} {seen['uid']} {seen['gid']}"
                        cl = f"{claimed['pid']} {claimed['uid']} {claimed['gid']}"
                    except Exception as exc:  # a broken row is reported, not fatal
                        ok, saw, cl, decision = False, f"error: {exc}"[:26], "", ""
                    failures += not ok
                    line = f"{server_name:7} {client_name:7} {who:6} {saw:26} {cl:26} {decision:9} {'✓' if ok else '✗'}"
                    rows.append(line)
                    if ok and args.quiet:
                        continue
                    print(line, flush=True)
        except Exception as exc:
            failures += 1
            print(f"{server_name:7} server failed: {exc}", flush=True)
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                _, err = server.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                _, err = server.communicate()
            if server.returncode not in (0, -signal.SIGTERM):
                failures += 1
                print(f"{server_name:7} server exited {server.returncode}: {err.strip()[-300:]}")
            elif os.path.exists(path):
                failures += 1
                print(f"{server_name:7} server left its socket file behind")
    shutil.rmtree(tmp, ignore_errors=True)
    passed = sum(1 for r in rows if r.endswith("✓"))
    print(f"demo: {passed} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
