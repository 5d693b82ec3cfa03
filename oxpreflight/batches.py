"""What the send paths do with a batch that has failing items: every item answered locally
(:func:`held_replies`), or the passing items sent as a batch of their own (:func:`valid_part`)."""
from __future__ import annotations

import json
import secrets
from decimal import Decimal
from typing import Any, Optional

import orjson

from .rules.guarding import HELD_BACK, HELD_BACK_MESSAGE
from .rules.language import BATCH_OF
from .validators.replies import failure_reply
from .validators.verdict import Verdict

Reply = dict[str, Any]


def decoded(frame: Any) -> Optional[dict[str, Any]]:
    """The frame as a dict (numbers exact: floats as ``Decimal``), or ``None`` if unreadable."""
    if isinstance(frame, dict):
        return frame
    try:
        text = frame if isinstance(frame, str) else bytes(frame).decode("utf-8")
        obj = json.loads(text, parse_float=Decimal)
    except (TypeError, ValueError, RecursionError):
        return None
    return obj if isinstance(obj, dict) else None


def _items(frame: Any) -> Optional[list[Any]]:
    obj = decoded(frame)
    items = None if obj is None else obj.get("dataArray")
    return items if isinstance(items, list) else None


def is_partial(verdict: Verdict) -> bool:
    """A batch verdict some of whose items fail and some pass."""
    return (not verdict.ok and bool(verdict.items)
            and any(item.ok for item in verdict.items))


def held_replies(verdict: Verdict, frame: Any, now: int) -> list[Reply]:
    """One local reply per item of a rejected batch, in item order: a failing item's failure
    reply, and for each passing item a :data:`HELD_BACK` reply saying it was not sent."""
    items = _items(frame) if is_partial(verdict) else None
    replies: list[Reply] = []
    first = verdict.items[verdict.index or 0] if verdict.items else verdict
    for index, item in enumerate(verdict.items):
        if not item.ok:
            if item.response is not None:
                replies.append(item.response)
            continue
        if items is None or index >= len(items):
            continue
        obj = decoded(frame) or {}
        message = HELD_BACK_MESSAGE.format(index=first.index if first.index is not None
                                           else verdict.index, code=first.code)
        replies.append(failure_reply(obj.get("op"), obj.get("tag"), items[index], HELD_BACK,
                                     message, now))
    return replies


def failing_replies(verdict: Verdict) -> list[Reply]:
    """The failure replies of a batch's failing items, in item order."""
    return [item.response for item in verdict.items
            if not item.ok and item.response is not None]


def _encoded_number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return orjson.Fragment(str(value))  # exactly the digits sent
    raise TypeError


def exact_json(obj: dict[str, Any]) -> bytes:
    """Compact JSON, every number exactly as read (orjson stops at 64-bit integers: then the
    standard library, with each ``Decimal`` written through a one-off placeholder)."""
    try:
        return orjson.dumps(obj, default=_encoded_number)
    except orjson.JSONEncodeError:
        pass
    nonce, numbers = secrets.token_hex(8), []

    def hide(value: Any) -> Any:
        numbers.append(str(value))
        return f"\x00{nonce}:{len(numbers) - 1}\x00"

    text = json.dumps(obj, default=hide, separators=(",", ":"), ensure_ascii=False)
    for index, digits in enumerate(numbers):
        text = text.replace(f'"\\u0000{nonce}:{index}\\u0000"', digits, 1)
    return text.encode()


def valid_part(verdict: Verdict, frame: Any) -> Optional[tuple[Any, tuple[int, ...]]]:
    """The frame with only the passing items of a partly failing batch (same kind as given:
    a dict, str or bytes; every other field kept) and their indices; ``None`` when there is
    no such part."""
    if not is_partial(verdict):
        return None
    obj = decoded(frame)
    items = None if obj is None else obj.get("dataArray")
    if not isinstance(items, list) or obj is None or obj.get("op") not in BATCH_OF:
        return None
    kept = tuple(i for i, item in enumerate(verdict.items) if item.ok and i < len(items))
    part = dict(obj)
    part["dataArray"] = [items[i] for i in kept]
    if isinstance(frame, dict):
        return part, kept
    text = exact_json(part)
    return (text.decode() if isinstance(frame, str) else text), kept
