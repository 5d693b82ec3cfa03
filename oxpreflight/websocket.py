"""A guarded ``websockets`` client: rejected frames are never sent.

    async with oxpreflight.websocket.connect(url, preflight=pf) as ws:
        await ws.send(frame)        # checked; a rejected frame is not sent...
        reply = await ws.recv()     # ...and its failure reply arrives here, as the exchange's would

    async for ws in oxpreflight.websocket.connect(url, session=s):   # reconnects, as websockets
        try:
            ...
        except websockets.ConnectionClosed:
            continue

``on_reject="reply"`` (the default) answers a rejected frame locally: its failure reply is
queued for ``recv``; ``on_reject="raise"`` makes ``send`` raise the
:class:`~oxpreflight.Rejected` subclass instead. Either way the blocked frame is logged on the
``oxpreflight`` logger (WARNING). With a session, every frame goes through
``session.sending``: a ``send`` that raises before writing its frame (connection closed)
leaves the session as if the frame had never been sent; one interrupted after writing it (a
cancellation while websockets drains) keeps the record, since the frame is on its way
(:class:`~oxpreflight.guard.SendWatch`).

Ordering: a reader task moves every message off the socket into one inbox; a rejected frame's
failure reply joins the same inbox at the moment ``send`` rejects it. ``recv`` and ``async for``
serve the inbox first in, first out. A local reply therefore comes after every message already
taken off the socket and before every later one: the order the client would see if the
exchange answered instantly (a reply to an earlier accepted frame still in flight comes after
it). Batches: a batch with a failing item is held back whole; the inbox gets one reply per
failing item, in item order, as the exchange answers batch items one reply each.

Bounds: the reader holds at most ``INBOX_HIGH`` unread messages from the socket, then stops
reading (websockets' own flow control takes over). At most ``LOCAL_HIGH`` local replies wait
unread: past that, ``send`` of another rejected frame waits until ``recv`` takes one (the
back-pressure a peer that does not read gets from websockets). Nothing is dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, AsyncIterator, Generator, Optional

try:
    from websockets.asyncio.client import ClientConnection
    from websockets.asyncio.client import connect as _ws_connect
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("oxpreflight.websocket needs websockets>=13: "
                      "pip install 'oxpreflight[websocket]'") from exc

from .adapter import INBOX_HIGH, LOCAL_HIGH, GuardedConnection, OnReject, options, reply_text
from .guard import Batches

if TYPE_CHECKING:
    from .session import Session
    from .preflight import Preflight

__all__ = ["connect", "GuardedConnection", "reply_text", "INBOX_HIGH", "LOCAL_HIGH"]


class connect:
    """``websockets.asyncio.client.connect`` with every ``send`` checked.

    ``preflight``: a :class:`oxpreflight.Preflight` (default: the session's, else one on the
    embedded catalogue). ``session``: check with the session (through ``session.sending``) and
    feed every received message to ``session.observe``. ``on_reject``: ``"reply"`` (a local
    failure reply for ``recv``) or ``"raise"`` (``send`` raises the ``Rejected`` subclass).
    Other keyword arguments go to ``websockets``.

    ``async with connect(url) as ws:``, ``ws = await connect(url)``, or the reconnect loop
    ``async for ws in connect(url):`` (websockets' backoff). Each new connection, however
    opened, starts logged out: the session's ``reset_login`` is called before it is returned.
    """

    def __init__(self, uri: str, *, preflight: Optional["Preflight"] = None,
                 session: Optional["Session"] = None, on_reject: OnReject = "reply",
                 raise_replies: bool = False, batches: Batches = "hold", **kwargs: Any):
        options(on_reject, raise_replies, batches)
        if preflight is None and session is not None:
            preflight = getattr(session, "preflight", None)
        if preflight is None:
            from . import Preflight

            preflight = Preflight()
        self.preflight: "Preflight" = preflight
        self.session = session
        self.on_reject: OnReject = on_reject
        self.raise_replies, self.batches = raise_replies, batches
        self._connect = _ws_connect(uri, **kwargs)
        self._connection: Optional[GuardedConnection] = None

    def _guard(self, connection: ClientConnection) -> GuardedConnection:
        return GuardedConnection(connection, self.preflight, self.session,
                                 on_reject=self.on_reject, raise_replies=self.raise_replies,
                                 batches=self.batches)

    def __await__(self) -> Generator[Any, None, GuardedConnection]:
        return self._open().__await__()

    async def _open(self) -> GuardedConnection:
        connection = await self._connect
        self._logged_out()
        return self._guard(connection)

    def _logged_out(self) -> None:
        """A new connection starts logged out, however it was opened (a session-like object
        without ``reset_login`` keeps no login)."""
        reset = getattr(self.session, "reset_login", None)
        if reset is not None:
            reset()

    async def __aenter__(self) -> GuardedConnection:
        if self._connection is not None:
            raise RuntimeError("connect() isn't reentrant")
        self._connection = await self._open()
        return self._connection

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.__aexit__(exc_type, exc, tb)

    async def __aiter__(self) -> AsyncIterator[GuardedConnection]:
        """Connect, yield, and reconnect with backoff whenever the loop comes back (after
        the connection closed, or ``continue`` on ``ConnectionClosed``), as websockets does."""
        connections = self._connect.__aiter__()
        try:
            async for connection in connections:
                self._logged_out()
                guarded = self._guard(connection)
                try:
                    yield guarded
                finally:
                    await guarded._stop_reader()
        finally:
            await connections.aclose()  # type: ignore[attr-defined]
