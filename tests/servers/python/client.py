"""A client of tests/servers/python, run as another uid: asks a server on a
Unix socket who it is and prints what it got, with what it knows of itself.

Usage: client.py SOCKET [keepalive N] [new N] [ws] [late] [seen]"""

import http.client
import json
import os
import socket
import sys



class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str) -> None:
        super().__init__("localhost", timeout=20)
        self.unix_path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.settimeout(20)
        self.sock.connect(self.unix_path)


def get(conn: UnixHTTPConnection, path: str = "/whoami") -> dict:
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        return {"status": response.status, "body": body.decode(errors="replace")}
    return json.loads(body)


def websocket(path: str) -> dict:
    """Opens a WebSocket at /ws and returns the first text message (JSON), or the refusal's status."""
    sock = socket.socket(socket.AF_UNIX)
    sock.settimeout(20)
    sock.connect(path)
    sock.sendall(b"GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
    data = b""
    with sock:
        while b"\r\n\r\n" not in data:
            data += sock.recv(65536) or b"\0" * 4  # the server gone: no header end ever
        head, data = data.split(b"\r\n\r\n", 1)
        status = int(head.split()[1])
        if status != 101:
            return {"status": status}
        while len(data) < 2 or len(data) < frame_end(data):
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed before the first message")
            data += chunk
    assert data[0] == 0x81, data[:1]  # one unfragmented text frame; a server's frames are unmasked
    start = {126: 4, 127: 10}.get(data[1], 2)
    return json.loads(data[start:frame_end(data)])


def frame_end(data: bytes) -> int:
    size = data[1] & 0x7F
    if size == 126:
        return 4 + int.from_bytes(data[2:4], "big") if len(data) >= 4 else 1 << 62
    if size == 127:
        return 10 + int.from_bytes(data[2:10], "big") if len(data) >= 10 else 1 << 62
    return 2 + size


def main(path: str, plan: list[str]) -> None:
    out: dict = {"me": {"pid": os.getpid(), "uid": os.geteuid(), "gid": os.getegid(), "groups": os.getgroups(),
                        "exe": os.readlink("/proc/self/exe")}}
    while plan:
        step = plan.pop(0)
        if step == "keepalive":  # N requests on one connection
            conn = UnixHTTPConnection(path)
            out["keepalive"] = [get(conn) for _ in range(int(plan.pop(0)))]
            conn.close()
        elif step == "new":  # N requests, one connection each
            out["new"] = []
            for _ in range(int(plan.pop(0))):
                conn = UnixHTTPConnection(path)
                out["new"].append(get(conn))
                conn.close()
        elif step == "ws":
            out["ws"] = websocket(path)
        elif step == "seen":  # what the server recorded of requests whose client had gone
            conn = UnixHTTPConnection(path)
            out["seen"] = get(conn, "/seen")
            conn.close()
        elif step == "late":  # send a request and leave without waiting for the answer
            sock = socket.socket(socket.AF_UNIX)
            sock.connect(path)
            sock.sendall(b"GET /late HTTP/1.1\r\nHost: localhost\r\n\r\n")
            sock.close()
        else:
            raise SystemExit(f"unknown step {step!r}")
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
