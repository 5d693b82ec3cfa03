"""The public, read-only view of one market (``Preflight.market(code)``), with the exact
rounding ``fix`` uses."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Optional

from . import rounding
from .markets import MarketRecord

_SIDES = {"BUY": rounding.DOWN, "SELL": rounding.UP}


@dataclass(frozen=True)
class Market:
    """One market of the catalogue: figures as exact ``Decimal`` (``None`` when the catalogue
    does not give them), times as epoch-millisecond ints.

    ``increment`` is the exchange's ``minSize`` / ``qtyIncrement``: the quantity step, which is
    also the smallest quantity accepted (100008 below it).
    """

    code: str
    type: str
    base: Optional[str]
    counter: Optional[str]
    tick_size: Optional[Decimal]
    increment: Optional[Decimal]
    lower_price_bound: Optional[Decimal]
    upper_price_bound: Optional[Decimal]
    mark_price: Optional[Decimal]
    listed_at: Optional[int]
    settlement_at: Optional[int]

    @classmethod
    def of(cls, record: MarketRecord) -> "Market":
        """The view of a catalogue record."""
        m = record.market
        return cls(m.marketCode, m.type, m.base, m.counter, m.tickSize, m.minSize,
                   m.lowerPriceBound, m.upperPriceBound, m.markPrice, m.listedAt, m.settlementAt)

    @property
    def min_size(self) -> Optional[Decimal]:
        """The smallest quantity accepted: the increment (the exchange's ``minSize``)."""
        return self.increment

    def round_price(self, price: Any, side: str) -> str:
        """``price`` on the tick, in the passive direction: a BUY rounds down, a SELL up
        (towards minus / plus infinity, so negative REPO and SPREAD prices too). Exact decimal
        text. ``ValueError`` for a price that is not a number, a side other than BUY / SELL,
        or a market without a tick size."""
        direction = _SIDES.get(side) if isinstance(side, str) else None
        if direction is None:
            raise ValueError(f"side must be 'BUY' or 'SELL', not {side!r}")
        value = _number(price, "price")
        if self.tick_size is None:
            raise ValueError(f"market {self.code} has no tick size in the catalogue")
        return rounding.text(rounding.to_grid(value, self.tick_size, direction))

    def round_quantity(self, quantity: Any) -> str:
        """``quantity`` rounded down to the increment, as exact decimal text. Never zero:
        a quantity that would round below the minimum is a ``ValueError`` naming it (so is a
        quantity that is not a positive number, or a market without an increment)."""
        value = _number(quantity, "quantity")
        if value <= 0:
            raise ValueError(f"quantity must be positive, not {quantity!r}")
        if self.increment is None:
            raise ValueError(f"market {self.code} has no quantity increment in the catalogue")
        out = rounding.to_grid(value, self.increment, rounding.DOWN)
        if out < self.increment:
            raise ValueError(f"quantity {rounding.text(value)} is below the minimum "
                             f"{rounding.text(self.increment)} of {self.code}")
        return rounding.text(out)


def _number(value: Any, name: str) -> Decimal:
    out = rounding.exact_decimal(value)
    if out is None:
        raise ValueError(f"{name} must be a number, not {value!r}")
    return out


__all__ = ["Market"]
