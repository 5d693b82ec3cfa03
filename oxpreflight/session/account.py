"""The account layer: balances, positions, margin and status, as far as the client knows them.

What is modelled (and nothing more; the exchange's own risk engine is not public):

Each check answers with its row of :mod:`oxpreflight.rules.session`:

- 300001: ``status`` set and not ``"NORMAL"`` -> every placeorder and modifyorder.
- 710006, spot markets only: a BUY whose cost (``quantity * price``; a MARKET order at the live
  mark price; ``amount`` when given) exceeds the available balance of the counter asset, or a
  SELL whose quantity exceeds the available base asset. Each order is checked alone against the
  last known *available* balance: orders in flight reserve nothing until a balance push says so.
- 710007, markets listed in ``reduce_only``: an order must shrink the held position (opposite
  side, quantity at most the position).
- 710004, markets with a ``position_limits`` entry: |position + order| above the limit while
  growing the position. Open orders are not counted.
- 710005, only with ``collateral`` and a margin rate for every market involved: after the order,
  sum over futures positions of |position| * mark price * initial-margin rate (the order's
  market valued at its mark price, or the order price when no mark is known) above collateral
  while growing the position. Orders that reduce a position always pass.

Positions and margin apply to FUTURE markets; REPO and SPREAD markets (prices are rates or
differences) are only subject to 300001. An unknown balance, position limit, rate or price
means the check is skipped, never guessed.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any, Mapping, Optional

from ..rules.session import (
    ACCOUNT_CODES, ACCOUNT_STATUS, MARGIN, POSITION_LIMIT, REDUCE_ONLY, SPOT_BALANCE,
)
from ..validators import exact
from .verdicts import Problem

NORMAL = "NORMAL"
_ZERO = Decimal(0)


@dataclass(frozen=True)
class Account:
    """What the client knows of its account (``Session(account=...)``; a dict works too).

    ``balances``: asset -> available quantity. ``positions``: marketCode -> signed position.
    ``position_limits``: marketCode -> largest allowed |position|. ``reduce_only``: markets
    that only accept reducing orders. ``collateral`` with ``margin_rates`` (marketCode -> rate,
    0.1 for 10x) or ``default_margin_rate``: the margin check. ``status``: ``None`` (unknown) or
    the account status (``"NORMAL"`` passes). ``checks``: the codes to apply. Numbers may be
    Decimal, int or numeric strings. Balances, positions and collateral are then kept current
    from the balance/position channels and ``/v3/account`` replies given to ``observe``.
    """

    account_id: Optional[str] = None
    status: Optional[str] = None
    balances: Mapping[str, Any] = field(default_factory=dict)
    positions: Mapping[str, Any] = field(default_factory=dict)
    position_limits: Mapping[str, Any] = field(default_factory=dict)
    reduce_only: frozenset[str] = frozenset()
    collateral: Any = None
    margin_rates: Mapping[str, Any] = field(default_factory=dict)
    default_margin_rate: Any = None
    checks: frozenset[str] = ACCOUNT_CODES

    @classmethod
    def of(cls, value: Any) -> "Account":
        """An :class:`Account` from an Account or a dict of its fields."""
        if isinstance(value, cls):
            return value
        if isinstance(value, Mapping):
            names = {f.name for f in fields(cls)}
            unknown = sorted(str(k) for k in value if k not in names)
            if unknown:
                raise TypeError(f"unknown account field(s): {', '.join(unknown)}")
            return cls(**value)
        raise TypeError("account must be an Account, a dict of its fields, None or False")


def account_key(value: Any) -> Optional[str]:
    """A well-formed accountId (ASCII digits, as text or a non-negative int, at most 20
    digits) as its digits; ``None`` for anything else (a push's ``{}``, ``true``, ``"x"``)."""
    if value.__class__ is int and 0 <= value < 10**20:
        return str(value)
    if value.__class__ is str and 0 < len(value) <= 20 and value.isascii() and value.isdigit():
        return value
    return None


def decimal(value: Any, what: str = "value") -> Optional[Decimal]:
    """A number (int, float via its shortest text, Decimal, numeric string) as Decimal."""
    parsed = exact.number(value)
    if parsed is None:
        return None
    if parsed is exact.BAD:
        raise ValueError(f"{what} is not a number")
    return exact.to_decimal(parsed)


#: Largest power of ten of a figure the account layer reads (balances, positions, prices):
#: beyond it the figure is unknown, so no product of figures can overflow.
_MAX_EXP = 40


def loose(value: Any) -> Optional[Decimal]:
    """A number as Decimal, or ``None`` when absent, not a number or past ``1e40`` in
    magnitude (for observed data and the figures of a frame)."""
    parsed = exact.number(value)
    if parsed is None or parsed is exact.BAD:
        return None
    number = exact.to_decimal(parsed)
    if not number.is_finite() or (number and abs(number.adjusted()) > _MAX_EXP):
        return None
    return number


def _decimals(values: Mapping[str, Any], what: str) -> dict[str, Decimal]:
    """Each number as Decimal (an error naming ``what`` and the key when one is not); a
    ``None`` value is unknown and left out."""
    out = {}
    for key, value in values.items():
        number = decimal(value, f"{what} {key}")
        if number is not None:
            out[str(key)] = number
    return out


class AccountState:
    """The mutable, Decimal copy of an :class:`Account` the session keeps current."""

    __slots__ = ("status", "balances", "positions", "limits", "reduce_only", "collateral",
                 "rates", "default_rate", "checks")

    def __init__(self, account: Account):
        self.status = account.status
        self.balances = _decimals(account.balances, "balance of")
        self.positions = _decimals(account.positions, "position in")
        self.limits = _decimals(account.position_limits, "position limit of")
        self.reduce_only = frozenset(account.reduce_only)
        self.collateral = decimal(account.collateral, "collateral")
        self.rates = _decimals(account.margin_rates, "margin rate of")
        self.default_rate = decimal(account.default_margin_rate, "default_margin_rate")
        unknown = set(account.checks) - ACCOUNT_CODES
        if unknown:
            raise ValueError(f"account checks not modelled: {', '.join(sorted(unknown))}")
        self.checks = frozenset(account.checks)

    # -- updates from observed messages ------------------------------------------------------------
    def set_balances(self, rows: Any, asset_key: str) -> None:
        for row in rows if isinstance(rows, list) else [rows]:
            if isinstance(row, dict) and isinstance(row.get(asset_key), str):
                available = loose(row.get("available"))
                if available is not None:
                    self.balances[row[asset_key]] = available

    def set_positions(self, rows: Any, market_key: str, size_key: str, replace: bool) -> None:
        if replace:
            self.positions = {}
        for row in rows if isinstance(rows, list) else [rows]:
            if isinstance(row, dict) and isinstance(row.get(market_key), str):
                size = loose(row.get(size_key))
                if size is not None:
                    self.positions[row[market_key]] = size

    def set_collateral(self, value: Any) -> None:
        collateral = loose(value)
        if collateral is not None:
            self.collateral = collateral

    # -- the checks, one per row of :mod:`oxpreflight.rules.session` ----------------------------
    def status_problem(self) -> Optional[Problem]:
        """300001: a status set and not NORMAL."""
        if ACCOUNT_STATUS.code in self.checks and self.status is not None \
                and str(self.status).upper() != NORMAL:
            return Problem(ACCOUNT_STATUS, None, fill=str(self.status))
        return None

    def reduce_only_problem(self, item: dict[str, Any], record: Any) -> Optional[Problem]:
        """710007: on a reduce-only market, an order that grows or flips the position."""
        if REDUCE_ONLY.code not in self.checks or record is None \
                or record.code not in self.reduce_only:
            return None
        move = self._move(item, record)
        if move is None:
            return None
        held, after = move
        if abs(after) > abs(held) or (held > 0 > after) or (held < 0 < after):
            return Problem(REDUCE_ONLY, "quantity")
        return None

    def position_limit_problem(self, item: dict[str, Any], record: Any) -> Optional[Problem]:
        """710004: |position after the order| above the market's limit, growing it."""
        limit = None if record is None else self.limits.get(record.code)
        if POSITION_LIMIT.code not in self.checks or limit is None:
            return None
        move = self._move(item, record)
        if move is not None and abs(move[1]) > abs(move[0]) and abs(move[1]) > limit:
            return Problem(POSITION_LIMIT, "quantity")
        return None

    def balance_problem(self, item: dict[str, Any], record: Any) -> Optional[Problem]:
        """710006: a spot order costing more than the available asset."""
        side = item.get("side")
        if record is None or record.type != "SPOT" or side not in ("BUY", "SELL"):
            return None
        return self._spot(item, record, side, loose(item.get("quantity")))

    def margin_problem(self, item: dict[str, Any], record: Any, markets: dict[str, Any]
                       ) -> Optional[Problem]:
        """710005: the initial margin after a growing order above the collateral."""
        if MARGIN.code not in self.checks or self.collateral is None:
            return None
        move = self._move(item, record)
        if move is None or abs(move[1]) <= abs(move[0]):
            return None
        required = self._required_margin(record.code, move[1], _order_price(item), markets)
        if required is not None and self.collateral < required:
            return Problem(MARGIN, "quantity")
        return None

    def _move(self, item: dict[str, Any], record: Any) -> Optional[tuple[Decimal, Decimal]]:
        """``(position held, position after the order)`` on a futures market, else ``None``."""
        side = item.get("side")
        if record is None or record.type != "FUTURE" or side not in ("BUY", "SELL"):
            return None
        quantity = loose(item.get("quantity"))
        if quantity is None:
            return None
        held = self.positions.get(record.code, _ZERO)
        return held, held + quantity if side == "BUY" else held - quantity

    def _spot(self, item: dict[str, Any], record: Any, side: str, quantity: Optional[Decimal]
              ) -> Optional[Problem]:
        if SPOT_BALANCE.code not in self.checks:
            return None
        base, counter = _assets(record)
        if side == "SELL":
            have = self.balances.get(base) if base else None
            if have is not None and quantity is not None and quantity > have:
                return Problem(SPOT_BALANCE, "quantity")
            return None
        have = self.balances.get(counter) if counter else None
        if have is None:
            return None
        amount = loose(item.get("amount"))
        if amount is not None and quantity is None:
            cost = amount
        else:
            price = _order_price(item)
            if price is None and item.get("orderType") == "MARKET":
                price = record.market.markPrice
            if price is None or quantity is None:
                return None
            cost = quantity * price
        if cost > have:
            return Problem(SPOT_BALANCE, "amount" if quantity is None else "quantity")
        return None

    def _required_margin(self, code: str, after: Decimal, price: Optional[Decimal],
                         markets: dict[str, Any]) -> Optional[Decimal]:
        positions = dict(self.positions)
        positions[code] = after
        total = _ZERO
        for market, size in positions.items():
            if size == 0:
                continue
            record = markets.get(market)
            if record is not None and record.type != "FUTURE":
                continue
            rate = self.rates.get(market, self.default_rate)
            mark = record.market.markPrice if record is not None else None
            if market == code and mark is None:
                mark = price
            if rate is None or mark is None:
                return None  # cannot value this position: no verdict rather than a guess
            total += abs(size) * mark * rate
        return total


def _order_price(item: dict[str, Any]) -> Optional[Decimal]:
    for name in ("price", "limitPrice"):
        value = loose(item.get(name))
        if value is not None:
            return value
    return None


def _assets(record: Any) -> tuple[Any, ...]:
    base, counter = record.market.base, record.market.counter
    if (base is None or counter is None) and record.code.count("-") == 1:
        split = record.code.split("-")
        base, counter = base or split[0], counter or split[1]
    return base, counter
