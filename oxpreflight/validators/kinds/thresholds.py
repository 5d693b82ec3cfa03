"""The declarations of the threshold conditions (:mod:`oxpreflight.rules.thresholds`): a number
above a literal, a notional above a literal, a price off a band around the mark price, and the
notice that a mark price is missing. The arithmetic lives in :mod:`oxpreflight.validators.limits`
(``LIM`` in the plans)."""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ...rules import thresholds as H
from ..declaration import BY_ROW, Kind, both
from ..exact import BAD, compare, number

if TYPE_CHECKING:
    from ..writer import Body


def _emit_above(b: Body, c: H.Above) -> str:
    n = b.num(c.field)
    name = "LIMIT_" + c.field.upper()
    limit, limit_f = b.const(name, c.limit), b.const(name + "_F", float(c.limit))
    differ = f"{n} != {limit_f}" if b.typed else f"{n}.__class__ is float and {n} != {limit_f}"
    return both(b.is_num(n), f"({n} > {limit_f} if {differ} else exact.above({n}, {limit}, "
                             f"{limit_f}, X))")


def _test_above(c: H.Above, test: Any) -> Any:
    f, limit = c.field, c.limit
    return lambda d: (n := number(d.get(f))) is not None and n is not BAD and \
        compare(n, limit) > 0


def _break_above(kit: Any, c: H.Above, shape: Any) -> None:
    name, limit = c.field, c.limit

    def change(draw: Any, item: dict, bk: Any) -> dict:
        rec = bk.markets.get(item.get("marketCode"))
        if name in ("quantity", "amount", "displayQuantity"):
            grid = rec.step if rec is not None and rec.step is not None else Decimal("0.001")
        else:
            grid = kit.unit(rec)
        first = (limit // grid + 1) * grid
        return {**item, name: draw(bk.number(first + draw(kit.st.integers(0, 1000)) * grid))}
    shape.changes.append(change)


def _emit_notional_above(b: Body, c: H.NotionalAbove) -> str:
    q, limit = b.num(c.quantity), b.const("MAX_NOTIONAL", c.limit)
    limit_f = b.const("MAX_NOTIONAL_F", float(c.limit))
    if c.price is None:
        m = b.market()
        return both(b.has_market(m), f"{m}.mark is not None", b.is_num(q),
                    f"LIM.product_above({q}, {m}.mark, {limit}, X)")
    p = b.num(c.price)
    return both(b.is_num(q), b.is_num(p),
                f"LIM.product_above({q}, {p}, {limit}, X, {limit_f})")


def _emit_off_band(b: Body, c: H.OffBand) -> str:
    n, m = b.num(c.field), b.market()
    band = b.const("PRICE_BAND", c.band)
    return both(b.has_market(m), f"{m}.mark is not None", b.is_num(n),
                f"LIM.off_band({n}, {m}.mark, {band}, X)")


def _emit_no_mark(b: Body, c: H.NoMark) -> str:
    n, m = b.num(c.field), b.market()
    return both(b.has_market(m), f"not {m}.unlisted", f"{m}.mark is None", b.is_num(n))


KINDS = (
    Kind(H.Above, emit=_emit_above, predicate=_test_above, breaker=_break_above, fixer=None),
    Kind(H.NotionalAbove, emit=_emit_notional_above, predicate=None, breaker=BY_ROW,
         fixer=None),
    Kind(H.OffBand, emit=_emit_off_band, predicate=None, breaker=BY_ROW, fixer=None),
    Kind(H.NoMark, emit=_emit_no_mark, predicate=None, breaker=BY_ROW, fixer=None),
)
