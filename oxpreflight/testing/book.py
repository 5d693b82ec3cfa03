"""What a strategy draws from: the market catalogue and clock, resolved once, and exact numbers
in the forms a JSON client sends them."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext
from typing import Any, Optional

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ..rules.language import COMMANDS
from ..preflight import Preflight
from ..validators.markets import MarketError, MarketRecord, index_markets, load_markets

INT64_MAX = 2**63 - 1
#: How many ticks a price may range over when the market gives no bound on that side.
SPAN = 10**9


@dataclass(frozen=True)
class Book:
    """The markets a strategy draws from, the clock it draws for, and the number forms."""

    markets: dict            # marketCode -> MarketRecord
    now: Optional[int]       # the clock of the check (None: time rules off)
    active: tuple            # records active at now (or at the present when now is None)
    inactive: tuple          # records inactive at now (only when now is given)
    decimals: bool = False   # numbers may also be Decimal (not JSON-encodable by json.dumps)

    def limit_markets(self) -> tuple:
        """Active markets where a LIMIT or STOP_LIMIT price fits."""
        return tuple(r for r in self.active if price_range(r) is not None)

    def number(self, value: Decimal) -> st.SearchStrategy:
        """``value`` in one of the forms a frame may carry it exactly."""
        return st.sampled_from(forms(value, self.decimals))


def book(markets: Any, now: Any, decimals: Any = False) -> Book:
    """Resolve the ``markets`` / ``now`` / ``decimals`` arguments of a public strategy."""
    if now is not None and (now.__class__ is not int or now < 0):
        raise InvalidArgument(f"now={now!r} must be None or epoch milliseconds "
                              "(a non-negative int)")
    if decimals.__class__ is not bool:
        raise InvalidArgument(f"decimals={decimals!r} must be True or False")
    if isinstance(markets, Preflight):
        table = markets.markets
    elif isinstance(markets, dict) and markets and all(
            isinstance(v, MarketRecord) for v in markets.values()):
        table = markets
    else:
        try:
            table = index_markets(load_markets(markets))
        except MarketError as exc:
            raise InvalidArgument(f"markets: {exc}") from None
    at = now if now is not None else time.time_ns() // 1_000_000
    records = tuple(table[code] for code in sorted(table))
    active = tuple(r for r in records if r.is_active(at))
    inactive = tuple(r for r in records if not r.is_active(at)) if now is not None else ()
    return Book(table, now, active, inactive, decimals)


def check_op(op: Any, allowed: tuple = COMMANDS) -> None:
    if op not in allowed:
        raise InvalidArgument(f"op={op!r} must be one of {', '.join(allowed)}")


# -- numbers ----------------------------------------------------------------------------------
def unit(rec: Optional[MarketRecord]) -> Decimal:
    """The price grid: the market's tick (0.01 when it has none)."""
    return rec.tick if rec is not None and rec.tick is not None else Decimal("0.01")


def step(rec: MarketRecord) -> Decimal:
    return rec.step if rec.step is not None else Decimal("0.001")


def ticks(value: Decimal, grid: Decimal, rounding: str) -> int:
    with localcontext() as ctx:
        ctx.prec = 60
        return int((value / grid).to_integral_value(rounding=rounding))


def price_range(rec: MarketRecord, lo: Optional[Decimal] = None, hi: Optional[Decimal] = None
                ) -> Optional[tuple]:
    """(first, last) multiples of the tick a price may be on this market, or None if none.

    ``lo`` / ``hi`` default to the market's bounds; prices must be positive except on REPO and
    SPREAD markets."""
    grid = unit(rec)
    lo = rec.lo if lo is None else lo
    hi = rec.hi if hi is None else hi
    first = ticks(lo, grid, ROUND_CEILING) if lo is not None else None
    last = ticks(hi, grid, ROUND_FLOOR) if hi is not None else None
    if not rec.rate:
        first = max(first if first is not None else 1, 1)
    if first is None:
        first = -SPAN if last is None else last - SPAN
    if last is None:
        last = first + SPAN if first > -SPAN else SPAN
    return (first, last) if first <= last else None


def forms(value: Decimal, decimals: bool = False) -> list:
    """The ways a JSON frame may carry ``value`` exactly: text, int, float (and Decimal on
    request). A float only when its shortest text is ``value``, so ``json.dumps`` keeps it."""
    text = format(value, "f")
    out: list = [text, text + ("0" if "." in text else ".0")]
    if value == value.to_integral_value():
        out.append(int(value))
    as_float = float(value)
    if math.isfinite(as_float) and Decimal(repr(as_float)) == value:
        out.append(as_float)
    if decimals:
        out.append(value)
    return out


def as_decimal(value: Any) -> Decimal:
    """A number drawn by these strategies as the Decimal it stands for."""
    return Decimal(repr(value)) if value.__class__ is float else Decimal(value)


@st.composite
def in_range(draw, bk: Book, rec: MarketRecord, first: int, last: int) -> Any:
    return draw(bk.number(draw(st.integers(first, last)) * unit(rec)))


@st.composite
def quantity(draw, bk: Book, rec: MarketRecord) -> Any:
    return draw(bk.number(draw(st.integers(1, 10**6)) * step(rec)))


def long(low: int = 1, high: int = INT64_MAX) -> st.SearchStrategy:
    """64-bit integers as the exchange reads them: ints or integer-valued strings."""
    ints = st.integers(low, high)
    return st.one_of(ints, ints.map(str))
