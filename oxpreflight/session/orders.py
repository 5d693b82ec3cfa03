"""Open orders as the exchange reported them: who owns them, and whether a cancel or modify can
find them (100005 "Open order not found", 100006 "Open order is not owned by the user")."""
from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal
from typing import Any, Optional

from ..validators import exact

#: How many closed orderIds are remembered, so that a late placeorder reply does not reopen them.
CLOSED_MEMORY = 10_000


def order_key(value: Any) -> Optional[str]:
    """An orderId or clientOrderId as canonical digits (``123``, ``"123"`` -> ``"123"``)."""
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
    """Open orders by orderId and clientOrderId, plus clientOrderIds placed by this session and
    not yet answered (a cancel by clientOrderId may follow its placeorder before the reply)."""

    def __init__(self) -> None:
        self.open: dict[str, OpenOrder] = {}
        self._by_client: dict[str, dict[str, OpenOrder]] = {}
        self._pending: dict[str, list] = {}  # clientOrderId -> markets of unanswered orders
        self._closed: OrderedDict = OrderedDict()
        self.placed_ids: OrderedDict = OrderedDict()  # orderIds this session's replies named

    # -- updates -------------------------------------------------------------------------------
    def opened(self, row: dict, owner: Any) -> Optional[OpenOrder]:
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
            if old is None:  # a new order answers one pending placement, a fill or edit none
                self._answered(client_id, order.market)
        return order

    def closed(self, row: dict) -> None:
        order_id = order_key(row.get("orderId"))
        if order_id is None:
            return
        self._closed[order_id] = None
        if len(self._closed) > CLOSED_MEMORY:
            self._closed.popitem(last=False)
        order = self.open.pop(order_id, None)
        if order is not None:
            self._unindex(order)

    def placed(self, client_id: Optional[str], market: Any) -> None:
        """This session sent a placeorder carrying ``client_id``."""
        if client_id is not None:
            self._pending.setdefault(client_id, []).append(market)

    def replied(self, row: dict, submitted: bool) -> None:
        """A placeorder reply: ``submitted`` opens the order it names (unless already closed)."""
        client_id = order_key(row.get("clientOrderId"))
        if submitted:
            order_id = order_key(row.get("orderId"))
            if order_id is not None:
                self.placed_ids[order_id] = None
                if len(self.placed_ids) > CLOSED_MEMORY:
                    self.placed_ids.popitem(last=False)
                if order_id not in self.open:
                    self.opened(row, None)
        if client_id is not None:
            self._answered(client_id, row.get("marketCode"))

    def seed(self, rows: list) -> int:
        """Rows of a ``/v3/orders/working`` reply: all open, all the session's own."""
        count = 0
        for row in rows:
            if isinstance(row, dict) and self.opened(row, None) is not None:
                count += 1
        return count

    # -- lookups -------------------------------------------------------------------------------
    def find(self, item: dict) -> tuple:
        """``(found, order)`` for a cancel/modify item: ``found`` False when the exchange would
        not find it open. By orderId when given, else by clientOrderId; an order open on
        another market than the item's ``marketCode`` is not found."""
        market = item.get("marketCode")
        order_id = order_key(item.get("orderId"))
        if order_id is not None:
            order = self.open.get(order_id)
            if order is None or (order.market is not None and order.market != market):
                return False, None
            return True, order
        client_id = order_key(item.get("clientOrderId"))
        if client_id is None:
            return True, None  # nothing to look up: the core rules decide
        for order in self._by_client.get(client_id, {}).values():
            if order.market is None or order.market == market:
                return True, order
        if market in self._pending.get(client_id, ()):
            return True, None
        return False, None

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
        try:
            markets.remove(market)
        except ValueError:
            markets.pop(0)
        if not markets:
            del self._pending[client_id]


def fully_filled(row: dict) -> bool:
    """An OrderMatched row that leaves nothing open."""
    if row.get("status") == "FILLED":
        return True
    remain = exact.number(row.get("remainQuantity"))
    return remain is not None and remain is not exact.BAD and exact.to_decimal(remain) == Decimal(0)
