"""The floor: a hand-written check of a LIMIT placeorder on one market, doing the work the
generated LIMIT path does, in the same order, with nothing generated and no general fallback
(an order it does not cover answers ``"general"``). It is the "how fast can pure Python do
this" column of the holes table, not a validator: it knows one market and one order type.

Numbers are compared exactly as the engine does: a float or an int a float holds exactly is
compared as a float and a tie re-decided on its decimal text; a plain numeric string of at most
15 characters is read through its float.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable, Optional

from benchmarks import frames as F

_SIDES = ("BUY", "SELL")
_TIF = ("GTC", "IOC", "FOK", "MAKER_ONLY", "MAKER_ONLY_REPRICE")
_STP = ("NONE", "EXPIRE_MAKER", "EXPIRE_TAKER", "EXPIRE_BOTH")
_KEYS = frozenset(("marketCode", "side", "orderType", "quantity", "price", "timeInForce",
                   "clientOrderId", "displayQuantity", "selfTradePreventionMode",
                   "triggerType", "timestamp", "recvWindow", "source"))
_KNOWN = _KEYS | {"amount", "stopPrice", "limitPrice"}
_INT64 = 2**63 - 1


def _number(value: Any) -> Any:
    """A float or int to compare with, ``None`` when absent; raises ``ValueError`` otherwise."""
    cls = value.__class__
    if cls is float:
        if value - value == 0:
            return value
    elif cls is str:
        if len(value) < 16 and value.isascii() and value.replace(".", "", 1).isdigit():
            return float(value)
    elif cls is int:
        if -2**53 <= value <= 2**53:
            return value
    elif value is None:
        return None
    raise ValueError


def _integer(value: Any) -> Any:
    cls = value.__class__
    if cls is int:
        if -_INT64 - 1 <= value <= _INT64:
            return value
    elif cls is str:
        if len(value) < 20 and value.isascii() and value.isdigit() and int(value) <= _INT64:
            return int(value)
    elif value is None:
        return None
    raise ValueError


def _below(value: Any, bound: Decimal, bound_f: float) -> bool:
    if value != bound_f:
        return value < bound_f
    return Decimal(repr(value)) < bound


def _above(value: Any, bound: Decimal, bound_f: float) -> bool:
    if value != bound_f:
        return value > bound_f
    return Decimal(repr(value)) > bound


def make_floor(markets: dict, clock: Callable[[], int]) -> Callable[[dict], Any]:
    """``check(frame)`` for LIMIT placeorders on ``F.MARKET``: ``None`` (accepted), a list of
    warning codes, a code string (rejected), or ``"general"`` (not covered)."""
    record = markets[F.MARKET]
    tick, step = int(record.tick), record.step
    step_f, lo, lo_f, hi, hi_f = record.step_f, record.lo, record.lo_f, record.hi, record.hi_f

    def check(frame: dict) -> Any:
        tag = frame.get("tag")
        if tag.__class__ is str:
            if len(tag) > 32:
                return "20034"
        elif tag.__class__ is int:
            if not -10**31 < tag < 10**32:
                return "20034"
        elif tag is not None:
            return "20002"
        d = frame.get("data")
        if d.__class__ is not dict:
            return "20002"
        if d.get("orderType") != "LIMIT" or not (d.keys() <= _KEYS or d.keys() <= _KNOWN and (
                d.get("amount") is None and d.get("stopPrice") is None
                and d.get("limitPrice") is None)):
            return "general"
        try:
            quantity = _number(d.get("quantity"))
            price = _number(d.get("price"))
            client = _integer(d.get("clientOrderId"))
            display = _number(d.get("displayQuantity"))
            timestamp = _integer(d.get("timestamp"))
            window = _integer(d.get("recvWindow"))
        except ValueError:
            return "general"
        code = d.get("marketCode")
        if code is None or code == "":
            return "20011"
        side = d.get("side")
        if side is None:
            return "20012"
        if client is not None and client <= 0:
            return "20008"
        if code != F.MARKET:
            return "general"
        if side not in _SIDES:
            return "20016"
        tif = d.get("timeInForce")
        if tif is not None and tif not in _TIF:
            return "20018"
        trigger = d.get("triggerType")
        if trigger is not None and trigger != "MARK_PRICE":
            return "20033"
        stp = d.get("selfTradePreventionMode")
        if stp is not None and stp not in _STP:
            return "20050"
        if quantity is None or quantity <= 0:
            return "20006"
        if display is not None and display != display:
            return "20002"
        if price is None:
            return "20022"
        if price <= 0:
            return "20028"
        now = clock()
        if quantity != step_f and quantity < step_f or quantity == step_f and \
                Decimal(repr(quantity)) < step:
            return "100008"
        if _below(price, lo, lo_f):
            return "710002"
        if _above(price, hi, hi_f):
            return "710003"
        if timestamp is not None and now > timestamp + (window if window is not None else 1000):
            return "100015"
        warnings = None
        if price % tick != 0:
            warnings = ["W002"]
        if round(quantity * 10000) / 10000 != quantity:
            warnings = (warnings or []) + ["W003"]
        if window is not None and timestamp is None:
            warnings = (warnings or []) + ["W006"]
        return warnings

    return check


def expect(case: F.Case) -> Optional[Any]:
    """What the floor answers for ``case`` (its verdict as the floor spells it)."""
    if not case.ok:
        return case.code
    return list(case.warnings) or None
