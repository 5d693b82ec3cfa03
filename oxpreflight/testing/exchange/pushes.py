"""The double's messages in the documented shapes: success replies to commands, the order
channel's rows (OrderOpened, OrderModified, OrderMatched, OrderClosed), the 100004 failure
push, the Cancel All push, subscription replies and the ``market`` channel.

Failure replies are never built here: they are the engine's and the session's own
(``verdict.response``), or :func:`injected` for a fault a test asked for.
"""
from __future__ import annotations

from decimal import Decimal
from itertools import count
from typing import Any, Iterator, Optional

from ...rules import venue
from ...rules.catalogue import CODES
from ...rules.orders import TRIGGER_TYPES
from ...validators.exact import as_text
from ...validators.markets import MarketRecord
from ...validators.replies import echo, failure_reply
from .matching import Event, Order, text

_match_ids: Iterator[int] = count(300_000_000_000_000_001)


def tag_of(frame: Any) -> Optional[str]:
    """The frame's ``tag`` as the reply echoes it (a string), or ``None``."""
    tag = frame.get("tag") if isinstance(frame, dict) else None
    if tag.__class__ is str:
        return tag
    if tag.__class__ is int:
        return as_text(tag)
    return None


def _head(event: str, tag: Optional[str], now: int, key: str = "submitted") -> dict[str, Any]:
    reply: dict[str, Any] = {"event": event, key: True}
    if tag is not None:
        reply["tag"] = tag
    reply["timestamp"] = str(now)
    return reply


def login_reply(tag: Optional[str], now: int) -> dict[str, Any]:
    """``{"event": "login", "success": true, "tag", "timestamp"}``."""
    return _head("login", tag, now, "success")


def subscribed(op: str, channel: str, tag: Optional[str], now: int) -> dict[str, Any]:
    """One subscription's success reply (one per channel, as documented)."""
    reply: dict[str, Any] = {"success": True}
    if tag is not None:
        reply["tag"] = tag
    reply.update(event=op, channel=channel, timestamp=str(now))
    return reply


def placed(item: dict[str, Any], order: Order, tag: Optional[str], now: int,
           fill: Optional[Decimal]) -> dict[str, Any]:
    """A placeorder success reply: the normalised echo with ``orderId`` (before ``source``);
    a MARKET order's ``limitPrice`` is the price it filled at, as the documented reply shows."""
    data = {k: v for k, v in order.shown.items() if k not in ("timestamp", "recvWindow")}
    if order.kind == "MARKET" or item.get("orderType") == "MARKET":
        data.pop("timeInForce", None)  # the recorded MARKET reply echoes none
        data.pop("price", None)
        if fill is not None:
            data["limitPrice"] = text(fill)
    source = data.pop("source", 0)
    data["orderId"] = order.order_id
    data["source"] = source
    reply = _head("placeorder", tag, now)
    reply["data"] = data
    return reply


def cancelled(item: dict[str, Any], order: Optional[Order], tag: Optional[str],
              now: int) -> dict[str, Any]:
    """A cancelorder success reply: ``marketCode``, ``clientOrderId`` (when known), ``orderId``."""
    data: dict[str, Any] = {"marketCode": item.get("marketCode")}
    client = order.client_id if order is not None else item.get("clientOrderId")
    if client is not None:
        data["clientOrderId"] = str(client)
    order_id = order.order_id if order is not None else item.get("orderId")
    if order_id is not None:
        data["orderId"] = str(order_id)
    reply = _head("cancelorder", tag, now)
    reply["data"] = data
    return reply


def modified(item: dict[str, Any], order: Optional[Order], tag: Optional[str],
             now: int) -> dict[str, Any]:
    """A modifyorder success reply in the documented field order."""
    shown = echo(item, "modifyorder")
    data: dict[str, Any] = {}
    if order is not None:
        if order.client_id is not None:
            data["clientOrderId"] = order.client_id
        data["orderId"] = order.order_id
        data["side"] = order.side
        data["quantity"] = text(order.quantity) if order.quantity is not None else None
        if order.price is not None:
            data["price"] = data["limitPrice"] = text(order.price)
        data["orderType"] = order.kind
        data["marketCode"] = order.market
    else:
        data.update({k: v for k, v in shown.items() if k not in ("timestamp", "recvWindow")})
    reply = _head("modifyorder", tag, now)
    reply["data"] = {k: v for k, v in data.items() if v is not None}
    return reply


def order_row(event: Event, account: str, now: int) -> dict[str, Any]:
    """One row of the order channel for ``event``, in the documented field order."""
    order = event.order
    row: dict[str, Any] = {"notice": event.notice, "accountId": account}
    if order.client_id is not None:
        row["clientOrderId"] = order.client_id
    row["orderId"] = order.order_id
    if order.price is not None:
        row["price"] = text(order.price)
    if order.quantity is not None:
        row["quantity"] = text(order.quantity)
    row["amount"] = text(order.amount) if order.amount is not None else "0.0"
    row.update(side=order.side, status=event.status, marketCode=order.market,
               timeInForce=order.tif, timestamp=str(now))
    if event.notice == "OrderMatched":
        row.update(matchId=str(next(_match_ids)), matchPrice=_num(event.match_price),
                   matchQuantity=_num(event.match_quantity), orderMatchType=event.role)
    row["remainQuantity"] = _num(order.remain) if order.remain is not None else "0"
    if order.stop is not None:
        row["stopPrice"] = text(order.stop)
    if order.price is not None:
        row["limitPrice"] = text(order.price)
    row["orderType"] = order.kind
    if event.notice == "OrderMatched":
        row.update(fees="0", feeInstrumentId=order.market.split("-")[1]
                   if "-" in order.market else order.market)
    row["isTriggered"] = "true" if order.triggered else "false"
    if order.stop is not None:
        row["triggerType"] = TRIGGER_TYPES[0]
    shown = order.display if order.display is not None else order.quantity
    if shown is not None:
        row["displayQuantity"] = text(shown)
    return row


def _num(value: Optional[Decimal]) -> Optional[str]:
    return None if value is None else text(value)


def channel(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """``{"table": "order", "data": rows}``."""
    return {"table": "order", "data": rows}


def order_gone(op: str, item: dict[str, Any], order: Optional[Order], now: int
               ) -> dict[str, Any]:
    """The documented failure push (code 100004) for a cancel or modify of a closed order."""
    event, message, status = venue.ORDER_GONE[op]
    client = order.client_id if order is not None else item.get("clientOrderId")
    order_id = order.order_id if order is not None else item.get("orderId")
    data: dict[str, Any] = {
        "clientOrderId": _int(client), "orderId": _int(order_id),
        "displayQuantity": 0.0, "lastMatchPrice": 0.0, "lastMatchQuantity": 0.0,
        "lastMatchedOrderId": 0, "lastMatchedOrderId2": 0, "matchedId": 0,
        "matchedType": "MAKER", "remainQuantity": 0.0,
        "side": order.side if order is not None else item.get("side", "BUY"),
        "status": status, "timeCondition": order.tif if order is not None else "GTC",
        "marketCode": item.get("marketCode"), "timestampEpochMs": now,
        "orderType": order.kind if order is not None else "LIMIT",
        "price": 0.0, "quantity": 0.0, "isTriggered": False}
    if data["clientOrderId"] is None:
        del data["clientOrderId"]
    return {"event": event, "submitted": False, "message": message,
            "code": venue.ORDER_GONE_CODE, "timestamp": "0", "data": data}


def _int(value: Any) -> Any:
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def cancel_all(now: int, market: Optional[str] = None) -> dict[str, Any]:
    """The Cancel All push ``{"event": "CANCEL", "submitted": true, "timestamp"}`` (with the
    ``marketCode`` when only one market's orders were cancelled)."""
    push: dict[str, Any] = {"event": "CANCEL", "submitted": True, "timestamp": str(now)}
    if market is not None:
        push["marketCode"] = market
    return push


def market_row(record: MarketRecord, price: Optional[Decimal]) -> dict[str, Any]:
    """One market as the ``market`` channel pushes it (strings, ``qtyIncrement``,
    ``marketPrice``)."""
    m = record.market
    row: dict[str, Any] = {"marketCode": m.marketCode, "type": m.type}
    for name in ("base", "counter"):
        if getattr(m, name) is not None:
            row[name] = getattr(m, name)
    for name, value in (("tickSize", m.tickSize), ("qtyIncrement", m.minSize),
                        ("upperPriceBound", m.upperPriceBound),
                        ("lowerPriceBound", m.lowerPriceBound), ("marketPrice", price)):
        if value is not None:
            row[name] = text(value)
    return row


def injected(op: Any, frame: Any, code: str, now: int) -> list[dict[str, Any]]:
    """The failure replies of a fault injected with ``fail_next``: the table's message for
    ``code``; one reply per item of a batch, as the exchange answers batch items."""
    message = CODES[code].format(venue.INJECTED_FILL)
    tag = frame.get("tag") if isinstance(frame, dict) else None
    items = frame.get("dataArray") if isinstance(frame, dict) else None
    if isinstance(items, list) and items:
        return [failure_reply(op, tag, item, code, message, now) for item in items]
    data = frame.get("data") if isinstance(frame, dict) else None
    return [failure_reply(op, tag, data, code, message, now)]
