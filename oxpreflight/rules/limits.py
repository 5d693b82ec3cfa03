"""Pre-trade limits, a built-in rule module in the same language as the exchange's tables:
R001 quantity, R002 notional, R003 price band (rows of ``check``), R004 duplicate
``clientOrderId``, R005 trading halted, R006 reducing (rows of the session). Their codes are
kept apart from the exchange's table (:mod:`oxpreflight.rules.local`)."""
from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from functools import lru_cache
from typing import Any, Mapping, Optional

from .examples import MARKETS as EXAMPLE_MARKETS, order
from .language import (
    MODIFY_COMMANDS as MODIFY, ORDER_COMMANDS as PLACE, Absent, Cond, Is, Not, Rule, StateRule,
)
from .local import register
from .thresholds import Above, NoMark, NotionalAbove, OffBand, figure

CODES = {
    "R001": register("R001", "quantity xxx is above the maximum order quantity"),
    "R002": register("R002", "notional xxx is above the maximum order notional"),
    "R003": register("R003", "price xxx is outside the price band around the mark price"),
    "R004": register("R004", "clientOrderId xxx is already pending or open"),
    "R005": register("R005", "trading is halted: every order command is rejected"),
    "R006": register("R006", "trading is reducing: the order would increase the position (xxx)"),
}
#: The notice of a limit that could not run: the market has no mark price.
NO_MARK = "W012"
#: The trading states of a session (``Session.trading_state``).
TRADING_STATES = ("ACTIVE", "REDUCING", "HALTED")
_FIGURES = ("max_quantity", "max_notional", "price_band")
_LIMIT, _STOP = Is("orderType", ("LIMIT",)), Is("orderType", ("STOP_LIMIT",))
_AT_MARK = Is("orderType", ("MARKET", "STOP_MARKET"))
_UNMARKED = "BTC-USD-240628-LIN"  # a market of the example catalogue without a markPrice


class Limits:
    """Pre-trade limits: ``max_quantity`` per order, ``max_notional`` (quantity x price, or the
    mark price for MARKET/STOP_MARKET, in the market's counter asset), ``price_band`` (a
    fraction: ``"0.05"`` is 5% either side of the mark price). ``markets`` maps a market code
    to its own ``Limits`` (or a mapping of the same keywords), overriding per field. Figures
    are exact decimals (strings or numbers); a bad one is a ``ValueError`` here."""

    __slots__ = ("max_quantity", "max_notional", "price_band", "markets")
    max_quantity: Optional[Decimal]
    max_notional: Optional[Decimal]
    price_band: Optional[Decimal]
    markets: tuple[tuple[str, "Limits"], ...]

    def __init__(self, max_quantity: Any = None, max_notional: Any = None,
                 price_band: Any = None, markets: Optional[Mapping[str, Any]] = None):
        for name, value in zip(_FIGURES, (max_quantity, max_notional, price_band)):
            object.__setattr__(self, name, None if value is None else figure(value, name))
        overrides = []
        if markets is not None and not isinstance(markets, Mapping):
            raise ValueError("Limits markets: a mapping of market code to Limits")
        for code, limits in (markets or {}).items():
            if not isinstance(code, str) or not code:
                raise ValueError(f"Limits markets: {code!r} is not a market code")
            if isinstance(limits, Mapping):
                unknown = set(limits) - set(_FIGURES)
                if unknown:
                    raise ValueError(f"Limits markets {code}: unknown limit "
                                     f"{', '.join(sorted(map(str, unknown)))}")
                limits = Limits(**limits)
            if not isinstance(limits, Limits) or limits.markets:
                raise ValueError(f"Limits markets {code}: a Limits without markets of its own")
            overrides.append((code, limits))
        object.__setattr__(self, "markets", tuple(sorted(overrides)))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Limits are read-only")

    def __reduce__(self) -> tuple[Any, ...]:
        return Limits, (self.max_quantity, self.max_notional, self.price_band,
                        dict(self.markets))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Limits) and _figures(self) == _figures(other)

    def __hash__(self) -> int:
        return hash(_figures(self))

    def __lt__(self, other: "Limits") -> bool:  # sorting (code, Limits) pairs
        return repr(self) < repr(other)

    def __repr__(self) -> str:
        parts = [f"{n}={str(getattr(self, n))!r}" for n in _FIGURES if getattr(self, n) is not None]
        if self.markets:
            parts.append("markets={" + ", ".join(f"{c!r}: {m!r}" for c, m in self.markets) + "}")
        return f"Limits({', '.join(parts)})"

    def rows(self) -> tuple[Rule, ...]:
        """The ``check`` rows of these limits, R001, R002, R003 (then their W010 notices)."""
        return _rows(self)


def _figures(limits: Limits) -> tuple[Any, ...]:
    """What two equal Limits share: every figure, per market too."""
    return (limits.max_quantity, limits.max_notional, limits.price_band,
            tuple((code, _figures(m)) for code, m in limits.markets))


def _scopes(limits: Limits, name: str) -> list[tuple[Optional[str], Decimal, Optional[Cond]]]:
    """``(market or None, figure, condition on marketCode)`` for each scope that sets ``name``:
    each overriding market, then the rest."""
    own = [(code, getattr(m, name)) for code, m in limits.markets if getattr(m, name) is not None]
    out: list[tuple[Optional[str], Decimal, Optional[Cond]]] = [
        (code, value, Is("marketCode", (code,))) for code, value in own]
    default = getattr(limits, name)
    if default is not None:
        rest = Not(Is("marketCode", tuple(c for c, _ in own))) if own else None
        out.append((None, default, rest))
    return out


#: Markets of the example catalogue the rows' examples are built on, in order of preference.
_EXAMPLE_MARKETS = ("BTC-USD-SWAP-LIN", "ETH-USD-SWAP-LIN", "BTC-USDT")


class _Example:
    """Examples for one scope: orders on a market of the example catalogue that the scope
    covers (the overriding market itself, else the first one not overridden)."""

    def __init__(self, market: Optional[str], taken: tuple[str, ...]):
        known = {m["marketCode"]: m for m in EXAMPLE_MARKETS}
        code = market if market in known else next(
            (c for c in _EXAMPLE_MARKETS if c not in taken), market or _EXAMPLE_MARKETS[0])
        entry = known.get(code, known[_EXAMPLE_MARKETS[0]])
        self.code = code
        self.tick, self.step = Decimal(entry["tickSize"]), Decimal(entry["minSize"])
        self.mark = Decimal(entry.get("markPrice") or entry["lowerPriceBound"])
        self.price = self.round(self.mark)

    def round(self, value: Decimal) -> str:
        return str((value / self.tick).to_integral_value() * self.tick)

    def quantity(self, value: Decimal, up: bool) -> str:
        """``value`` on the market's quantity step, rounded up or down (at least one step)."""
        steps = (value / self.step).to_integral_value(ROUND_CEILING if up else ROUND_FLOOR)
        return str(max(steps, Decimal(1)) * self.step)

    def order(self, **changes: Any) -> dict[str, Any]:
        return order(  # type: ignore[no-untyped-call,no-any-return]
            **{"marketCode": self.code, "price": self.price, **changes})

    def modify(self, **changes: Any) -> dict[str, Any]:
        return {"marketCode": self.code, "orderId": 1, "price": self.price, **changes}

    def stop(self, price: str, **changes: Any) -> dict[str, Any]:
        return self.order(orderType="STOP_LIMIT", price=None, stopPrice=price, limitPrice=price,
                          **changes)


def _row(code: str, commands: tuple[str, ...], cond: Cond, scope: Optional[Cond],
         market: Optional[str], field: str, message: str, fill: str, bad: dict[str, Any],
         good: dict[str, Any], name: str,
         warning: Optional[str] = None) -> Rule:
    where = f" on {market}" if market else ""
    full = cond if scope is None else scope & cond
    return Rule(code, commands, full, f"Pre-trade limit{where}: {full.describe()}.",
                bad=bad, good=good, field=field,
                fill=None if warning else fill, warning=warning,
                message=None if warning else message + where,
                name=name + (f"-{market.lower()}" if market else ""),
                error="" if warning else "InvalidOrder", where="oxpreflight/rules/limits.py")


def _taken(limits: Limits, name: str) -> tuple[str, ...]:
    return tuple(code for code, m in limits.markets if getattr(m, name) is not None)


@lru_cache(maxsize=64)
def _rows(limits: Limits) -> tuple[Rule, ...]:
    rows: list[Rule] = []
    for market, q, scope in _scopes(limits, "max_quantity"):
        ex = _Example(market, _taken(limits, "max_quantity"))
        rows.append(_row("R001", PLACE + MODIFY, Above("quantity", q), scope, market, "quantity",
                         f"quantity xxx is above max_quantity {q}", "value",
                         ex.order(quantity=str(q * 2)), ex.order(quantity=str(q)),
                         "max-quantity"))
    notional: list[Rule] = []
    for market, n, scope in _scopes(limits, "max_notional"):
        ex = _Example(market, _taken(limits, "max_notional"))
        text = f"notional xxx is above max_notional {n}"
        big, small = ex.quantity(n / ex.mark * 2, True), ex.quantity(n / ex.mark / 2, False)

        def add(cond: Cond, name: str, field: str, fill: str, commands: tuple[str, ...] = PLACE,
                bad: Optional[dict[str, Any]] = None, good: Optional[dict[str, Any]] = None
                ) -> None:
            notional.append(_row("R002", commands, cond, scope, market, field, text, fill,
                                 bad or ex.order(quantity=big), good or ex.order(quantity=small),
                                 name))

        add(_LIMIT & NotionalAbove("quantity", "price", n), "max-notional", "quantity", "notional")
        add(_STOP & NotionalAbove("quantity", "limitPrice", n), "max-notional-stop-limit",
            "quantity", "notional:limitPrice", bad=ex.stop(ex.price, quantity=big),
            good=ex.stop(ex.price, quantity=small))
        add(_AT_MARK & NotionalAbove("quantity", None, n), "max-notional-at-mark", "quantity",
            "notional:mark", bad=ex.order(orderType="MARKET", price=None, quantity=big),
            good=ex.order(orderType="MARKET", price=None, quantity=small))
        add(Is("orderType", ("MARKET",)) & Is("side", ("BUY",)) & Absent("quantity")
            & Above("amount", n),
            "max-notional-amount", "amount", "value",
            bad=ex.order(orderType="MARKET", price=None, quantity=None, amount=str(n * 2)),
            good=ex.order(orderType="MARKET", price=None, quantity=None, amount=str(n)))
        add(NotionalAbove("quantity", "price", n), "max-notional-modify", "quantity", "notional",
            MODIFY, ex.modify(quantity=big), ex.modify(quantity=small))
    rows += notional
    band_rows: list[Rule] = []
    notices: list[Rule] = []
    for market, b, scope in _scopes(limits, "price_band"):
        ex = _Example(market, _taken(limits, "price_band"))
        text = f"price xxx is outside price_band {b} of the mark price"
        far = ex.round(ex.mark * (1 + b) + ex.tick * 2)
        for cond, field, commands, name in (
                (_LIMIT, "price", PLACE, "price-band"),
                (_STOP, "limitPrice", PLACE, "price-band-stop-limit"),
                (None, "price", MODIFY, "price-band-modify")):
            bad, good = (ex.order(price=far), ex.order()) if field == "price" else (
                ex.stop(far), ex.stop(ex.price))
            if commands == MODIFY:
                bad, good = ex.modify(price=far), ex.modify()
            band = OffBand(field, b) if cond is None else cond & OffBand(field, b)
            band_rows.append(_row("R003", commands, band, scope, market, field,
                                  text.replace("price xxx", f"{field} xxx"), f"band:{field}",
                                  bad, good, name))
            skipped = NoMark(field) if cond is None else cond & NoMark(field)
            plain = _Example(_UNMARKED, ())
            unmarked = plain.order() if field == "price" else plain.stop(plain.price)
            if commands == MODIFY:
                unmarked = plain.modify()
            notices.append(_row(NO_MARK, commands, skipped, scope, market, field, "", "",
                                unmarked, good, name + "-unchecked",
                                warning="price band (R003) not checked: the market catalogue "
                                        "has no markPrice for this market"))
    if limits.max_notional is not None or any(m.max_notional for _, m in limits.markets):
        notices.append(_row(NO_MARK, PLACE, _AT_MARK & NoMark("quantity"), None, None,
                            "quantity", "", "",
                            _Example(_UNMARKED, ()).order(orderType="MARKET", price=None),
                            _Example(None, ()).order(orderType="MARKET", price=None),
                            "max-notional-unchecked",
                            warning="notional (R002) not checked: the market catalogue has "
                                    "no markPrice for this market"))
    return tuple(rows + band_rows + notices)


_ORDERS = PLACE + MODIFY
#: The session's limit rows, in their check order: R005, R006, R004.
HALTED = StateRule(
    "R005", "trading-halted", _ORDERS, "trading_halted",
    "`Session.trading_state` is HALTED: every placeorder(s) and modifyorder(s) is rejected; "
    "cancels pass.", bad={"options": {"trading_state": "HALTED"}}, good={"options": {}},
    reason="needs the session's trading state", error="InvalidOrder",
    where="oxpreflight/rules/limits.py")
REDUCING = StateRule(
    "R006", "trading-reducing", PLACE, "trading_reducing",
    "`Session.trading_state` is REDUCING: an order that would grow or flip the position (a spot "
    "BUY; a future order beyond the held position; any order whose position is unknown).",
    bad={"options": {"trading_state": "REDUCING"}}, good={"options": {}}, field="quantity",
    reason="needs the session's trading state and the position", error="InvalidOrder",
    where="oxpreflight/rules/limits.py")
DUPLICATE = StateRule(
    "R004", "duplicate-client-order-id", PLACE, "duplicate_client_order_id",
    "A placeorder whose `clientOrderId` is already pending (sent, not answered) or open, or "
    "repeated within the batch.", bad={"options": {}}, good={"options": {}},
    field="clientOrderId", reason="needs the session's open and pending orders",
    error="InvalidOrder", where="oxpreflight/rules/limits.py")
STATE_ROWS = (HALTED, REDUCING, DUPLICATE)

__all__ = ["Limits", "CODES", "NO_MARK", "TRADING_STATES", "STATE_ROWS", "HALTED", "REDUCING",
           "DUPLICATE"]
