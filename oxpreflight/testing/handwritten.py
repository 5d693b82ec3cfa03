"""Breakers written by hand, keyed by rule name: the frame-level rows (length, JSON, op, tag,
payload) and the rows whose breaking needs a market's figures (bounds, increment, listing
window) or the clock. Every other row's breaker is derived (:mod:`.derived`)."""
from __future__ import annotations

import json
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any, Callable, Optional

from hypothesis import strategies as st

from ..rules.frame import MAX_DEPTH
from ..rules.language import BATCH_OF, COMMANDS, SUBSCRIPTION_COMMANDS, Rule
from ..validators.markets import MarketRecord
from .book import SPAN, Book, in_range, price_range, step, ticks, unit
from .derived import NOT_LONG, Breaker
from .valid import CHANNELS, TAG_ALPHABET, frame, item, modify_item, needs_markets, place_item

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


# -- market figures and the clock -------------------------------------------------------------
def _where(pick: Callable[[Book], tuple], what: str) -> Callable[[Book], Optional[str]]:
    return lambda bk: None if pick(bk) else f"the catalogue has no {what}"


def _needs_clock(bk: Book) -> Optional[str]:
    return None if bk.now is not None else "no clock: pass now=<epoch ms>"


def _on(bk: Book, item_op: str, recs: tuple, types: Optional[tuple] = None) -> st.SearchStrategy:
    if item_op == "modifyorder":
        return modify_item(bk, recs)
    return place_item(bk, recs, types)


def _broken(base: Callable[[Book, str], st.SearchStrategy], change: Callable) -> Callable:
    """A breaker's ``make``: draw a base item for the op, apply ``change(draw, item, bk)``."""
    def make(bk: Book, op: str) -> st.SearchStrategy:
        @st.composite
        def broken(draw):
            return change(draw, draw(base(bk, BATCH_OF.get(op, op))), bk)
        return frame(bk, op, broken())
    return make


def _inactive(rule: Rule) -> Breaker:
    def needs(bk: Book) -> Optional[str]:
        return _needs_clock(bk) or (None if bk.inactive else
                                    f"the catalogue has no market inactive at now={bk.now}")
    return Breaker(rule.commands, _broken(lambda bk, op: _on(bk, op, bk.inactive),
                                          lambda draw, it, bk: it), needs)


def _with_step(bk: Book) -> tuple:
    return tuple(r for r in bk.active if r.step is not None)


def _below_step(rule: Rule) -> Breaker:
    def change(draw, it: dict, bk: Book) -> dict:
        digits = draw(st.integers(1, 6))
        part = draw(st.integers(1, 10**digits - 1))
        size = step(bk.markets[it["marketCode"]]) * part / Decimal(10**digits)
        return {**it, rule.fails.field: draw(bk.number(size))}
    return Breaker(rule.commands, _broken(lambda bk, op: _on(bk, op, _with_step(bk)), change),
                   _where(_with_step, "active market with a minSize"))


def _below_bound(rec: MarketRecord) -> Optional[tuple]:
    if rec.lo is None:
        return None
    last = ticks(rec.lo, unit(rec), ROUND_CEILING) - 1
    first = last - 1000 if rec.rate else 1
    return (first, last) if first <= last else None


def _above_bound(rec: MarketRecord) -> Optional[tuple]:
    if rec.hi is None:
        return None
    first = max(ticks(rec.hi, unit(rec), ROUND_FLOOR) + 1, 1 if not rec.rate else -SPAN)
    return (first, first + 1000)


def _out_of_bound(rule: Rule, order_type: Optional[str]) -> Breaker:
    """``rule.fails`` ends in ``OutOfBound(field, side)``; for STOP_LIMIT the stop price moves
    with the limit price, so the stop/limit order rows still pass."""
    cond = rule.fails.parts[-1] if hasattr(rule.fails, "parts") else rule.fails
    span = _below_bound if cond.side == "lower" else _above_bound

    def recs(bk: Book) -> tuple:
        out = tuple(r for r in bk.active if span(r) is not None)
        return tuple(r for r in out if price_range(r) is not None) if order_type else out

    def change(draw, it: dict, bk: Book) -> dict:
        rec = bk.markets[it["marketCode"]]
        price = draw(in_range(bk, rec, *span(rec)))
        extra = {"stopPrice": price} if order_type == "STOP_LIMIT" else {}
        return {**it, cond.field: price, **extra}

    types = (order_type,) if order_type else None
    what = "a lower" if cond.side == "lower" else "an upper"
    return Breaker(rule.commands, _broken(lambda bk, op: _on(bk, op, recs(bk), types), change),
                   _where(recs, f"active market with {what} price bound"))


def _expired(rule: Rule) -> Breaker:
    def change(draw, it: dict, bk: Book) -> dict:
        out = {k: v for k, v in it.items() if k != "recvWindow"}
        window = 1000
        if draw(st.booleans()):
            window = out["recvWindow"] = draw(st.integers(0, 60_000))
        out["timestamp"] = bk.now - window - draw(st.integers(1, 10**9))
        return out
    return Breaker(rule.commands, _broken(lambda bk, op: _on(bk, op, bk.active), change),
                   lambda bk: _needs_clock(bk) or (None if bk.active else
                                                   "the catalogue has no active market"))


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
    return Breaker(rule.commands, make, _needs_clock)


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
    "market-active": _inactive,
    "quantity-increment": _below_step,
    "limit-price-lower-bound": lambda rule: _out_of_bound(rule, "LIMIT"),
    "limit-price-upper-bound": lambda rule: _out_of_bound(rule, "LIMIT"),
    "stop-limit-lower-bound": lambda rule: _out_of_bound(rule, "STOP_LIMIT"),
    "stop-limit-upper-bound": lambda rule: _out_of_bound(rule, "STOP_LIMIT"),
    "modify-price-lower-bound": lambda rule: _out_of_bound(rule, None),
    "modify-price-upper-bound": lambda rule: _out_of_bound(rule, None),
    "recv-window": _expired,
    "batch-timestamp-type": _frame_level(_batch_timestamp),
    "batch-recv-window-type": _frame_level(_batch_recv_window),
    "batch-recv-window": _batch_expired,
}
