# Types of the native module; `python -m mypy.stubtest peercred` checks them.
from os import PathLike
from types import TracebackType
from typing import Iterator, Literal, Optional, Protocol, Union, final

from typing_extensions import Self

class _HasFileno(Protocol):
    def fileno(self) -> int: ...

_Socket = Union[_HasFileno, int]
_Path = Union[str, bytes, PathLike[str], PathLike[bytes]]
_IdMapping = Literal["mapped", "unmapped", "unknown"]

__version__: str
__all__ = [
    "__version__",
    "PeerCred",
    "PeerProcess",
    "read",
    "groups",
    "security_label",
    "pidfd",
    "peer_process",
    "own_process",
    "uid_mapping",
    "gid_mapping",
    "Message",
    "pass_credentials",
    "_recv",
]

@final
class PeerCred:
    """The peer's credentials as the kernel recorded them at connect():
    immutable, hashable, unpackable. Exec or setuid after connect() does not
    change them."""

    @property
    def pid(self) -> Optional[int]: ...
    @property
    def uid(self) -> int: ...
    @property
    def gid(self) -> int: ...
    def uid_mapping(self) -> _IdMapping:
        """"mapped", "unmapped" (the overflow placeholder) or "unknown"."""
    def gid_mapping(self) -> _IdMapping: ...
    def __iter__(self) -> Iterator[Optional[int]]: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class PeerProcess:
    """A process held by its pidfd. Every fact is read now from the live
    process (a caller that can exec after connect() can make them describe
    another program), confirmed through the pidfd so that it never describes
    another process that reused the pid."""

    @staticmethod
    def from_pidfd(pidfd: _Socket) -> PeerProcess: ...
    @property
    def pid(self) -> Optional[int]:
        """The pid in our PID namespace, or None when the process is outside it."""
    @property
    def closed(self) -> bool: ...
    def is_alive(self) -> bool: ...
    def parent_pid(self) -> Optional[int]:
        """The parent's pid now, or None when the parent is outside our PID namespace."""
    def exe(self) -> str:
        """The executable's path now, as the process sees it (in its own mount
        namespace, where it can bind-mount any file over any path)."""
    def exe_matches(self, path: _Path) -> bool:
        """Whether the process runs, now, the very file ``path`` names here
        (same device and inode): a path spoofed in its mount namespace does not match."""
    def exe_sha256(self) -> bytes:
        """The SHA-256 (32 bytes) of the file the process runs now."""
    def cmdline(self) -> list[str]:
        """The arguments now, as the process set them: it can write anything there."""
    def session_id(self) -> Optional[int]:
        """The audit login session id now, or None outside any login session."""
    def same_session(self, other: PeerProcess) -> bool:
        """Whether both are in the same login session; no session matches nothing."""
    def start_time(self) -> int: ...
    def uid(self) -> int:
        """The effective uid now; decide on read().uid, recorded at connect()."""
    def gid(self) -> int:
        """The effective gid now; decide on read().gid, recorded at connect()."""
    def fileno(self) -> int: ...
    def close(self) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None: ...

def read(socket: _Socket) -> PeerCred: ...
def groups(socket: _Socket) -> tuple[int, ...]: ...
def security_label(socket: _Socket) -> Optional[str]: ...
def pidfd(socket: _Socket) -> int: ...
def peer_process(socket: _Socket) -> PeerProcess: ...
def own_process() -> PeerProcess: ...
def uid_mapping(uid: int) -> _IdMapping:
    """Whether a uid from the kernel is real in our user namespace or its overflow placeholder."""
def gid_mapping(gid: int) -> _IdMapping: ...

@final
class Message:
    """One message and its sender; unpacks as ``data, cred = message``."""

    @property
    def data(self) -> bytes: ...
    @property
    def cred(self) -> Optional[PeerCred]: ...
    @property
    def pidfd(self) -> Optional[int]: ...
    @property
    def address(self) -> Union[str, bytes, None]: ...
    @property
    def size(self) -> int: ...
    @property
    def truncated(self) -> bool: ...
    @property
    def control_truncated(self) -> bool: ...
    @property
    def flags(self) -> int: ...
    @property
    def discarded_fds(self) -> int: ...
    @property
    def closed(self) -> bool: ...
    def peer_process(self) -> PeerProcess: ...
    def close(self) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None: ...
    def __iter__(self) -> Iterator[Union[bytes, Optional[PeerCred]]]: ...

def pass_credentials(socket: _Socket) -> None: ...
def _recv(socket: _Socket, bufsize: int, flags: int = 0) -> Message: ...
