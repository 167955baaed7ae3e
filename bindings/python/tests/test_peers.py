"""Peers in other processes and under other ids, asyncio, and threads."""

import asyncio
import contextlib
import errno
import os
import socket
import sys
import threading

import pytest

import peercred
from conftest import NOBODY, client_process, listener, peer_connection, requires_root


def test_client_in_another_process():
    with listener() as (server, path), client_process(path) as (proc, says):
        conn, _ = server.accept()
        with conn:
            cred = peercred.read(conn)
    assert (cred.pid, cred.uid, cred.gid) == (says["pid"], says["uid"], says["gid"])
    assert cred.pid == proc.pid != os.getpid()


@requires_root("a client under another uid")
def test_client_under_another_uid_and_gid():
    with listener() as (server, path), client_process(path, user=NOBODY, group=NOBODY, extra_groups=[]) as (_, says):
        conn, _ = server.accept()
        with conn:
            assert tuple(peercred.read(conn)) == (says["pid"], NOBODY, NOBODY)


def test_asyncio_server_with_a_client_process():
    seen = []

    async def handle(reader, writer):
        seen.append(peercred.read(writer.get_extra_info("socket")))
        writer.close()
        await writer.wait_closed()

    async def main(path):
        server = await asyncio.start_unix_server(handle, path)
        async with server:
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-c", "import socket,sys,os; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.recv(1); print(os.getpid())", path,
                stdout=asyncio.subprocess.PIPE,
            )
            out, _ = await proc.communicate()
        return int(out)

    with listener() as (_, path):
        os.unlink(path)
        client_pid = asyncio.run(main(path))
    assert [c.pid for c in seen] == [client_pid]


def test_threads_read_their_own_connections():
    wrong = []

    def work(conn, says):
        expected = (says["pid"], says["uid"], says["gid"])
        for _ in range(20_000):
            if tuple(peercred.read(conn)) != expected:
                wrong.append(1)

    with contextlib.ExitStack() as stack:
        peers = [stack.enter_context(peer_connection()) for _ in range(8)]
        threads = [threading.Thread(target=work, args=peer) for peer in peers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not wrong


def test_closed_socket_object_is_ebadf_even_when_its_number_is_reused():
    a, b = socket.socketpair()
    number = a.fileno()
    a.close()
    other = socket.socket(socket.AF_UNIX)
    with other, b:
        assert other.fileno() == number  # the kernel reuses the lowest free number
        with pytest.raises(OSError) as raised:
            peercred.read(a)
        assert raised.value.errno == errno.EBADF
