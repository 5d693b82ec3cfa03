"""The command of a frame the exchange cannot parse, when it can be read before the point where
the frame breaks: the exchange then answers in that command's failure shape, as in the one
recorded reply for text that is not JSON (``{"event":"placeorder","submitted":false,"message":
"JSON data format is invalid","code":...,"timestamp":...}``, no tag, no data; ccxt 4.4,
``js/src/pro/oxfun.js``, ``handlePlaceOrders``).

Text is scanned as JSON from its start without recursion, stopping at the first byte that is
not UTF-8, a byte-order mark, a syntax error, a string with an unpaired surrogate, or nesting
deeper than ``MAX_DEPTH``; an ``op`` member of the top-level object whose string value was
read completely before that point names the command. A dict is read member by member in its
own order, each one that cannot be encoded being the break.
"""
from __future__ import annotations

import json
import re
from typing import Any, Optional

from ..rules.frame import MAX_DEPTH
from ..rules.language import COMMANDS
from .sizing import measure

_COMMANDS = frozenset(COMMANDS)
_SPACE = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"')
_SCALAR = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null")
_NO_LIMIT = 1 << 62


def _string(text: str, at: int) -> tuple[Optional[str], int]:
    """The string token at ``at`` and the index after it, or ``(None, at)`` when it breaks."""
    match = _STRING.match(text, at)
    if match is None:
        return None, at
    value = json.loads(match.group())
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # an unpaired surrogate, escaped or raw
        return None, at
    return value, match.end()


def _read_text(text: str) -> Optional[str]:
    found: Optional[str] = None
    at = _SPACE.match(text, 0).end()  # type: ignore[union-attr]
    if text[at:at + 1] != "{":
        return None
    stack = ["{"]
    at += 1
    expect = "key_or_end"  # what may come next in the innermost container
    key: Optional[str] = None
    while stack:
        at = _SPACE.match(text, at).end()  # type: ignore[union-attr]
        char = text[at:at + 1]
        if not char:
            return found
        top = stack[-1]
        if expect in ("key_or_end", "value_or_end") and char in "}]":
            if (char == "}") != (top == "{"):
                return found
            stack.pop()
            at += 1
            expect = "comma_or_end"
            continue
        if expect == "comma_or_end":
            if char == ",":
                expect = "key" if top == "{" else "value"
                at += 1
            elif char in "}]" and (char == "}") == (top == "{"):
                stack.pop()
                at += 1
            else:
                return found
            continue
        if expect in ("key", "key_or_end"):
            if char != '"':
                return found
            key, at = _string(text, at)
            if key is None:
                return found
            at = _SPACE.match(text, at).end()  # type: ignore[union-attr]
            if text[at:at + 1] != ":":
                return found
            at += 1
            expect = "value"
            continue
        # a value (after a key, or in an array)
        member = top == "{" and len(stack) == 1
        if char in "{[":
            if len(stack) >= MAX_DEPTH:
                return found
            stack.append(char)
            at += 1
            expect = "key_or_end" if char == "{" else "value_or_end"
            continue
        if char == '"':
            value, end = _string(text, at)
            if value is None:
                return found
            if member and key == "op":
                found = value
            at = end
        else:
            match = _SCALAR.match(text, at)
            if match is None:
                return found
            at = match.end()
            if member and key == "op":
                found = None  # a later op that is not a string replaces an earlier one
        expect = "comma_or_end"
    return found


def _prefix(text: Any) -> Optional[str]:
    """``text`` as str up to its first byte that is not UTF-8; ``None`` from a BOM."""
    if text.__class__ is not str:
        raw = bytes(text)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            text = raw[:exc.start].decode("utf-8")
    return None if text.startswith("\ufeff") else text


def readable_op(frame: Any) -> Optional[str]:
    """The command (one of the nine) a frame the exchange cannot parse names before the point
    where it breaks, else ``None``. ``frame``: JSON text (str or bytes) or a dict."""
    if isinstance(frame, dict):
        for name, value in frame.items():
            if name == "op":
                return value if value.__class__ is str and value in _COMMANDS else None
            if not isinstance(measure({name: value}, _NO_LIMIT), int):
                return None
        return None
    text = _prefix(frame)
    if text is None:
        return None
    op = _read_text(text)
    return op if op in _COMMANDS else None


__all__ = ["readable_op"]
