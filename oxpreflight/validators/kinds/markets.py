"""Declarations of the conditions on the order's market: listed, of a type, active, and its
figures (minSize, tick, price bounds). None of them is decided without a market, so the
request models leave them all to ``check`` (``predicate=None``)."""
from __future__ import annotations

from typing import Any

from ...rules import language as D
from ..declaration import Kind, both
from ..writer import Body


def _emit_unknown_market(b: Body, c: D.UnknownMarket) -> str:
    r = b.raw("marketCode")
    return f"({r} is not None and {b.market()} is None)"


def _break_unknown_market(kit: Any, c: D.UnknownMarket, shape: Any) -> None:
    shape.changes.append(kit.set_field("marketCode", kit.unknown_market))


def _emit_market_type(b: Body, c: D.MarketType) -> str:
    m = b.market()
    op = "not in" if c.negate else "in"
    types = b.const("TYPES_" + "_".join(c.types), frozenset(c.types))
    return both(b.has_market(m), f"{m}.type {op} {types}")


def _break_market_type(kit: Any, c: D.MarketType, shape: Any) -> None:
    shape.picks.append(lambda rec: (rec.type in c.types) != c.negate)
    shape.any_market = True


def _emit_not_perpetual(b: Body, c: D.NotPerpetual) -> str:
    m = b.market()
    return both(b.has_market(m), f"not {m}.perpetual")


def _break_not_perpetual(kit: Any, c: D.NotPerpetual, shape: Any) -> None:
    shape.picks.append(lambda rec: not rec.perpetual)
    shape.any_market = True


def _emit_price_market(b: Body, c: D.PriceMarket) -> str:
    m = b.market()
    return f"not {m}.rate" if "market" in b.facts else f"({m} is None or not {m}.rate)"


def _break_price_market(kit: Any, c: D.PriceMarket, shape: Any) -> None:
    shape.picks.append(lambda rec: not rec.rate)


def _emit_inactive(b: Body, c: D.Inactive) -> str:
    m = b.market()
    now = b.now()
    return both(b.has_market(m), f"{now} is not None", f"not {m}.listed <= {now} < {m}.settles")


def _break_inactive(kit: Any, c: D.Inactive, shape: Any) -> None:
    shape.needs += [kit.needs_clock, kit.has_inactive]
    shape.pool = kit.inactive_markets


def _against(b: Body, n: str, attr: str, helper: str, op: str) -> str:
    m = b.market()
    bound = f"{m}.{attr}_f"
    differ = f"{n} != {bound}" if b.typed else f"{n}.__class__ is float and {n} != {bound}"
    return both(b.has_market(m), f"{m}.{attr} is not None", b.is_num(n),
                f"({n} {op} {bound} if {differ} else exact.{helper}({n}, {m}.{attr}, {bound}, X))")


def _emit_below_increment(b: Body, c: D.BelowIncrement) -> str:
    return _against(b, b.num(c.field), "step", "below", "<")


def _break_below_increment(kit: Any, c: D.BelowIncrement, shape: Any) -> None:
    kit.require(shape, lambda rec: rec.step is not None, "a minSize")
    shape.changes.append(kit.below_step(c.field))


def _emit_out_of_bound(b: Body, c: D.OutOfBound) -> str:
    if c.side == "lower":
        return _against(b, b.num(c.field), "lo", "below", "<")
    return _against(b, b.num(c.field), "hi", "above", ">")


def _break_out_of_bound(kit: Any, c: D.OutOfBound, shape: Any) -> None:
    span = kit.below_bound if c.side == "lower" else kit.above_bound
    what = "a lower price bound" if c.side == "lower" else "an upper price bound"
    kit.require(shape, lambda rec: span(rec) is not None, what)
    shape.changes.append(kit.beyond_bound(c.field, c.side, shape))


def _emit_off_grid(b: Body, c: D.OffGrid) -> str:
    # Floats inside the exact range (see exact.off_grid): an integer grid by one remainder,
    # any other by rounding the quotient; everything else exactly.
    n, m = b.num(c.field), b.market()
    g = "tick" if c.grid == "tick" else "step"
    num, den, lim = f"{m}.{g}_num", f"{m}.{g}_den", f"{m}.{g}_lim"
    near = f"-{lim} < {n} < {lim}"
    if not b.typed:
        near = f"{n}.__class__ is float and {near}"
    return both(b.has_market(m), f"{m}.{g} is not None", b.is_num(n),
                f"(({n} % {num} != 0 if {den} == 1 else round({n} * {den} / {num}) * {num} / {den} "
                f"!= {n}) if {near} else exact.off_grid({n}, {m}.{g}))")


def _emit_unlisted(b: Body, c: D.Unlisted) -> str:
    m = b.market()
    return both(b.has_market(m), f"{m}.unlisted")


def _emit_unbounded(b: Body, c: D.Unbounded) -> str:
    n, m = b.num(c.field), b.market()
    return both(b.has_market(m), f"not {m}.unlisted", f"({m}.lo is None or {m}.hi is None)",
                b.is_num(n))


def _emit_no_increment(b: Body, c: D.NoIncrement) -> str:
    n, m = b.num(c.field), b.market()
    return both(b.has_market(m), f"not {m}.unlisted", f"{m}.step is None", b.is_num(n))


# The warning classes (OffGrid, Unlisted, Unbounded, NoIncrement) are never broken: warnings
# are not rejections, so the strategies have nothing to build for them (``breaker=None``).
KINDS = (
    Kind(D.UnknownMarket, emit=_emit_unknown_market, predicate=None,
         breaker=_break_unknown_market, fixer=None),
    Kind(D.MarketType, emit=_emit_market_type, predicate=None, breaker=_break_market_type,
         fixer=None),
    Kind(D.NotPerpetual, emit=_emit_not_perpetual, predicate=None,
         breaker=_break_not_perpetual, fixer=None),
    Kind(D.PriceMarket, emit=_emit_price_market, predicate=None, breaker=_break_price_market,
         fixer=None),
    Kind(D.Inactive, emit=_emit_inactive, predicate=None, breaker=_break_inactive, fixer=None),
    Kind(D.BelowIncrement, emit=_emit_below_increment, predicate=None,
         breaker=_break_below_increment, fixer=None),
    Kind(D.OutOfBound, emit=_emit_out_of_bound, predicate=None, breaker=_break_out_of_bound,
         fixer=None),
    Kind(D.OffGrid, emit=_emit_off_grid, predicate=None, breaker=None, fixer=None),
    Kind(D.Unlisted, emit=_emit_unlisted, predicate=None, breaker=None, fixer=None),
    Kind(D.Unbounded, emit=_emit_unbounded, predicate=None, breaker=None, fixer=None),
    Kind(D.NoIncrement, emit=_emit_no_increment, predicate=None, breaker=None, fixer=None),
)
