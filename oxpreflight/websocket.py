"""A guarded ``websockets`` client: rejected frames are answered locally, never sent.

    async with oxpreflight.websocket.connect(url, preflight=pf) as ws:
        await ws.send(frame)        # checked; a rejected frame is not sent...
        reply = await ws.recv()     # ...and its failure reply arrives here, as the exchange's would

Ordering: a reader task moves every message off the socket into one inbox; a rejected frame's
failure reply joins the same inbox at the moment ``send`` rejects it. ``recv`` and ``async for``
serve the inbox first in, first out. A local reply therefore comes after every message already
taken off the socket and before every later one: the order the client would see if the
exchange answered instantly (a reply to an earlier accepted frame still in flight comes after
it). Batches: a batch with a failing item is held back whole; the inbox gets one reply per
failing item, in item order, as the exchange answers batch items one reply each.
"""
from __future__ import annotations

import asyncio
import json
from collections import deque
from decimal import Decimal
from typing import Any, AsyncIterator, Optional

import orjson

try:
    from websockets.asyncio.client import ClientConnection
    from websockets.asyncio.client import connect as _ws_connect
    from websockets.exceptions import ConnectionClosed, ConnectionClosedOK
    from websockets.protocol import State
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("oxpreflight.websocket needs websockets>=13: "
                      "pip install 'oxpreflight[websocket]'") from exc

from .guard import failure_replies
from .validators.verdict import Verdict

__all__ = ["connect", "GuardedConnection", "reply_text"]

#: Messages the reader may hold unread before it stops reading (then websockets' own
#: ``max_queue`` flow control takes over).
INBOX_HIGH = 64
_TEXT_TYPES = (str, bytes, bytearray, memoryview)


def _decimal(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError


def reply_text(reply: dict) -> str:
    """A failure reply as the JSON text the exchange would send (compact)."""
    try:
        return orjson.dumps(reply, default=_decimal).decode()
    except (TypeError, orjson.JSONEncodeError):  # integers beyond 64 bits
        return json.dumps(reply, separators=(",", ":"), ensure_ascii=False, default=_decimal)


class GuardedConnection:
    """A ``websockets`` client connection whose ``send`` checks each frame first.

    Everything not defined here (``close`` aside: ``ping``, ``state``, ``close_code``,
    ``remote_address``, ...) is the underlying connection's, available as ``.connection``.
    """

    def __init__(self, connection: ClientConnection, preflight: Any, session: Any = None):
        self.connection = connection
        self.preflight = preflight
        self.session = session
        self._check = session.submit if session is not None else preflight.check
        self._inbox: deque = deque()  # (message, is_local)
        self._unread = 0  # messages from the socket in the inbox
        self._ready = asyncio.Event()
        self._room = asyncio.Event()
        self._end: Optional[BaseException] = None
        self._reader = asyncio.get_running_loop().create_task(self._read())

    def __repr__(self) -> str:
        return f"GuardedConnection({self.connection!r})"

    def __getattr__(self, name: str) -> Any:
        if name == "connection":  # not set yet: no recursion
            raise AttributeError(name)
        return getattr(self.connection, name)

    # -- sending -------------------------------------------------------------------------------
    async def send(self, message: Any, *, text: Optional[bool] = None) -> Optional[Verdict]:
        """Send ``message`` (str or bytes) when the exchange would accept it.

        A rejected frame is not sent; its failure reply (or one per failing batch item) is
        queued for ``recv``. Returns the verdict of a rejected frame, ``None`` when sent.
        """
        if not isinstance(message, _TEXT_TYPES):
            raise TypeError("send a whole frame as str or bytes (json.dumps a dict first), "
                            f"not {type(message).__name__}")
        verdict = self._check(message)
        if verdict.ok:
            if text is None:
                await self.connection.send(message)
            else:
                await self.connection.send(message, text=text)
            return None
        state = self.connection.state
        if state is not State.OPEN:  # the exchange would never see it: fail as send would
            if state is State.CLOSING:
                await self.connection.wait_closed()
            raise self.connection.protocol.close_exc
        for reply in failure_replies(verdict):
            self._inbox.append((reply_text(reply), True))
        self._ready.set()
        return verdict

    # -- receiving -----------------------------------------------------------------------------
    async def _read(self) -> None:
        connection, session = self.connection, self.session
        try:
            while True:
                while self._unread >= INBOX_HIGH:
                    self._room.clear()
                    await self._room.wait()
                message = await connection.recv()
                self._inbox.append((message, False))
                self._unread += 1
                self._ready.set()
                if session is not None:
                    session.observe(message)
        except Exception as exc:  # ConnectionClosed, or a bug: raised by recv in turn
            self._end = exc
            self._ready.set()

    async def recv(self, decode: Optional[bool] = None) -> Any:
        """The next message: the exchange's, or a local failure reply, in inbox order.

        Raises ``ConnectionClosed`` once the connection is closed and the inbox is empty.
        ``decode`` as in ``websockets``: ``False`` gives bytes, ``True`` gives str.
        """
        while not self._inbox:
            if self._end is not None:
                raise self._end
            if self._reader.done():  # stopped by close(): websockets drains its own buffer
                message = await self.connection.recv()
                if self.session is not None:
                    self.session.observe(message)
                return _decoded(message, decode)
            self._ready.clear()
            await self._ready.wait()
        message, local = self._inbox.popleft()
        if not local:
            self._unread -= 1
            self._room.set()
        return _decoded(message, decode)

    async def __aiter__(self) -> AsyncIterator[Any]:
        """Messages until a normal close; a ``ConnectionClosedError`` propagates."""
        try:
            while True:
                yield await self.recv()
        except ConnectionClosedOK:
            return

    def recv_streaming(self, *args: Any, **kwargs: Any) -> Any:
        """Not supported: it would bypass the inbox and break the ordering of replies."""
        raise NotImplementedError("recv_streaming is not available on a guarded connection")

    # -- closing -------------------------------------------------------------------------------
    async def close(self, code: int = 1000, reason: str = "") -> None:
        """Close the connection; unread messages stay readable through ``recv``."""
        try:
            await self.connection.close(code, reason)
        finally:
            await self._stop_reader()

    async def _stop_reader(self) -> None:
        if not self._reader.done():
            self._reader.cancel()
            try:
                await self._reader
            except asyncio.CancelledError:
                pass

    async def __aenter__(self) -> "GuardedConnection":
        return self

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            await self.connection.__aexit__(exc_type, exc, tb)
        finally:
            await self._stop_reader()


def _decoded(message: Any, decode: Optional[bool]) -> Any:
    if decode is False and isinstance(message, str):
        return message.encode()
    if decode is True and isinstance(message, bytes):
        return message.decode()
    return message


class connect:
    """``websockets.asyncio.client.connect`` with every ``send`` checked.

    ``preflight``: a :class:`oxpreflight.Preflight` (default: one on the embedded catalogue).
    ``session``: check with ``session.submit`` and feed every received message to
    ``session.observe``. Other keyword arguments go to ``websockets``. Use as
    ``async with connect(url) as ws:`` or ``ws = await connect(url)``.
    """

    def __init__(self, uri: str, *, preflight: Any = None, session: Any = None, **kwargs: Any):
        if preflight is None:
            preflight = getattr(session, "preflight", None)
        if preflight is None:
            from . import Preflight

            preflight = Preflight()
        self.preflight = preflight
        self.session = session
        self._connect = _ws_connect(uri, **kwargs)
        self._connection: Optional[GuardedConnection] = None

    def __await__(self):
        return self._open().__await__()

    async def _open(self) -> GuardedConnection:
        return GuardedConnection(await self._connect, self.preflight, self.session)

    async def __aenter__(self) -> GuardedConnection:
        if self._connection is not None:
            raise RuntimeError("connect() isn't reentrant")
        self._connection = await self._open()
        return self._connection

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.__aexit__(exc_type, exc, tb)
