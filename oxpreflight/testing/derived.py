"""Breakers derived from a rule row's condition: take a valid item that meets the row's guards
(order type, side, kind of market) and break the field the row checks, by condition class
(``Absent`` -> drop or null it, ``NotOneOf`` -> a value outside the set, ``NotNumber`` -> not a
number, ...). Each condition class declares its breaker
(:mod:`oxpreflight.validators.kinds`); this module is the kit it is given (the value
strategies and the changes), so the core never imports hypothesis. Classes declared
``breaker=BY_ROW`` (a market's figures, the clock, the envelope) have their rows'
breakers hand-written (:mod:`oxpreflight.testing.handwritten`)."""
from __future__ import annotations

import sys
from dataclasses import dataclass, field as _field, replace
from decimal import Decimal
from typing import Any, Callable, Optional

from hypothesis import strategies as st

from ..rules import RULES
from ..rules import language as L
from ..rules.language import BATCH_OF, Rule
from ..rules.order_types import TABLE as ORDER_TYPE_TABLE
from ..validators.kinds import BY_ROW, KINDS
from .book import Book, as_decimal, long, unit
from .figures import (  # noqa: F401 - part of the kit the breakers are given
    above_bound, below_bound, below_step, beyond_bound, expire, has_inactive, inactive_markets,
    needs_clock, require,
)
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


# -- the derivation: each condition class's breaker, given this module as its kit ------------
@dataclass
class _Shape:
    """What a row asks of the valid item it breaks, and the changes that break it."""

    rule: Rule
    item_op: str
    types: Optional[tuple] = None        # orderType of the base item
    sides: Optional[tuple] = None        # side of the base item
    picks: list = _field(default_factory=list)   # predicates on the market record
    any_market: bool = False             # a MarketType condition chooses the market
    changes: list = _field(default_factory=list)
    pool: Optional[Callable[[Book], tuple]] = None   # the base markets, when not the active ones
    needs: list = _field(default_factory=list)   # book -> why it cannot be broken, or None


def set_field(field: str, values: Callable[[Book], st.SearchStrategy]) -> Change:
    """The change that sets ``field`` to a value drawn from ``values(book)``."""
    def change(draw, item: dict, bk: Book) -> dict:
        return {**item, field: draw(values(bk))}
    return change


def missing(fields: tuple, empty: bool = False) -> Change:
    """The change that drops each of ``fields``, or nulls it (or, with ``empty``, blanks it)."""
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


def drop(name: str) -> Change:
    """The change that removes ``name``."""
    return lambda draw, item, bk: {k: v for k, v in item.items() if k != name}


def ensure(name: str, item_op: str) -> Change:
    """The change that gives ``name`` a valid value when the item has none."""
    def change(draw, item: dict, bk: Book) -> dict:
        if item.get(name) is not None:
            return item
        rec = bk.markets.get(item.get("marketCode"))
        return {**item, name: draw(value(bk, rec, item_op, name))}
    return change


def greater(left: str, right: str) -> Change:
    """The change that puts ``left`` above ``right`` by a whole number of grid steps."""
    def change(draw, item: dict, bk: Book) -> dict:
        grid = unit(bk.markets.get(item.get("marketCode")))
        base = as_decimal(item[right])
        return {**item, left: draw(bk.number(base + draw(st.integers(1, 1000)) * grid))}
    return change


def one_of_changes(options: tuple) -> Change:
    """The change that applies one of ``options``, drawn."""
    return lambda draw, item, bk: draw(st.sampled_from(options))(draw, item, bk)


def _blank(rule: Rule, name: str) -> bool:
    """Whether ``""`` counts as missing for ``name`` in the row's commands (then a breaker of
    another kind must not draw it: an ``Absent(empty=True)`` row would answer first)."""
    def has(cond: L.Cond) -> bool:
        if isinstance(cond, L.Absent):
            return cond.field == name and cond.empty
        return any(has(p) for p in getattr(cond, "parts", ())) or (
            isinstance(cond, L.Not) and has(cond.inner))
    return any(has(r.fails) for r in RULES if set(r.commands) & set(rule.commands))


def values(rule: Rule, name: str, strategy: st.SearchStrategy
           ) -> Callable[[Book], st.SearchStrategy]:
    """``strategy`` for ``name`` under ``rule``, without ``""`` where that means missing."""
    if _blank(rule, name):
        strategy = strategy.filter(lambda v: v != "")
    return lambda bk: strategy


def walk(cond: L.Cond, shape: _Shape) -> None:
    """Record on ``shape`` what makes ``cond`` hold: the breaker its class declares."""
    kind = KINDS.get(type(cond))
    if kind is None:
        raise NoBreaker(f"{shape.rule.name}: condition class {type(cond).__name__} has no "
                        f"declaration")
    breaker = kind.breaker
    if breaker is None or breaker is BY_ROW:
        raise NoBreaker(f"{shape.rule.name}: no breaker for {type(cond).__name__}")
    breaker(_KIT, cond, shape)


def leaf(cond: L.Cond, shape: _Shape) -> Optional[Change]:
    """The one change that makes ``cond`` hold on its own (a part of an ``Either``), or None
    when its class breaks no field by itself."""
    alone = _Shape(shape.rule, shape.item_op)
    try:
        walk(cond, alone)
    except NoBreaker:
        return None
    guards = (alone.types, alone.sides, alone.picks, alone.any_market, alone.pool, alone.needs)
    if guards != (None, None, [], False, None, []) or len(alone.changes) != 1:
        return None
    return alone.changes[0]


_KIT = sys.modules[__name__]


def _markets(bk: Book, item_op: str, shape: _Shape) -> tuple:
    """The records a base item of ``item_op`` may use under the row's guards."""
    if shape.pool is not None:
        recs = shape.pool(bk)
    else:
        recs = tuple(bk.markets.values()) if item_op == "cancelorder" else bk.active
    recs = tuple(r for r in recs if all(pick(r) for pick in shape.picks))
    if item_op == "placeorder" and shape.types is not None:
        recs = tuple(r for r in recs if set(shape.types) & set(order_types(r, shape.any_market)))
    return recs


def _no_market(bk: Book, item_op: str, shape: _Shape) -> str:
    """Why no market serves the row: the catalogue, or the order types the table allows."""
    what = "market" if item_op == "cancelorder" else "active market"
    name = shape.rule.name
    if shape.types is not None and _markets(bk, item_op, replace(shape, types=None)):
        allowed = {t.name: t for t in ORDER_TYPE_TABLE}
        unknown = [t for t in shape.types if t not in allowed]
        if unknown:
            return (f"rule {name!r} needs orderType {'/'.join(unknown)}, which is not in the "
                    f"order-type table (oxpreflight/rules/order_types.py)")
        where = "; ".join(f"{t} on {'/'.join(allowed[t].markets or ('any',))} markets"
                          + (f" with {allowed[t].bounded} bounds" if allowed[t].bounded else "")
                          for t in shape.types)
        return (f"rule {name!r} needs orderType {'/'.join(shape.types)}, and no {what} of the "
                f"catalogue takes it (the order-type table allows {where})")
    return f"the catalogue has no {what} where rule {name!r} applies"


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
        shape = _Shape(rule, item_op)
        walk(rule.fails, shape)
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
            reason = next((r for r in (need(bk) for need in shape.needs) if r), None)
            if reason is not None:
                return reason
            if item_op != "login" and not _markets(bk, item_op, shape):
                return _no_market(bk, item_op, shape)
        return None

    return Breaker(rule.commands, make, needs)
