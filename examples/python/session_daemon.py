"""A per-session daemon: it admits a caller only if the caller runs under our
uid, in our login session, from an executable on the allow-list. Each fact
comes from the peer process held by its pidfd, so none of them can describe
another process that reused the caller's pid. Each refusal is logged with its
reason.

Usage: python session_daemon.py SOCKET_PATH --allow /usr/bin/python3.11 [--allow EXE ...]
"""

import argparse
import asyncio
import logging
import os
import signal

import peercred

log = logging.getLogger("session-daemon")


def own_session():
    with open("/proc/self/sessionid") as f:
        session = int(f.read())
    return None if session == 4294967295 else session


def refusal(sock, allowed):
    """None when the caller is admitted, else the reason for refusing it."""
    cred = peercred.read(sock)
    if cred.uid != os.geteuid():
        return f"uid {cred.uid} is not ours ({os.geteuid()})"
    with peercred.peer_process(sock) as peer:
        session = peer.session_id()
        if session != own_session():
            return f"session {session} is not ours ({own_session()})"
        exe = peer.exe()
        if exe not in allowed:
            return f"executable {exe} is not on the allow-list"
    return None


async def handle(reader, writer, allowed):
    sock = writer.get_extra_info("socket")
    try:
        reason = refusal(sock, allowed)
    except ProcessLookupError:
        reason = "the caller exited before it could be checked"
    except OSError as exc:
        reason = exc.strerror
    if reason is None:
        log.info("admitted pid %s", peercred.read(sock).pid)
        writer.write(b"welcome\n")
    else:
        log.warning("refused: %s", reason)
        writer.write(f"refused: {reason}\n".encode())
    await writer.drain()
    writer.close()


async def main(args):
    allowed = {os.path.realpath(exe) for exe in args.allow}
    server = await asyncio.start_unix_server(lambda r, w: handle(r, w, allowed), args.socket)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    log.info("listening on %s for session %s, allowing %s", args.socket, own_session(), sorted(allowed))
    async with server:
        await stop.wait()
    os.unlink(args.socket)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("socket")
    parser.add_argument("--allow", action="append", default=[], metavar="EXE", help="an executable to admit")
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    asyncio.run(main(parser.parse_args()))
