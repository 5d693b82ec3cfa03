"""The emitter table ``{condition class: emitter}`` (the way fastjsonschema turns a schema
into code: one emitter per keyword).

Each emitter takes the item-function writer (:class:`~oxpreflight.validators.writer.Body`) and
one condition, and returns a Python expression that is true when the frame FAILS it; ``True``
and ``False`` fold away at compile time (fast paths fix the ``orderType``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from ..rules import language as D

if TYPE_CHECKING:
    from .writer import Body


class RuleError(ValueError):
    """A rule table that cannot be compiled (a bug in a rule module, never in a frame)."""


def _and(*parts: str) -> str:
    kept = [p for p in parts if p != "True"]
    if "False" in kept:
        return "False"
    if not kept:
        return "True"
    return kept[0] if len(kept) == 1 else "(" + " and ".join(kept) + ")"


def _or(*parts: str) -> str:
    kept = [p for p in parts if p != "False"]
    if "True" in kept:
        return "True"
    if not kept:
        return "False"
    return kept[0] if len(kept) == 1 else "(" + " or ".join(kept) + ")"


def _negate(expr: str) -> str:
    return {"True": "False", "False": "True"}.get(expr, f"not {expr}")


# -- the emitter table -----------------------------------------------------------------------
def _all(b: Body, c: D.All) -> str:
    parts = []
    for part in c.parts:  # stop at a part that is False here: later parts need no reads
        parts.append(b.expr(part))
        if parts[-1] == "False":
            return "False"
    return _and(*parts)


def _either(b: Body, c: D.Either) -> str:
    parts = []
    for part in c.parts:  # stop at a part that is True here
        parts.append(b.expr(part))
        if parts[-1] == "True":
            return "True"
    return _or(*parts)


def _not(b: Body, c: D.Not) -> str:
    return _negate(b.expr(c.inner))


def _absent(b: Body, c: D.Absent) -> str:
    if c.field in b.absent:
        return "True"
    if c.field in b.fixed:
        return "False"
    r = b.raw(c.field)
    return f"({r} is None or {r} == '')" if c.empty else f"{r} is None"


def _present(b: Body, c: D.Present) -> str:
    if c.field in b.absent:
        return "False"
    return "True" if c.field in b.fixed else f"{b.raw(c.field)} is not None"


def _is(b: Body, c: D.Is) -> str:
    if c.field in b.absent:
        return "False"
    if c.field in b.fixed:
        return "True" if b.fixed[c.field] in c.values else "False"
    r = b.raw(c.field)
    if len(c.values) == 1:
        return f"{r} == {c.values[0]!r}"
    return f"{r} in {b.const(c.field.upper() + '_ONE_OF', tuple(c.values))}"


def _not_one_of(b: Body, c: D.NotOneOf) -> str:
    if c.field in b.absent:
        return "False"
    if c.field in b.fixed:
        return "False" if b.fixed[c.field] in c.values else "True"
    r = b.raw(c.field)
    # Tuple containment compares with ==, so an unhashable value cannot raise here.
    values = b.const(c.field.upper() + "_VALUES", tuple(c.values))
    return f"({r} is not None and {r} not in {values})"


def _not_long(b: Body, c: D.NotLong) -> str:
    i = b.int(c.field)
    return "False" if i == "None" or b.typed else f"{i} is BAD"


def _not_positive_long(b: Body, c: D.NotPositiveLong) -> str:
    i = b.int(c.field)
    if i == "None":
        return "False"
    if b.typed:
        return _and(b.is_num(i), f"{i} <= 0")
    return f"({i} is BAD or ({i} is not None and {i} <= 0))"


def _long_at_most_zero(b: Body, c: D.LongAtMostZero) -> str:
    i = b.int(c.field)
    return _and(b.is_num(i), f"{i} <= 0")


def _not_number(b: Body, c: D.NotNumber) -> str:
    n = b.num(c.field)
    return "False" if n == "None" or b.typed else f"{n} is BAD"


def _at_most_zero(b: Body, c: D.AtMostZero) -> str:
    n = b.num(c.field)
    return _and(b.is_num(n), f"{n} <= 0")


def _greater(b: Body, c: D.Greater) -> str:
    x, y = b.num(c.left), b.num(c.right)
    floats = f"{x} != {y}" if b.typed else \
        f"{x}.__class__ is float and {y}.__class__ is float and {x} != {y}"
    return _and(b.is_num(x), b.is_num(y),
                f"({x} > {y} if {floats} else exact.greater({x}, {y}, X))")


def _unknown_market(b: Body, c: D.UnknownMarket) -> str:
    r = b.raw("marketCode")
    return f"({r} is not None and {b.market()} is None)"


def _market_type(b: Body, c: D.MarketType) -> str:
    m = b.market()
    op = "not in" if c.negate else "in"
    types = b.const("TYPES_" + "_".join(c.types), frozenset(c.types))
    return _and(b.has_market(m), f"{m}.type {op} {types}")


def _not_perpetual(b: Body, c: D.NotPerpetual) -> str:
    m = b.market()
    return _and(b.has_market(m), f"not {m}.perpetual")


def _price_market(b: Body, c: D.PriceMarket) -> str:
    m = b.market()
    return f"not {m}.rate" if "market" in b.facts else f"({m} is None or not {m}.rate)"


def _inactive(b: Body, c: D.Inactive) -> str:
    m = b.market()
    now = b.now()
    return _and(b.has_market(m), f"{now} is not None", f"not {m}.listed <= {now} < {m}.settles")


def _against(b: Body, n: str, attr: str, helper: str, op: str) -> str:
    m = b.market()
    bound = f"{m}.{attr}_f"
    differ = f"{n} != {bound}" if b.typed else f"{n}.__class__ is float and {n} != {bound}"
    return _and(b.has_market(m), f"{m}.{attr} is not None", b.is_num(n),
                f"({n} {op} {bound} if {differ} else exact.{helper}({n}, {m}.{attr}, {bound}, X))")


def _below_increment(b: Body, c: D.BelowIncrement) -> str:
    return _against(b, b.num(c.field), "step", "below", "<")


def _out_of_bound(b: Body, c: D.OutOfBound) -> str:
    if c.side == "lower":
        return _against(b, b.num(c.field), "lo", "below", "<")
    return _against(b, b.num(c.field), "hi", "above", ">")


def _expired(b: Body, c: D.Expired) -> str:
    ts, rw = b.int("timestamp"), b.int("recvWindow")
    now = b.now()
    return _and(b.is_num(ts), f"{now} is not None",
                f"{now} > {ts} + ({rw} if {rw}.__class__ is int else 1000)")


def _none_of(b: Body, c: D.NoneOf) -> str:
    return _and(*(_absent(b, D.Absent(f)) for f in c.fields))


def _off_grid(b: Body, c: D.OffGrid) -> str:
    # Floats inside the exact range (see exact.off_grid): an integer grid by one remainder,
    # any other by rounding the quotient; everything else exactly.
    n, m = b.num(c.field), b.market()
    g = "tick" if c.grid == "tick" else "step"
    num, den, lim = f"{m}.{g}_num", f"{m}.{g}_den", f"{m}.{g}_lim"
    near = f"-{lim} < {n} < {lim}"
    if not b.typed:
        near = f"{n}.__class__ is float and {near}"
    return _and(b.has_market(m), f"{m}.{g} is not None", b.is_num(n),
                f"(({n} % {num} != 0 if {den} == 1 else round({n} * {den} / {num}) * {num} / {den} "
                f"!= {n}) if {near} else exact.off_grid({n}, {m}.{g}))")


def _unlisted(b: Body, c: D.Unlisted) -> str:
    m = b.market()
    return _and(b.has_market(m), f"{m}.unlisted")


def _unbounded(b: Body, c: D.Unbounded) -> str:
    n, m = b.num(c.field), b.market()
    return _and(b.has_market(m), f"not {m}.unlisted", f"({m}.lo is None or {m}.hi is None)",
                b.is_num(n))


def _no_increment(b: Body, c: D.NoIncrement) -> str:
    n, m = b.num(c.field), b.market()
    return _and(b.has_market(m), f"not {m}.unlisted", f"{m}.step is None", b.is_num(n))


def _unknown_fields(b: Body, c: D.UnknownFields) -> str:
    return "False" if b.documented_only else "unknown"


def _envelope(b: Body, c: D.Envelope) -> str:
    raise RuleError(f"envelope check {c.name!r} belongs to the engine or the plan head")


EMITTERS: dict[type, Callable[[Body, Any], str]] = {
    D.All: _all, D.Either: _either, D.Not: _not, D.Absent: _absent, D.Present: _present,
    D.Is: _is, D.NotOneOf: _not_one_of, D.NotLong: _not_long,
    D.NotPositiveLong: _not_positive_long, D.LongAtMostZero: _long_at_most_zero,
    D.NotNumber: _not_number, D.AtMostZero: _at_most_zero, D.Greater: _greater,
    D.UnknownMarket: _unknown_market, D.MarketType: _market_type, D.PriceMarket: _price_market,
    D.NotPerpetual: _not_perpetual,
    D.Inactive: _inactive, D.BelowIncrement: _below_increment, D.OutOfBound: _out_of_bound,
    D.Expired: _expired, D.NoneOf: _none_of, D.OffGrid: _off_grid,
    D.Unlisted: _unlisted, D.Unbounded: _unbounded, D.NoIncrement: _no_increment,
    D.UnknownFields: _unknown_fields, D.Envelope: _envelope,
}


def conditions(cond: D.Cond) -> list[D.Cond]:
    """``cond`` and every condition nested in it."""
    out = [cond]
    for part in getattr(cond, "parts", ()):
        out += conditions(part)
    inner = getattr(cond, "inner", None)
    return out + (conditions(inner) if inner is not None else [])
