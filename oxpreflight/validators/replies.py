"""The failure reply the exchange would send for a rejected command (shape in orders-api.md)."""
from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import Any, Optional

from ..rules.language import BATCH_OF, CANCEL_COMMANDS, MODIFY_COMMANDS, ORDER_COMMANDS
from ..rules.catalogue import CODES
from .exact import as_text
from .verdict import Verdict

_ORDER_OPS = frozenset(ORDER_COMMANDS + CANCEL_COMMANDS + MODIFY_COMMANDS)
#: Fields the exchange echoes back as strings.
_AS_TEXT = ("quantity", "price", "stopPrice", "limitPrice", "clientOrderId")
_NUMBER_TYPES = (int, float, Decimal)  # exact classes: bool is not echoed as a number


def echo(data: dict) -> dict:
    """The order as the exchange echoes it: numbers of the ``_AS_TEXT`` fields as strings."""
    out = dict(data)
    for name in _AS_TEXT:
        value = out.get(name)
        if value.__class__ in _NUMBER_TYPES:
            out[name] = as_text(value)
    return out


def failure_reply(op: Optional[str], tag: Any, data: Any, code: str, message: str,
                  now: int) -> dict:
    """``{"event", "submitted"|"success", "tag", "message", "code", "timestamp", "data"}``."""
    reply: dict[str, Any] = {}
    if isinstance(op, str):
        reply["event"] = BATCH_OF.get(op, op)
    reply["submitted" if isinstance(op, str) and op in _ORDER_OPS else "success"] = False
    if tag is not None and (tag.__class__ is str or tag.__class__ is int):
        reply["tag"] = str(tag)
    reply["message"] = message
    reply["code"] = code
    reply["timestamp"] = str(now)
    if isinstance(data, dict):
        reply["data"] = echo(data)
    return reply


def rejection(code: str, *, op: Any, tag: Any, data: Any, now: int, fill: Any = None,
              field: Optional[str] = None, value: Any = None, index: Optional[int] = None,
              warnings: tuple = ()) -> Verdict:
    """A rejected verdict: the catalogue's message (``xxx`` filled with ``fill``) and the
    failure reply, built on first use from a snapshot of ``data`` taken now."""
    entry = CODES[code]
    message = entry.format(fill)
    snapshot = dict(data) if data.__class__ is dict else data
    return Verdict(False, entry.code, message, field, value, (), warnings, None, index,
                   partial(failure_reply, op, tag, snapshot, entry.code, message, now))
