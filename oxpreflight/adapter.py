"""The guarded connection behind :func:`oxpreflight.websocket.connect`: ``send`` checks each
frame first, a reader task keeps one ordered inbox of the exchange's messages and the local
replies, and ``request`` waits for the reply to one frame (see :mod:`oxpreflight.websocket`).
"""
from __future__ import annotations

import asyncio
import json
from collections import deque
from decimal import Decimal
from typing import (
    TYPE_CHECKING, Any, AsyncIterator, Awaitable, Literal, Optional, Union,
)

import orjson

try:
    from websockets.asyncio.client import ClientConnection
    from websockets.exceptions import ConnectionClosedOK
    from websockets.protocol import State
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("oxpreflight.adapter needs websockets>=13: "
                      "pip install 'oxpreflight[websocket]'") from exc

from .batches import decoded, exact_json, valid_part
from .rules.language import BATCH_OF
from .errors import error_for, raise_for_reply
from .guard import Batches, SendWatch, admission, failure_replies, log_blocked
from .validators.clock import system_clock
from .validators.verdict import Verdict
from .waiting import Waiters, expected

if TYPE_CHECKING:
    from .session import Session
    from .preflight import Preflight

__all__ = ["GuardedConnection", "reply_text", "INBOX_HIGH", "LOCAL_HIGH", "OnReject", "options"]

#: Messages the reader may hold unread before it stops reading (then websockets' own
#: ``max_queue`` flow control takes over).
INBOX_HIGH = 64
#: Local failure replies that may wait unread; past it, ``send`` of a rejected frame waits.
LOCAL_HIGH = 1024
OnReject = Literal["reply", "raise"]
Data = Union[str, bytes]
_TEXT_TYPES = (str, bytes, bytearray, memoryview)
BATCH_OPS = frozenset(BATCH_OF)


def _decimal(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError


def reply_text(reply: dict[str, Any]) -> str:
    """A failure reply as the JSON text the exchange would send (compact)."""
    try:
        return orjson.dumps(reply, default=_decimal).decode()
    except (TypeError, orjson.JSONEncodeError):  # integers beyond 64 bits
        return json.dumps(reply, separators=(",", ":"), ensure_ascii=False, default=_decimal)


class GuardedConnection:
    """A ``websockets`` client connection whose ``send`` checks each frame first.

    The underlying connection is ``.connection``; ``state``, ``close_code``,
    ``close_reason``, ``latency``, ``ping`` and ``wait_closed`` are forwarded (typed), and
    at run time any other attribute is read from it too.
    """

    connection: ClientConnection
    preflight: "Preflight"
    session: Optional["Session"]
    on_reject: OnReject
    raise_replies: bool
    batches: Batches

    def __init__(self, connection: ClientConnection, preflight: "Preflight",
                 session: Optional["Session"] = None, *, on_reject: OnReject = "reply",
                 raise_replies: bool = False, batches: Batches = "hold"):
        options(on_reject, raise_replies, batches)
        self.connection = connection
        self.preflight = preflight
        self.session = session
        self.on_reject = on_reject
        self.raise_replies = raise_replies
        self.batches = batches
        self._admit = admission(preflight, session)
        self._waiters = Waiters()
        self._inbox: deque[tuple[Data, bool]] = deque()  # (message, is_local)
        self._unread = 0  # messages from the socket in the inbox
        self._local = 0  # local replies in the inbox
        self._ready = asyncio.Event()
        self._room = asyncio.Event()
        self._local_room = asyncio.Event()
        self._end: Optional[BaseException] = None
        self._reader = asyncio.get_running_loop().create_task(self._read())

    def __repr__(self) -> str:
        return f"GuardedConnection({self.connection!r}, on_reject={self.on_reject!r})"

    if not TYPE_CHECKING:
        def __getattr__(self, name: str) -> Any:
            if name == "connection":  # not set yet: no recursion
                raise AttributeError(name)
            return getattr(self.connection, name)

    @property
    def state(self) -> State:
        return self.connection.state

    @property
    def close_code(self) -> Optional[int]:
        return self.connection.close_code

    @property
    def close_reason(self) -> Optional[str]:
        return self.connection.close_reason

    @property
    def latency(self) -> float:
        return self.connection.latency

    async def ping(self, data: Optional[Data] = None) -> Awaitable[float]:
        """Send a ping (as websockets); await the result for the pong."""
        return await self.connection.ping(data)

    async def wait_closed(self) -> None:
        await self.connection.wait_closed()

    # -- sending -------------------------------------------------------------------------------
    async def send(self, message: Union[Data, bytearray, memoryview], *,
                   text: Optional[bool] = None) -> Optional[Verdict]:
        """Send ``message`` (str or bytes) when the exchange would accept it; ``None`` then.

        A rejected frame is not sent: with ``on_reject="reply"`` its local replies (one per
        item of a batch: the failing items' failure replies, ``W201`` "held back" for the
        others) are queued for ``recv`` and its verdict returned; with ``on_reject="raise"``
        the :class:`~oxpreflight.Rejected` subclass is raised. With ``batches="valid"`` the
        passing items of such a batch are sent as a batch of their own and only the failing
        items are answered locally (or raised, after the send).
        """
        verdict, local = await self._submit(message, text)
        if local:
            await self._queue([reply for _, reply in local])
        return verdict

    async def request(self, frame: Union[Data, dict[str, Any]], *,
                      timeout: Optional[float] = None) -> Any:
        """Send ``frame`` through the guard and return the reply to it: the local rejection
        reply, or the exchange's reply matched by ``event`` and ``tag`` (a batch, or a
        subscription to several channels, gets a list: one reply per item, in item order).

        The frame needs a ``tag``. Replies given to a request are not queued for ``recv``.
        Same tag twice: replies go to the requests in the order they were sent. No reply
        within ``timeout`` seconds: ``asyncio.TimeoutError``. With ``raise_replies`` a
        failure reply from the exchange raises its :class:`~oxpreflight.Rejected` subclass.
        """
        obj = decoded(frame)
        if obj is None:
            raise ValueError("request needs a JSON object frame")
        event, tag, count = expected(obj)
        waiter = self._waiters.add((event, tag), count)
        try:
            text = frame if not isinstance(frame, dict) else exact_json(frame).decode()
            _, local = await self._submit(text, None)
            for index, reply in local:
                waiter.place(index, reply)
            replies = await asyncio.wait_for(asyncio.shield(waiter.future), timeout)
        finally:
            self._waiters.remove(waiter)
        if self.raise_replies:
            for reply in replies:
                raise_for_reply(reply)
        many = count > 1 or obj.get("op") in BATCH_OPS
        return replies if many else replies[0]

    async def _submit(self, message: Any, text: Optional[bool]
                      ) -> tuple[Optional[Verdict], list[tuple[int, dict[str, Any]]]]:
        """Check and send; the verdict of a refused frame and its local replies by item."""
        if not isinstance(message, _TEXT_TYPES):
            raise TypeError("send a whole frame as str or bytes (json.dumps a dict first), "
                            f"not {type(message).__name__}")
        watch = SendWatch(self.connection)
        with self._admit(message, sent=watch.left) as verdict:
            if verdict.ok:
                await self._write(message, text, watch)
                return None, []
        part = valid_part(verdict, message) if self.batches == "valid" else None
        if part is not None:
            watch = SendWatch(self.connection)
            with self._admit(part[0], sent=watch.left) as again:
                if again.ok:
                    await self._write(part[0], text, watch)
        sent = part[1] if part is not None and again.ok else ()
        state = self.connection.state
        if not sent and state is not State.OPEN:  # never seen by the exchange: fail as send
            if state is State.CLOSING:
                await self.connection.wait_closed()
            raise self.connection.protocol.close_exc
        log_blocked(verdict)
        if self.on_reject == "raise":
            exc = error_for(verdict)
            exc.sent = sent
            raise exc
        if sent:
            return verdict, [(i, item.response) for i, item in enumerate(verdict.items)
                             if not item.ok and item.response is not None]
        clock = self.preflight.clock or system_clock
        replies = failure_replies(verdict, message, clock())
        return verdict, list(enumerate(replies))

    async def _write(self, message: Any, text: Optional[bool], watch: SendWatch) -> None:
        """Send through websockets; ``watch`` notes whether the frame was written."""
        if text is None:
            await watch.run(self.connection.send(message))
        else:
            await watch.run(self.connection.send(message, text=text))

    async def _queue(self, replies: list[dict[str, Any]]) -> None:
        while self._local and self._local + len(replies) > LOCAL_HIGH:
            self._local_room.clear()
            await self._local_room.wait()
        for reply in replies:
            self._inbox.append((reply_text(reply), True))
        self._local += len(replies)
        self._ready.set()

    # -- receiving -----------------------------------------------------------------------------
    async def _read(self) -> None:
        connection, session = self.connection, self.session
        try:
            while True:
                while self._unread >= INBOX_HIGH:
                    self._room.clear()
                    await self._room.wait()
                message = await connection.recv()
                if session is not None:
                    session.observe(message)
                if self._waiters and self._waiters.offer(message):
                    continue  # a request's reply: returned by request, not by recv
                self._inbox.append((message, False))
                self._unread += 1
                self._ready.set()
        except Exception as exc:  # ConnectionClosed, or a bug: raised by recv in turn
            self._end = exc
            self._waiters.fail(exc)
            self._ready.set()

    async def recv(self, decode: Optional[bool] = None) -> Data:
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
        if local:
            self._local -= 1
            self._local_room.set()
        else:
            self._unread -= 1
            self._room.set()
            if self.raise_replies:
                raise_for_reply(message)
        return _decoded(message, decode)

    async def __aiter__(self) -> AsyncIterator[Data]:
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


def options(on_reject: Any, raise_replies: Any, batches: Any) -> None:
    if on_reject not in ("reply", "raise"):
        raise ValueError('on_reject must be "reply" or "raise"')
    if raise_replies not in (True, False):
        raise TypeError("raise_replies must be True or False")
    if batches not in ("hold", "valid"):
        raise ValueError('batches must be "hold" or "valid"')


def _decoded(message: Data, decode: Optional[bool]) -> Data:
    if decode is False and isinstance(message, str):
        return message.encode()
    if decode is True and isinstance(message, bytes):
        return message.decode()
    return message
