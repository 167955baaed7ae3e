"""Who is on the other end of a Unix domain socket, as the kernel recorded it.

``peercred.read(sock)`` returns the peer's pid, uid and gid (SO_PEERCRED),
which the peer cannot forge, or raises OSError with the errno that says why
there is no other end to describe; the kernel's placeholder credentials of a
socket without a peer are never returned, and neither are the credentials of a
listening socket or of a socketpair this process made. ``uid_mapping(uid)``
says whether a uid is real here or the kernel's overflow placeholder. See the
package README for the whole table.
"""

from ._peercred import (
    PeerCred,
    PeerProcess,
    __version__,
    gid_mapping,
    groups,
    peer_process,
    pidfd,
    read,
    security_label,
    uid_mapping,
)

__all__ = [
    "PeerCred",
    "PeerProcess",
    "__version__",
    "gid_mapping",
    "groups",
    "peer_process",
    "pidfd",
    "read",
    "security_label",
    "uid_mapping",
]
