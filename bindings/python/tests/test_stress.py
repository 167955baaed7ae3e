"""Many threads at once while sockets come and go, and memory over a million reads."""

import socket
import threading

import peercred
from conftest import me


def test_eight_threads_while_sockets_open_and_close():
    stop = threading.Event()
    wrong = []

    def churn():
        while not stop.is_set():
            a, b = socket.socketpair()
            a.close()
            b.close()

    def read_own(sock):
        expected = me()
        for _ in range(100_000):
            if tuple(peercred.read(sock)) != expected:
                wrong.append(sock)

    pairs = [socket.socketpair() for _ in range(8)]
    churners = [threading.Thread(target=churn) for _ in range(2)]
    readers = [threading.Thread(target=read_own, args=(a,)) for a, _ in pairs]
    for t in churners + readers:
        t.start()
    for t in readers:
        t.join()
    stop.set()
    for t in churners:
        t.join()
    for a, b in pairs:
        a.close()
        b.close()
    assert not wrong


def _rss_kib():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def test_a_million_reads_do_not_grow_memory():
    a, b = socket.socketpair()
    with a, b:
        for _ in range(10_000):
            peercred.read(a)
        before = _rss_kib()
        for _ in range(1_000_000):
            peercred.read(a)
        grown = _rss_kib() - before
    assert grown < 5 * 1024, f"resident memory grew by {grown} KiB"
