"""Breakers derived from a rule row's condition: take a valid item that meets the row's guards
(order type, side, kind of market) and break the field the row checks, by condition class
(``Absent`` -> drop or null it, ``NotOneOf`` -> a value outside the set, ``NotNumber`` -> not a
number, ...). Rows whose breaking needs a market's figures or the clock are hand-written
(:mod:`oxpreflight.testing.handwritten`)."""
from __future__ import annotations

from dataclasses import dataclass, field as _field
from decimal import Decimal
from typing import Any, Callable, Optional

from hypothesis import strategies as st

from ..rules import RULES
from ..rules import language as L
from ..rules.language import BATCH_OF, Rule
from .book import Book, as_decimal, long, unit
from .valid import cancel_item, frame, login_data, modify_item, order_types, place_item, value

Change = Callable[[Any, dict, Book], dict]  # (draw, item, book) -> the broken item


class NoBreaker(LookupError):
    """A rule row whose condition this module cannot break (it needs a hand-written one)."""


@dataclass(frozen=True)
class Breaker:
    """One way to break one row: the ops it applies to, what the catalogue must offer, and
    the strategy of frames it makes."""

    ops: tuple
    make: Callable[[Book, str], st.SearchStrategy]
    needs: Callable[[Book], Optional[str]] = lambda bk: None


# -- values that break one field --------------------------------------------------------------
NOT_NUMBER = st.one_of(
    st.sampled_from(["", "abc", "one", "1,5", "NaN", "Infinity", "-inf", "1e", "--1", " 1",
                     "0x10", "1_000"]),
    st.text(st.characters(categories=("Lu", "Ll")), min_size=1, max_size=8),
    st.booleans(), st.lists(st.integers(0, 9), max_size=2),
    st.dictionaries(st.sampled_from("ab"), st.integers(0, 9), max_size=1))
NOT_LONG = st.one_of(
    st.sampled_from([1.5, 1.0, -0.5, "1.0", "1e3", "abc", "", " 1", True, False,
                     2**63, -(2**63) - 1, str(2**63), [1], {"id": 1}]),
    st.integers(2**63, 2**70), st.floats(allow_nan=False, allow_infinity=False))
NOT_POSITIVE_LONG = st.one_of(NOT_LONG, long(-(2**63), 0))


def not_one_of(values: tuple) -> st.SearchStrategy:
    options = [v.lower() for v in values] + [v.title() for v in values] + [
        v + " " for v in values] + ["", "UNKNOWN"]
    return st.one_of(st.sampled_from([o for o in options if o not in values]),
                     st.integers(0, 9), st.booleans())


def non_positive(bk: Book) -> st.SearchStrategy:
    return st.integers(-10**6, 0).flatmap(lambda k: bk.number(k * Decimal("0.001")))


@st.composite
def unknown_market(draw, bk: Book) -> Any:
    """A marketCode the catalogue does not list and that no catalogue could (malformed: lower
    case run together, a space, an empty part; or not a string)."""
    known = sorted(bk.markets) or ["BTC-USD"]
    code = draw(st.sampled_from(known))
    out = draw(st.one_of(
        st.sampled_from((code.lower().replace("-", ""), code + " ", "-" + code,
                         code.replace("-", " "), code.replace("-", "--"))),
        st.text(st.characters(codec="utf-8"), max_size=12).map(lambda t: t + " ?"),
        st.integers(1, 10**6)))
    return out if out not in bk.markets else out + " ?"


# -- the derivation ---------------------------------------------------------------------------
@dataclass
class _Shape:
    """What a row asks of the valid item it breaks, and the changes that break it."""

    types: Optional[tuple] = None        # orderType of the base item
    sides: Optional[tuple] = None        # side of the base item
    picks: list = _field(default_factory=list)   # predicates on the market record
    any_market: bool = False             # a MarketType condition chooses the market
    changes: list = _field(default_factory=list)


def _set(field: str, values: Callable[[Book], st.SearchStrategy]) -> Change:
    def change(draw, item: dict, bk: Book) -> dict:
        return {**item, field: draw(values(bk))}
    return change


def _missing(fields: tuple, empty: bool = False) -> Change:
    def change(draw, item: dict, bk: Book) -> dict:
        out = dict(item)
        for name in fields:
            how = draw(st.sampled_from(("drop", None, "") if empty else ("drop", None)))
            if how == "drop":
                out.pop(name, None)
            else:
                out[name] = how
        return out
    return change


def _drop(name: str) -> Change:
    return lambda draw, item, bk: {k: v for k, v in item.items() if k != name}


def _ensure(name: str, item_op: str) -> Change:
    def change(draw, item: dict, bk: Book) -> dict:
        if item.get(name) is not None:
            return item
        rec = bk.markets.get(item.get("marketCode"))
        return {**item, name: draw(value(bk, rec, item_op, name))}
    return change


def _greater(left: str, right: str) -> Change:
    def change(draw, item: dict, bk: Book) -> dict:
        grid = unit(bk.markets.get(item.get("marketCode")))
        base = as_decimal(item[right])
        return {**item, left: draw(bk.number(base + draw(st.integers(1, 1000)) * grid))}
    return change


def _blank(rule: Rule, name: str) -> bool:
    """Whether ``""`` counts as missing for ``name`` in the row's commands (then a breaker of
    another kind must not draw it: an ``Absent(empty=True)`` row would answer first)."""
    def has(cond: L.Cond) -> bool:
        if isinstance(cond, L.Absent):
            return cond.field == name and cond.empty
        return any(has(p) for p in getattr(cond, "parts", ())) or (
            isinstance(cond, L.Not) and has(cond.inner))
    return any(has(r.fails) for r in RULES if set(r.commands) & set(rule.commands))


def _values(rule: Rule, name: str, strategy: st.SearchStrategy
            ) -> Callable[[Book], st.SearchStrategy]:
    if _blank(rule, name):
        strategy = strategy.filter(lambda v: v != "")
    return lambda bk: strategy


def _leaf(cond: L.Cond, rule: Rule, item_op: str) -> Optional[Change]:
    """The change that makes one field-level condition hold, or None for other classes."""
    if isinstance(cond, L.Absent):
        return _missing((cond.field,), cond.empty)
    if isinstance(cond, L.NoneOf):
        return _missing(tuple(cond.fields))
    if isinstance(cond, L.Present):
        return _ensure(cond.field, item_op)
    if isinstance(cond, L.NotOneOf):
        return _set(cond.field, _values(rule, cond.field, not_one_of(cond.values)))
    if isinstance(cond, L.NotNumber):
        return _set(cond.field, _values(rule, cond.field, NOT_NUMBER))
    if isinstance(cond, L.NotLong):
        return _set(cond.field, _values(rule, cond.field, NOT_LONG))
    if isinstance(cond, L.NotPositiveLong):
        return _set(cond.field, _values(rule, cond.field, NOT_POSITIVE_LONG))
    if isinstance(cond, L.LongAtMostZero):
        return _set(cond.field, lambda bk: long(-(2**63), 0))
    if isinstance(cond, L.AtMostZero):
        return _set(cond.field, non_positive)
    if isinstance(cond, L.Greater):
        return _greater(cond.left, cond.right)
    if isinstance(cond, L.UnknownMarket):
        return _set("marketCode", unknown_market)
    return None


def _walk(cond: L.Cond, shape: _Shape, rule: Rule, item_op: str) -> None:
    if isinstance(cond, L.All):
        for part in cond.parts:
            _walk(part, shape, rule, item_op)
    elif isinstance(cond, L.Is) and cond.field in ("orderType", "side"):
        setattr(shape, "types" if cond.field == "orderType" else "sides", tuple(cond.values))
    elif isinstance(cond, L.Is):
        shape.changes.append(_set(cond.field, lambda bk, v=cond.values: st.sampled_from(v)))
    elif isinstance(cond, L.PriceMarket):
        shape.picks.append(lambda rec: not rec.rate)
    elif isinstance(cond, L.MarketType):
        shape.picks.append(lambda rec, c=cond: (rec.type in c.types) != c.negate)
        shape.any_market = True
    elif isinstance(cond, L.NotPerpetual):
        shape.picks.append(lambda rec: not rec.perpetual)
        shape.any_market = True
    elif isinstance(cond, L.Either):
        options = [_leaf(part, rule, item_op) for part in cond.parts]
        if None in options:
            raise NoBreaker(f"{rule.name}: cannot break every part of {cond.describe()}")
        shape.changes.append(
            lambda draw, item, bk, o=tuple(options): draw(st.sampled_from(o))(draw, item, bk))
    elif isinstance(cond, L.Not):
        # Made false by removing what its inner condition needs present.
        inner = cond.inner.parts if isinstance(cond.inner, L.All) else (cond.inner,)
        present = [p for p in inner if isinstance(p, L.Present)]
        if not present:
            raise NoBreaker(f"{rule.name}: cannot make {cond.describe()} hold")
        shape.changes.append(_drop(present[0].field))
    else:
        change = _leaf(cond, rule, item_op)
        if change is None:
            raise NoBreaker(f"{rule.name}: no breaker for {type(cond).__name__}")
        shape.changes.append(change)


def _markets(bk: Book, item_op: str, shape: _Shape) -> tuple:
    """The records a base item of ``item_op`` may use under the row's guards."""
    recs = tuple(bk.markets.values()) if item_op == "cancelorder" else bk.active
    recs = tuple(r for r in recs if all(pick(r) for pick in shape.picks))
    if item_op == "placeorder" and shape.types is not None:
        recs = tuple(r for r in recs if set(shape.types) & set(order_types(r, shape.any_market)))
    return recs


def _base(bk: Book, item_op: str, shape: _Shape) -> st.SearchStrategy:
    if item_op == "login":
        return login_data(bk)
    recs = _markets(bk, item_op, shape)
    if item_op == "cancelorder":
        return cancel_item(bk, recs)
    if item_op == "modifyorder":
        return modify_item(bk, recs)
    return place_item(bk, recs, shape.types, shape.sides, shape.any_market)


def derive(rule: Rule) -> Breaker:
    """The breaker of a row, from its condition; ``NoBreaker`` when the class needs a market's
    figures or the clock."""
    item_ops = tuple(dict.fromkeys(BATCH_OF.get(op, op) for op in rule.commands))
    shapes = {}
    for item_op in item_ops:
        shape = _Shape()
        _walk(rule.fails, shape, rule, item_op)
        shapes[item_op] = shape

    @st.composite
    def broken(draw, bk: Book, item_op: str) -> dict:
        shape = shapes[item_op]
        out = draw(_base(bk, item_op, shape))
        for change in shape.changes:
            out = change(draw, out, bk)
        return out

    def make(bk: Book, op: str) -> st.SearchStrategy:
        return frame(bk, op, broken(bk, BATCH_OF.get(op, op)))

    def needs(bk: Book) -> Optional[str]:
        for item_op, shape in shapes.items():
            if item_op != "login" and not _markets(bk, item_op, shape):
                what = "market" if item_op == "cancelorder" else "active market"
                return f"the catalogue has no {what} where rule {rule.name!r} applies"
        return None

    return Breaker(rule.commands, make, needs)
