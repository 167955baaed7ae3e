"""An asyncio Unix-socket daemon that admits only its own user and root.

Zero-trust local authentication: the caller's identity comes from the kernel
(peercred.read), never from anything the caller sends. Each caller and each
refusal is logged with its reason. Speaks the demo protocol of CONTRIBUTING.md.
Usage: python server.py SOCKET_PATH
"""

import asyncio
import logging
import os
import signal
import socket
import sys

import peercred

log = logging.getLogger("server")


def decide(sock):
    """Returns the protocol's reply line for the peer of `sock`."""
    try:
        cred = peercred.read(sock)
    except OSError as exc:
        return f"deny reason={exc.strerror}"
    ids = f"pid={cred.pid or 0} uid={cred.uid} gid={cred.gid}"
    if cred.uid in (os.geteuid(), 0):
        return f"allow {ids}"
    return f"deny {ids} reason=uid {cred.uid} is neither {os.geteuid()} nor root"


async def handle(reader, writer):
    line = decide(writer.get_extra_info("socket"))
    (log.info if line.startswith("allow") else log.warning)("%s", line)
    writer.write(line.encode() + b"\n")
    await writer.drain()
    writer.close()
    await writer.wait_closed()


def remove_stale(path):
    """Removes a socket file nobody listens on; refuses to touch a live one."""
    probe = socket.socket(socket.AF_UNIX)
    try:
        probe.connect(path)
    except ConnectionRefusedError:
        os.unlink(path)
    except FileNotFoundError:
        pass
    else:
        sys.exit(f"server: another server is live on {path}")
    finally:
        probe.close()


async def main(path):
    remove_stale(path)
    server = await asyncio.start_unix_server(handle, path)
    os.chmod(path, 0o666)  # admission is peercred's decision, not the file mode's
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()
    os.unlink(path)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: server.py SOCKET_PATH")
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    asyncio.run(main(sys.argv[1]))
