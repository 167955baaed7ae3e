"""Who is on the other end of a Unix domain socket, as the kernel recorded it.

``peercred.read(sock)`` returns the peer's pid, uid and gid (SO_PEERCRED),
which the peer cannot forge, or raises OSError with the errno that says why
there is no other end to describe; the kernel's placeholder credentials of a
socket without a peer are never returned, and neither are the credentials of a
listening socket or of a socketpair this process made. ``uid_mapping(uid)``
says whether a uid is real here or the kernel's overflow placeholder. See the
package README for the whole table.

``peercred.peer_process(sock)`` holds the peer process by its pidfd; its facts
(executable, session, current ids) are read now from the live process, while
``read()``, ``groups()`` and ``security_label()`` were recorded at connect().
Where it lives, read now too: ``namespaces()`` (a host process shares all of
ours, a container does not), ``cgroup()`` (systemd unit, session, container,
pod), ``credentials()``; ``peercred.aio.wait_exit(process)`` awaits its exit.

Per message: ``peercred.pass_credentials(sock)`` then ``peercred.recv(sock,
bufsize)`` returns each message with its sender's credentials (a datagram
logger, or a connection whose socket changed hands); ``peercred.aio`` receives
them in asyncio.
"""

import select as _select
import socket as _socket
import time as _time
from typing import TYPE_CHECKING

from ._peercred import (
    Cgroup,
    Message,
    Namespaces,
    PeerCred,
    PeerProcess,
    ProcessCredentials,
    __version__,
    _recv,
    boot_id,
    gid_mapping,
    groups,
    own_process,
    pass_credentials,
    peer_process,
    pidfd,
    read,
    security_label,
    uid_mapping,
)

if TYPE_CHECKING:
    from ._peercred import _Socket


def recv(socket: "_Socket", bufsize: int, flags: int = 0) -> Message:
    """Receives one message and its sender's credentials (recvmsg).

    ``socket`` is a socket object, anything with ``fileno()``, or an int fd.
    Blocks like ``socket.recv`` (the GIL is released), honours the socket's
    timeout (``socket.timeout`` when it expires) and raises BlockingIOError on
    a non-blocking socket with nothing queued. ``flags`` may hold
    socket.MSG_DONTWAIT, MSG_PEEK, MSG_WAITALL and MSG_TRUNC. Descriptors the
    sender attached are closed on arrival (``Message.discarded_fds``).
    """
    try:
        return _recv(socket, bufsize, flags)
    except BlockingIOError:
        gettimeout = getattr(socket, "gettimeout", None)
        timeout = gettimeout() if gettimeout is not None else None
        if not timeout:
            raise
    deadline = _time.monotonic() + timeout
    while True:
        remaining = deadline - _time.monotonic()
        if remaining <= 0 or not _select.select([socket], [], [], remaining)[0]:
            raise _socket.timeout("timed out")
        try:
            return _recv(socket, bufsize, flags)
        except BlockingIOError:
            continue


__all__ = [
    "Cgroup",
    "Message",
    "Namespaces",
    "PeerCred",
    "PeerProcess",
    "ProcessCredentials",
    "__version__",
    "boot_id",
    "gid_mapping",
    "groups",
    "own_process",
    "pass_credentials",
    "peer_process",
    "pidfd",
    "read",
    "recv",
    "security_label",
    "uid_mapping",
]
