"""Conditions against figures the user sets (pre-trade limits and desks' own rows): a number
above a literal, an order's notional above a literal, a price outside a band around the
market's mark price. Literals are exact decimals, read once when the condition is made."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Optional

from .language import Cond

#: Figures a user sets stay within these magnitudes and digits, so the bands and products built
#: from them (at most a few hundred digits) are exact in Decimal arithmetic.
_RANGE, _DIGITS = 30, 34


def figure(value: Any, what: str, positive: bool = True) -> Decimal:
    """``value`` (a decimal string, int, float or Decimal) as an exact finite Decimal; a float
    stands for its shortest text. Anything else, or (with ``positive``) zero or below, is a
    ``ValueError`` naming ``what``."""
    if value is True or value is False:
        raise ValueError(f"{what}: {value!r} is not a number")
    try:
        if isinstance(value, float):
            number = Decimal(repr(value))
        elif isinstance(value, (int, Decimal)):
            number = Decimal(value)
        elif isinstance(value, str) and value.strip() == value and value.isascii():
            number = Decimal(value)
        else:
            raise ValueError
    except (InvalidOperation, ValueError):
        raise ValueError(f"{what}: {value!r} is not a number") from None
    if not number.is_finite() or (positive and number <= 0):
        raise ValueError(f"{what}: {value!r} must be a finite number above 0")
    if number and not (-_RANGE <= number.adjusted() <= _RANGE and len(number.as_tuple().digits)
                       <= _DIGITS):
        raise ValueError(f"{what}: {value!r} is out of range (1e-{_RANGE} .. 1e{_RANGE + 1}, "
                         f"at most {_DIGITS} digits)")
    return number


@dataclass(frozen=True)
class Above(Cond):
    """A number field greater than a literal ``limit`` (exactly)."""

    field: str
    limit: Decimal

    def __init__(self, field: str, limit: Any):
        object.__setattr__(self, "field", field)
        object.__setattr__(self, "limit", figure(limit, f"Above({field!r})", positive=False))

    def describe(self) -> str:
        return f"`{self.field}` > {self.limit}"


@dataclass(frozen=True)
class NotionalAbove(Cond):
    """``|quantity x price|`` above ``limit`` (exactly); ``price=None`` takes the market's
    mark price (skipped when the market has none)."""

    quantity: str
    price: Optional[str]
    limit: Decimal

    def __init__(self, quantity: str, price: Optional[str], limit: Any):
        object.__setattr__(self, "quantity", quantity)
        object.__setattr__(self, "price", price)
        object.__setattr__(self, "limit", figure(limit, "max_notional"))

    def describe(self) -> str:
        price = f"`{self.price}`" if self.price else "markPrice"
        return f"`{self.quantity}` x {price} > {self.limit}"


@dataclass(frozen=True)
class OffBand(Cond):
    """A price further than ``band`` (a fraction) from the market's mark price:
    ``|price - mark| > band x |mark|``, exactly; skipped when the market has no mark price."""

    field: str
    band: Decimal

    def __init__(self, field: str, band: Any):
        object.__setattr__(self, "field", field)
        object.__setattr__(self, "band", figure(band, "price_band"))

    def describe(self) -> str:
        return f"`{self.field}` further than {self.band} x markPrice from markPrice"


@dataclass(frozen=True)
class NoMark(Cond):
    """A number given, on a listed market without a mark price (what a band or a notional at
    the mark price needs)."""

    field: str

    def describe(self) -> str:
        return f"`{self.field}` given and the market has no markPrice"


__all__ = ["Above", "NotionalAbove", "OffBand", "NoMark", "figure"]
