"""Exact arithmetic for the threshold conditions (:mod:`oxpreflight.rules.thresholds`), called
from the generated plans as ``LIM``: a product of two order numbers against a limit, a price
against a band around the market's mark price. Never through binary floating point."""
from __future__ import annotations

from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal, Inexact
from functools import lru_cache
from typing import Any, Optional

from .exact import exact_from_float, to_decimal

#: Band edges: mark and band are catalogue and user figures of at most ~80 digits in all.
_EDGES = Context(prec=400, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[Inexact])
#: Bounds on the float product's relative error, with room: above 1 + 1e-15, below 1 - 1e-15.
_ABOVE, _BELOW = 1 + 1e-15, 1 - 1e-15


def product_above(a: Any, b: Any, limit: Decimal, X: Any = exact_from_float,
                  limit_f: Optional[float] = None) -> bool:
    """``|a x b| > limit`` exactly, for two parsed numbers (int, float or Decimal). Two floats
    well inside the float range are decided by their float product when it is further from
    the limit than the product's error can reach (below 4e-16 of it, relative: each float
    is within 2**-53 of the decimal it stands for, and so is the product); else exactly."""
    if a.__class__ is float and b.__class__ is float and limit_f is not None:
        product = abs(a * b)
        if 1e-300 < product < 1e300:
            if product > limit_f * _ABOVE:
                return True
            if product < limit_f * _BELOW:
                return False
    da, db = to_decimal(a, X), to_decimal(b, X)
    digits = len(da.as_tuple().digits) + len(db.as_tuple().digits)
    exact = Context(prec=digits + 2, Emax=MAX_EMAX, Emin=MIN_EMIN).multiply(da, db)
    return abs(exact) > limit


@lru_cache(maxsize=4096)
def band_edges(mark: Decimal, band: Decimal) -> tuple[Decimal, Decimal, float, float]:
    """``(low, high, float(low), float(high))``, ``low, high = mark -/+ band x |mark|``, exact."""
    width = _EDGES.multiply(band, abs(mark))
    low, high = _EDGES.subtract(mark, width), _EDGES.add(mark, width)
    return low, high, float(low), float(high)


def off_band(price: Any, mark: Decimal, band: Decimal, X: Any = exact_from_float) -> bool:
    """``|price - mark| > band x |mark|`` exactly (a float that differs from both edges' floats
    is decided by them: float rounding is monotonic)."""
    low, high, low_f, high_f = band_edges(mark, band)
    if price.__class__ is float and price != low_f and price != high_f:
        return price < low_f or price > high_f
    value = to_decimal(price, X)
    return value < low or value > high


def _text(value: Any, X: Any) -> str:
    """A number as plain decimal text without trailing zeros (``71616``, ``34000``)."""
    number = to_decimal(value, X).normalize()
    return f"{number:f}" if -40 <= number.adjusted() <= 40 else str(number)


def notional_text(quantity: Any, price: Any, X: Any = exact_from_float) -> str:
    """The notional ``|quantity x price|`` as text, exact."""
    da, db = to_decimal(quantity, X), to_decimal(price, X)
    digits = len(da.as_tuple().digits) + len(db.as_tuple().digits)
    return _text(abs(Context(prec=digits + 2, Emax=MAX_EMAX, Emin=MIN_EMIN).multiply(da, db)), X)


def band_text(price: Any, mark: Decimal, band: Decimal, X: Any = exact_from_float) -> str:
    """``71700 (mark price 68205: 64794.75 to 71615.25)``: the price and the band it left."""
    low, high = band_edges(mark, band)[:2]
    return f"{_text(price, X)} (mark price {mark}: {low} to {high})"


__all__ = ["product_above", "band_edges", "off_band", "notional_text", "band_text"]
