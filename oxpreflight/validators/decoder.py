"""The one decoder: websocket text (str or bytes) to the JSON value it carries.

``decode`` is the fast read (orjson; floats for non-integers); ``decode_exact`` the re-read with
every number exact (``int`` for integers of any length; for a decimal, the float whose shortest
text is exactly its value, else ``Decimal``), used when a float tied with a bound, when an
integer does not fit 64 bits, and for the echoed order of a failure reply. A float stands for
its shortest text everywhere, so numbers appear in messages and echoed data as that text
(Python's ``repr``, orjson's and ``json.dumps``' output: ``1e-07``, ``68000.5``), whether the
frame was a dict or JSON text; only a decimal no float holds keeps its own digits. Both refuse the same texts, so they never disagree on what is JSON:

- bytes that are not UTF-8 (UTF-16, UTF-32) and text starting with a byte-order mark: websocket
  text is UTF-8 (RFC 6455) and JSON text has no BOM (RFC 8259) -> ``NOT_UTF8``;
- strings with an unpaired surrogate escape (``"\\ud800"``): not Unicode text -> ``NOT_UTF8``;
- objects and arrays nested deeper than ``MAX_DEPTH`` -> ``TOO_DEEP``;
- anything else that is not JSON (NaN and Infinity included) -> ``NOT_JSON``.
"""
from __future__ import annotations

import json
import math
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson

from ..rules.frame import MAX_DEPTH


class Refusal:
    """Why a text is not a JSON value the exchange can read (compares by identity)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name}>"


NOT_JSON, NOT_UTF8, TOO_DEEP = Refusal("not_json"), Refusal("not_utf8"), Refusal("too_deep")
_INT_DIGITS = 4000  # below CPython's int() digit limit (4300); longer integers go by Decimal


def _no_constant(name: str) -> Any:
    raise ValueError(name)


_MAX_EXPONENT = 999_999_999_999_999_999  # decimal's MAX_EMAX: Decimal("1e10**18") raises


def read_decimal(text: str) -> Decimal:
    """``Decimal(text)`` for a numeric text (ASCII, JSON-like); an exponent beyond decimal's
    range (10**18) is clamped to it: such a number is beyond every bound, tick and size by a
    factor of 10**(10**18), so no verdict changes, and nothing raises."""
    try:
        return Decimal(text)
    except InvalidOperation:
        mantissa, _, power = text.lower().partition("e")
        sign, digits, _ = Decimal(mantissa).as_tuple()
        limit = _MAX_EXPONENT - len(digits)
        return Decimal((sign, digits, -limit if power.startswith("-") else limit))


def _exact_float(text: str) -> Any:
    # The float when its shortest text is the literal's exact value (so a number renders as a
    # dict holding that float renders it, repr's shortest form: 1e-07, never 1E-7), else Decimal.
    number = read_decimal(text)
    value = float(text)
    return value if math.isfinite(value) and Decimal(repr(value)) == number else number


def _big_int(text: str) -> Any:
    # Exact at any length: int() refuses more than 4300 digits; Decimal does not.
    return int(text) if len(text) < _INT_DIGITS else Decimal(text)


_EXACT = json.JSONDecoder(parse_float=_exact_float, parse_int=_big_int, parse_constant=_no_constant)


#: Digits and points -> "0", "e" and "E" -> "e": one pass finds long digit runs and exponents.
_NUMERIC_SHAPE = bytes(0x30 if 0x30 <= i <= 0x39 or i == 0x2E else 0x65 if i in (0x45, 0x65)
                       else i for i in range(256))


def may_lose_digits(text: Any) -> bool:
    """True when a number of ``text`` may not be the decimal its float stands for: 17 or more
    digits and points in a row (a decimal of at most 15 significant digits survives the round
    trip through a float), or an exponent (underflow, subnormals). Strings that look so only
    cost an exact re-read."""
    raw = text if text.__class__ is bytes else text.encode("utf-8", "surrogatepass")
    shape = raw.translate(_NUMERIC_SHAPE)
    return b"00000000000000000" in shape or b"0e" in shape


def written_by_orjson(obj: Any, text: Any) -> bool:
    """True when ``text`` is exactly orjson's compact encoding of ``obj`` (its decoding): then
    every float in it was written as its shortest text, so no number lost digits. Compact
    writers (ccxt's ``json.dumps(separators=...)`` on ASCII frames, JavaScript, Go) write so."""
    try:
        raw = orjson.dumps(obj)
    except orjson.JSONEncodeError:
        return False
    return raw == text if text.__class__ is bytes else raw == text.encode("utf-8", "surrogatepass")


def lossy(obj: dict[str, Any], text: Any) -> bool:
    """True when a float of ``obj`` (decoded from ``text``) may not be the decimal its text
    says; False for a text orjson itself would write (its floats are their shortest texts)."""
    return not written_by_orjson(obj, text) and may_lose_digits(text)


def has_float(obj: dict[str, Any]) -> bool:
    """A float where a verdict can depend on its digits: the tag or an order's field."""
    if obj.get("tag").__class__ is float:
        return True
    data = obj.get("data")
    if data.__class__ is dict:
        return float in map(type, data.values())
    items = obj.get("dataArray")
    return items.__class__ is list and any(
        item.__class__ is dict and float in map(type, item.values()) for item in items)


def text_of(frame: Any) -> Any:
    """``frame`` as str or bytes (memoryview and bytearray copied once)."""
    cls = frame.__class__
    return frame if cls is str or cls is bytes else bytes(frame)


def depth_bound(text: Any) -> int:
    """An upper bound of the nesting depth: every level opens with ``{`` or ``[``."""
    if text.__class__ is str:
        return int(text.count("{") + text.count("["))
    return int(text.count(b"{") + text.count(b"["))


def depth_over(value: Any, limit: int = MAX_DEPTH) -> bool:
    """True when objects and arrays in ``value`` nest deeper than ``limit`` (iterative)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        cls = item.__class__
        if cls is dict or isinstance(item, dict):
            if depth > limit:
                return True
            stack.extend((v, depth + 1) for v in item.values())
        elif cls is list or cls is tuple or isinstance(item, (list, tuple)):
            if depth > limit:
                return True
            stack.extend((v, depth + 1) for v in item)
    return False


def has_lone_surrogate(value: Any) -> bool:
    """True when a string (key or value) in ``value`` cannot be encoded as UTF-8 (iterative)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if not item.isascii():
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError:
                    return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return False


def _as_str(text: Any) -> Any:
    """Text as str, or a refusal: UTF-8 only, no BOM."""
    if text.__class__ is not str:
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            return NOT_UTF8
    if text.startswith("\ufeff"):
        return NOT_UTF8
    return text


def decode(text: Any) -> Any:
    """The JSON value of ``text`` (str or bytes), or a :class:`Refusal`. Numbers: int (64 bits)
    and float where orjson can; exact ints and Decimals otherwise (integers beyond 64 bits)."""
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return decode_exact(text)
    if len(text) > 2 * MAX_DEPTH and depth_bound(text) > MAX_DEPTH and depth_over(value):
        return TOO_DEEP  # deeper than MAX_DEPTH takes more than 2 * MAX_DEPTH brackets
    return value


def decode_exact(text: Any) -> Any:
    """The JSON value of ``text`` with every number exact (int for an integer; a float when its
    shortest text is the number, else Decimal), or a :class:`Refusal`; refuses exactly what
    :func:`decode` refuses."""
    text = _as_str(text)
    if text.__class__ is not str:
        return text
    if depth_bound(text) > MAX_DEPTH and _true_depth_over(text):
        return TOO_DEEP
    try:
        value = _EXACT.decode(text)
    except (ValueError, RecursionError):
        return NOT_JSON
    if not text.isascii() or "\\u" in text or "\\U" in text:
        if has_lone_surrogate(value):
            return NOT_UTF8
    return value


def _true_depth_over(text: str) -> bool:
    """Nesting depth of JSON text measured on its brackets outside strings (no recursion)."""
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "{" or char == "[":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif char == "}" or char == "]":
            depth -= 1
    return False


__all__ = ["decode", "decode_exact", "read_decimal", "may_lose_digits", "written_by_orjson",
           "lossy", "has_float", "depth_bound", "depth_over", "has_lone_surrogate", "text_of", "Refusal",
           "NOT_JSON", "NOT_UTF8", "TOO_DEEP"]
