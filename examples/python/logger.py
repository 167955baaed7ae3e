"""A syslog-style logger: a datagram socket that stamps every line with the
sender's uid, pid and executable, as the kernel attached them to the message
(peercred.pass_credentials, peercred.aio.messages), never as the sender claims
in the text. Try it: ``logger -u SOCKET_PATH hello``.

Each line: ``uid=U pid=P exe=E: TEXT``, with ``?`` for what the message did not
prove (no credentials, or a sender that already exited), and control bytes of
TEXT escaped so that a sender cannot forge a line of its own.
Usage: python logger.py SOCKET_PATH (removes the socket file on SIGINT/SIGTERM).
"""

import asyncio
import os
import signal
import socket
import sys

import peercred
import peercred.aio


def escape(data):
    """The text without its trailing newlines, control bytes and backslashes as \\xNN."""
    return "".join(chr(b) if 0x20 <= b < 0x7F and b != 0x5C else f"\\x{b:02x}" for b in data.rstrip(b"\n"))


def stamp(message):
    if message.cred is None:
        return "uid=? pid=? exe=?"
    try:
        with message.peer_process() as sender:
            exe = sender.exe()
    except OSError:  # exited (ProcessLookupError), or no pidfd before Linux 6.5
        exe = "?"
    pid = "?" if message.cred.pid is None else message.cred.pid
    return f"uid={message.cred.uid} pid={pid} exe={exe}"


def bind_logger(path):
    """A datagram socket at path that passes credentials before anything can
    arrive; replaces a stale socket file but never a live logger's."""
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        probe.connect(path)
    except ConnectionRefusedError:
        os.unlink(path)
    except FileNotFoundError:
        pass
    else:
        sys.exit(f"logger: another logger is live on {path}")
    finally:
        probe.close()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    peercred.pass_credentials(sock)
    sock.bind(path)
    os.chmod(path, 0o666)  # anyone may log; the stamp says who did
    return sock


async def main(path):
    sock = bind_logger(path)
    loop = asyncio.get_running_loop()
    reading = asyncio.ensure_future(log_all(sock))
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, reading.cancel)
    try:
        await reading
    except asyncio.CancelledError:
        pass
    finally:
        sock.close()
        os.unlink(path)


async def log_all(sock):
    async for message in peercred.aio.messages(sock):
        with message:
            print(f"{stamp(message)}: {escape(message.data)}", flush=True)
            if message.truncated:
                print(f"(the message above was cut to {len(message.data)} bytes)", flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: logger.py SOCKET_PATH")
    asyncio.run(main(sys.argv[1]))
