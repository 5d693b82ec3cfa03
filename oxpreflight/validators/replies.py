"""The failure reply the exchange would send for a rejected command.

The echoed ``data`` is the exchange's normalised order, not the bytes sent (the one recorded
real reply, orders-api.md): ``timestamp`` and ``recvWindow`` as numbers, ids, quantities and
prices as strings, ``"source": 0`` on a placeorder that gave none, undocumented fields gone.
Once the exchange has found the order's market it also fills in what it derives from the
order type, as its documented failure replies show (``limitPrice`` beside a LIMIT or modify
``price``, ``price`` from a STOP_LIMIT's ``limitPrice``, ``triggerType`` on stops,
``timeInForce`` IOC on STOP_MARKET); a rejection of the market code itself echoes the order as
parsed, as the recorded 20015 reply does. Login and subscription failures carry no ``data``.
"""
from __future__ import annotations

import re
from decimal import Decimal
from functools import partial
from typing import Any, Optional

from ..rules import ECHO_ORDER, FIELDS, RULES
from ..rules.language import (
    BATCH_OF, CANCEL_COMMANDS, MODIFY_COMMANDS, ORDER_COMMANDS, Absent, UnknownMarket,
)
from ..rules.local import message_of
from ..rules.order_types import BY_NAME, MODIFY_DERIVES, Copy
from .exact import as_text
from .verdict import Verdict

_ORDER_OPS = frozenset(ORDER_COMMANDS + CANCEL_COMMANDS + MODIFY_COMMANDS)
_ECHOED = tuple(FIELDS[BATCH_OF.get(op, op)] for op in _ORDER_OPS)
#: Fields echoed as numbers (integer-valued strings and floats become ints), and as strings
#: when sent as numbers, by their ``FIELDS`` spec.
_AS_NUMBER = frozenset(f for fields in _ECHOED for f, spec in fields.items()
                       if spec.echo == "number")
_AS_TEXT = frozenset(f for fields in _ECHOED for f, spec in fields.items() if spec.echo == "text")
_ORDER = ECHO_ORDER
_NUMBER_TYPES = (int, float, Decimal)  # exact classes: bool is not a number here
_DIGITS = re.compile(r"-?[0-9]{1,19}").fullmatch  # ASCII: int() also reads "١٢٣"
#: Codes that reject the market code itself: the exchange has not found a market to derive from.
_MARKET_CODES = frozenset(
    r.code for r in RULES if isinstance(r.fails, UnknownMarket)
    or (isinstance(r.fails, Absent) and r.fails.field == "marketCode"))


def _number(value: Any) -> Any:
    cls = value.__class__
    if cls is str and _DIGITS(value):
        return int(value)
    integral = (cls is float and value.is_integer()) or (
        cls is Decimal and value.is_finite() and value == value.to_integral_value())
    if integral and abs(value) < 2**63:
        return int(value)
    return value


def _text(value: Any) -> Any:
    if value.__class__ in _NUMBER_TYPES:
        try:
            return as_text(value)
        except ValueError:  # an int beyond Python's digit limit stays as sent
            return value
    return value


def _finite(value: Any) -> Any:
    """``value`` with each NaN or infinite float (a dict can hold one; JSON cannot) as ``None``,
    what orjson writes for it, so no encoder of the reply writes ``Infinity`` or ``NaN``."""
    cls = value.__class__
    if cls is float:
        return value if value - value == 0 else None
    if cls is dict:
        return {k: _finite(v) for k, v in value.items()}
    if cls is list or cls is tuple:
        return [_finite(v) for v in value]
    return value


def _derive(op: str, out: dict) -> None:
    """Fields the exchange fills in from the order type (``rules/order_types.py``)."""
    if op == "modifyorder":
        derives = MODIFY_DERIVES
    else:
        kind = out.get("orderType")
        found = BY_NAME.get(kind) if kind.__class__ is str else None
        if found is None:
            return
        derives = found.derives
    for name, source in derives:
        if source.__class__ is Copy:
            if source.field in out:  # type: ignore[union-attr]
                out.setdefault(name, out[source.field])  # type: ignore[union-attr]
        else:
            out.setdefault(name, source)


def echo(data: dict, op: str = "placeorder", code: Optional[str] = None) -> dict:
    """The order as the exchange echoes it in a reply to ``op`` (a single command's name)."""
    known = FIELDS.get(op)
    work: dict[str, Any] = {}
    for name, value in data.items():
        if known is not None and name not in known:
            continue  # not part of the exchange's order object
        if name in _AS_NUMBER:
            value = _number(value)
        elif name in _AS_TEXT:
            value = _text(value)
        work[name] = _finite(value)
    if op == "placeorder":
        work.setdefault("source", 0)
    if op in ("placeorder", "modifyorder") and code not in _MARKET_CODES:
        _derive(op, work)
    out = {name: work.pop(name) for name in _ORDER if name in work}
    out.update(work)
    return out


def failure_reply(op: Optional[str], tag: Any, data: Any, code: str, message: str,
                  now: int) -> dict:
    """``{"event", "submitted"|"success", "tag", "message", "code", "timestamp", "data"}``."""
    reply: dict[str, Any] = {}
    event = BATCH_OF.get(op, op) if isinstance(op, str) else None
    if event is not None:
        reply["event"] = event
    order = event in _ORDER_OPS
    reply["submitted" if order else "success"] = False
    if tag is not None and (tag.__class__ is str or tag.__class__ is int):
        reply["tag"] = tag if tag.__class__ is str else as_text(tag)  # exact at any length
    reply["message"] = message
    reply["code"] = code
    reply["timestamp"] = str(now)
    if order and isinstance(data, dict):
        reply["data"] = echo(data, event, code)
    return reply


def rejection(code: str, *, op: Any, tag: Any, data: Any, now: int, fill: Any = None,
              field: Optional[str] = None, value: Any = None, index: Optional[int] = None,
              warnings: tuple = (), rule: Optional[str] = None,
              message: Optional[str] = None) -> Verdict:
    """A rejected verdict: the catalogue's message (or the row's own ``message``; ``xxx``
    filled with ``fill``) and the failure reply, built on first use from a snapshot of
    ``data`` taken now; ``rule`` names the row."""
    text = message_of(code, fill, message)
    snapshot = dict(data) if data.__class__ is dict else data
    return Verdict(False, code, text, field, value, (), warnings, None, index,
                   partial(failure_reply, op, tag, snapshot, code, text, now), rule)
