"""The fixers: per condition class, how an item that meets the condition is changed so that it
no longer does. ``FIXERS`` maps a condition class to its fixer; a class absent from it is not
fixable.

A fixer is ``fixer(cond, rule, item, market, *, unsafe) -> tuple[FieldFix, ...] | None``: the
field values that repair ``rule`` (whose condition holds ``cond``) on ``item``, ``None`` when it
cannot repair it (or only unsafely, and ``unsafe`` is false). Safe fixes never make an order
more aggressive nor invent a value; unsafe ones may. Numbers are written as exact decimal
strings on the market's grid. Fixers only propose: the fix engine re-checks every result.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Optional

from ..rules import language as L
from . import rounding
from .markets import MarketRecord


@dataclass(frozen=True)
class FieldFix:
    """One proposed change: ``field`` set to ``value``; ``safe`` when it is a safe fix."""

    field: str
    value: Any
    safe: bool


Fixer = Callable[..., Optional[tuple[FieldFix, ...]]]

#: The passive direction of a price: a BUY never pays more, a SELL never asks less.
PASSIVE = {"BUY": rounding.DOWN, "SELL": rounding.UP}


def _off_grid(cond: L.OffGrid, rule: L.Rule, item: dict[str, Any],
              market: Optional[MarketRecord], *, unsafe: bool) -> Optional[tuple[FieldFix, ...]]:
    """Safe: a price to the tick in the passive direction (BUY down, SELL up; it needs the
    side); a quantity down to the increment, never below the minimum (unsafe: up to it)."""
    if market is None:
        return None
    value = rounding.exact_decimal(item.get(cond.field))
    if value is None:
        return None
    if cond.grid == "tick":
        side = item.get("side")
        direction = PASSIVE.get(side) if side.__class__ is str else None
        if market.tick is None or direction is None:
            return None
        return (FieldFix(cond.field, rounding.text(
            rounding.to_grid(value, market.tick, direction)), True),)
    step = market.step
    if step is None or value <= 0:
        return None
    down = rounding.to_grid(value, step, rounding.DOWN)
    if down >= step:
        return (FieldFix(cond.field, rounding.text(down), True),)
    if unsafe:
        return (FieldFix(cond.field, rounding.text(rounding.to_grid(value, step, rounding.UP)),
                         False),)
    return None


def _case(cond: L.NotOneOf, rule: L.Rule, item: dict[str, Any], market: Optional[MarketRecord], *,
          unsafe: bool) -> Optional[tuple[FieldFix, ...]]:
    """Unsafe: an enumeration value that differs from an accepted one by case only."""
    value = item.get(cond.field)
    if not unsafe or value.__class__ is not str:
        return None
    found = [v for v in cond.values if v.upper() == value.upper()]
    return (FieldFix(cond.field, found[0], False),) if len(found) == 1 else None


def _raise_to_minimum(cond: L.BelowIncrement, rule: L.Rule, item: dict[str, Any],
                      market: Optional[MarketRecord], *, unsafe: bool
                      ) -> Optional[tuple[FieldFix, ...]]:
    """Unsafe: a positive quantity below the minimum raised to it."""
    if not unsafe or market is None or market.step is None:
        return None
    value = rounding.exact_decimal(item.get(cond.field))
    if value is None or value <= 0:
        return None
    return (FieldFix(cond.field, rounding.text(market.step), False),)


def _inside_bounds(cond: L.OutOfBound, rule: L.Rule, item: dict[str, Any],
                   market: Optional[MarketRecord], *, unsafe: bool
                   ) -> Optional[tuple[FieldFix, ...]]:
    """Unsafe: a price outside the sanity bounds moved to the nearest bound, on the tick."""
    if not unsafe or market is None:
        return None
    bound: Optional[Decimal] = market.lo if cond.side == "lower" else market.hi
    if bound is None or rounding.exact_decimal(item.get(cond.field)) is None:
        return None
    if market.tick is not None:
        bound = rounding.to_grid(bound, market.tick,
                                 rounding.UP if cond.side == "lower" else rounding.DOWN)
    return (FieldFix(cond.field, rounding.text(bound), False),)


#: condition class -> its fixer. Every other class is not fixable.
FIXERS: dict[type, Fixer] = {
    L.OffGrid: _off_grid,
    L.NotOneOf: _case,
    L.BelowIncrement: _raise_to_minimum,
    L.OutOfBound: _inside_bounds,
}


def describe(cond: L.Cond) -> Optional[str]:
    """How a condition is fixed, in one line (``None``: not fixable)."""
    if isinstance(cond, L.OffGrid):
        if cond.grid == "tick":
            return ("safe: rounded to the tick in the passive direction (BUY down, SELL up; "
                    "not without a side)")
        return ("safe: rounded down to the increment, never to zero or below the minimum "
                "(unsafe: then up to the increment)")
    return _DESCRIBED.get(type(cond))


_DESCRIBED = {
    L.NotOneOf: "unsafe: the accepted value that differs by case only ('buy' -> 'BUY')",
    L.BelowIncrement: "unsafe: raised to the minimum (the increment)",
    L.OutOfBound: "unsafe: moved to the bound it crosses, on the tick",
}


__all__ = ["FieldFix", "Fixer", "FIXERS", "PASSIVE", "describe"]
