"""Exact number handling for the hot path.

Values arrive as JSON numbers (int or float after decoding), numeric strings, or Decimal. They
are compared as the decimal numbers they denote, never through binary floating point. Floats
take a fast path that is exact by construction: float parsing is monotonic, so when two floats
differ their decimal texts compare the same way; only a tie needs the exact decimal text, which
for a float is its shortest ``repr`` (what ``json.dumps`` sends).
"""
from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from .decoder import read_decimal
from .sizing import int_size_bound, size_bound

#: Marker for "present but not a number"; compares with nothing (identity checks only).
BAD = object()

# ASCII digits only, as in JSON numbers: int() and Decimal() also read "١٢٣" and "１".
_NUMERIC = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?").fullmatch
_INTEGER = re.compile(r"[+-]?[0-9]+").fullmatch

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
_SMALL = SMALL = 10**18  # ints inside +-SMALL encode in at most 19 characters


_Exact = Callable[[float], Decimal]


def exact_from_float(value: float) -> Decimal:
    """The decimal a float stands for in JSON: its shortest round-trip text."""
    return Decimal(repr(value))


def number(value: Any, size: list[int] | None = None) -> Any:
    """``value`` as int, float or Decimal; ``None`` when absent; ``BAD`` when not a number.

    ``size``, when given, is a one-item list to which the encoded length of unusual values is
    added, so the caller can bound the frame's length without encoding it.
    """
    cls = value.__class__
    if cls is float:
        return value if math.isfinite(value) else BAD
    if cls is int:
        if size is not None and not -_SMALL < value < _SMALL:
            size[0] += int_size_bound(value)
        return value
    if value is None:
        return None
    if cls is str:
        if size is not None:
            size[0] += len(value)
        if _NUMERIC(value) is None:
            return BAD
        return read_decimal(value)
    if cls is Decimal:
        if size is not None:
            size[0] += len(str(value))
        return value if value.is_finite() else BAD
    if size is not None:
        size[0] += size_bound(value)
    return BAD


def integer(value: Any, size: list[int] | None = None) -> Any:
    """``value`` as an int within signed 64 bits; ``None`` when absent; ``BAD`` otherwise.

    An integer-valued string (``"123"``) counts; ``1.5``, ``1.0``, ``"abc"``, ``true`` and
    ``2**63`` do not.
    """
    cls = value.__class__
    if cls is int:
        if not INT64_MIN <= value <= INT64_MAX:
            if size is not None:
                size[0] += int_size_bound(value)
            return BAD
        return value
    if value is None:
        return None
    if cls is str:
        if size is not None:
            size[0] += len(value)
        if _INTEGER(value) is None:
            return BAD
        digits = value.lstrip("+-").lstrip("0")
        if len(digits) > 19:
            return BAD  # more than 19 significant digits is beyond 64 bits
        parsed = -int(digits or "0") if value[0] == "-" else int(digits or "0")
        return parsed if INT64_MIN <= parsed <= INT64_MAX else BAD
    if size is not None:
        size[0] += size_bound(value)
    return BAD


def to_decimal(value: Any, exact: _Exact = exact_from_float) -> Decimal:
    """A parsed number (int, float or Decimal) as a Decimal, floats through ``exact``."""
    if value.__class__ is float:
        return exact(value)
    return Decimal(value)


def compare(a: Any, b: Any, exact: _Exact = exact_from_float) -> int:
    """-1, 0 or 1 as the decimal values of two parsed numbers compare."""
    if a.__class__ is float and b.__class__ is float and a != b:
        return -1 if a < b else 1
    da, db = to_decimal(a, exact), to_decimal(b, exact)
    return (da > db) - (da < db)


def greater(a: Any, b: Any, exact: _Exact = exact_from_float) -> bool:
    """``a > b`` exactly, for two parsed numbers."""
    if a.__class__ is float and b.__class__ is float and a != b:
        return a > b
    return compare(a, b, exact) > 0


def below(value: Any, bound: Decimal, bound_float: float, exact: _Exact = exact_from_float) -> bool:
    """``value < bound`` exactly, where ``bound_float`` is ``float(bound)``."""
    if value.__class__ is float:
        if value != bound_float:
            return bool(value < bound_float)
        return exact(value) < bound
    return bool(value < bound)


def above(value: Any, bound: Decimal, bound_float: float, exact: _Exact = exact_from_float) -> bool:
    """``value > bound`` exactly, where ``bound_float`` is ``float(bound)``."""
    if value.__class__ is float:
        if value != bound_float:
            return bool(value > bound_float)
        return exact(value) > bound
    return bool(value > bound)


def off_grid(value: Any, step: Decimal) -> bool:
    """True when ``value`` is not a whole multiple of ``step`` (a positive Decimal); exact for
    numbers of any size (integers and long decimals by integer arithmetic, never rounding)."""
    if value.__class__ is float:
        # Exact for |value / step| < 2**50: the only grid point whose nearest float can be
        # ``value`` is round(value / step), and int / int division rounds correctly.
        num, den = step.as_integer_ratio()
        scaled = value * den / num
        if abs(scaled) < 2**50:
            k = round(scaled)
            return k * num / den != value
        value = exact_from_float(value)
    num, den = step.as_integer_ratio()  # step = num / den
    if value.__class__ is int:
        return value * den % num != 0
    sign, digits, exponent = value.as_tuple()  # value = c * 10**exponent
    c = int("".join(map(str, digits))) if len(digits) < 4000 else int(Decimal((0, digits, 0)))
    if exponent >= 0:  # c * 10**e * den / num whole, without building 10**e
        return c * pow(10, exponent, num) * den % num != 0
    if -exponent > 4000:
        return True  # finer than any catalogue's tick: not a multiple of it
    return bool(c * den % (num * 10 ** -exponent) != 0)


def as_text(value: Any) -> str:
    """A number or numeric string as the exchange echoes it: a string (exact at any length)."""
    if value.__class__ is float:
        return repr(value)
    if value.__class__ is int and not -_SMALL < value < _SMALL:
        return str(Decimal(value))
    return str(value)
