"""The kit's changes that need a market's figures or the clock: a quantity below the increment,
a price beyond a bound, an expired timestamp, and the markets and clock they need. Given to the
breakers of :mod:`oxpreflight.validators.kinds` through :mod:`.derived`."""
from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any, Callable, Optional

from hypothesis import strategies as st

from ..rules.order_types import BY_NAME
from ..validators.markets import MarketRecord
from .book import SPAN, Book, in_range, step, ticks, unit

Change = Callable[[Any, dict, Book], dict]


def needs_clock(bk: Book) -> Optional[str]:
    """Why a clock-dependent row cannot be broken here (``None`` when a clock is given)."""
    return None if bk.now is not None else "no clock: pass now=<epoch ms>"


def inactive_markets(bk: Book) -> tuple:
    """The markets not active at the book's clock."""
    return bk.inactive


def has_inactive(bk: Book) -> Optional[str]:
    return None if bk.inactive else f"the catalogue has no market inactive at now={bk.now}"


def below_step(field: str) -> Change:
    """The change that puts ``field`` strictly between zero and the market's minSize."""
    def change(draw, item: dict, bk: Book) -> dict:
        digits = draw(st.integers(1, 6))
        part = draw(st.integers(1, 10**digits - 1))
        size = step(bk.markets[item["marketCode"]]) * part / Decimal(10**digits)
        return {**item, field: draw(bk.number(size))}
    return change


def below_bound(rec: MarketRecord) -> Optional[tuple]:
    """The tick range below the market's lower bound (``None`` when it has none)."""
    if rec.lo is None:
        return None
    last = ticks(rec.lo, unit(rec), ROUND_CEILING) - 1
    first = last - 1000 if rec.rate else 1
    return (first, last) if first <= last else None


def above_bound(rec: MarketRecord) -> Optional[tuple]:
    """The tick range above the market's upper bound (``None`` when it has none)."""
    if rec.hi is None:
        return None
    first = max(ticks(rec.hi, unit(rec), ROUND_FLOOR) + 1, 1 if not rec.rate else -SPAN)
    return (first, first + 1000)


def beyond_bound(field: str, side: str, shape: Any) -> Change:
    """The change that puts ``field`` beyond the market's ``side`` bound; for an order type
    that also takes ``stopPrice`` (STOP_LIMIT), the stop price moves with it, so the rows on the
    order of the two prices still pass."""
    span = below_bound if side == "lower" else above_bound

    def change(draw, item: dict, bk: Book) -> dict:
        rec = bk.markets[item["marketCode"]]
        first, last = span(rec) or (1, 1)  # the base market was picked for having the span
        price = draw(in_range(bk, rec, first, last))
        kind = BY_NAME.get(str(item.get("orderType"))) if shape.item_op == "placeorder" else None
        follows = kind is not None and "stopPrice" in kind.takes and field != "stopPrice"
        return {**item, field: price, **({"stopPrice": price} if follows else {})}
    return change


def expire(draw, item: dict, bk: Book) -> dict:
    """The change that gives the item a timestamp past its recvWindow (1000 when absent)."""
    out = {k: v for k, v in item.items() if k != "recvWindow"}
    window = 1000
    if draw(st.booleans()):
        window = out["recvWindow"] = draw(st.integers(0, 60_000))
    now = bk.now if bk.now is not None else 0  # the breaker's needs asked for a clock
    out["timestamp"] = now - window - draw(st.integers(1, 10**9))
    return out


def require(shape: Any, pick: Callable[[MarketRecord], bool], what: str) -> None:
    """Draw the base item on a market that passes ``pick``; without one, say ``what`` lacks."""
    shape.picks.append(pick)
    shape.needs.append(lambda bk: None if any(pick(r) for r in bk.active)
                       else f"the catalogue has no active market with {what}")
