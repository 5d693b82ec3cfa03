"""The double's exchange: what it answers to each frame, with no networking (the server in
:mod:`.server` carries the text both ways).

Every frame goes through the connection's own :class:`~oxpreflight.Session` (``submit``: the
engine's rows, then the session's), so each rejection is the library's own reply. An accepted
command is carried out on the :class:`~.matching.Book` and answered in the documented success
shape; the order channel's pushes follow. Every connection's session observes every message
of the account (replies to it, and all order-channel pushes whether it subscribed or not), so
what it knows of open and closed orders is what the exchange knows. Not thread-safe: the
server calls it from its event loop only.
"""
from __future__ import annotations

import json
from collections import deque
from decimal import Decimal
from itertools import count
from typing import Any, Callable, Optional, Union

import orjson

from ...preflight import Preflight
from ...rules.language import BATCH_OF
from ...session import Session
from ...session.orders import order_key
from ...validators.replies import echo
from . import pushes
from .faults import Faults
from .matching import Book, Event, Order

#: The double's one account (every order pushed names it).
ACCOUNT_ID = "1001"
#: How many frames ``received`` and messages ``sent`` keep (the oldest go first).
RECORD_LIMIT = 100_000
_ORDER_OPS = frozenset(("placeorder", "cancelorder", "modifyorder"))
_SUBSCRIPTIONS = frozenset(("subscribe", "unsubscribe"))
Message = Union[dict[str, Any], str]


def dumps(message: Message) -> str:
    """A message as compact JSON text (``pong`` stays text)."""
    if isinstance(message, str):
        return message
    try:
        return orjson.dumps(message, default=_plain).decode()
    except (TypeError, orjson.JSONEncodeError):  # integers beyond 64 bits
        return json.dumps(message, separators=(",", ":"), ensure_ascii=False, default=_plain)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError


class Connection:
    """One client connection: its session, its subscriptions and how to send it text."""

    def __init__(self, number: int, session: Session, send: Callable[[str], None]):
        self.number = number
        self.session = session
        self.send = send
        self.channels: set[str] = set()

    def wants(self, market: Optional[str]) -> bool:
        """Subscribed to the order channel of ``market`` (or ``order:all``), and logged in."""
        return self.session.logged_in and (
            "order:all" in self.channels or f"order:{market}" in self.channels)

    def __repr__(self) -> str:
        return f"Connection({self.number}, channels={sorted(self.channels)})"


class Venue:
    """The exchange's state: the book, the connections, what was received and sent."""

    def __init__(self, preflight: Preflight, prices: dict[str, Decimal], *,
                 api_key: Optional[str], api_secret: Any, rate_limit: int,
                 clock: Callable[[], int], faults: Faults) -> None:
        self.preflight = preflight
        self.markets = preflight.markets
        steps = {code: record.step for code, record in self.markets.items()}
        self.book = Book(prices, steps)
        self.faults = faults
        self.clock = clock
        self._options: dict[str, Any] = {"api_key": api_key, "api_secret": api_secret,
                                         "rate_limit": rate_limit}
        self.connections: dict[int, Connection] = {}
        self._numbers = count(1)
        self.received: deque[Any] = deque(maxlen=RECORD_LIMIT)
        self.sent: deque[Any] = deque(maxlen=RECORD_LIMIT)
        #: Called with ``(connection, reply)`` for each reply to a command (the CLI's log).
        self.on_reply: Optional[Callable[[Connection, Message], None]] = None

    # -- connections ---------------------------------------------------------------------------
    def connect(self, send: Callable[[str], None]) -> Connection:
        """A new connection: logged out, its session told of the account's orders."""
        session = self.preflight.session(**self._options)
        conn = Connection(next(self._numbers), session, send)
        working = [{"orderId": o.order_id, "clientOrderId": o.client_id,
                    "marketCode": o.market, "side": o.side} for o in self.book.open.values()]
        if working:
            session.observe({"success": True, "data": working})
        closed = [{"notice": "OrderClosed", "orderId": o.order_id, "marketCode": o.market,
                   "clientOrderId": o.client_id} for o in self.book.closed.values()]
        if closed:
            session.observe(pushes.channel(closed))
        self.connections[conn.number] = conn
        return conn

    def disconnect(self, conn: Connection) -> None:
        """Forget a closed connection (its orders stay: they are the account's)."""
        self.connections.pop(conn.number, None)

    # -- frames --------------------------------------------------------------------------------
    def handle(self, conn: Connection, raw: Union[str, bytes]) -> None:
        """Answer one frame from ``conn``. Never raises for any frame."""
        plain = _decoded(raw)
        self.received.append(plain)
        if raw in ("ping", b"ping"):
            self._reply(conn, "pong")
            return
        op = plain.get("op") if isinstance(plain, dict) else None
        op = op if isinstance(op, str) else None
        if op is not None:
            code = self.faults.take(op)
            if code is not None:
                for reply in pushes.injected(op, plain, code, self.clock()):
                    self._reply(conn, reply)
                return
        verdict = conn.session.submit(raw)
        if verdict.ok:
            self._carry_out(conn, op, plain, _exact(raw))
        elif any(not item.ok for item in verdict.items):  # answered item by item
            exact = _exact(raw)
            single = BATCH_OF.get(op or "", op or "")
            for i, item in enumerate(verdict.items):
                if not item.ok:
                    self._reply(conn, item.response or {})
                    continue
                one = {"op": single, "data": plain["dataArray"][i]}
                if "tag" in plain:
                    one["tag"] = plain["tag"]
                again = conn.session.submit(dumps(one))  # as text, like every frame
                if again.ok:
                    self._order(conn, single, exact["dataArray"][i], pushes.tag_of(plain))
                else:
                    self._reply(conn, again.response or {})
        else:
            self._reply(conn, verdict.response or {})

    def _carry_out(self, conn: Connection, op: Optional[str], plain: Any, exact: Any) -> None:
        tag, now = pushes.tag_of(plain), self.clock()
        if op == "login":
            self._reply(conn, pushes.login_reply(tag, now))
        elif op in _SUBSCRIPTIONS:
            self._subscribe(conn, op, plain.get("args") or [], tag)
        elif op in BATCH_OF:
            for item in exact.get("dataArray") or []:
                self._order(conn, BATCH_OF[op], item, tag)
        elif op in _ORDER_OPS:
            self._order(conn, op, exact.get("data") or {}, tag)

    def _order(self, conn: Connection, op: str, item: dict[str, Any], tag: Optional[str]
               ) -> None:
        now = self.clock()
        if op == "placeorder":
            order = Order(self.book.next_id(), item, echo(item, "placeorder"))
            events = self.book.place(order)
            fill = next((e.match_price for e in events if e.notice == "OrderMatched"), None)
            self._reply(conn, pushes.placed(item, order, tag, now, fill))
            self._publish(events, now)
            return
        found = self.book.find(item)
        if op == "cancelorder":
            self._reply(conn, pushes.cancelled(item, found, tag, now))
            events = self.book.cancel(found) if found is not None else []
        else:
            events = self.book.modify(found, item) if found is not None else []
            self._reply(conn, pushes.modified(item, found, tag, now))
        if found is None:  # closed before the command arrived: the documented failure push
            closed = self._closed_order(item)
            self._broadcast(pushes.order_gone(op, item, closed, now), item.get("marketCode"))
        self._publish(events, now)

    def _closed_order(self, item: dict[str, Any]) -> Optional[Order]:
        if item.get("orderId") is not None:
            return self.book.closed.get(order_key(item["orderId"]) or "")
        client = order_key(item.get("clientOrderId"))
        return next((o for o in reversed(self.book.closed.values())
                     if o.client_id == client and o.market == item.get("marketCode")), None)

    def _subscribe(self, conn: Connection, op: str, args: list[str], tag: Optional[str]
                   ) -> None:
        now = self.clock()
        for channel in args:
            if op == "subscribe":
                conn.channels.add(channel)
            else:
                conn.channels.discard(channel)
            self._reply(conn, pushes.subscribed(op, channel, tag, now))
        if op == "subscribe":
            for channel in args:
                if channel.startswith("market:"):
                    rows = self.market_rows(None if channel == "market:all" else channel[7:])
                    if rows:
                        self._send(conn, {"table": "market", "data": rows})

    # -- the test's actions --------------------------------------------------------------------
    def set_price(self, market: str, price: Decimal) -> None:
        """Move ``market``'s price: crossing orders fill, stops trigger, subscribers hear."""
        now = self.clock()
        events = self.book.set_price(market, price)
        rows = self.market_rows(market)  # the new price is announced before the fills
        for conn in list(self.connections.values()):
            if rows and ("market:all" in conn.channels or f"market:{market}" in conn.channels):
                self._send(conn, {"table": "market", "data": rows})
        self._publish(events, now)

    def cancel_all(self, market: Optional[str] = None) -> int:
        """Cancel every open order (of ``market``): OrderClosed rows, then the Cancel All push
        to every logged-in connection. Returns how many were cancelled."""
        now = self.clock()
        events = self.book.cancel_all(market)
        self._publish(events, now)
        push = pushes.cancel_all(now, market)
        for conn in list(self.connections.values()):
            if conn.session.logged_in:
                self._send(conn, push)
            else:
                conn.session.observe(push)
        return len(events)

    def market_rows(self, market: Optional[str]) -> list[dict[str, Any]]:
        records = self.markets.values() if market is None else (
            [self.markets[market]] if market in self.markets else [])
        return [pushes.market_row(r, self.book.prices.get(r.code)) for r in records]

    # -- sending -------------------------------------------------------------------------------
    def _publish(self, events: list[Event], now: int) -> None:
        for event in events:
            row = pushes.order_row(event, ACCOUNT_ID, now)
            self._broadcast(pushes.channel([row]), event.order.market)

    def _broadcast(self, message: dict[str, Any], market: Optional[str]) -> None:
        """An order-channel message: every session learns it, subscribers receive it."""
        for conn in list(self.connections.values()):
            if conn.wants(market):
                self._send(conn, message)
            else:
                conn.session.observe(message)

    def _reply(self, conn: Connection, message: Message) -> None:
        self._send(conn, message)
        if self.on_reply is not None:
            self.on_reply(conn, message)

    def _send(self, conn: Connection, message: Message) -> None:
        self.sent.append(message)
        if not isinstance(message, str):
            conn.session.observe(message)
        conn.send(dumps(message))


def _decoded(raw: Union[str, bytes]) -> Any:
    """The frame as ``json.loads`` gives it (integers exact at any size, where orjson would
    give a float), else the frame itself."""
    try:
        return json.loads(raw)
    except (ValueError, TypeError, RecursionError):
        return raw


def _exact(raw: Union[str, bytes]) -> Any:
    """The frame with every fraction as a Decimal (for the book's exact arithmetic)."""
    try:
        return json.loads(raw, parse_float=Decimal)
    except (ValueError, TypeError, RecursionError):
        return {}
