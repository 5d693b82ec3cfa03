"""Hypothesis strategies: frames the exchange accepts, and frames it rejects with a given code.

    from hypothesis import given
    from oxpreflight import Preflight
    from oxpreflight.strategies import frames, violating

    @given(frames("placeorders", markets="markets.json", now=NOW))
    def test_my_sender_accepts(frame): ...

    @given(violating("20029", markets="markets.json", now=NOW))
    def test_my_builder_never_produces(frame): ...

Frames are built by construction (no filtering): prices are multiples of the tick inside the
market's sanity bounds, quantities multiples of minSize, enumerations drawn from the documented
values, numbers as int, float, numeric string or Decimal. ``now`` is the clock the frames will be
checked with (epoch ms); with ``now=None`` frames carry no order timestamps and use only markets
active at the present, so they pass with ``clock=None`` and with the system clock alike.

Importing this module registers the request models of :mod:`oxpreflight.models` with
``st.register_type_strategy``, so ``st.from_type(PlaceOrder)`` generates valid instances.
This module is the only one of the package that imports hypothesis.
"""
from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext
from typing import Any, Callable, Optional

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ..models import CancelOrder, Login, ModifyOrder, PlaceOrder
from ..rules import RULES
from ..rules.orders import ORDER_TYPES, SIDES, STP_MODES, TIME_IN_FORCE, TRIGGER_TYPES
from ..rules.language import BATCH_OF, COMMANDS, SUBSCRIPTION_COMMANDS
from ..preflight import Preflight
from ..validators.markets import MarketError, MarketRecord, index_markets, load_markets

__all__ = ["frames", "violating", "enforced_codes"]

INT64_MAX = 2**63 - 1
#: How many ticks a price may range over when the market gives no bound on that side.
_SPAN = 10**9
#: Batches stay this small so that every drawn frame fits in the default 4000 characters.
_MAX_BATCH = 5
_DEFAULT_LIMIT = 4000
_CHANNELS = ("order:all", "balance:all", "position:all", "market:all", "trade:BTC-USD-SWAP-LIN",
             "ticker:all", "depth:BTC-USD-SWAP-LIN", "candles60s:BTC-USD-SWAP-LIN")
_TAG_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"


def enforced_codes() -> tuple:
    """Every code a non-warning rule enforces, in check order (what :func:`violating` covers)."""
    return tuple(dict.fromkeys(r.code for r in RULES if not r.is_warning))


# -- the catalogue, resolved once per strategy ------------------------------------------------
@dataclass(frozen=True)
class _Book:
    """The markets a strategy draws from, and the clock it draws for."""

    markets: dict            # marketCode -> MarketRecord
    now: Optional[int]       # the clock of the check (None: time rules off)
    active: tuple            # records active at now (or at the present when now is None)
    inactive: tuple          # records inactive at now (only when now is given)

    def limit_markets(self) -> tuple:
        return tuple(r for r in self.active if _price_range(r) is not None)

    def stop_market_markets(self) -> tuple:
        return tuple(r for r in self.active if r.type == "FUTURE")


def _book(markets: Any, now: Any) -> _Book:
    if now is not None and (now.__class__ is not int or now < 0):
        raise InvalidArgument(f"now={now!r} must be None or epoch milliseconds "
                              "(a non-negative int)")
    if isinstance(markets, Preflight):
        table = markets.markets
    elif isinstance(markets, dict) and markets and all(
            isinstance(v, MarketRecord) for v in markets.values()):
        table = markets
    else:
        try:
            table = index_markets(load_markets(markets))
        except MarketError as exc:
            raise InvalidArgument(f"markets: {exc}") from None
    at = now if now is not None else time.time_ns() // 1_000_000
    records = tuple(table[code] for code in sorted(table))
    active = tuple(r for r in records if r.is_active(at))
    inactive = tuple(r for r in records if not r.is_active(at)) if now is not None else ()
    return _Book(table, now, active, inactive)


def _check_op(op: Any, allowed=COMMANDS) -> None:
    if op not in allowed:
        raise InvalidArgument(f"op={op!r} must be one of {', '.join(allowed)}")


# -- numbers ----------------------------------------------------------------------------------
def _unit(rec: MarketRecord) -> Decimal:
    return rec.tick if rec.tick is not None else Decimal("0.01")


def _step(rec: MarketRecord) -> Decimal:
    return rec.step if rec.step is not None else Decimal("0.001")


def _ticks(value: Decimal, unit: Decimal, rounding) -> int:
    with localcontext() as ctx:
        ctx.prec = 60
        return int((value / unit).to_integral_value(rounding=rounding))


def _price_range(rec: MarketRecord, lo=None, hi=None):
    """(first, last) multiples of the tick a price may be on this market, or None if none.

    ``lo`` / ``hi`` default to the market's bounds; prices must be positive except on REPO and
    SPREAD markets."""
    unit = _unit(rec)
    lo = rec.lo if lo is None else lo
    hi = rec.hi if hi is None else hi
    first = _ticks(lo, unit, ROUND_CEILING) if lo is not None else None
    last = _ticks(hi, unit, ROUND_FLOOR) if hi is not None else None
    if not rec.rate:
        first = max(first if first is not None else 1, 1)
    if first is None:
        first = -_SPAN if last is None else last - _SPAN
    if last is None:
        last = first + _SPAN if first > -_SPAN else _SPAN
    return (first, last) if first <= last else None


def _forms(value: Decimal) -> list:
    """The ways a JSON frame may carry ``value`` exactly: text, int, float, Decimal."""
    text = format(value, "f")
    out = [text, value, text + ("0" if "." in text else ".0")]
    if value == value.to_integral_value():
        out.append(int(value))
    as_float = float(value)
    if math.isfinite(as_float) and Decimal(repr(as_float)) == value:
        out.append(as_float)
    return out


def _number(value: Decimal) -> st.SearchStrategy:
    return st.sampled_from(_forms(value))


@st.composite
def _in_range(draw, rec: MarketRecord, first: int, last: int) -> Any:
    return draw(_number(draw(st.integers(first, last)) * _unit(rec)))


@st.composite
def _quantity(draw, rec: MarketRecord) -> Any:
    return draw(_number(draw(st.integers(1, 10**6)) * _step(rec)))


def _long(low: int = 1, high: int = INT64_MAX) -> st.SearchStrategy:
    ints = st.integers(low, high)
    return st.one_of(ints, ints.map(str))


# -- valid items ------------------------------------------------------------------------------
@st.composite
def _timing(draw, book: _Book) -> dict:
    """Optional timestamp/recvWindow that have not expired at ``now``."""
    if book.now is None or not draw(st.booleans()):
        return {}
    if draw(st.booleans()):
        window = draw(st.integers(1, 60_000))
        return {"timestamp": book.now - draw(st.integers(-5_000, window)), "recvWindow": window}
    return {"timestamp": book.now - draw(st.integers(-5_000, 1_000))}


def _order_types(book: _Book, rec: MarketRecord) -> list:
    types = ["MARKET"]
    if _price_range(rec) is not None:
        types += ["LIMIT", "STOP_LIMIT"]
    if rec.type == "FUTURE":
        types.append("STOP_MARKET")
    return types


@st.composite
def _stop_limit_prices(draw, rec: MarketRecord, side: str) -> dict:
    first, last = _price_range(rec)
    k = draw(st.integers(first, last))
    unit = _unit(rec)
    if side == "BUY":  # stopPrice <= limitPrice, both positive off REPO/SPREAD
        gap = draw(st.integers(0, max(0, min(1000, k - 1)) if not rec.rate else 1000))
        stop = k - gap
    else:
        stop = k + draw(st.integers(0, 1000))
    return {"stopPrice": draw(_number(stop * unit)), "limitPrice": draw(_number(k * unit))}


@st.composite
def _place_item(draw, book: _Book, markets: Optional[tuple] = None,
                order_type: Optional[str] = None, side: Optional[str] = None) -> dict:
    rec = draw(st.sampled_from(markets or book.active))
    order_type = order_type or draw(st.sampled_from(_order_types(book, rec)))
    side = side or draw(st.sampled_from(SIDES))
    item: dict[str, Any] = {"marketCode": rec.code, "side": side, "orderType": order_type}
    if order_type == "MARKET" and rec.type == "SPOT" and side == "BUY" and draw(st.booleans()):
        item["amount"] = draw(_number(draw(st.integers(1, 10**6)) * Decimal("0.01")))
    else:
        item["quantity"] = draw(_quantity(rec))
    if order_type == "LIMIT":
        item["price"] = draw(_in_range(rec, *_price_range(rec)))
    elif order_type == "STOP_LIMIT":
        item.update(draw(_stop_limit_prices(rec, side)))
    elif order_type == "STOP_MARKET":
        span = _price_range(rec) or (1, _SPAN)
        item["stopPrice"] = draw(_in_range(rec, max(span[0], 1), max(span[1], 1)))
    if order_type != "MARKET" and draw(st.booleans()):
        item["timeInForce"] = draw(st.sampled_from(TIME_IN_FORCE))
    if order_type.startswith("STOP") and draw(st.booleans()):
        item["triggerType"] = draw(st.sampled_from(TRIGGER_TYPES))
    if draw(st.booleans()):
        item["clientOrderId"] = draw(_long())
    if draw(st.booleans()):
        item["selfTradePreventionMode"] = draw(st.sampled_from(STP_MODES))
    if order_type == "LIMIT" and "quantity" in item and draw(st.booleans()):
        item["displayQuantity"] = draw(_quantity(rec))
    item.update(draw(_timing(book)))
    return item


@st.composite
def _ids(draw) -> dict:
    which = draw(st.sampled_from(("orderId", "clientOrderId", "both")))
    out = {}
    if which != "clientOrderId":
        out["orderId"] = draw(_long())
    if which != "orderId":
        out["clientOrderId"] = draw(_long())
    return out


@st.composite
def _cancel_item(draw, book: _Book) -> dict:
    rec = draw(st.sampled_from(tuple(book.markets.values())))
    return {"marketCode": rec.code, **draw(_ids())}


@st.composite
def _modify_item(draw, book: _Book, markets: Optional[tuple] = None) -> dict:
    rec = draw(st.sampled_from(markets or book.active))
    item: dict[str, Any] = {"marketCode": rec.code, **draw(_ids())}
    if draw(st.booleans()):
        item["side"] = draw(st.sampled_from(SIDES))
    span = _price_range(rec)
    if span is not None and draw(st.booleans()):
        item["price"] = draw(_in_range(rec, *span))
    if draw(st.booleans()):
        item["quantity"] = draw(_quantity(rec))
    item.update(draw(_timing(book)))
    return item


@st.composite
def _login_data(draw, book: _Book) -> dict:
    stamp = (book.now - draw(st.integers(0, 5_000)) if book.now is not None
             else draw(st.integers(1_500_000_000_000, 4_000_000_000_000)))
    return {"apiKey": draw(st.text(_TAG_ALPHABET, min_size=1, max_size=40)),
            "timestamp": draw(st.sampled_from((stamp, str(stamp)))),
            "signature": draw(st.text(_TAG_ALPHABET + "+/=", min_size=1, max_size=64))}


def _item(book: _Book, item_op: str) -> st.SearchStrategy:
    if item_op == "placeorder":
        return _place_item(book)
    if item_op == "cancelorder":
        return _cancel_item(book)
    if item_op == "modifyorder":
        return _modify_item(book)
    return _login_data(book)


_TAGS = st.one_of(st.integers(0, 10**18), st.text(_TAG_ALPHABET, max_size=32))


@st.composite
def _frame(draw, book: _Book, op: str, broken: Optional[st.SearchStrategy] = None) -> dict:
    """A valid frame for ``op``; with ``broken``, one data item (or a batch's one item) is
    drawn from ``broken`` instead."""
    frame: dict[str, Any] = {"op": op}
    if draw(st.booleans()):
        frame["tag"] = draw(_TAGS)
    if op in SUBSCRIPTION_COMMANDS:
        frame["args"] = draw(st.lists(st.sampled_from(_CHANNELS), min_size=1, max_size=4,
                                      unique=True))
    elif op in BATCH_OF:
        items = draw(st.lists(_item(book, BATCH_OF[op]), min_size=1, max_size=_MAX_BATCH))
        if broken is not None:
            items[draw(st.integers(0, len(items) - 1))] = draw(broken)
        frame["dataArray"] = items
    else:
        frame["data"] = draw(broken) if broken is not None else draw(_item(book, op))
    return frame


def _needs_markets(book: _Book, op: str) -> None:
    item_op = BATCH_OF.get(op, op)
    if item_op in ("placeorder", "modifyorder") and not book.active:
        raise InvalidArgument(f"no market of the catalogue is active at now={book.now}: "
                              f"cannot build {op} frames")
    if item_op == "cancelorder" and not book.markets:
        raise InvalidArgument("the market catalogue is empty: cannot build cancel frames")


def frames(op: str = "placeorder", *, markets: Any = None, now: Optional[int] = None
           ) -> st.SearchStrategy:
    """Frames (dicts) that ``Preflight(markets, clock=now)`` accepts, for any of the nine ops.

    ``markets``: what :class:`~oxpreflight.Preflight` accepts (``None``: the embedded
    catalogue), or a Preflight. ``now``: the epoch-ms clock the frames will be checked at;
    ``None`` for frames that carry no order timestamp and pass with or without a clock.
    """
    _check_op(op)
    book = _book(markets, now)
    _needs_markets(book, op)
    return _frame(book, op)


# -- breaking one thing -----------------------------------------------------------------------
@dataclass(frozen=True)
class _Breaker:
    """One way to break one rule: the ops it applies to, what the catalogue must offer, and
    the strategy of frames it makes."""

    ops: tuple
    make: Callable[[_Book, str], st.SearchStrategy]
    needs: Callable[[_Book], Optional[str]] = lambda book: None


PLACE, CANCEL, MODIFY = ("placeorder", "placeorders"), ("cancelorder", "cancelorders"), \
    ("modifyorder", "modifyorders")
_WITH_DATA = tuple(op for op in COMMANDS if op not in SUBSCRIPTION_COMMANDS)

_NOT_NUMBER = st.one_of(
    st.sampled_from(["", "abc", "one", "1,5", "NaN", "Infinity", "-inf", "1e", "--1", " 1",
                     "0x10", "1_000"]),
    st.text(st.characters(categories=("Lu", "Ll")), min_size=1, max_size=8),
    st.booleans(), st.lists(st.integers(0, 9), max_size=2),
    st.dictionaries(st.sampled_from("ab"), st.integers(0, 9), max_size=1))
_NOT_LONG = st.one_of(
    st.sampled_from([1.5, 1.0, -0.5, "1.0", "1e3", "abc", "", " 1", True, False,
                     2**63, -(2**63) - 1, str(2**63), [1], {"id": 1}]),
    st.integers(2**63, 2**70), st.floats(allow_nan=False, allow_infinity=False))
_NOT_POSITIVE_LONG = st.one_of(_NOT_LONG, st.integers(-(2**63), 0),
                               st.integers(-(2**63), 0).map(str))
_MISSING = st.sampled_from(("drop", None))


def _fill(value_strategy: st.SearchStrategy, field: str) -> Callable:
    def change(draw, item: dict) -> dict:
        return {**item, field: draw(value_strategy)}
    return change


def _drop(field: str, empty: bool = False) -> Callable:
    choices = ("drop", None, "") if empty else ("drop", None)

    def change(draw, item: dict) -> dict:
        how = draw(st.sampled_from(choices))
        out = dict(item)
        if how == "drop":
            out.pop(field, None)
        else:
            out[field] = how
        return out
    return change


def _item_breaker(ops: tuple, base: Callable[[_Book], st.SearchStrategy], change: Callable,
                  needs: Callable[[_Book], Optional[str]] = lambda book: None) -> _Breaker:
    """Break one item: draw a valid item from ``base(book)`` and apply ``change`` to it."""
    def make(book: _Book, op: str) -> st.SearchStrategy:
        @st.composite
        def broken(draw):
            return change(draw, draw(base(book)))
        return _frame(book, op, broken())
    return _Breaker(ops, make, needs)


def _markets_where(pick: Callable[[_Book], tuple], what: str):
    def needs(book: _Book) -> Optional[str]:
        return None if pick(book) else f"the catalogue has no {what}"
    return needs


def _active(book):
    return book.active


def _non_rate_limit(book):
    return tuple(r for r in book.limit_markets() if not r.rate)


def _stop_market(book):
    return book.stop_market_markets()


def _not_futures(book):
    return tuple(r for r in book.active if r.type != "FUTURE")


def _with_step(book):
    return tuple(r for r in book.active if r.step is not None)


def _place(order_type=None, side=None, pick=_active):
    return lambda book: _place_item(book, pick(book), order_type, side)


def _modify(pick=_active):
    return lambda book: _modify_item(book, pick(book))


def _needs_clock(book: _Book) -> Optional[str]:
    return None if book.now is not None else "no clock: pass now=<epoch ms>"


def _below_bound(rec: MarketRecord) -> Optional[tuple]:
    if rec.lo is None:
        return None
    last = _ticks(rec.lo, _unit(rec), ROUND_CEILING) - 1
    first = last - 1000 if rec.rate else 1
    return (first, last) if first <= last else None


def _above_bound(rec: MarketRecord) -> Optional[tuple]:
    if rec.hi is None:
        return None
    first = max(_ticks(rec.hi, _unit(rec), ROUND_FLOOR) + 1, 1 if not rec.rate else -_SPAN)
    return (first, first + 1000)


def _bounded(side: str, pick=_active):
    span = _below_bound if side == "lower" else _above_bound
    return lambda book: tuple(r for r in pick(book) if span(r) is not None)


@st.composite
def _out_of_bound(draw, book: _Book, side: str, item_op: str, order_type: str) -> dict:
    recs = _bounded(side)(book)
    if item_op == "placeorder":
        recs = tuple(r for r in recs if _price_range(r) is not None)
    rec = draw(st.sampled_from(recs))
    span = _below_bound(rec) if side == "lower" else _above_bound(rec)
    price = draw(_in_range(rec, *span))
    if item_op == "modifyorder":
        return {**draw(_modify_item(book, (rec,))), "price": price}
    if order_type == "LIMIT":
        return {**draw(_place_item(book, (rec,), "LIMIT")), "price": price}
    # STOP_LIMIT: the limit price is bound-checked; the stop price equal to it keeps the order
    item = draw(_place_item(book, (rec,), "STOP_LIMIT"))
    return {**item, "limitPrice": price, "stopPrice": price}


def _bound_breakers(side: str) -> list:
    what = "a lower" if side == "lower" else "an upper"
    needs = _markets_where(_bounded(side), f"active market with {what} price bound")
    out = [_Breaker(MODIFY, lambda book, op, s=side: _frame(
        book, op, _out_of_bound(book, s, "modifyorder", "")), needs)]
    for order_type in ("LIMIT", "STOP_LIMIT"):
        out.append(_Breaker(PLACE, lambda book, op, s=side, t=order_type: _frame(
            book, op, _out_of_bound(book, s, "placeorder", t)), needs))
    return out


@st.composite
def _below_step(draw, rec: MarketRecord) -> Any:
    digits = draw(st.integers(1, 6))
    part = draw(st.integers(1, 10**digits - 1))
    return draw(_number(_step(rec) * part / Decimal(10**digits)))


def _below_step_change(draw, item: dict, book: _Book) -> dict:
    return {**item, "quantity": draw(_below_step(book.markets[item["marketCode"]]))}


@st.composite
def _expired(draw, base: st.SearchStrategy, now: int) -> dict:
    item = dict(draw(base))
    item.pop("recvWindow", None)
    if draw(st.booleans()):
        window = draw(st.integers(0, 60_000))
        item["recvWindow"] = window
    else:
        window = 1000
    item["timestamp"] = now - window - draw(st.integers(1, 10**9))
    return item


@st.composite
def _inactive_item(draw, book: _Book, item_op: str) -> dict:
    rec = draw(st.sampled_from(book.inactive))
    if item_op == "modifyorder":
        return draw(_modify_item(book, (rec,)))
    return draw(_place_item(book, (rec,)))


@st.composite
def _stop_limit_crossed(draw, book: _Book, side: str) -> dict:
    recs = book.limit_markets() if side == "BUY" else _sell_stop_markets(book)
    rec = draw(st.sampled_from(recs))
    first, last = _price_range(rec)
    if side == "BUY":  # stopPrice > limitPrice
        k = draw(st.integers(first, last))
        stop = k + draw(st.integers(1, 1000))
    else:  # limitPrice > stopPrice, stop positive off REPO/SPREAD
        k = draw(st.integers(max(first, 2) if not rec.rate else first, last))
        stop = k - draw(st.integers(1, (k - 1) if not rec.rate else 1000))
    item = draw(_place_item(book, (rec,), "STOP_LIMIT", side))
    unit = _unit(rec)
    return {**item, "stopPrice": draw(_number(stop * unit)),
            "limitPrice": draw(_number(k * unit))}


@st.composite
def _unknown_market(draw, book: _Book) -> Any:
    known = book.markets
    text = st.text(st.characters(codec="utf-8"), min_size=1, max_size=24)
    value = draw(st.one_of(
        text, st.sampled_from([c.lower() for c in known] or ["btcUSD"]),
        st.integers(1, 10**6)))
    if value in known:  # a lower-cased code that happens to exist: make it unknown
        value = value + "-X"
    return value if value != "" else "?"


_NON_POSITIVE = st.integers(-10**6, 0).flatmap(lambda k: _number(k * Decimal("0.001")))


def _not_one_of(values: tuple) -> st.SearchStrategy:
    options = [v.lower() for v in values] + [v.title() for v in values] + [
        v + " " for v in values] + ["", "UNKNOWN"]
    return st.one_of(st.sampled_from([o for o in options if o not in values]),
                     st.integers(0, 9), st.booleans())


def _breakers() -> dict:
    B: dict[str, list] = {}

    def add(code, *breakers):
        B.setdefault(code, []).extend(breakers)

    place, modify = _place(), _modify()
    cancel = lambda book: _cancel_item(book)  # noqa: E731
    login = lambda book: _login_data(book)  # noqa: E731
    has_active = _markets_where(_active, "active market")
    has_markets = lambda book: None if book.markets else "the catalogue is empty"  # noqa: E731

    # frame and envelope
    add("20027", _Breaker(COMMANDS, _too_long))
    add("20009", _Breaker(COMMANDS, _not_json))
    add("20003", _Breaker(COMMANDS, _unknown_op))
    add("20034", _Breaker(COMMANDS, _long_tag))
    add("20002", _Breaker(COMMANDS, _bad_tag), _Breaker(COMMANDS, _bad_payload))
    # login
    add("20025", _item_breaker(("login",), login, _drop("apiKey", empty=True)))
    add("20023", _item_breaker(("login",), login, _drop("timestamp", empty=True)))
    add("20002", _item_breaker(("login",), login, _fill(
        _NOT_LONG.filter(lambda v: v != ""), "timestamp")))
    add("20000", _item_breaker(("login",), login, _drop("signature", empty=True)))
    # fields every order command shares
    for ops, base, needs in ((PLACE, place, has_active), (CANCEL, cancel, has_markets),
                             (MODIFY, modify, has_active)):
        add("20011", _item_breaker(ops, base, _drop("marketCode", empty=True), needs))
        add("20014", _item_breaker(ops, base, _fill(_NOT_LONG, "clientOrderId"), needs))
        add("20008", _item_breaker(ops, base, _fill(
            st.one_of(_long(-(2**63), 0)), "clientOrderId"), needs))
        add("20015", _Breaker(ops, lambda book, op, b=base: _frame(book, op, _replace_market(
            book, b)), needs))
    for ops, base, needs in ((CANCEL, cancel, has_markets), (MODIFY, modify, has_active)):
        add("20010", _item_breaker(ops, base, _no_ids, needs))
        add("20019", _item_breaker(ops, base, _fill(_NOT_POSITIVE_LONG, "orderId"), needs))
    # placeorder
    add("20012", _item_breaker(PLACE, place, _drop("side"), has_active))
    add("20013", _item_breaker(PLACE, place, _drop("orderType"), has_active))
    add("20016", _item_breaker(PLACE, place, _fill(_not_one_of(SIDES), "side"), has_active),
        _item_breaker(MODIFY, modify, _fill(_not_one_of(SIDES), "side"), has_active))
    add("20017", _item_breaker(PLACE, place, _fill(_not_one_of(ORDER_TYPES), "orderType"),
                               has_active),
        _Breaker(PLACE, lambda book, op: _frame(book, op, _stop_market_elsewhere(book)),
                 _markets_where(_not_futures, "active market that is not a FUTURE")))
    add("20018", _item_breaker(PLACE, place, _fill(_not_one_of(TIME_IN_FORCE), "timeInForce"),
                               has_active))
    add("20033", _item_breaker(PLACE, place, _fill(_not_one_of(TRIGGER_TYPES), "triggerType"),
                               has_active))
    add("20050", _item_breaker(PLACE, place, _fill(_not_one_of(STP_MODES),
                                                   "selfTradePreventionMode"), has_active))
    add("20006",
        _item_breaker(PLACE, place, _no_quantity, has_active),
        _item_breaker(PLACE, place, _fill(_NON_POSITIVE, "quantity"), has_active),
        _item_breaker(MODIFY, modify, _fill(_NON_POSITIVE, "quantity"), has_active),
        _item_breaker(PLACE, _place("MARKET", "BUY", pick=_spot), _amount(_NON_POSITIVE),
                      _markets_where(_spot, "active SPOT market")))
    add("20002",
        _item_breaker(PLACE, place, _fill(_NOT_NUMBER, "quantity"), has_active),
        _item_breaker(PLACE, _place("MARKET", "BUY", pick=_spot), _amount(_NOT_NUMBER),
                      _markets_where(_spot, "active SPOT market")),
        _item_breaker(PLACE, place, _fill(_NOT_NUMBER, "displayQuantity"), has_active),
        _item_breaker(MODIFY, modify, _fill(_NOT_NUMBER, "quantity"), has_active))
    for ops, base in ((PLACE, place), (MODIFY, modify)):
        for name in ("timestamp", "recvWindow"):
            add("20002", _item_breaker(ops, base, _fill(_NOT_LONG, name), has_active))
    has_limit = _markets_where(lambda b: b.limit_markets(), "market where a LIMIT price fits")
    limit = _place("LIMIT", pick=lambda b: b.limit_markets())
    add("20022", _item_breaker(PLACE, limit, _drop("price"), has_limit))
    add("20021", _item_breaker(PLACE, limit, _fill(_NOT_NUMBER, "price"), has_limit),
        _item_breaker(MODIFY, modify, _fill(_NOT_NUMBER, "price"), has_active))
    has_positive = _markets_where(_non_rate_limit, "active market with positive prices")
    positive_limit = _place("LIMIT", pick=_non_rate_limit)
    add("20028",
        _item_breaker(PLACE, positive_limit, _fill(_NON_POSITIVE, "price"), has_positive),
        _item_breaker(MODIFY, _modify(_non_rate_limit), _fill(_NON_POSITIVE, "price"),
                      has_positive),
        _item_breaker(PLACE, _place("STOP_LIMIT", pick=_non_rate_limit),
                      _fill(_NON_POSITIVE, "stopPrice"), has_positive),
        _item_breaker(PLACE, _place("STOP_LIMIT", pick=_non_rate_limit),
                      _fill(_NON_POSITIVE, "limitPrice"), has_positive),
        _item_breaker(PLACE, _place("STOP_MARKET", pick=_stop_market),
                      _fill(_NON_POSITIVE, "stopPrice"),
                      _markets_where(_stop_market, "active FUTURE market")))
    stop_limit = _place("STOP_LIMIT", pick=lambda b: b.limit_markets())
    stop_market = _place("STOP_MARKET", pick=_stop_market)
    bad_price = st.one_of(_NOT_NUMBER, st.just("drop"), st.none())
    add("20020",
        _item_breaker(PLACE, stop_limit, _set_or_drop(bad_price, "stopPrice"), has_limit),
        _item_breaker(PLACE, stop_limit, _set_or_drop(bad_price, "limitPrice"), has_limit),
        _item_breaker(PLACE, stop_market, _set_or_drop(bad_price, "stopPrice"),
                      _markets_where(_stop_market, "active FUTURE market")))
    add("20029", _Breaker(PLACE, lambda book, op: _frame(book, op, _stop_limit_crossed(
        book, "BUY")), has_limit))
    add("20030", _Breaker(PLACE, lambda book, op: _frame(book, op, _stop_limit_crossed(
        book, "SELL")), _markets_where(_sell_stop_markets,
                                       "market where a STOP_LIMIT SELL fits")))
    # market rules
    needs_inactive = lambda book: _needs_clock(book) or (  # noqa: E731
        None if book.inactive else f"the catalogue has no market inactive at now={book.now}")
    add("200050", _Breaker(PLACE, lambda book, op: _frame(book, op, _inactive_item(
        book, "placeorder")), needs_inactive),
        _Breaker(MODIFY, lambda book, op: _frame(book, op, _inactive_item(
            book, "modifyorder")), needs_inactive))
    has_step = _markets_where(_with_step, "active market with a minSize")
    for ops, base in ((PLACE, _place(pick=_with_step)), (MODIFY, _modify(_with_step))):
        add("100008", _Breaker(ops, lambda book, op, b=base: _frame(book, op, _changed(
            b(book), lambda draw, item: _below_step_change(draw, item, book))), has_step))
    add("710002", *_bound_breakers("lower"))
    add("710003", *_bound_breakers("upper"))
    for ops, base in ((PLACE, place), (MODIFY, modify)):
        add("100015", _Breaker(ops, lambda book, op, b=base: _frame(book, op, _expired(
            b(book), book.now)), lambda book: _needs_clock(book) or has_active(book)))
    return B


def _sell_stop_markets(book):
    return tuple(r for r in book.limit_markets() if r.rate or _price_range(r)[1] >= 2)


def _spot(book):
    return tuple(r for r in book.active if r.type == "SPOT")


@st.composite
def _changed(draw, base: st.SearchStrategy, change: Callable) -> dict:
    return change(draw, draw(base))


def _set_or_drop(strategy: st.SearchStrategy, field: str) -> Callable:
    def change(draw, item: dict) -> dict:
        value = draw(strategy)
        out = dict(item)
        if isinstance(value, str) and value == "drop":
            out.pop(field, None)
        else:
            out[field] = value
        return out
    return change


def _no_ids(draw, item: dict) -> dict:
    out = dict(item)
    for name in ("orderId", "clientOrderId"):
        how = draw(_MISSING)
        if how == "drop":
            out.pop(name, None)
        else:
            out[name] = None
    return out


def _no_quantity(draw, item: dict) -> dict:
    out = {k: v for k, v in item.items() if k not in ("quantity", "amount")}
    if draw(st.booleans()):
        out["quantity"] = None
    return out


def _amount(strategy: st.SearchStrategy) -> Callable:
    def change(draw, item: dict) -> dict:
        out = {k: v for k, v in item.items() if k != "quantity"}
        out["amount"] = draw(strategy)
        return out
    return change


@st.composite
def _stop_market_elsewhere(draw, book: _Book) -> dict:
    """A STOP_MARKET order, valid in every other respect, on a market that is not a FUTURE."""
    rec = draw(st.sampled_from(_not_futures(book)))
    item = {k: v for k, v in draw(_place_item(book, (rec,), "MARKET")).items() if k != "amount"}
    span = _price_range(rec) or (1, _SPAN)
    item.update(orderType="STOP_MARKET", quantity=item.get("quantity") or draw(_quantity(rec)),
                stopPrice=draw(_in_range(rec, max(span[0], 1), max(span[1], 1))))
    return item


@st.composite
def _replace_market(draw, book: _Book, base: Callable) -> dict:
    return {**draw(base(book)), "marketCode": draw(_unknown_market(book))}


# frame-level breakers
def _dumps(frame: dict) -> str:
    return json.dumps(frame, separators=(",", ":"), ensure_ascii=False, default=str)


@st.composite
def _too_long(draw, book: _Book, op: str) -> dict:
    _needs_markets(book, op)
    frame = draw(_frame(book, op))
    target = _DEFAULT_LIMIT + draw(st.integers(1, 2000))
    if op in BATCH_OF:
        items = frame["dataArray"]
        while len(_dumps(frame)) <= target:
            items.append(draw(_item(book, BATCH_OF[op])))
    elif op in SUBSCRIPTION_COMMANDS:
        args = frame["args"]
        while len(_dumps(frame)) <= target:
            args.append(draw(st.sampled_from(_CHANNELS)))
    else:
        frame["data"]["note"] = "x" * (target - len(_dumps(frame)) + 1)
    return frame


@st.composite
def _not_json(draw, book: _Book, op: str) -> Any:
    _needs_markets(book, op)
    text = _dumps(draw(_frame(book, op)))
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
def _unknown_op(draw, book: _Book, op: str) -> dict:
    _needs_markets(book, op)
    frame = draw(_frame(book, op))
    bad = draw(st.one_of(
        st.sampled_from((op.upper(), op.title(), op.capitalize() + "s", op + " ", "order",
                         "ping", "", "drop")),
        st.text(max_size=12), st.integers(), st.none(), st.lists(st.just(op), max_size=1)))
    if bad in COMMANDS:
        bad = bad + "!"
    if bad == "drop":
        del frame["op"]
    else:
        frame["op"] = bad
    return frame


@st.composite
def _long_tag(draw, book: _Book, op: str) -> dict:
    _needs_markets(book, op)
    frame = draw(_frame(book, op))
    tag = draw(st.one_of(st.text(_TAG_ALPHABET, min_size=33, max_size=64),
                         st.integers(10**32, 10**40)))
    return {"op": frame["op"], "tag": tag, **{k: v for k, v in frame.items()
                                              if k not in ("op", "tag")}}


@st.composite
def _bad_tag(draw, book: _Book, op: str) -> dict:
    _needs_markets(book, op)
    frame = draw(_frame(book, op))
    frame["tag"] = draw(st.one_of(
        st.booleans(), st.floats(allow_nan=False, allow_infinity=False),
        st.lists(st.integers(0, 9), max_size=2), st.dictionaries(
            st.sampled_from("ab"), st.integers(0, 9), max_size=1)))
    return frame


@st.composite
def _bad_payload(draw, book: _Book, op: str) -> dict:
    _needs_markets(book, op)
    frame = draw(_frame(book, op))
    key = "args" if op in SUBSCRIPTION_COMMANDS else "dataArray" if op in BATCH_OF else "data"
    junk = st.one_of(st.integers(), st.text(max_size=8), st.booleans(), st.none(),
                     st.just("drop"))
    if key == "data":
        value = draw(st.one_of(junk, st.lists(st.integers(), max_size=2)))
    elif key == "dataArray":
        value = draw(st.one_of(junk, st.just([]), st.dictionaries(
            st.sampled_from("ab"), st.integers(), max_size=1)))
        if value is not None and value != "drop" and draw(st.booleans()):
            # or one entry that is not an object
            items = list(frame["dataArray"])
            items.insert(draw(st.integers(0, len(items))), draw(st.one_of(
                st.integers(), st.text(max_size=4), st.lists(st.integers(), max_size=1),
                st.none())))
            value = items
    else:
        value = draw(st.one_of(junk, st.dictionaries(st.sampled_from("ab"), st.integers(),
                                                     max_size=1),
                               st.lists(st.one_of(st.integers(), st.none()), min_size=1,
                                        max_size=2)))
    if isinstance(value, str) and value == "drop":
        del frame[key]
    else:
        frame[key] = value
    return frame


_BREAKERS: Optional[dict] = None


def violating(code: str, *, op: Optional[str] = None, markets: Any = None,
              now: Optional[int] = None) -> st.SearchStrategy:
    """Frames that ``Preflight(markets, clock=now)`` rejects with exactly ``code``.

    Each frame is a valid frame with exactly one thing broken; for a batch, one item. Frames
    are dicts, except for 20009 (JSON text, as str or bytes). 20027 frames exceed the default
    ``max_message_length`` of 4000. ``op`` restricts the commands; raises ``InvalidArgument``
    for a code no rule enforces, or one that ``op`` or the catalogue cannot reach (the
    embedded catalogue has no bounds, so no 710002/710003; 100015 and 200050 need ``now``).
    """
    global _BREAKERS
    if _BREAKERS is None:
        _BREAKERS = _breakers()
    code = str(code)
    if code not in _BREAKERS:
        raise InvalidArgument(f"code={code!r} is not enforced by any rule; enforced codes: "
                              f"{', '.join(enforced_codes())}")
    if op is not None:
        _check_op(op)
    book = _book(markets, now)
    options, reasons = [], []
    for breaker in _BREAKERS[code]:
        ops = breaker.ops if op is None else tuple(o for o in breaker.ops if o == op)
        if not ops:
            continue
        reason = breaker.needs(book)
        if reason is not None:
            reasons.append(reason)
            continue
        options.append(st.sampled_from(ops).flatmap(lambda o, b=breaker: b.make(book, o)))
    if not options:
        why = "; ".join(dict.fromkeys(reasons)) or f"no rule gives {code} for op={op!r}"
        raise InvalidArgument(f"cannot build frames violating {code}: {why}")
    return st.one_of(options)


# -- st.from_type for the request models ------------------------------------------------------
def _models_strategy(model, op: str) -> st.SearchStrategy:
    book = _book(None, None)
    return _item(book, op).map(model.model_validate)


def _hypothesis_setup_hook() -> None:
    """Register the request models with ``st.register_type_strategy`` (also run on import;
    usable as the ``hypothesis`` entry point)."""
    st.register_type_strategy(PlaceOrder, st.deferred(
        lambda: _models_strategy(PlaceOrder, "placeorder")))
    st.register_type_strategy(CancelOrder, st.deferred(
        lambda: _models_strategy(CancelOrder, "cancelorder")))
    st.register_type_strategy(ModifyOrder, st.deferred(
        lambda: _models_strategy(ModifyOrder, "modifyorder")))
    st.register_type_strategy(Login, st.deferred(lambda: _models_strategy(Login, "login")))


_hypothesis_setup_hook()
