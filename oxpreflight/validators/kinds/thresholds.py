"""The declarations of the threshold conditions (:mod:`oxpreflight.rules.thresholds`): a number
above a literal, a notional above a literal, a price off a band around the mark price, and the
notice that a mark price is missing. The arithmetic lives in :mod:`oxpreflight.validators.limits`
(``LIM`` in the plans)."""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ...rules import thresholds as H
from ..declaration import Kind, both
from ..exact import BAD, compare, number
from ..limits import band_edges

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

    def change(draw: Any, item: dict[str, Any], bk: Any) -> dict[str, Any]:
        rec = bk.markets.get(item.get("marketCode"))
        if name in ("quantity", "amount", "displayQuantity"):
            grid = rec.step if rec is not None and rec.step is not None else Decimal("0.001")
        else:
            grid = kit.unit(rec)
        first = (limit // grid + 1) * grid
        return {**item, name: draw(bk.number(first + draw(kit.st.integers(0, 1000)) * grid))}
    shape.changes.append(change)


def _quantity_grid(rec: Any) -> Decimal:
    return rec.step if rec is not None and rec.step is not None else Decimal("0.001")


def _break_notional_above(kit: Any, c: H.NotionalAbove, shape: Any) -> None:
    limit, price_field = c.limit, c.price
    kit.require(shape, lambda rec: not rec.rate and (price_field is not None or (
        rec.mark is not None and rec.mark > 0)), "prices in money (not REPO/SPREAD)"
                + ("" if price_field else " and a markPrice"))

    def change(draw: Any, item: dict[str, Any], bk: Any) -> dict[str, Any]:
        rec = bk.markets.get(item.get("marketCode"))
        out = dict(item)
        if price_field is not None and item.get(price_field) is None:  # a modify may omit it
            out[price_field] = draw(bk.number(_inside(rec, kit.unit(rec))))
        price = rec.mark if price_field is None else kit.as_decimal(out[price_field])
        grid = _quantity_grid(rec)
        first = (limit / abs(price) // grid + 1) * grid  # the first quantity over the limit
        out[c.quantity] = draw(bk.number(first + draw(kit.st.integers(0, 100)) * grid))
        return out
    shape.changes.append(change)


def _inside(rec: Any, tick: Decimal) -> Decimal:
    """A positive price on the tick inside the market's bounds (its mark when it has one)."""
    lo, hi = rec.lo, rec.hi
    middle = rec.mark if rec.mark is not None else (lo + hi) / 2 if lo is not None and \
        hi is not None else hi if hi is not None else Decimal(100)
    price = max((middle // tick) * tick, tick)
    return price if lo is None or price >= lo else (lo // tick + 1) * tick


def _beyond(rec: Any, band: Decimal, tick: Decimal) -> tuple[Decimal, ...]:
    """Prices on the tick just outside the band that the exchange's bounds still accept."""
    if rec.mark is None:
        return ()
    low, high = band_edges(rec.mark, band)[:2]
    out = []
    up = (high // tick + 1) * tick
    if rec.hi is None or up <= rec.hi:
        out.append(up)
    down = -((-low) // tick + 1) * tick if low > 0 else (low // tick - 1) * tick
    if (rec.lo is None or down >= rec.lo) and (down > 0 or rec.rate):
        out.append(down)
    return tuple(out)


def _break_off_band(kit: Any, c: H.OffBand, shape: Any) -> None:
    band, name = c.band, c.field
    kit.require(shape, lambda rec: bool(_beyond(rec, band, kit.unit(rec))),
                "a markPrice with room outside the band inside the price bounds")

    def change(draw: Any, item: dict[str, Any], bk: Any) -> dict[str, Any]:
        rec = bk.markets[item["marketCode"]]
        price = draw(bk.number(draw(kit.st.sampled_from(_beyond(rec, band, kit.unit(rec))))))
        out = {**item, name: price}
        if name == "limitPrice" and "stopPrice" in item:  # keeps the stop on the right side
            out["stopPrice"] = price
        return out
    shape.changes.append(change)


def _break_no_mark(kit: Any, c: H.NoMark, shape: Any) -> None:
    kit.require(shape, lambda rec: rec.mark is None and not rec.unlisted, "a market without "
                "a markPrice")
    if c.field not in ("price", "limitPrice"):
        shape.changes.append(kit.ensure(c.field, shape.item_op))
        return
    name = c.field

    def change(draw: Any, item: dict[str, Any], bk: Any) -> dict[str, Any]:
        if item.get(name) is not None:
            return item
        rec = bk.markets[item["marketCode"]]
        return {**item, name: draw(bk.number(_inside(rec, kit.unit(rec))))}
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
    Kind(H.NotionalAbove, emit=_emit_notional_above, predicate=None,
         breaker=_break_notional_above, fixer=None),
    Kind(H.OffBand, emit=_emit_off_band, predicate=None, breaker=_break_off_band, fixer=None),
    Kind(H.NoMark, emit=_emit_no_mark, predicate=None, breaker=_break_no_mark, fixer=None),
)
