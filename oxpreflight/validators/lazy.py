"""What a verdict builds only when it is first read: the notices of its warnings and its
failure reply (a rejection stays cheap to make; most are never shown in full)."""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

from ..rules.language import Rule
from ..rules.local import fill_text
from .decoder import decode, decode_exact, depth_over, has_lone_surrogate
from .replies import rejection
from .verdict import Notice


def notices(found: list[tuple[Rule, Any, Any]]) -> tuple[Notice, ...]:
    """The notices of a plan's warning findings ``(rule, value, fill)`` (never raises: a value
    that cannot be shown leaves the message unfilled)."""
    out = []
    for rule, value, fill in found:
        try:
            message = (rule.warning or "").format(value=value, fill=fill_text(fill))
        except Exception:
            message = rule.warning or ""
        out.append(Notice(rule.code, rule.field, value, message, rule.name))
    return tuple(out)


def reply(now: Any, rule: Rule, op: Any, tag: Any, fill: Any, value: Any,
           index: Optional[int], source: Any, from_text: bool) -> Optional[dict[str, Any]]:
    """The failure reply (``replies.rejection``), built when first asked for. From text, the
    order is re-read exactly (big integers and long decimals keep their digits)."""
    data = source
    if from_text:
        text, data = source
        try:
            frame = decode_exact(text)
            data = frame["data"] if index is None else frame["dataArray"][index]
            tag = frame.get("tag")
        except Exception:
            pass
    stamp = now() if callable(now) else now
    return rejection(rule.code, op=op, tag=tag, data=data, now=stamp, fill=fill,
                     field=rule.field, value=value, index=index,
                     message=rule.message).response


def oversize_reply(now: Any, rule: Rule, source: Any, op: Any, tag: Any
                    ) -> Optional[dict[str, Any]]:
    """The 20027 reply: with op and tag (a dict's, taken at check time) when the frame is a JSON
    object the exchange can read (not nested too deep, no lone surrogate), else without; an
    integer tag read exactly."""
    if isinstance(source, dict):
        if depth_over(source) or has_lone_surrogate(source):
            op = tag = None
        return reply(now, rule, op, tag, None, None, None, None, False)
    text = source
    frame = decode(text)
    op = tag = None
    if frame.__class__ is dict:
        op, tag = frame.get("op"), frame.get("tag")
        if tag.__class__ is float:  # orjson reads integers beyond 64 bits as floats
            exact = decode_exact(text)
            tag = exact.get("tag") if exact.__class__ is dict else None
        if tag.__class__ is Decimal and tag.as_tuple().exponent == 0:
            tag = int(tag)  # an integer literal of 4,000+ digits (decode_exact's Decimal)
    return reply(now, rule, op, tag, None, None, None, None, False)


__all__ = ["notices", "reply", "oversize_reply"]
