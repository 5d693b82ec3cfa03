"""Market rules, for a market found in the catalogue: listing window, minimum quantity and
the sanity bounds; the exchange's market-code grammar; and the warnings that say when a market
rule could not run (a market the embedded catalogue does not list, a market without bounds or
minimum size), so that "not checked" is never mistaken for "passed"."""
import re
from dataclasses import dataclass

from .language import (
    MODIFY_COMMANDS as MODIFY, ORDER_COMMANDS as PLACE, BelowIncrement, Inactive, Is,
    NoIncrement, OutOfBound, Rule, Unbounded, Unlisted,
)
from .examples import order

# -- the exchange's market codes ---------------------------------------------------------------
#: An asset: upper-case letters and digits with at least one letter (``BTC``, ``1INCH``),
#: optionally behind one lower-case letter (the docs' ``BTC-oUSD-SWAP-LIN``).
_ASSET = r"[a-z]?(?=[A-Z0-9]{0,19}[A-Z])[A-Z0-9]{1,20}"
#: ``BASE-QUOTE`` (spot), ``-SWAP-LIN`` (perpetual), ``-YYMMDD-LIN`` (dated future), ``-REPO-LIN``
#: and ``-SPR-<legs>-LIN`` (spread), as in the docs (``BTC-USDT``, ``BTC-USD-SWAP-LIN``,
#: ``BTC-USDT-200626-LIN``, ``COMP-USDT-REPO-LIN``) and the catalogues (``BTC-USD-SPR-QP-LIN``).
MARKET_CODE = re.compile(
    rf"{_ASSET}-{_ASSET}(?:-(?P<kind>SWAP|REPO|[0-9]{{6}}|SPR-[A-Z0-9]{{1,12}})-LIN)?").fullmatch


def market_type(code: object) -> "str | None":
    """The ``type`` the exchange gives a well-formed market code; ``None`` when malformed."""
    match = MARKET_CODE(code) if code.__class__ is str else None
    if match is None:
        return None
    kind = match["kind"]
    if kind is None:
        return "SPOT"
    if kind == "REPO":
        return "REPO"
    return "SPREAD" if kind.startswith("SPR") else "FUTURE"


_LIMIT = Is("orderType", ("LIMIT",))
_STOP = Is("orderType", ("STOP_LIMIT",))
_STOP_LIMIT = order(orderType="STOP_LIMIT", price=None, stopPrice="68000", limitPrice="68100")
_MODIFY = {"marketCode": "BTC-USD-SWAP-LIN", "orderId": 1000001, "price": "68000",
           "quantity": "0.002"}

RULES = (
    Rule("200050", PLACE + MODIFY, Inactive(),
         "The market is not active by the clock: `listedAt` in the future or `settlementAt` "
         "reached.",
         bad=order(marketCode="ETH-USD-SWAP-LIN-NEW", price="3800"), good=order(),
         field="marketCode", name="market-active", error="BadSymbol",
         why="Raises BadSymbol, not ccxt 4.4's RequestTimeout, which ccxt reaches only through "
             "a broad substring match (rules/ccxt.py KEPT): the market is not active."),
    Rule("100008", PLACE + MODIFY, BelowIncrement("quantity"),
         "`quantity` below the market's minSize / qtyIncrement; the message names the "
         "increment.",
         bad=order(quantity="0.00001"), good=order(quantity="0.0001"), field="quantity",
         fill="step", name="quantity-increment", error="BadRequest"),
    Rule("710002", PLACE, _LIMIT & OutOfBound("price", "lower"),
         "LIMIT `price` below the market's lowerPriceBound.",
         bad=order(price="61383"), good=order(price="61384"), field="price",
         name="limit-price-lower-bound", error="BadRequest"),
    Rule("710003", PLACE, _LIMIT & OutOfBound("price", "upper"),
         "LIMIT `price` above the market's upperPriceBound.",
         bad=order(price="75027"), good=order(price="75026"), field="price",
         name="limit-price-upper-bound", error="BadRequest"),
    Rule("710002", PLACE, _STOP & OutOfBound("limitPrice", "lower"),
         "STOP_LIMIT `limitPrice` below the market's lowerPriceBound.",
         bad=dict(_STOP_LIMIT, stopPrice="61000", limitPrice="61000"), good=_STOP_LIMIT,
         field="limitPrice", name="stop-limit-lower-bound", error="BadRequest"),
    Rule("710003", PLACE, _STOP & OutOfBound("limitPrice", "upper"),
         "STOP_LIMIT `limitPrice` above the market's upperPriceBound.",
         bad=dict(_STOP_LIMIT, limitPrice="76000"), good=_STOP_LIMIT, field="limitPrice",
         name="stop-limit-upper-bound", error="BadRequest"),
    Rule("710002", MODIFY, OutOfBound("price", "lower"),
         "modifyorder `price` below the market's lowerPriceBound.",
         bad=dict(_MODIFY, price="60000"), good=_MODIFY, field="price",
         name="modify-price-lower-bound", error="BadRequest"),
    Rule("710003", MODIFY, OutOfBound("price", "upper"),
         "modifyorder `price` above the market's upperPriceBound.",
         bad=dict(_MODIFY, price="80000"), good=_MODIFY, field="price",
         name="modify-price-upper-bound", error="BadRequest"),
)
