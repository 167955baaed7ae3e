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
    "Namespaces",
    "ProcessCredentials",
    "Cgroup",
    "boot_id",
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
    def namespaces(self) -> Namespaces:
        """Its namespaces now, each compared with the calling thread's
        (EACCES without ptrace read access to it)."""
    def user_namespace_owner(self) -> int:
        """The uid that created its user namespace, in our numbering."""
    def credentials(self) -> ProcessCredentials:
        """Its ids, capabilities, no_new_privs and login uid now."""
    def cgroup(self) -> Cgroup:
        """Its cgroup v2 now, relative to our cgroup namespace (EREMOTE outside it)."""
    def cgroup_id(self) -> int: ...
    def unit_invocation_id(self) -> Optional[str]:
        """The invocation id of its systemd unit now, or None."""
    def pidfs_id(self) -> int:
        """Never given to another process before a reboot (Linux 6.9); see boot_id()."""
    def exit_status(self) -> Optional[int]:
        """Its wait status once its parent has reaped it (os.waitstatus_to_exitcode), else None."""
    def wait_exit(self, timeout: Optional[float] = None) -> bool:
        """Blocks until it has exited (True) or timeout seconds pass (False)."""
    def fileno(self) -> int: ...
    def close(self) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None: ...

_NamespaceKind = Literal["cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"]

@final
class Namespaces:
    """A process's namespaces, each compared with the calling thread's."""

    @property
    def all_shared(self) -> bool:
        """Every namespace is ours: a host process, seen from a daemon on the host."""
    @property
    def differing(self) -> tuple[_NamespaceKind, ...]: ...
    def is_shared(self, kind_name: _NamespaceKind) -> bool: ...
    def id(self, kind_name: _NamespaceKind) -> int: ...
    def is_unique(self, kind_name: _NamespaceKind) -> bool:
        """Whether id() is never reused (else an nsfs inode number)."""
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class ProcessCredentials:
    """A process's credentials now; capabilities count in its own user namespace."""

    @property
    def real_uid(self) -> int: ...
    @property
    def effective_uid(self) -> int: ...
    @property
    def saved_uid(self) -> int: ...
    @property
    def fs_uid(self) -> int: ...
    @property
    def real_gid(self) -> int: ...
    @property
    def effective_gid(self) -> int: ...
    @property
    def saved_gid(self) -> int: ...
    @property
    def fs_gid(self) -> int: ...
    @property
    def cap_effective(self) -> int: ...
    @property
    def cap_permitted(self) -> int: ...
    @property
    def cap_bounding(self) -> int: ...
    @property
    def no_new_privs(self) -> bool: ...
    @property
    def login_uid(self) -> Optional[int]: ...
    @property
    def differs_from_connect(self) -> Optional[bool]:
        """Whether the effective ids differ from those recorded at connect()."""
    def differs_from(self, cred: PeerCred) -> bool: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Cgroup:
    """A cgroup v2 path and what systemd and container engines encode in it."""

    @staticmethod
    def parse(path: str) -> Cgroup: ...
    @property
    def path(self) -> str: ...
    @property
    def unit(self) -> Optional[str]: ...
    @property
    def slice(self) -> Optional[str]: ...
    @property
    def user_unit(self) -> Optional[str]: ...
    @property
    def user_slice(self) -> Optional[str]: ...
    @property
    def session(self) -> Optional[str]: ...
    @property
    def owner_uid(self) -> Optional[int]: ...
    @property
    def container_id(self) -> Optional[str]: ...
    @property
    def container_runtime(self) -> Optional[Literal["docker", "podman", "containerd", "cri-o"]]: ...
    @property
    def pod_uid(self) -> Optional[str]: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

def boot_id() -> str:
    """The id of the running boot; with pidfs_id() it names a process for all time."""

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
