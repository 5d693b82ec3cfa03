"""The fixers: per condition class, how an item that meets the condition is changed so that it
no longer does. Each is named in its class's declaration (``fixer=`` of a
:class:`~oxpreflight.validators.declaration.Kind` in :mod:`oxpreflight.validators.kinds`); a
class declared with ``fixer=None`` is not fixable.

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


Proposal = Optional[tuple[FieldFix, ...]]


@dataclass(frozen=True)
class Fixer:
    """A condition class's fixer: called as ``fixer(cond, rule, item, market, *, unsafe)``;
    ``describe(cond)`` says in one line how it fixes (``explain`` shows it)."""

    apply: Callable[..., Proposal]
    text: Callable[[Any], str]

    def __call__(self, cond: Any, rule: L.Rule, item: dict[str, Any],
                 market: Optional[MarketRecord], *, unsafe: bool) -> Proposal:
        return self.apply(cond, rule, item, market, unsafe=unsafe)

    def describe(self, cond: Any) -> str:
        """How ``cond`` is fixed, in one line."""
        return self.text(cond)

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


def _grid_text(cond: L.OffGrid) -> str:
    if cond.grid == "tick":
        return ("safe: rounded to the tick in the passive direction (BUY down, SELL up; "
                "not without a side)")
    return ("safe: rounded down to the increment, never to zero or below the minimum "
            "(unsafe: then up to the increment)")


OFF_GRID = Fixer(_off_grid, _grid_text)
CASE = Fixer(_case, lambda c: "unsafe: the accepted value that differs by case only "
                              "('buy' -> 'BUY')")
RAISE_TO_MINIMUM = Fixer(_raise_to_minimum,
                         lambda c: "unsafe: raised to the minimum (the increment)")
INSIDE_BOUNDS = Fixer(_inside_bounds,
                      lambda c: "unsafe: moved to the bound it crosses, on the tick")

__all__ = ["FieldFix", "Fixer", "PASSIVE", "OFF_GRID", "CASE", "RAISE_TO_MINIMUM",
           "INSIDE_BOUNDS"]
