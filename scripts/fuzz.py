"""Fuzz the send path: hostile input through ``check``, ``submit``, ``guard``.

    python scripts/fuzz.py --count 1000000 --seed 1 [--out benchmarks/FUZZ.md]

Inputs: mutations of valid and violating frames drawn from the project's own strategies
(field deletion, type swaps, huge and tiny numbers, NaN/Infinity text, unicode, lone
surrogates, deep nesting, duplicate keys, non-UTF-8 bytes, UTF-16/32 and BOM bytes, byte
noise) and random JSON. Each generated case goes through ``Preflight.check`` as a dict, as
JSON text and as UTF-8 bytes (whichever forms it has), through ``submit`` on a logged-in
session and through ``guard`` with a fake send. Invariants (each counted by family):

- ``exception``: nothing raises (check, submit, guard, reading ``.response``);
- ``mutated``: the input is unchanged afterwards (structural deep compare);
- ``unstable``: two calls give the same verdict (ok, code, field, message, warnings, items,
  response minus its timestamp);
- ``unknown_code``: every code (verdict, items, reply) is in the exchange's table or the
  observed one (or is a rejection code of the limits or rule modules the Preflight was given);
- ``bad_response``: ``.response`` of every verdict and item reads and encodes as JSON
  (``oxpreflight.websocket.reply_text``, then strict ``json.loads``);
- ``sent_rejected``: a rejected frame never reaches the guard's fake send;
- ``internal_error``: no verdict carries W000 (an internal error is a bug);
- ``text_bytes``: ``check(text)`` and ``check(text.encode())`` agree;
- ``not_utf8``: bytes that are not UTF-8 are never accepted (RFC 6455);
- ``check_submit``: a frame ``check`` accepts is not an internal error in ``submit`` (item 6).

The tests (tests/engine/test_fuzz.py) run the same generator and invariants on a smaller count.
"""
from __future__ import annotations

import argparse
import codecs
import json
import marshal
import os
import random
import re
import reprlib
import sys
import time
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any, Callable, Iterator, Optional

if __package__ in (None, ""):  # run as a script from a checkout
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from oxpreflight import Preflight, Rejected  # noqa: E402
from oxpreflight.guard import failure_replies  # noqa: E402
from oxpreflight.rules.catalogue import KNOWN as CODES  # noqa: E402  (observed codes too)
from oxpreflight.rules.examples import MARKETS, NOW  # noqa: E402
from oxpreflight.rules.frame import MAX_DEPTH  # noqa: E402
from oxpreflight.rules.language import COMMANDS  # noqa: E402

INVARIANTS = ("exception", "mutated", "unstable", "unknown_code", "bad_response",
              "sent_rejected", "internal_error", "text_bytes", "not_utf8", "check_submit")

# -- structural snapshots (iterative: inputs nest deeper than the recursion limit) --------------


class _Key:
    __slots__ = ("key",)

    def __init__(self, key: Any):
        self.key = key


def tokens(value: Any) -> list:
    """A flat pre-order description of ``value``; equal lists mean equal structures."""
    out: list = []
    stack = [value]
    while stack:
        item = stack.pop()
        cls = item.__class__
        if cls is dict:
            out.append(("dict", len(item)))
            for key, child in reversed(list(item.items())):
                stack.append(child)
                stack.append(_Key(key))
        elif cls is list or cls is tuple:
            out.append((cls.__name__, len(item)))
            stack.extend(reversed(item))
        elif cls is _Key:
            out.append(("key", item.key.__class__.__name__, repr(item.key)))
        elif cls is int:  # repr refuses integers over 4,300 digits
            out.append(("int", item % _M61, item.bit_length(), item < 0))
        else:
            out.append((cls.__name__, repr(item)))
    return out


_M61 = 2**61 - 1


def snapshot(value: Any) -> Any:
    """What a mutation check compares: ``None`` for immutable text, else a structural image
    (marshal bytes when marshal can write it, else :func:`tokens`)."""
    cls = value.__class__
    if cls is str or cls is bytes:
        return None
    try:
        return marshal.dumps(value, 2)
    except (ValueError, RecursionError):  # Decimal and other non-marshal values, deep nesting
        return tokens(value)


# -- generation -------------------------------------------------------------------------------
HUGE = [2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 2**64, 10**20, 10**308, 10**309,
        10**4299, 10**4300, 10**5000, -(10**5000), 1e308, 1.7976931348623157e308, -1e308,
        "9" * 19, "9" * 20, "9" * 4301, "9" * 5000, "1e999999", "-1e999999", "1E+308",
        "1e309", Decimal("1e999999"), Decimal("9" * 100)]
TINY = [0, -0, 0.0, -0.0, 5e-324, 2.2250738585072014e-308, 1e-320, "1e-999999",
        "0." + "0" * 5000 + "1", "-0", "0e0", "1e-400", Decimal("1e-999999"), 1e-7, "0.00000001"]
NAN = ["NaN", "-NaN", "Infinity", "-Infinity", "nan", "inf", "-inf", "Inf", "1e", "+1", ".5",
       "5.", "01", "0x1F", "1_000", "١٢٣", "１２３", "1\u00a0", "\u20071"]
ODD_TEXT = ["", " ", "\x00", "\u2028", "\u200b", "\ufeff", "e\u0301", "😀", "\U0010ffff",
            "\u202e", "ＢＵＹ", "buy", "BUY ", "ｂ", "Ⅻ", "ß", "İ", "٣", "\r\n", "\\", '"', "\t",
            "a" * 33, "a" * 4000]
SURROGATES = ["\ud800", "\udfff", "\udc00x", "a\ud83d", "\ud83d\ude00"]
SWAP = [None, True, False, 0, 1, -1, 1.5, "", "abc", "1", [], {}, [1], {"a": 1},
        Decimal("1.5"), Decimal("NaN"), float("nan"), float("inf"), [None], {"": None}]
FIELD_NAMES = ["op", "tag", "data", "dataArray", "args", "marketCode", "side", "orderType",
               "quantity", "price", "stopPrice", "limitPrice", "timeInForce", "clientOrderId",
               "orderId", "timestamp", "recvWindow", "amount", "triggerType",
               "selfTradePreventionMode", "displayQuantity", "source", "apiKey", "signature"]


def containers(frame: Any) -> list:
    """The frame's dicts where fields live: the frame, ``data``, each ``dataArray`` item."""
    out = [frame]
    data = frame.get("data")
    if isinstance(data, dict):
        out.append(data)
    items = frame.get("dataArray")
    if isinstance(items, list):
        out.extend(i for i in items if isinstance(i, dict))
    return out


def copy_frame(frame: Any) -> Any:
    """A copy two levels deep plus batch items (enough for the mutators, cheaper than deepcopy)."""
    if frame.__class__ is not dict:
        return frame
    out = dict(frame)
    if isinstance(out.get("data"), dict):
        out["data"] = dict(out["data"])
    if isinstance(out.get("dataArray"), list):
        out["dataArray"] = [dict(i) if isinstance(i, dict) else i for i in out["dataArray"]]
    if isinstance(out.get("args"), list):
        out["args"] = list(out["args"])
    return out


def _pick_slot(rng: random.Random, frame: dict) -> tuple[dict, Optional[str]]:
    where = rng.choice(containers(frame))
    keys = list(where)
    if not keys or rng.random() < 0.2:
        return where, rng.choice(FIELD_NAMES)
    return where, rng.choice(keys)


def m_delete(rng, frame):
    where, key = _pick_slot(rng, frame)
    where.pop(key, None)
    if rng.random() < 0.3:
        where, key = _pick_slot(rng, frame)
        where.pop(key, None)
    return frame


def m_type_swap(rng, frame):
    where, key = _pick_slot(rng, frame)
    value = rng.choice(SWAP)
    where[key] = value.copy() if isinstance(value, (list, dict)) else value
    return frame


def m_huge(rng, frame):
    where, key = _pick_slot(rng, frame)
    where[key] = rng.choice(HUGE)
    return frame


def m_tiny(rng, frame):
    where, key = _pick_slot(rng, frame)
    where[key] = rng.choice(TINY)
    return frame


def m_nan(rng, frame):
    where, key = _pick_slot(rng, frame)
    where[key] = rng.choice(NAN) if rng.random() < 0.5 else rng.choice(
        [float("nan"), float("inf"), float("-inf")])
    return frame


def m_unicode(rng, frame):
    where, key = _pick_slot(rng, frame)
    if rng.random() < 0.2:
        where[rng.choice(ODD_TEXT)] = where.pop(key, 1)
    else:
        value = where.get(key)
        odd = rng.choice(ODD_TEXT)
        where[key] = (value + odd if isinstance(value, str) and rng.random() < 0.5 else odd)
    return frame


def m_surrogate(rng, frame):
    where, key = _pick_slot(rng, frame)
    value = where.get(key)
    odd = rng.choice(SURROGATES)
    if rng.random() < 0.2:
        where[odd] = where.pop(key, 1)
    else:
        where[key] = value + odd if isinstance(value, str) else odd
    return frame


def nested(depth: int, leaf: Any, kind: str) -> Any:
    value = leaf
    for _ in range(depth):
        value = [value] if kind == "list" else {"a": value}
    return value


DEPTHS = [2, 50, 254, 255, 256, 500, 999, 1000, 1001, 3000]


def m_deep(rng, frame):
    where, key = _pick_slot(rng, frame)
    where[key] = nested(rng.choice(DEPTHS), rng.choice([1, "x", None, {}]),
                        rng.choice(["list", "dict"]))
    return frame


#: Values where the fast paths' typed reads end: ints a float holds exactly (2**53) and
#: 64-bit integers, as JSON ints and as digit strings.
EDGES = [2**53, 2**53 + 1, -(2**53), -(2**53) - 1, 2**63 - 1, 2**63, "9223372036854775807",
         "9223372036854775808", "0000000000000000001", "1717348159900123456", 10**18, 10**19,
         "9" * 18, "9" * 19, 68000, 68001, 0, -1]


def m_client_forms(rng, frame):
    """What other clients write: integral numbers as JSON ints (JavaScript, Go), unused
    fields as explicit nulls (dataclasses, ``model_dump``), 19-digit ids, and the edges of
    the fast paths' typed reads."""
    for where in containers(frame)[1:] or containers(frame):
        for key in list(where):
            value = where[key]
            if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
                where[key] = int(value)
            elif isinstance(value, str) and value.isdigit() and rng.random() < 0.5:
                where[key] = int(value)
        roll = rng.random()
        if roll < 0.4:
            for key in rng.sample(FIELD_NAMES[5:], rng.randint(1, 6)):
                where.setdefault(key, None)
        elif roll < 0.7:
            where[rng.choice(["clientOrderId", "orderId", "price", "quantity", "stopPrice",
                              "limitPrice", "timestamp"])] = rng.choice(EDGES)
    return frame


MUTATORS: dict[str, Callable] = {
    "delete": m_delete, "type_swap": m_type_swap, "huge_number": m_huge,
    "tiny_number": m_tiny, "nan_inf": m_nan, "unicode": m_unicode, "surrogate": m_surrogate,
    "deep_dict": m_deep, "client_forms": m_client_forms,
}


def random_json(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if depth > 4 or roll < 0.45:
        return rng.choice([None, True, False, rng.randint(-10**6, 10**6), rng.random() * 1e6,
                           rng.choice(HUGE + TINY), rng.choice(ODD_TEXT + NAN),
                           rng.choice(FIELD_NAMES), rng.choice(COMMANDS)])
    if roll < 0.7:
        return [random_json(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice(FIELD_NAMES + ODD_TEXT): random_json(rng, depth + 1)
            for _ in range(rng.randint(0, 5))}


def random_frame(rng: random.Random) -> dict:
    frame: dict = {"op": rng.choice(COMMANDS + ("", "PLACEORDER", "ping"))}
    if rng.random() < 0.5:
        frame["tag"] = random_json(rng, 4)
    for key in rng.sample(["data", "dataArray", "args"], rng.randint(0, 2)):
        frame[key] = random_json(rng, 1)
    for _ in range(rng.randint(0, 2)):
        frame[rng.choice(FIELD_NAMES)] = random_json(rng, 2)
    return frame


def dumps(frame: Any, rng: random.Random) -> Optional[str]:
    """JSON text of ``frame`` as a client might write it (``None`` when it has none)."""
    try:
        return json.dumps(frame, separators=(",", ":") if rng.random() < 0.8 else None,
                          ensure_ascii=rng.random() < 0.5, default=str)
    except (ValueError, TypeError, RecursionError):
        return None


def _text_deep(rng) -> str:
    depth = rng.choice(DEPTHS + [5000, 100000])
    opener, closer = ("[", "]") if rng.random() < 0.5 else ('{"a":', "}")
    inner = opener * depth + rng.choice(["1", '"x"', "null", "{}"]) + closer * depth
    if rng.random() < 0.1:
        inner = opener * depth  # unterminated
    slot = rng.choice(["data", "tag", "op", "dataArray", "price", "x", "args"])
    if slot in ("price", "x"):
        return ('{"op":"placeorder","data":{"marketCode":"BTC-USD-SWAP-LIN","side":"BUY",'
                f'"orderType":"LIMIT","quantity":"1","{slot}":' + inner + "}}")
    return '{"op":"placeorder","' + slot + '":' + inner + "}"


def _text_duplicate(rng, frame: dict, text: str) -> str:
    """The frame's text with a key repeated (the decoder keeps the last one)."""
    data = frame.get("data") if isinstance(frame.get("data"), dict) else None
    if data and rng.random() < 0.6:
        key = rng.choice(list(data))
        extra = json.dumps({key: rng.choice(SWAP[:10] + ["SELL", "MARKET", "BTC-USDT"])},
                           default=str)[1:-1]
        cut = text.find('"data":{') + len('"data":{')
        return text[:cut] + extra + "," + text[cut:] if rng.random() < 0.5 else (
            text[:cut] + text[cut:].replace("}", "," + extra + "}", 1))
    extra = rng.choice(['"op":"placeorder"', '"op":"cancelorder"', '"op":"login"', '"tag":1',
                        '"data":{}', '"data":null', '"dataArray":[]'])
    return "{" + extra + "," + text[1:] if rng.random() < 0.5 else text[:-1] + "," + extra + "}"


def _text_nan(rng, text: str) -> str:
    word = rng.choice(["NaN", "Infinity", "-Infinity", "nan", "1e999", "-1e999", "1e-999",
                       "1E400", "0.1e-99999999", "123456789" * 500, "-0", "1.", ".1", "01"])
    for key in ("quantity", "price", "stopPrice", "limitPrice", "timestamp", "recvWindow",
                "clientOrderId", "orderId", "tag"):
        marker = f'"{key}":'
        at = text.find(marker)
        if at >= 0:
            start = at + len(marker)
            end = start
            while end < len(text) and text[end] not in ",}]":
                end += 1
            return text[:start] + word + text[end:]
    return text[:-1] + ',"quantity":' + word + "}"


ENCODINGS = ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be",
             "utf-8-sig", "latin-1", "cp1252"]
BAD_BYTES = [b"\xff", b"\xfe", b"\xc0\x80", b"\xed\xa0\x80", b"\xe2\x82", b"\x80",
             b"\xf5\x80\x80\x80", b"\xf0\x90\x80", b"\xc3", b"\xef\xbb\xbf", b"\x00"]


def _bytes_encoded(rng, text: str) -> bytes:
    encoding = rng.choice(ENCODINGS)
    try:
        raw = text.encode(encoding)
    except UnicodeEncodeError:
        raw = text.encode(encoding, "replace") if encoding in ("latin-1", "cp1252") else (
            text.encode("utf-16", "surrogatepass"))
    if encoding == "utf-8-sig" or rng.random() < 0.1:
        raw = rng.choice([codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE,
                          codecs.BOM_UTF32_LE]) + raw.lstrip(codecs.BOM_UTF8)
    return raw


def _bytes_broken(rng, raw: bytes) -> bytes:
    at = rng.randrange(len(raw) + 1)
    return raw[:at] + rng.choice(BAD_BYTES) + raw[at:]


def _noise(rng, text: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 3)):
        if not chars:
            break
        at = rng.randrange(len(chars))
        roll = rng.random()
        if roll < 0.4:
            del chars[at]
        elif roll < 0.7:
            chars.insert(at, rng.choice('{}[],:"\\0123456789eE.-+ntfa\u00e9'))
        else:
            chars = chars[:at]
    return "".join(chars)


class Case:
    """One generated input: its family and its forms (dict, text, bytes; any may be None)."""

    __slots__ = ("family", "obj", "text", "raw")

    def __init__(self, family: str, obj: Any = None, text: Optional[str] = None,
                 raw: Optional[bytes] = None):
        self.family, self.obj, self.text, self.raw = family, obj, text, raw

    def forms(self) -> Iterator[Any]:
        for form in (self.obj, self.text, self.raw):
            if form is not None:
                yield form

    def __repr__(self) -> str:
        return (f"Case({self.family}, obj={short(self.obj)}, text={short(self.text)}, "
                f"raw={short(self.raw)})")


class _Short(reprlib.Repr):
    def repr_int(self, value: int, level: int) -> str:
        digits = value.bit_length() * 0.30103
        return repr(value) if digits < 60 else f"<int of ~{digits:.0f} digits>"


_SHORT = _Short()
_SHORT.maxstring, _SHORT.maxother, _SHORT.maxlevel = 120, 120, 8
_SHORT.maxdict = _SHORT.maxlist = 12


def short(value: Any) -> str:
    """A printable, bounded repr (huge integers and deep nesting included)."""
    return _SHORT.repr(value)


def _utf8(text: Optional[str]) -> Optional[bytes]:
    if text is None:
        return None
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: the bytes a careless client would write
        return text.encode("utf-8", "surrogatepass")


FAMILIES = ("valid", "violating", *MUTATORS, "nan_text", "duplicate_keys", "deep_text",
            "non_utf8", "encoding", "byte_noise", "random_json")


def generate(rng: random.Random, pool: list, family: Optional[str] = None) -> Case:
    """One case of ``family`` (random when ``None``) built from a frame of ``pool``."""
    family = family or rng.choice(FAMILIES)
    base = rng.choice(pool)
    if family in ("valid", "violating"):
        base = rng.choice([f for f in pool if f[0] == family] or pool)
    kind, frame = base
    if not isinstance(frame, dict):  # violating 20009 frames are text already
        text = frame if isinstance(frame, str) else None
        raw = frame if isinstance(frame, bytes) else _utf8(text)
        return Case("violating", None, text, raw)
    if family in ("valid", "violating"):
        text = dumps(frame, rng)
        return Case(family, copy_frame(frame), text, _utf8(text))
    if family in MUTATORS:
        obj = MUTATORS[family](rng, copy_frame(frame))
        text = dumps(obj, rng)
        return Case(family, obj, text, _utf8(text))
    if family == "random_json":
        obj = random_frame(rng) if rng.random() < 0.8 else random_json(rng)
        text = dumps(obj, rng)
        return Case(family, obj, text, _utf8(text))
    text = dumps(frame, rng) or "{}"
    if family == "nan_text":
        text = _text_nan(rng, text)
    elif family == "duplicate_keys":
        text = _text_duplicate(rng, frame, text)
    elif family == "deep_text":
        text = _text_deep(rng)
    elif family == "byte_noise":
        text = _noise(rng, text)
    elif family == "encoding":
        return Case(family, None, None, _bytes_encoded(rng, text))
    elif family == "non_utf8":
        return Case(family, None, None, _bytes_broken(rng, text.encode("utf-8", "surrogatepass")))
    return Case(family, None, text, _utf8(text))


def strategy_pool(seed: int, size: int) -> list:
    """``(kind, frame)`` pairs drawn from ``frames`` (every op) and ``violating`` (every
    enforced code), reproducibly for ``seed`` (hypothesis's own seeded run, no database)."""
    from hypothesis import HealthCheck, given, settings, seed as hseed
    from hypothesis import strategies as st

    from oxpreflight.strategies import enforced_codes, frames, violating

    options = [st.tuples(st.just("valid"), frames(op, markets=MARKETS, now=NOW))
               for op in COMMANDS]
    options += [st.tuples(st.just("violating"), violating(code, markets=MARKETS, now=NOW))
                for code in enforced_codes()]
    pool: list = []

    @hseed(seed)
    @settings(max_examples=size, database=None, deadline=None, phases=["generate"],
              suppress_health_check=list(HealthCheck))
    @given(st.one_of(options))
    def collect(pair):
        pool.append(pair)

    collect()
    return pool


# -- what a case holds (to attribute a failure to a known issue) ----------------------------------
DIGITS = re.compile(r"[0-9]{4300,}")
ESCAPED_SURROGATE = re.compile(r"\\u[dD][89abcdefABCDEF][0-9a-fA-F]{2}")
NUMBER = re.compile(r"-?[0-9]{300,}|-?[0-9]+(?:\.[0-9]+)?[eE][+-]?[0-9]+")


def depth_of(value: Any) -> int:
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if item.__class__ is dict:
            stack.extend((child, level + 1) for child in item.values())
        elif item.__class__ is list:
            stack.extend((child, level + 1) for child in item)
    return deepest


def text_depth(text: Any) -> int:
    """Bracket nesting of JSON text (brackets inside strings do not count)."""
    if isinstance(text, bytes):
        text = text.decode("latin-1")
    deepest = level = 0
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
        elif char in "[{":
            level += 1
            deepest = max(deepest, level)
        elif char in "]}":
            level -= 1
    return deepest


def _strings(value: Any) -> Iterator[Any]:
    stack = [value]
    while stack:
        item = stack.pop()
        if item.__class__ is dict:
            stack.extend(item.keys())
            stack.extend(item.values())
        elif item.__class__ is list:
            stack.extend(item)
        else:
            yield item


def features(case: Case) -> set:
    """The hostile traits of ``case``: ``deep`` (nesting over MAX_DEPTH, the engine's limit),
    ``huge_digits`` (an integer or digit run of 4,300+ digits), ``lone_surrogate``,
    ``not_utf8`` (bytes that are not plain UTF-8: invalid, UTF-16/32, a BOM) and
    ``float_overflow`` (a JSON number literal beyond the float range: ``1E400``, 309 digits),
    ``non_finite`` (a dict holding a NaN or infinite float or Decimal)."""
    found = set()
    leaves = list(_strings(case.obj)) if case.obj is not None else []
    texts = [t for t in (case.text, case.raw) if t is not None]
    if (case.obj is not None and depth_of(case.obj) > MAX_DEPTH) or any(
            text_depth(t) > MAX_DEPTH for t in texts):
        found.add("deep")
    for leaf in leaves:
        if leaf.__class__ is int and leaf.bit_length() > 14_000:
            found.add("huge_digits")
        elif leaf.__class__ is str:
            if DIGITS.search(leaf):
                found.add("huge_digits")
            if any("\ud800" <= c <= "\udfff" for c in leaf):
                found.add("lone_surrogate")
    for text in texts:
        plain = text if isinstance(text, str) else text.decode("utf-8", "surrogateescape")
        if DIGITS.search(plain):
            found.add("huge_digits")
        if ESCAPED_SURROGATE.search(plain) or any("\ud800" <= c <= "\udfff" for c in plain
                                                  if isinstance(text, str)):
            found.add("lone_surrogate")
        if any(abs(float(m)) == float("inf") for m in NUMBER.findall(plain)):
            found.add("float_overflow")
    if case.raw is not None and not plain_utf8(case.raw):
        found.add("not_utf8")
    if any(_non_finite(leaf) for leaf in leaves):
        found.add("non_finite")
    return found


def _non_finite(leaf: Any) -> bool:
    if leaf.__class__ is float:
        return leaf != leaf or leaf in (float("inf"), float("-inf"))
    return leaf.__class__ is Decimal and not leaf.is_finite()


def plain_utf8(raw: bytes) -> bool:
    """``raw`` is UTF-8 without a BOM and no decoder would take it for UTF-16/32 (no NUL)."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not raw.startswith(codecs.BOM_UTF8) and b"\x00" not in raw


# -- the invariants ---------------------------------------------------------------------------
def _clean_response(response: Any) -> Any:
    if isinstance(response, dict):
        response = {k: v for k, v in response.items() if k != "timestamp"}
    return response


def summary(verdict: Any) -> list:
    """What two calls must agree on: ok, code, rule, field, message, warnings, items,
    response."""
    out: list = []
    stack = [verdict]
    while stack:
        v = stack.pop()
        out.append((v.ok, v.code, getattr(v, "rule", None), v.field, v.message,
                    tuple((w.code, w.field, w.message, getattr(w, "rule", None))
                          for w in v.warnings), len(v.items)))
        out.append(snapshot(_clean_response(v.response)))
        stack.extend(reversed(v.items))
    return out


def _each(verdict: Any) -> Iterator[Any]:
    stack = [verdict]
    while stack:
        v = stack.pop()
        yield v
        stack.extend(v.items)


class Harness:
    """Runs one case through every entry point and returns the broken invariants."""

    def __init__(self, preflight: Optional[Preflight] = None):
        from oxpreflight.websocket import reply_text

        self.pf = preflight or Preflight(MARKETS, clock=lambda: NOW)
        # the exchange's table, plus the rejection codes of the limits and rule modules in force
        self.codes = set(CODES) | {r.code for r in self.pf.rules_in_force if not r.is_warning} \
            | {r.code for r in self.pf.state_rules}
        self.reply_text = reply_text
        self.sent: list = []
        self.refused: list = []
        self.guarded = self.pf.guard(self.sent.append, on_reject=self.refused.append)
        self.guarded_raising = self.pf.guard(self.sent.append)
        self.submits = 0
        self._new_session()

    def _new_session(self) -> None:
        self.session = self.pf.session(rate_limit=10**9, track_orders=False, account=False,
                                       auction_window=None)
        self.session.observe({"event": "login", "success": True, "tag": "1",
                              "timestamp": str(NOW)})
        self.session_guarded = self.pf.guard(self.sent.append, on_reject=self.refused.append,
                                             session=self.session)

    def run(self, case: Case, entry_points: bool = True) -> list:
        """``[(invariant, where, detail)]`` for ``case`` (empty when all hold)."""
        found: list = []
        verdicts = {}
        for form in case.forms():
            name = form.__class__.__name__
            verdicts[name] = self._check(form, name, found)
            if entry_points:
                self._submit(form, name, verdicts[name], found)
                self._guard(form, name, verdicts[name], found)
        text, raw = verdicts.get("str"), verdicts.get("bytes")
        if text is not None and raw is not None and case.text is not None:
            try:
                same = case.text.encode("utf-8") == case.raw
            except UnicodeEncodeError:
                same = False
            if same and _core(text) != _core(raw):
                found.append(("text_bytes", "check", f"str {_core(text)} != bytes {_core(raw)}"))
        if raw is not None and raw.ok and not plain_utf8(case.raw):
            found.append(("not_utf8", "check(bytes)", "bytes that are not plain UTF-8 accepted"))
        return found

    def _check(self, form: Any, name: str, found: list) -> Any:
        where = f"check({name})"
        before = snapshot(form)
        try:
            first = self.pf.check(form)
            second = self.pf.check(form)
        except Exception as exc:  # noqa: BLE001 - the invariant under test
            found.append(("exception", where, repr(exc)[:200]))
            return None
        if snapshot(form) != before:
            found.append(("mutated", where, "input changed"))
        self._verdict(first, where, found)
        try:
            if summary(first) != summary(second):
                found.append(("unstable", where, f"{first!r} vs {second!r}"))
        except Exception as exc:  # noqa: BLE001 - reported by _verdict already
            pass
        return first

    def _verdict(self, verdict: Any, where: str, found: list) -> None:
        for v in _each(verdict):
            if v.code is not None and v.code not in self.codes:
                found.append(("unknown_code", where, repr(v.code)))
            if any(w.code == "W000" for w in v.warnings):
                found.append(("internal_error", where, repr([w.message for w in v.warnings])))
            try:
                response = v.response
            except Exception as exc:  # noqa: BLE001
                found.append(("exception", where + ".response", repr(exc)[:200]))
                continue
            if v.ok:
                if response is not None:
                    found.append(("bad_response", where, "accepted verdict with a response"))
                continue
            if not isinstance(response, dict):
                if not v.items:
                    found.append(("bad_response", where, f"response {response!r}"))
                continue
            if response.get("code") not in self.codes:
                found.append(("unknown_code", where + ".response", repr(response.get("code"))))
            try:
                json.loads(self.reply_text(response), parse_constant=_strict)
            except Exception as exc:  # noqa: BLE001
                found.append(("bad_response", where, f"not JSON: {exc!r}"[:200]))
        try:
            failure_replies(verdict)
        except Exception as exc:  # noqa: BLE001
            found.append(("exception", where + " failure_replies", repr(exc)[:200]))

    def _submit(self, form: Any, name: str, checked: Any, found: list) -> None:
        where = f"submit({name})"
        before = snapshot(form)
        self.submits += 1
        if self.submits % 5000 == 0:
            self._new_session()
        try:
            verdict = self.session.submit(form)
        except Exception as exc:  # noqa: BLE001
            found.append(("exception", where, repr(exc)[:200]))
            return
        if snapshot(form) != before:
            found.append(("mutated", where, "input changed"))
        self._verdict(verdict, where, found)
        if checked is not None and checked.ok and any(
                w.code == "W000" for v in _each(verdict) for w in v.warnings):
            found.append(("check_submit", where, "check accepts, submit: internal error"))

    def _guard(self, form: Any, name: str, checked: Any, found: list) -> None:
        for label, guarded in (("guard", self.guarded), ("guard(session)", self.session_guarded),
                               ("guard(raise)", self.guarded_raising)):
            where = f"{label}({name})"
            del self.sent[:], self.refused[:]
            before = snapshot(form)
            try:
                guarded(form)
            except Exception as exc:  # noqa: BLE001
                if not (label == "guard(raise)" and isinstance(exc, Rejected)):
                    found.append(("exception", where, repr(exc)[:200]))
                    continue
            if snapshot(form) != before:
                found.append(("mutated", where, "input changed"))
            if self.sent:
                if checked is None or not checked.ok:
                    found.append(("sent_rejected", where, "a rejected frame reached send"))
                elif self.sent[0] is not form:
                    found.append(("sent_rejected", where, "send got another object"))
            elif label == "guard" and checked is not None and checked.ok:
                found.append(("sent_rejected", where, "an accepted frame was not sent"))


def _strict(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _core(verdict: Any) -> tuple:
    return (verdict.ok, verdict.code, verdict.field, verdict.message)


# -- the run ----------------------------------------------------------------------------------
class Report:
    """Counts per invariant, family and trait, and the first examples of each failure."""

    def __init__(self):
        self.cases = 0
        self.checks = 0
        self.by_family: Counter = Counter()
        self.failures: Counter = Counter()          # (invariant, family) -> cases
        self.by_trait: Counter = Counter()          # (invariant, traits) -> cases
        self.examples: dict = defaultdict(list)     # (invariant, traits) -> [(case, detail)]

    def add(self, case: Case, found: list) -> None:
        self.cases += 1
        self.checks += sum(1 for _ in case.forms())
        self.by_family[case.family] += 1
        if not found:
            return
        traits = ", ".join(sorted(features(case))) or "-"
        for invariant in dict.fromkeys(f[0] for f in found):
            self.failures[(invariant, case.family)] += 1
            self.by_trait[(invariant, traits)] += 1
            if len(self.examples[(invariant, traits)]) < 2:
                detail = next(f for f in found if f[0] == invariant)
                self.examples[(invariant, traits)].append((case, f"{detail[1]}: {detail[2]}"))

    def total(self, invariant: str) -> int:
        return sum(n for (inv, _), n in self.failures.items() if inv == invariant)


def run(count: int, seed: int, pool_size: int = 400, entry_points: bool = True,
        progress: Optional[Callable[[Report], None]] = None,
        deadline: Optional[float] = None) -> Report:
    """``count`` cases from ``seed`` through :class:`Harness` (stops early at ``deadline``)."""
    rng = random.Random(seed)
    pool = strategy_pool(seed, pool_size)
    harness = Harness()
    report = Report()
    for n in range(count):
        case = generate(rng, pool)
        report.add(case, harness.run(case, entry_points))
        if progress and n % 10000 == 9999:
            progress(report)
        if deadline is not None and time.monotonic() > deadline:
            break
    return report


def markdown(report: Report, seed: int, asked: int, elapsed: float, note: str = "") -> str:
    lines = ["# Fuzz run (issue 10): the send path under hostile input", "",
             f"`python scripts/fuzz.py --count {asked} --seed {seed}` — "
             f"{report.cases:,} cases ({report.checks:,} `check` inputs: each case as dict, "
             f"JSON text and UTF-8 bytes where it has those forms; each form also through "
             f"`submit` on a logged-in session and three `guard`s with a fake send) in "
             f"{elapsed:,.0f} s.", ""]
    if note:
        lines += [note, ""]
    lines += ["| invariant | failing cases |", "|---|---:|"]
    lines += [f"| {inv} | {report.total(inv):,} |" for inv in INVARIANTS]
    lines += ["", "Cases by family:", "", "| family | cases | failing (invariant: cases) |",
              "|---|---:|---|"]
    for family in FAMILIES:
        bad = ", ".join(f"{inv}: {n:,}" for (inv, fam), n in sorted(report.failures.items())
                        if fam == family)
        lines.append(f"| {family} | {report.by_family[family]:,} | {bad or '0'} |")
    if report.by_trait:
        lines += ["", "Failing cases by the hostile traits they hold (see `features`; `-`: none "
                  "of them):", "", "| invariant | traits | cases |", "|---|---|---:|"]
        lines += [f"| {inv} | {traits} | {n:,} |"
                  for (inv, traits), n in sorted(report.by_trait.items())]
        lines += ["", "First example of each (truncated):", ""]
        for (inv, traits), cases in sorted(report.examples.items()):
            case, detail = cases[0]
            text = repr(case).replace("`", "'")[:400]
            lines.append(f"- {inv} [{traits}]: {detail} — `{text}`")
    return "\n".join(lines) + "\n"


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pool", type=int, default=2000, help="strategy frames to mutate")
    parser.add_argument("--out", default=None, help="write the markdown summary here")
    parser.add_argument("--max-seconds", type=float, default=None,
                        help="stop early (the summary says how many cases ran)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    deadline = started + args.max_seconds if args.max_seconds else None

    def progress(report: Report) -> None:
        bad = sum(report.failures.values())
        print(f"{report.cases:,} cases, {time.monotonic() - started:,.0f} s, "
              f"{bad:,} failures", file=sys.stderr, flush=True)
        if args.out and report.cases % 100_000 < 10_000:
            _write(args.out, markdown(report, args.seed, args.count,
                                      time.monotonic() - started,
                                      f"**Partial: still running ({report.cases:,} of "
                                      f"{args.count:,} cases so far).**"))

    report = run(args.count, args.seed, args.pool, progress=progress, deadline=deadline)
    elapsed = time.monotonic() - started
    note = "" if report.cases >= args.count else (
        f"**Stopped early: {report.cases:,} of {args.count:,} cases.**")
    text = markdown(report, args.seed, args.count, elapsed, note)
    if args.out:
        _write(args.out, text)
    print(text)
    return 1 if report.failures else 0


def _write(path: str, text: str) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(tmp, path)


if __name__ == "__main__":
    sys.exit(main())
