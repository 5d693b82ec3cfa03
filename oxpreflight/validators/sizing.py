"""Frame sizing: how a dict frame is proven to fit ``max_message_length`` without encoding it,
and the exact measure when it cannot be proven.

The proof. A dict frame is sent as compact JSON. Its length is the envelope (``{"op":...,
"tag":...,"data":{...}}`` or ``"dataArray":[...]``) plus, per field of each order, the key with
its quotes, colon and comma, plus the value's text. The plans bound each term:

- envelope: at most ``ENVELOPE_ROOM`` characters besides the tag's own text (the longest op,
  ``modifyorders``, with every quote, colon, comma and bracket); the tag: at most ``TAG_ROOM``
  (a tag of more than 32 characters is rejected, so measured; 32 characters take at most 194
  as escapes; a string that is not ASCII is added on top, as it might not be Unicode text);
- key: documented keys are identifiers of at most 37 characters (the compiler refuses longer
  ones), so key, quotes, colon and comma fit ``KEY_ROOM`` with 3 to spare: the braces and
  comma of the item the key is in (an item without fields fails a required-field row, so it is
  measured);
- a value the plan has typed: an enumeration value or market code that passed its rule (a
  market code is at most 64 characters, see ``Market``), a float (at most 24 characters in
  shortest form), an int within 64 bits (at most 19 digits and a sign), a numeric string of
  at most 15 characters or a digit string of at most 19, with their quotes, fit ``VALUE_ROOM``;
  every other value (strings, big ints, Decimals, lists, unknown fields) is added by
  :func:`size_bound`, an upper bound of its compact text (every character of a string counted
  as the 6 of a ``\\uXXXX`` escape).

So ``len(d) * FIELD_ROOM + (sizes of the other values) + ENVELOPE_ROOM + TAG_ROOM`` bounds the
frame's text; when that bound is within the limit the frame fits and is never encoded. A fast
path sizes every value before its first row, so a rejection it marks :func:`proven` (every
string field but the rejected one has passed its row) is bounded too, with the rejected
value's :func:`size_bound` added. Otherwise (a rule failed elsewhere, the bound is over, the
frame has fields besides op/tag/payload) the frame is measured: :func:`fits` first (one orjson
encoding), then exactly by :func:`measure` (orjson's compact encoding, the reference).

A batch is bounded item by item the same way; a batch whose items cannot fit even at their
smallest (``{}`` and a comma, 3 characters each) is refused without reading them. A batch
whose bound is over the limit but whose items all passed had every value sized (a value
nested past ``MAX_DEPTH`` is sized ``UNBOUNDED``), so its one measurement need not count
brackets (``fits(..., shallow=True)``).
"""
from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Union

import orjson

from ..rules.frame import MAX_DEPTH
from .decoder import NOT_JSON, NOT_UTF8, TOO_DEEP, Refusal

KEY_ROOM = 46
VALUE_ROOM = 66
FIELD_ROOM = KEY_ROOM + VALUE_ROOM
ENVELOPE_ROOM = 64
TAG_ROOM = 6 * 32 + 2
#: The fewest characters one batch item takes: ``{}`` and a comma.
MIN_ITEM = 3
#: A size no frame limit admits, so the engine measures the frame exactly.
UNBOUNDED = 1 << 62
#: The deepest level a field value sits at: frame, dataArray, item, value.
VALUE_DEPTH = 4
_SMALL = 10**18  # ints inside +-_SMALL encode in at most 19 characters


def int_size_bound(value: int) -> int:
    """An upper bound of ``len(str(value))`` that works past CPython's 4300-digit limit."""
    return value.bit_length() * 3 // 10 + 2  # log10(2) < 0.302


def size_bound(value: Any, depth: int = VALUE_DEPTH) -> int:
    """An upper bound on the length of ``value`` in compact JSON (escapes counted at worst);
    ``UNBOUNDED`` for anything the exact measure must decide (not JSON, perhaps too deep, a
    string that is not Unicode text). ``depth``: the value's level in the frame, at most."""
    cls = value.__class__
    if cls is str:
        if value.isascii():
            return 6 * len(value) + 2
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return UNBOUNDED
        return 6 * len(value) + 2
    if cls is int:
        return 20 if -_SMALL < value < _SMALL else int_size_bound(value)
    if cls is float:
        return 24
    if value is None or cls is bool:
        return 5
    if depth >= MAX_DEPTH:
        return UNBOUNDED
    if cls is dict:
        return 2 + sum(size_bound(k, depth) + 2 + size_bound(v, depth + 1)
                       for k, v in value.items())
    if cls is list or cls is tuple:
        return 2 + sum(size_bound(v, depth + 1) + 1 for v in value)
    return UNBOUNDED


def _decimal_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError


def proven(size: list[int], result: Any) -> Any:
    """``result`` (a fast path's rejection), with ``size`` (the plan's ``S``: the bound, and
    a flag set when a float was read) marked as complete by a third item: every value of the
    frame is in the bound but the rejected one, which the engine adds."""
    size.append(1)
    return result


def fits(frame: Any, limit: int, shallow: bool = False) -> bool:
    """True when ``frame`` certainly encodes within ``limit`` characters, nested within
    ``MAX_DEPTH`` and as UTF-8 (its bytes bound its characters; nesting deeper than
    ``MAX_DEPTH`` needs more than ``2 * MAX_DEPTH`` brackets). ``shallow``: the caller knows
    the nesting is within ``MAX_DEPTH`` (a plan sized every value below it), so the brackets
    are not counted. False: ask :func:`measure`."""
    try:
        raw = orjson.dumps(frame, default=_decimal_default)
    except (TypeError, orjson.JSONEncodeError):
        return False
    size = len(raw)
    return size <= limit and (shallow or size <= 2 * MAX_DEPTH
                              or raw.count(b"[") + raw.count(b"{") <= MAX_DEPTH)


def measure(frame: Any, limit: int) -> Union[int, Refusal]:
    """Characters of ``frame`` as compact JSON (orjson's encoding), or the reason it cannot
    be sent: ``NOT_JSON`` (a value JSON has no form for), ``TOO_DEEP``, ``NOT_UTF8`` (a string
    with an unpaired surrogate). A frame over ``limit`` reports its length whatever else is
    wrong, as text over the limit is refused before it is read."""
    try:
        raw = orjson.dumps(frame, default=_decimal_default)
    except (TypeError, orjson.JSONEncodeError):
        return _walk(frame, limit)
    length = len(raw) if len(raw) <= limit else len(raw.decode("utf-8"))
    if length <= limit and raw.count(b"[") + raw.count(b"{") > MAX_DEPTH:
        return _walk(frame, limit)
    return length


_NAMED = {True: "true", False: "false", None: "null"}


def _leaf(value: Any) -> Union[int, Refusal]:
    """Characters of one non-container value, as orjson (or ``json`` for what orjson
    refuses: big ints, non-string keys) would write it."""
    if isinstance(value, str):
        return len(json.dumps(value, ensure_ascii=False))
    if value is None or value is True or value is False:
        return len(_NAMED[value])
    if isinstance(value, int):
        return len(str(Decimal(value)))
    if isinstance(value, Decimal):
        return len(str(value))
    try:
        return len(orjson.dumps(value).decode("utf-8"))
    except (TypeError, orjson.JSONEncodeError):
        return NOT_JSON


def _key(key: Any) -> Union[int, Refusal]:
    if isinstance(key, str):
        return _leaf(key)
    if key is None or key is True or key is False:
        return len(_NAMED[key]) + 2
    if isinstance(key, (int, float)):  # ``json`` writes these keys as strings
        return len(json.dumps(str(int(key)) if isinstance(key, int) else repr(key)))
    return NOT_JSON


def _utf8(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _walk(frame: Any, limit: int) -> Union[int, Refusal]:
    """:func:`measure` without recursion, for what orjson cannot encode directly."""
    total = 0
    worst: Refusal | None = None
    stack: list[tuple[Any, int]] = [(frame, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list, tuple)):
            if depth > MAX_DEPTH and worst is None:
                worst = TOO_DEEP
            total += 2 + max(len(value) - 1, 0)
            if isinstance(value, dict):
                for key, item in value.items():
                    size = _key(key)
                    if isinstance(size, Refusal):
                        return size
                    if isinstance(key, str) and not _utf8(key):
                        worst = worst or NOT_UTF8
                    total += size + 1
                    stack.append((item, depth + 1))
            else:
                stack.extend((item, depth + 1) for item in value)
            continue
        size = _leaf(value)
        if isinstance(size, Refusal):
            return size
        if isinstance(value, str) and not _utf8(value):
            worst = worst or NOT_UTF8
        total += size
    if total > limit:
        return total
    return worst if worst is not None else total


__all__ = ["FIELD_ROOM", "ENVELOPE_ROOM", "TAG_ROOM", "KEY_ROOM", "VALUE_ROOM", "MIN_ITEM",
           "UNBOUNDED", "size_bound", "int_size_bound", "measure", "fits", "proven"]
