"""The double's book: open orders and the price each market trades at.

Matching is against the current price only (no depth, no other traders): an order that
crosses the price fills in full at once, at the price (a taker); a resting order fills in full
at its own limit price (a maker) when :meth:`Book.set_price` moves the price through it. Stops
trigger on the price (the exchange's ``MARK_PRICE``): a BUY stop when the price reaches its
``stopPrice`` or above, a SELL stop at or below; a triggered STOP_LIMIT becomes a LIMIT at its
``limitPrice``, a STOP_MARKET a MARKET order. Numbers are Decimals throughout.
"""
from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal, InvalidOperation
from itertools import count
from typing import Any, Iterator, NamedTuple, Optional

from ...rules import venue
from ...session.orders import order_key

#: How many closed orders are remembered (a reconnecting connection learns them).
CLOSED_MEMORY = 10_000
#: The first orderId handed out (13 digits, as the exchange's ids).
FIRST_ORDER_ID = 1_000_000_000_001


def decimal(value: Any) -> Optional[Decimal]:
    """A number or numeric string as a Decimal; ``None`` for anything else."""
    if value is None or value.__class__ is bool:
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def text(value: Decimal) -> str:
    """A Decimal as the exchange writes numbers: plain digits, no exponent."""
    return format(value, "f")


class Order:
    """One order in the book. ``kind`` is the current order type (a triggered stop becomes
    LIMIT or MARKET); ``shown`` keeps the numbers as the order's reply echoed them."""

    __slots__ = ("order_id", "client_id", "market", "side", "kind", "quantity", "amount",
                 "price", "stop", "tif", "display", "triggered", "shown", "remain", "stp")

    def __init__(self, order_id: str, data: dict[str, Any], shown: dict[str, Any]):
        self.order_id = order_id
        self.client_id = order_key(data.get("clientOrderId"))
        self.market: str = data["marketCode"]
        self.side: str = data["side"]
        self.kind: str = data["orderType"]
        self.quantity = decimal(data.get("quantity"))
        self.amount = decimal(data.get("amount"))
        self.stop = decimal(data.get("stopPrice"))
        limit = data.get("limitPrice") if self.kind == "STOP_LIMIT" else data.get("price")
        self.price = decimal(limit) if self.kind in ("LIMIT", "STOP_LIMIT") else None
        self.tif: str = data.get("timeInForce") or (
            "IOC" if self.kind in ("MARKET", "STOP_MARKET") else "GTC")
        self.display = decimal(data.get("displayQuantity"))
        self.triggered = False
        self.stp = data.get("selfTradePreventionMode")
        self.shown = shown
        self.remain = self.quantity

    def crosses(self, price: Optional[Decimal]) -> bool:
        """A LIMIT order at this price would trade as a taker."""
        if price is None or self.price is None:
            return False
        return self.price >= price if self.side == "BUY" else self.price <= price

    def stop_reached(self, price: Optional[Decimal]) -> bool:
        """A stop order's trigger is reached at this price."""
        if price is None or self.stop is None:
            return False
        return price >= self.stop if self.side == "BUY" else price <= self.stop

    def __repr__(self) -> str:
        return f"Order({self.order_id!r}, {self.market!r}, {self.side} {self.kind})"


class Event(NamedTuple):
    """What happened to an order: ``notice`` OrderOpened, OrderModified, OrderMatched or
    OrderClosed; ``status`` the row's status; for a match its price, quantity and role."""

    notice: str
    order: Order
    status: str
    match_price: Optional[Decimal] = None
    match_quantity: Optional[Decimal] = None
    role: Optional[str] = None


class Book:
    """Open orders by orderId, recently closed ones, and the price of each market."""

    def __init__(self, prices: dict[str, Decimal], steps: dict[str, Optional[Decimal]]):
        self.prices = prices
        self.steps = steps
        self.open: dict[str, Order] = {}
        self.closed: OrderedDict[str, Order] = OrderedDict()
        self._ids: Iterator[int] = count(FIRST_ORDER_ID)

    def next_id(self) -> str:
        """A fresh orderId."""
        return str(next(self._ids))

    # -- commands ------------------------------------------------------------------------------
    def place(self, order: Order) -> list[Event]:
        """Book ``order``: fill, rest, or close it, as its type and time in force say."""
        price = self.prices.get(order.market)
        if order.kind in ("STOP_LIMIT", "STOP_MARKET"):
            if order.stop_reached(price):
                return self._trigger(order, price)
            return self._rest(order)
        if order.kind == "MARKET":
            return self._take(order, price)
        if order.crosses(price):
            if order.tif == "MAKER_ONLY":
                return self._close(order, venue.CANCELED_BY_MAKER_ONLY)
            if order.tif == "MAKER_ONLY_REPRICE":
                order.price = price
                return self._rest(order)
            return self._take(order, price)
        if order.tif == "IOC":
            return self._close(order, venue.CANCELED_ALL_BY_IOC)
        if order.tif == "FOK":
            return self._close(order, venue.CANCELED_BY_FOK)
        return self._rest(order)

    def find(self, item: dict[str, Any]) -> Optional[Order]:
        """The open order a cancel or modify item names (by orderId, else clientOrderId),
        on the item's market."""
        market = item.get("marketCode")
        if item.get("orderId") is not None:
            order = self.open.get(order_key(item["orderId"]) or "")
        else:
            client = order_key(item.get("clientOrderId"))
            order = next((o for o in self.open.values() if o.client_id == client
                          and o.market == market), None)
        return order if order is not None and order.market == market else None

    def cancel(self, order: Order) -> list[Event]:
        """Close ``order`` as cancelled by its owner."""
        return self._close(order, venue.CANCELED_BY_USER)

    def modify(self, order: Order, item: dict[str, Any]) -> list[Event]:
        """Apply a modify's side, price and quantity (the order keeps its orderId)."""
        if item.get("side") in ("BUY", "SELL"):
            order.side = item["side"]
        price, quantity = decimal(item.get("price")), decimal(item.get("quantity"))
        if price is not None:
            order.price = price
        if quantity is not None:
            order.quantity = order.remain = quantity
        events = [Event("OrderModified", order, "OPEN")]
        current = self.prices.get(order.market)
        if order.kind == "LIMIT" and order.crosses(current):
            events += self._fill(order, current, "TAKER")
        return events

    def cancel_all(self, market: Optional[str] = None) -> list[Event]:
        """Close every open order (of ``market``)."""
        gone = [o for o in self.open.values() if market is None or o.market == market]
        return [e for order in gone for e in self._close(order, venue.CANCELED_BY_USER)]

    def set_price(self, market: str, price: Decimal) -> list[Event]:
        """Move ``market``'s price; fill the resting orders it crosses, trigger its stops."""
        self.prices[market] = price
        events: list[Event] = []
        for order in [o for o in self.open.values() if o.market == market]:
            if order.kind in ("STOP_LIMIT", "STOP_MARKET") and not order.triggered:
                if order.stop_reached(price):
                    events += self._trigger(order, price)
            elif order.kind == "LIMIT" and order.crosses(price):
                events += self._fill(order, order.price, "MAKER")
        return events

    # -- internals -----------------------------------------------------------------------------
    def _trigger(self, order: Order, price: Optional[Decimal]) -> list[Event]:
        order.triggered = True
        if order.kind == "STOP_MARKET":
            order.kind = "MARKET"
            self.open.pop(order.order_id, None)
            return self._take(order, price)
        order.kind = "LIMIT"
        if order.crosses(price):
            return self._fill(order, price, "TAKER")
        if order.order_id in self.open:
            return []
        return self._rest(order)

    def _rest(self, order: Order) -> list[Event]:
        self.open[order.order_id] = order
        return [Event("OrderOpened", order, "OPEN")]

    def _take(self, order: Order, price: Optional[Decimal]) -> list[Event]:
        if price is None:  # no price known for the market: nothing to trade against
            return self._close(order, venue.CANCELED_ALL_BY_IOC)
        if order.quantity is None and order.amount is not None:  # a spot BUY by amount
            order.quantity = order.remain = self._by_amount(order, price)
        return self._fill(order, price, "TAKER")

    def _by_amount(self, order: Order, price: Decimal) -> Decimal:
        quantity = order.amount / price if price and order.amount else Decimal(0)
        step = self.steps.get(order.market)
        return (quantity // step) * step if step else quantity

    def _fill(self, order: Order, price: Optional[Decimal], role: str) -> list[Event]:
        quantity = order.remain if order.remain is not None else Decimal(0)
        order.remain = Decimal(0)
        self.open.pop(order.order_id, None)
        self._remember(order)
        return [Event("OrderMatched", order, venue.FILLED, price, quantity, role)]

    def _close(self, order: Order, status: str) -> list[Event]:
        self.open.pop(order.order_id, None)
        self._remember(order)
        return [Event("OrderClosed", order, status)]

    def _remember(self, order: Order) -> None:
        self.closed[order.order_id] = order
        self.closed.move_to_end(order.order_id)
        if len(self.closed) > CLOSED_MEMORY:
            self.closed.popitem(last=False)
