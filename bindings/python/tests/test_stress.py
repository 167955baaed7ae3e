"""Many threads at once while sockets come and go, and memory over a million
reads, each on a connection from another process."""

import contextlib
import socket
import threading

import peercred
from conftest import host_only, peer_connection


@host_only("stress: eight threads while sockets open and close")
def test_eight_threads_while_sockets_open_and_close():
    stop = threading.Event()
    wrong = []

    def churn():
        while not stop.is_set():
            a, b = socket.socketpair()
            a.close()
            b.close()

    def read_own(conn, says):
        expected = (says["pid"], says["uid"], says["gid"])
        for _ in range(100_000):
            if tuple(peercred.read(conn)) != expected:
                wrong.append(conn)

    with contextlib.ExitStack() as stack:
        peers = [stack.enter_context(peer_connection()) for _ in range(8)]
        churners = [threading.Thread(target=churn) for _ in range(2)]
        readers = [threading.Thread(target=read_own, args=peer) for peer in peers]
        for t in churners + readers:
            t.start()
        for t in readers:
            t.join()
        stop.set()
        for t in churners:
            t.join()
    assert not wrong


def _rss_kib():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


@host_only("stress: a million reads")
def test_a_million_reads_do_not_grow_memory():
    with peer_connection() as (conn, _):
        for _ in range(10_000):
            peercred.read(conn)
        before = _rss_kib()
        for _ in range(1_000_000):
            peercred.read(conn)
        grown = _rss_kib() - before
    assert grown < 5 * 1024, f"resident memory grew by {grown} KiB"
