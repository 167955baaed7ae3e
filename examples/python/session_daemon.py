"""A per-session daemon: it admits a caller only if, when the caller
connected, the kernel recorded our uid and the group of one of the allowed
programs, and the caller runs in our login session. Each refusal is logged
with its reason.

Why not "the caller runs an executable on the allow-list": whatever is read
from the caller's process is read now, and a caller can connect, then exec an
allowed program (or a setuid one) while a process it forked keeps the socket;
in its own mount namespace it can even give any file an allowed path. Only
what the kernel recorded at connect() binds the connection. So each allowed
program must be set-group-ID to a group of its own, which no process of ours
holds otherwise: the gid recorded at connect() says which program connected,
and nothing done after connect() changes it. The kernel also hides such a
process from same-uid code (no ptrace, no LD_PRELOAD, no /proc/PID/exe), so
nothing can drive the genuine program from outside; the same protection keeps
exe_matches() from looking at it from an unprivileged daemon, and the recorded
gid makes that unnecessary.

Usage: python session_daemon.py SOCKET_PATH --allow EXE [--allow EXE ...]
  each EXE: a compiled program (the kernel ignores set-group-ID on scripts),
  mode g+s, whose group no user belongs to (chgrp session-client EXE).
"""

import argparse
import asyncio
import grp
import logging
import os
import pwd
import signal
import stat
import sys

import peercred

log = logging.getLogger("session-daemon")


def programs_by_group(allow):
    """The allowed programs by their dedicated gid; exits with one line if an entry cannot be one."""
    ours = {os.getegid(), os.getgid(), *os.getgroups()}
    primary = {user.pw_gid for user in pwd.getpwall()}
    programs = {}
    for exe in allow:
        try:
            st = os.stat(exe)
        except OSError as exc:
            sys.exit(f"session-daemon: refusing to start: {exe}: {exc.strerror}")
        try:
            members = grp.getgrgid(st.st_gid).gr_mem
        except KeyError:
            members = []
        if not stat.S_ISREG(st.st_mode):
            why = "is not a regular file"
        elif not st.st_mode & stat.S_ISGID:
            why = "is not set-group-ID"
        elif st.st_gid in ours or st.st_gid in primary or members:
            why = f"is set-group-ID to gid {st.st_gid}, which is not a group of its own (we or other accounts hold it)"
        else:
            programs[st.st_gid] = os.path.realpath(exe)
            continue
        sys.exit(
            f"session-daemon: refusing to start: {exe} {why}; an executable allow-list alone is not a security "
            "rule, because a caller can connect and then exec an allowed program, so what it runs now does not "
            "say who connected"
        )
    return programs


def refusal(sock, programs, me):
    """None when the caller is admitted, else the reason for refusing it."""
    cred = peercred.read(sock)  # recorded by the kernel at connect()
    if cred.uid != os.geteuid():
        return f"uid {cred.uid} at connect is not ours ({os.geteuid()})"
    if cred.gid not in programs:
        return f"gid {cred.gid} at connect is not the group of an allowed program"
    with peercred.peer_process(sock) as peer:
        # A session is read now, but no unprivileged process can move into ours.
        if not peer.same_session(me):
            return f"session {peer.session_id()} is not ours ({me.session_id()}; no session matches nothing)"
    return None


async def handle(reader, writer, programs, me):
    sock = writer.get_extra_info("socket")
    try:
        reason = refusal(sock, programs, me)
    except ProcessLookupError:
        reason = "the caller exited before it could be checked"
    except OSError as exc:
        reason = exc.strerror
    if reason is None:
        cred = peercred.read(sock)
        log.info("admitted pid %s, which connected as %s", cred.pid, programs[cred.gid])
        writer.write(b"welcome\n")
    else:
        log.warning("refused: %s", reason)
        writer.write(f"refused: {reason}\n".encode())
    await writer.drain()
    writer.close()


async def main(args):
    programs = programs_by_group(args.allow)
    me = peercred.own_process()
    server = await asyncio.start_unix_server(lambda r, w: handle(r, w, programs, me), args.socket)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    session = me.session_id()
    log.info(
        "listening on %s for session %s, programs %s",
        args.socket, "none (every caller will be refused)" if session is None else session, sorted(programs.values()),
    )
    async with server:
        await stop.wait()
    os.unlink(args.socket)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("socket")
    parser.add_argument("--allow", action="append", default=[], metavar="EXE", help="a set-group-ID program to admit")
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    parsed = parser.parse_args()
    if not parsed.allow:
        parser.error("at least one --allow EXE is needed")
    asyncio.run(main(parsed))
