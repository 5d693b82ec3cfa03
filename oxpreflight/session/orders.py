"""Open orders as the exchange reported them: who owns them, and whether a cancel or modify can
find them (rows 100005 "Open order not found" and 100006 "Open order is not owned by the user").

Every collection here is bounded: closed and placed orderIds by :data:`CLOSED_MEMORY`, orders
sent but not yet acknowledged by :data:`PENDING_MEMORY` and by the acknowledgement timeout.
Open orders are what the exchange reports open; they shrink as it reports them closed.
"""
from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal
from itertools import count
from typing import Any, Optional

from ..validators import exact

#: How many closed orderIds (and clientOrderIds) are remembered: a late placeorder reply does
#: not reopen them, and a cancel of one is known to be of an order that closed.
CLOSED_MEMORY = 10_000
#: How many orders sent but not acknowledged are remembered at most (the oldest go first).
PENDING_MEMORY = 10_000
#: Default acknowledgement timeout: an order whose placeorder reply has not been observed this
#: long after sending is presumed lost with its connection, and forgotten.
ACK_TIMEOUT_MS = 60_000

_NEVER = float("inf")

#: What :meth:`OrderBook.find` answers.
OPEN, PENDING, CLOSED, UNKNOWN = "open", "pending", "closed", "unknown"


def order_key(value: Any) -> Optional[str]:
    """An orderId or clientOrderId as canonical digits (``123``, ``"123"`` -> ``"123"``)."""
    if value.__class__ is str and 0 < len(value) < 19 and value.isascii() and value.isdigit() \
            and value[0] != "0":
        return value  # already canonical: what ``str(int(value))`` gives (the common case)
    parsed = exact.integer(value)
    return str(parsed) if parsed.__class__ is int else None


class OpenOrder:
    """One open order: ``owner`` is the accountId the exchange named, ``None`` when unnamed
    (a reply to this session, a ``/v3/orders/working`` row: the session's own account)."""

    __slots__ = ("order_id", "client_id", "market", "owner", "side")

    def __init__(self, order_id: str, client_id: Optional[str], market: Any, owner: Any,
                 side: Any):
        self.order_id = order_id
        self.client_id = client_id
        self.market = market
        self.owner = owner
        self.side = side

    def __repr__(self) -> str:
        return f"OpenOrder({self.order_id!r}, {self.market!r})"


class OrderBook:
    """Open orders by orderId and clientOrderId, the orders this session sent and the exchange
    has not acknowledged yet (a cancel by clientOrderId may follow its placeorder before the
    reply), and the orders recently seen closed. Not locked itself; the session locks."""

    def __init__(self, ack_timeout_ms: int = ACK_TIMEOUT_MS) -> None:
        self.ack_timeout_ms = ack_timeout_ms
        self.open: dict[str, OpenOrder] = {}
        self._by_client: dict[str, dict[str, OpenOrder]] = {}
        # clientOrderId -> {sequence: market} of unanswered placements; the queue holds
        # sequence -> (clientOrderId, deadline) in sending order, for expiry and the bound.
        self._pending: dict[str, dict[int, Any]] = {}
        self._queue: OrderedDict[int, tuple[str, int]] = OrderedDict()
        # at most the earliest deadline in the queue: before it, nothing can expire
        self.soonest: float = _NEVER
        self._sequence = count()
        self._closed: OrderedDict[str, Any] = OrderedDict()  # orderId -> market
        # (clientOrderId, market) of closed orders
        self._closed_clients: OrderedDict[tuple[str, Any], None] = OrderedDict()
        # orderIds this session's replies named (how the session learns its own account)
        self.placed_ids: OrderedDict[str, None] = OrderedDict()

    # -- updates -------------------------------------------------------------------------------
    def opened(self, row: dict[str, Any], owner: Any) -> Optional[OpenOrder]:
        order_id = order_key(row.get("orderId"))
        if order_id is None or order_id in self._closed:
            return None
        old = self.open.get(order_id)
        client_id = order_key(row.get("clientOrderId"))
        if old is not None:
            self._unindex(old)
            client_id = client_id or old.client_id
            owner = owner if owner is not None else old.owner
        order = OpenOrder(order_id, client_id, row.get("marketCode") or (old and old.market),
                          owner, row.get("side") or (old and old.side))
        self.open[order_id] = order
        if client_id is not None:
            self._by_client.setdefault(client_id, {})[order_id] = order
            self._closed_clients.pop((client_id, order.market), None)
            if old is None:  # a new order answers one pending placement, a fill or edit none
                self._answered(client_id, order.market)
        return order

    def closed(self, row: dict[str, Any]) -> None:
        order_id = order_key(row.get("orderId"))
        if order_id is None:
            return
        order = self.open.pop(order_id, None)
        market = order.market if order is not None else row.get("marketCode")
        _remember(self._closed, order_id, market)
        client_id = order.client_id if order is not None else order_key(row.get("clientOrderId"))
        if order is not None:
            self._unindex(order)
        if client_id is not None and not self._by_client.get(client_id):
            _remember(self._closed_clients, (client_id, market), None)

    def closed_all(self, market: Any = None) -> int:
        """Every open order (of ``market`` when given) closed: a Cancel All push."""
        gone = [o for o in self.open.values() if market is None or o.market == market]
        for order in gone:
            self.closed({"orderId": order.order_id})
        return len(gone)

    def placed(self, client_id: Optional[str], market: Any, now: int) -> Optional[int]:
        """This session sent a placeorder carrying ``client_id`` at ``now`` (call
        :meth:`expire` first); a token that :meth:`unplaced` takes back (``None`` when nothing
        was recorded)."""
        if client_id is None:
            return None
        token = next(self._sequence)
        group = self._pending.get(client_id)
        if group is None:
            self._pending[client_id] = {token: market}
        else:
            group[token] = market
        queue = self._queue
        deadline = now + self.ack_timeout_ms
        queue[token] = (client_id, deadline)
        if deadline < self.soonest:
            self.soonest = deadline
        if len(queue) > PENDING_MEMORY:  # one in, at most one out
            self._drop(next(iter(queue)))
        return token

    def unplaced(self, token: int) -> None:
        """Take back a placement whose frame was never sent."""
        self._drop(token)

    def expire(self, now: int) -> None:
        """Forget the placements not acknowledged by their deadline."""
        if now < self.soonest:
            return
        queue = self._queue
        while queue:
            token = next(iter(queue))
            deadline = queue[token][1]
            if deadline > now:
                self.soonest = deadline
                return
            self._drop(token)
        self.soonest = _NEVER

    def forget_pending(self) -> None:
        """Forget every unacknowledged placement (their connection is gone)."""
        self._pending.clear()
        self._queue.clear()

    def replied(self, row: dict[str, Any], submitted: bool) -> None:
        """A placeorder reply: ``submitted`` opens the order it names (unless already closed)."""
        client_id = order_key(row.get("clientOrderId"))
        if submitted:
            order_id = order_key(row.get("orderId"))
            if order_id is not None:
                _remember(self.placed_ids, order_id, None)
                if order_id not in self.open:
                    self.opened(row, None)
        if client_id is not None:
            self._answered(client_id, row.get("marketCode"))

    def seed(self, rows: list[Any]) -> int:
        """Rows of a ``/v3/orders/working`` reply: all open, all the session's own."""
        seeded = 0
        for row in rows:
            if isinstance(row, dict) and self.opened(row, None) is not None:
                seeded += 1
        return seeded

    # -- lookups -------------------------------------------------------------------------------
    def find(self, item: dict[str, Any]) -> tuple[str, Optional[OpenOrder]]:
        """``(state, order)`` for a cancel/modify item: OPEN (with the order when known),
        PENDING (placed, reply awaited), CLOSED (seen close) or UNKNOWN. By orderId when given,
        else by clientOrderId (OPEN with no order when neither is given: the core rules
        decide); an order on another market than the item's ``marketCode`` is not found."""
        market = item.get("marketCode")
        order_id = order_key(item.get("orderId"))
        if order_id is not None:
            order = self.open.get(order_id)
            if order is not None and (order.market is None or order.market == market):
                return OPEN, order
            if order is None and order_id in self._closed \
                    and self._closed[order_id] in (None, market):
                return CLOSED, None
            return UNKNOWN, None
        client_id = order_key(item.get("clientOrderId"))
        if client_id is None:
            return OPEN, None
        for order in self._by_client.get(client_id, {}).values():
            if order.market is None or order.market == market:
                return OPEN, order
        if market in self._pending.get(client_id, {}).values():
            return PENDING, None
        if (client_id, market) in self._closed_clients:
            return CLOSED, None
        return UNKNOWN, None

    def holds(self, client_id: str) -> bool:
        """A clientOrderId open (on any market) or placed and awaiting its reply."""
        return bool(self._by_client.get(client_id)) or bool(self._pending.get(client_id))

    def pending_count(self) -> int:
        return len(self._queue)

    def __len__(self) -> int:
        return len(self.open)

    # -- internals -----------------------------------------------------------------------------
    def _unindex(self, order: OpenOrder) -> None:
        if order.client_id is not None:
            group = self._by_client.get(order.client_id)
            if group is not None:
                group.pop(order.order_id, None)
                if not group:
                    del self._by_client[order.client_id]

    def _answered(self, client_id: str, market: Any) -> None:
        markets = self._pending.get(client_id)
        if not markets:
            return
        token = next((t for t, m in markets.items() if m == market), next(iter(markets)))
        self._drop(token)

    def _drop(self, token: int) -> None:
        entry = self._queue.pop(token, None)
        if entry is None:
            return
        group = self._pending.get(entry[0])
        if group is not None:
            group.pop(token, None)
            if not group:
                del self._pending[entry[0]]


def _remember(memory: OrderedDict[Any, Any], key: Any, value: Any) -> None:
    memory[key] = value
    memory.move_to_end(key)
    if len(memory) > CLOSED_MEMORY:
        memory.popitem(last=False)


def fully_filled(row: dict[str, Any]) -> bool:
    """An OrderMatched row that leaves nothing open."""
    if row.get("status") == "FILLED":
        return True
    remain = exact.number(row.get("remainQuantity"))
    return remain is not None and remain is not exact.BAD and exact.to_decimal(remain) == Decimal(0)
