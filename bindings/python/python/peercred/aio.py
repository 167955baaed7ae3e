"""Per-message credentials in asyncio, without blocking the event loop.

A logger on a datagram socket::

    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    peercred.pass_credentials(sock)   # before bind: no message without credentials
    sock.bind("/run/mylog.sock")
    async for message in peercred.aio.messages(sock):
        with message:
            print(message.cred, message.data)

or with a callback: ``reader = peercred.aio.add_message_reader(sock, on_message)``.
``await peercred.aio.wait_exit(process)`` waits for a peer process to exit.
The socket's own blocking mode is left alone (every receive uses
MSG_DONTWAIT); the loop watches it with ``loop.add_reader``.
"""

import asyncio
import os
import socket
from typing import TYPE_CHECKING, AsyncIterator, Callable, Optional

from ._peercred import Message, PeerProcess, _recv

if TYPE_CHECKING:
    from ._peercred import _Socket

__all__ = ["MessageReader", "add_message_reader", "messages", "receive", "wait_exit"]

#: Large enough for any datagram the default socket buffers let through.
DEFAULT_BUFSIZE = 65536


def _fileno(sock: "_Socket") -> int:
    return sock if isinstance(sock, int) else sock.fileno()


def _ended(sock: "_Socket", message: Message) -> bool:
    """End of stream: an empty read without credentials on a connection."""
    kind = getattr(sock, "type", socket.SOCK_DGRAM)
    return kind != socket.SOCK_DGRAM and message.size == 0 and message.cred is None


async def receive(sock: "_Socket", bufsize: int = DEFAULT_BUFSIZE) -> Message:
    """Waits for the next message on ``sock`` and returns it."""
    while True:
        try:
            return _recv(sock, bufsize, socket.MSG_DONTWAIT)
        except BlockingIOError:
            pass
        loop = asyncio.get_running_loop()
        readable: "asyncio.Future[None]" = loop.create_future()

        def wake() -> None:
            if not readable.done():
                readable.set_result(None)

        fd = _fileno(sock)
        loop.add_reader(fd, wake)
        try:
            await readable
        finally:
            loop.remove_reader(fd)


async def messages(sock: "_Socket", bufsize: int = DEFAULT_BUFSIZE) -> AsyncIterator[Message]:
    """Yields every message on ``sock``; ends at the end of a stream or
    seqpacket connection. Errors are raised from the loop."""
    while True:
        message = await receive(sock, bufsize)
        if _ended(sock, message):
            return
        yield message


class MessageReader:
    """Calls ``callback(message)`` from the event loop for every message on a
    socket (see :func:`add_message_reader`). ``done`` is a future that
    resolves when reading stops: None at the end of a stream or after
    ``close()``, the exception when a receive failed. An exception raised by
    the callback goes to the loop's exception handler and reading goes on.
    The message's pidfd is closed when the callback returns; keep the sender
    with ``message.peer_process()``.
    """

    def __init__(self, sock: "_Socket", callback: Callable[[Message], object], bufsize: int = DEFAULT_BUFSIZE) -> None:
        self._loop = asyncio.get_running_loop()
        self._sock = sock
        self._fd = _fileno(sock)
        self._callback = callback
        self._bufsize = bufsize
        self.done: "asyncio.Future[None]" = self._loop.create_future()
        self._loop.add_reader(self._fd, self._readable)

    def _readable(self) -> None:
        # A bounded batch per wakeup keeps other callbacks of the loop running.
        for _ in range(64):
            try:
                message = _recv(self._sock, self._bufsize, socket.MSG_DONTWAIT)
            except BlockingIOError:
                return
            except OSError as exc:
                self._stop(exc)
                return
            if _ended(self._sock, message):
                self._stop(None)
                return
            with message:
                try:
                    self._callback(message)
                except Exception as exc:  # the loop's handler reports it; reading goes on
                    self._loop.call_exception_handler(
                        {"message": "peercred message callback failed", "exception": exc, "reader": self}
                    )

    def _stop(self, exc: Optional[BaseException]) -> None:
        if self.done.done():
            return
        self._loop.remove_reader(self._fd)
        if exc is None:
            self.done.set_result(None)
        else:
            self.done.set_exception(exc)

    def close(self) -> None:
        """Stops reading; the socket stays open (it is the caller's)."""
        self._stop(None)


def add_message_reader(
    sock: "_Socket", callback: Callable[[Message], object], bufsize: int = DEFAULT_BUFSIZE
) -> MessageReader:
    """Starts calling ``callback(message)`` for every message on ``sock``
    from the running event loop; ``reader.close()`` stops."""
    return MessageReader(sock, callback, bufsize)


async def wait_exit(process: PeerProcess) -> None:
    """Returns once the whole process has exited (its pidfd turns readable),
    without a thread and without polling: the loop watches a duplicate of
    its pidfd, so closing ``process`` meanwhile does not disturb the wait.
    Then ``process.exit_status()`` says how it ended once it is reaped."""
    fd = os.dup(process.fileno())
    loop = asyncio.get_running_loop()
    exited: "asyncio.Future[None]" = loop.create_future()

    def wake() -> None:
        if not exited.done():
            exited.set_result(None)

    try:
        loop.add_reader(fd, wake)
        try:
            await exited
        finally:
            loop.remove_reader(fd)
    finally:
        os.close(fd)
