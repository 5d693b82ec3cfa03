"""Exact rounding onto a market's grid (tick size or quantity increment), by integer
arithmetic: no binary float and no decimal context ever rounds a digit.

A number is read as the decimal it stands for (a float as its shortest text, as ``check`` reads
it) and written back as an exact decimal string in plain notation (``"0.3"``, ``"6800"``).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

from .exact import BAD, number, to_decimal

#: Powers of ten beyond which a number is not rounded (a price of 1e40 or 1e-60 is a mistake
#: no grid repairs, and its integer ratio would be needlessly large).
_MIN_EXP, _MAX_EXP = -60, 40

DOWN, UP = "down", "up"


def exact_decimal(value: Any) -> Optional[Decimal]:
    """``value`` (JSON number, numeric string or Decimal) as the exact Decimal it denotes;
    ``None`` for anything that is not a finite number or is outside the roundable range."""
    parsed = number(value)
    if parsed is None or parsed is BAD:
        return None
    out = to_decimal(parsed)
    if out and not _MIN_EXP <= out.adjusted() <= _MAX_EXP:
        return None
    return out


def to_grid(value: Decimal, grid: Decimal, direction: str) -> Decimal:
    """The multiple of ``grid`` (positive) next to ``value`` going ``DOWN`` (towards minus
    infinity) or ``UP``; ``value`` itself when it is on the grid."""
    vn, vd = value.as_integer_ratio()
    gn, gd = grid.as_integer_ratio()
    k, rest = divmod(vn * gd, vd * gn)  # value / grid = k + rest / (vd * gn), floor division
    if rest and direction == UP:
        k += 1
    return times(k, grid)


def times(k: int, grid: Decimal) -> Decimal:
    """``k * grid`` exactly (no context rounding, whatever the digits)."""
    _, digits, exponent = grid.as_tuple()
    product = abs(k) * int("".join(map(str, digits)))
    return Decimal((1 if k < 0 else 0, tuple(map(int, str(product))), int(exponent)))


def on_grid(value: Decimal, grid: Decimal) -> bool:
    """``value`` is a whole multiple of ``grid``."""
    return to_grid(value, grid, DOWN) == value


def text(value: Decimal) -> str:
    """An exact decimal string in plain notation without trailing zeros: ``"0.3"``,
    ``"6800"``, ``"-0.0005"``, ``"0"``."""
    if not value:
        return "0"
    out = format(value, "f")
    if "." in out:
        out = out.rstrip("0").rstrip(".")
    return out


__all__ = ["DOWN", "UP", "exact_decimal", "to_grid", "times", "on_grid", "text"]
