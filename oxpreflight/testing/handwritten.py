"""Breakers written by hand, keyed by rule name: the frame-level rows (length, JSON, op, tag,
payload, batch-level timing), whose ``Envelope`` condition each names a check of the engine's
own. Every other row's breaker is derived from its condition classes' declarations
(:mod:`.derived`)."""
from __future__ import annotations

import json
from typing import Any, Callable

from hypothesis import strategies as st

from ..rules.frame import MAX_DEPTH
from ..rules.language import BATCH_OF, COMMANDS, SUBSCRIPTION_COMMANDS, Rule
from .book import Book
from .derived import NOT_LONG, Breaker
from .figures import needs_clock
from .valid import CHANNELS, TAG_ALPHABET, frame, item, needs_markets

_DEFAULT_LIMIT = 4000


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


# -- frame-level ------------------------------------------------------------------------------
@st.composite
def _too_long(draw, bk: Book, op: str) -> dict:
    needs_markets(bk, op)
    out = draw(frame(bk, op))
    target = _DEFAULT_LIMIT + draw(st.integers(1, 2000))
    if op in BATCH_OF:
        while len(_dumps(out)) <= target:
            out["dataArray"].append(draw(item(bk, BATCH_OF[op])))
    elif op in SUBSCRIPTION_COMMANDS:
        while len(_dumps(out)) <= target:
            out["args"].append(draw(st.sampled_from(CHANNELS)))
    else:
        out["data"]["note"] = "x" * (target - len(_dumps(out)) + 1)
    return out


@st.composite
def _not_json(draw, bk: Book, op: str) -> Any:
    needs_markets(bk, op)
    text = _dumps(draw(frame(bk, op)))
    how = draw(st.sampled_from(("truncated", "trailing", "array", "quotes", "scalar")))
    if how == "truncated":
        text = text[: draw(st.integers(1, len(text) - 1))]
    elif how == "trailing":
        text = text + draw(st.sampled_from(("}", ",", "x", "{}")))
    elif how == "array":
        text = "[" + text + "]"
    elif how == "quotes":
        text = text.replace('"', "'")
    else:
        text = draw(st.sampled_from(("42", '"placeorder"', "null", "true", "[]", "pong", "")))
    return text.encode() if draw(st.booleans()) else text


@st.composite
def _not_utf8(draw, bk: Book, op: str) -> Any:
    needs_markets(bk, op)
    text = _dumps(draw(frame(bk, op)))
    how = draw(st.sampled_from(("utf-16", "utf-16-le", "utf-32", "bom", "surrogate")))
    if how == "bom":
        return b"\xef\xbb\xbf" + text.encode()
    if how == "surrogate":  # an unpaired surrogate escape, in text or in a dict
        out = draw(frame(bk, op))
        out["tag"] = "\ud800"
        return out if draw(st.booleans()) else _dumps(out).replace("\ud800", "\\ud800")
    encoded = text.encode(how)
    # wider encodings may pass the frame limit, which is checked first (20027)
    return encoded if len(encoded) <= _DEFAULT_LIMIT else b"\xef\xbb\xbf" + text.encode()


@st.composite
def _too_deep(draw, bk: Book, op: str) -> Any:
    needs_markets(bk, op)
    out = draw(frame(bk, op))
    levels = MAX_DEPTH + draw(st.integers(0, 8))  # the frame is level 1: this is deeper
    out["nested"] = json.loads("[" * levels + "]" * levels)
    return out if draw(st.booleans()) else _dumps(out)


def _no_frame(rule: Rule) -> Breaker:
    """The internal-error row answers a failure of the checker itself: no frame breaks it."""
    return Breaker(rule.commands, lambda bk, op: st.nothing(),
                   lambda bk: "the internal-error row answers a failure of the checker itself; "
                              "no frame breaks it")


@st.composite
def _unknown_op(draw, bk: Book, op: str) -> dict:
    needs_markets(bk, op)
    out = draw(frame(bk, op))
    bad = draw(st.one_of(
        st.sampled_from((op.upper(), op.title(), op.capitalize() + "s", op + " ", "order",
                         "ping", "", "drop")),
        st.text(max_size=12), st.integers(), st.none(), st.lists(st.just(op), max_size=1)))
    if bad in COMMANDS:
        bad = bad + "!"
    if bad == "drop":
        del out["op"]
    else:
        out["op"] = bad
    return out


@st.composite
def _long_tag(draw, bk: Book, op: str) -> dict:
    needs_markets(bk, op)
    out = draw(frame(bk, op))
    tag = draw(st.one_of(st.text(TAG_ALPHABET, min_size=33, max_size=64),
                         st.integers(10**32, 10**40)))
    return {"op": out["op"], "tag": tag, **{k: v for k, v in out.items() if k not in ("op", "tag")}}


@st.composite
def _bad_tag(draw, bk: Book, op: str) -> dict:
    needs_markets(bk, op)
    out = draw(frame(bk, op))
    out["tag"] = draw(st.one_of(
        st.booleans(), st.floats(allow_nan=False, allow_infinity=False),
        st.lists(st.integers(0, 9), max_size=2),
        st.dictionaries(st.sampled_from("ab"), st.integers(0, 9), max_size=1)))
    return out


@st.composite
def _bad_payload(draw, bk: Book, op: str) -> dict:
    needs_markets(bk, op)
    out = draw(frame(bk, op))
    key = "args" if op in SUBSCRIPTION_COMMANDS else "dataArray" if op in BATCH_OF else "data"
    junk = st.one_of(st.integers(), st.text(max_size=8), st.booleans(), st.none(),
                     st.just("drop"))
    if key == "data":
        bad = draw(st.one_of(junk, st.lists(st.integers(), max_size=2)))
    elif key == "dataArray":
        bad = draw(st.one_of(junk, st.just([]), st.dictionaries(
            st.sampled_from("ab"), st.integers(), max_size=1)))
        if bad is not None and bad != "drop" and draw(st.booleans()):
            items = list(out["dataArray"])  # or one entry that is not an object
            items.insert(draw(st.integers(0, len(items))), draw(st.one_of(
                st.integers(), st.text(max_size=4), st.lists(st.integers(), max_size=1),
                st.none())))
            bad = items
    else:
        bad = draw(st.one_of(junk, st.dictionaries(st.sampled_from("ab"), st.integers(),
                                                   max_size=1),
                             st.lists(st.one_of(st.integers(), st.none()), min_size=1,
                                      max_size=2)))
    if isinstance(bad, str) and bad == "drop":
        del out[key]
    else:
        out[key] = bad
    return out


# -- batch-level timing ----------------------------------------------------------------------
@st.composite
def _batch_timestamp(draw, bk: Book, op: str) -> dict:
    needs_markets(bk, op)
    return {**draw(frame(bk, op)), "timestamp": draw(st.one_of(NOT_LONG, st.just(2**63)))}


@st.composite
def _batch_recv_window(draw, bk: Book, op: str) -> dict:
    needs_markets(bk, op)
    out = draw(frame(bk, op))
    if draw(st.booleans()) and bk.now is not None:
        out["timestamp"] = bk.now
    return {**out, "recvWindow": draw(NOT_LONG)}


def _batch_expired(rule: Rule) -> Breaker:
    @st.composite
    def make(draw, bk: Book, op: str) -> dict:
        needs_markets(bk, op)
        out = draw(frame(bk, op))
        window = 1000
        if draw(st.booleans()):
            window = out["recvWindow"] = draw(st.integers(0, 60_000))
        out["timestamp"] = bk.now - window - draw(st.integers(1, 10**9))
        return out
    return Breaker(rule.commands, make, needs_clock)


def _frame_level(make: Callable[[Book, str], st.SearchStrategy]) -> Callable[[Rule], Breaker]:
    return lambda rule: Breaker(rule.commands, make)


#: rule name -> breaker factory. A name no row has, or a non-warning row neither here nor
#: derivable, fails the registry test.
HANDWRITTEN: dict[str, Callable[[Rule], Breaker]] = {
    "frame-too-long": _frame_level(_too_long),
    "not-json": _frame_level(_not_json),
    "not-utf8-text": _frame_level(_not_utf8),
    "too-deep": _frame_level(_too_deep),
    "internal-error": _no_frame,
    "unknown-op": _frame_level(_unknown_op),
    "tag-too-long": _frame_level(_long_tag),
    "bad-tag": _frame_level(_bad_tag),
    "bad-payload": _frame_level(_bad_payload),
    "batch-timestamp-type": _frame_level(_batch_timestamp),
    "batch-recv-window-type": _frame_level(_batch_recv_window),
    "batch-recv-window": _batch_expired,
}
