"""Requests per second of uvicorn (httptools) + Starlette on a Unix socket,
without the caller's identity (plain uvicorn) and with it
(peercred.uvicorn:HttpToolsProtocol, PeerCredMiddleware, peer_cred per
request), on kept-alive connections and with a new connection per request.
The load comes from bench/node/http_load.js in another process; ABBA rounds.
Prints one JSON object per round. Run with the servers venv's python."""

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
LOAD = os.path.join(HERE, os.pardir, "node", "http_load.js")
ROUNDS = 4
REQUESTS = {"keepalive": 8000, "new": 3000}
CONCURRENCY = 8


@contextlib.contextmanager
def uvicorn(app, path, http):
    proc = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "uvicorn"), f"framework_app:{app}",
                             "--uds", path, "--http", http, "--no-access-log", "--log-level", "warning"], cwd=HERE)
    try:
        while True:
            with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX) as probe:
                probe.connect(path)
                break
            assert proc.poll() is None, "uvicorn exited"
            time.sleep(0.05)
        yield
    finally:
        proc.terminate()
        proc.wait()


def load(path, mode):
    out = subprocess.run(["node", LOAD, path, mode, str(REQUESTS[mode]), str(CONCURRENCY)],
                         capture_output=True, text=True, check=True).stdout
    return REQUESTS[mode] / (float(out) / 1000)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        paths = {False: os.path.join(tmp, "plain"), True: os.path.join(tmp, "identified")}
        with uvicorn("plain", paths[False], "httptools"), \
                uvicorn("identified", paths[True], "peercred.uvicorn:HttpToolsProtocol"):
            for round_ in range(ROUNDS):
                for mode in ("keepalive", "new"):
                    # ABBA order, so that drift during the run does not favour either side.
                    for identity in (True, False) if round_ % 2 else (False, True):
                        record = {"lang": "python", "framework": "uvicorn + starlette", "mode": mode,
                                  "identity": identity, "round": round_, "req_per_s": round(load(paths[identity], mode))}
                        print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()
