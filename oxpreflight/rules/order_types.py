"""The order types, one row each: what the rules, the valid frames, the failure replies and the
advice know of an order type comes from here.

Per type: the price fields it ``requires`` and the ones it ``takes`` (a superset), the one held
to the market's price bounds (``bounded``), the fields the exchange ``derives`` in its echo
(copied from another field, or a fixed value), the market types it is allowed on (``markets``,
``None`` for all; :data:`PERPETUAL` for perpetuals only), whether it ignores ``price`` (W005), and the optional fields that only make
sense for it (``extras``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Union

TRIGGER_TYPES = ("MARK_PRICE",)
#: In ``markets``: a perpetual (a FUTURE whose code is BASE-QUOTE-SWAP-...), not a dated future.
PERPETUAL = "perpetual"


@dataclass(frozen=True)
class Copy:
    """An echoed field the exchange copies from ``field`` (when the order gives it)."""

    field: str


@dataclass(frozen=True)
class OrderType:
    """One order type (see the module's docstring)."""

    name: str
    requires: tuple[str, ...] = ()
    takes: tuple[str, ...] = ()
    bounded: Optional[str] = None
    derives: tuple[tuple[str, Union[Copy, str]], ...] = ()
    markets: Optional[tuple[str, ...]] = None
    ignores_price: bool = False
    extras: tuple[str, ...] = ()

    def allows(self, market_type: str, perpetual: bool) -> bool:
        """Whether an order of this type may go to a market of ``market_type``."""
        if self.markets is None:
            return True
        return market_type in self.markets or (perpetual and PERPETUAL in self.markets)

    def __post_init__(self) -> None:
        if not set(self.requires) <= set(self.takes):
            raise ValueError(f"order type {self.name}: requires {self.requires} not all taken")
        if self.bounded is not None and self.bounded not in self.takes:
            raise ValueError(f"order type {self.name}: bounded {self.bounded!r} not taken")


#: In the documentation's order. MARKET's limitPrice and STOP_MARKET's price come from live
#: prices in the documented replies, so they are never derived here.
TABLE = (
    OrderType("LIMIT", requires=("price",), takes=("price",), bounded="price",
              derives=(("limitPrice", Copy("price")),),
              extras=("timeInForce", "displayQuantity")),
    OrderType("MARKET", ignores_price=True),
    OrderType("STOP_LIMIT", requires=("stopPrice", "limitPrice"),
              takes=("stopPrice", "limitPrice"), bounded="limitPrice",
              derives=(("price", Copy("limitPrice")), ("triggerType", TRIGGER_TYPES[0])),
              extras=("timeInForce", "triggerType")),
    OrderType("STOP_MARKET", requires=("stopPrice",), takes=("stopPrice",),
              derives=(("timeInForce", "IOC"), ("triggerType", TRIGGER_TYPES[0])),
              markets=(PERPETUAL,), ignores_price=True, extras=("timeInForce", "triggerType")),
)

BY_NAME = {t.name: t for t in TABLE}
#: The ``orderType`` enumeration (20017).
NAMES = tuple(BY_NAME)
#: What a modifyorder's echo derives (it has no order type of its own).
MODIFY_DERIVES: tuple[tuple[str, Union[Copy, str]], ...] = (("limitPrice", Copy("price")),)
#: The types that ignore ``price`` (W005).
IGNORING_PRICE = tuple(t.name for t in TABLE if t.ignores_price)
