"""Warnings: frames the exchange would most likely accept but that look like mistakes, and the
rules that could not run for want of market data. They are reported on ``Verdict.warnings`` and
never reject a frame."""
from .language import (
    CANCEL_COMMANDS as CANCEL, MODIFY_COMMANDS as MODIFY, ORDER_COMMANDS as PLACE, Absent,
    All, Is, MarketType, Not, OffGrid, Present, Rule, UnknownFields,
)
from .examples import order
from .markets import NoIncrement, Unbounded, Unlisted
from .order_types import IGNORING_PRICE

_STOP_LIMIT = order(orderType="STOP_LIMIT", price=None, stopPrice="68000", limitPrice="68100")
_BY_AMOUNT = Is("orderType", ("MARKET",)) & Present("amount")
_LIMIT, _STOP = Is("orderType", ("LIMIT",)), Is("orderType", ("STOP_LIMIT",))
_MODIFY = {"marketCode": "BTC-USD-SWAP-LIN", "orderId": 1000001, "price": "68000",
           "quantity": "0.002"}
_BARE = "BTC-USD-SWAP-LIN-BARE"  # an example market without bounds or minSize
_IGNORING = " and ".join(IGNORING_PRICE)
_SKIPPED = "price bounds (710002/710003) not checked: the market catalogue has no bounds for " \
    "this market (pull a current one: oxpreflight markets pull)"

RULES = (
    Rule("W001", PLACE + CANCEL + MODIFY + ("login",), UnknownFields(),
         "Fields the exchange does not document (a typo such as `clientOrderID` is silently "
         "ignored by the exchange; so is a `tag` inside `data`, whose reply carries only the "
         "envelope's tag). Fields real clients send and the exchange accepts are documented "
         "here: `source` on placeorder (every documented reply echoes it) and, from ccxt's "
         "edit, `orderType` and `source` on modifyorder.",
         bad=order(clientOrderID=1), good=order(clientOrderId=1, source=0), fill="unknown",
         warning="fields the exchange does not document, which it ignores: {fill}",
         name="unknown-field",
         why="Kept after review against the docs and ccxt: an ignored field is a typo or a misplaced value the user can "
             "fix; `source` and ccxt's modifyorder fields no longer draw it."),
    Rule("W002", PLACE + MODIFY, OffGrid("price", "tick"),
         "`price` not a multiple of the market's tickSize.",
         bad=order(price="68000.5"), good=order(), field="price",
         warning="price {value} is not a multiple of the tick size", name="price-off-tick"),
    Rule("W002", PLACE, OffGrid("stopPrice", "tick"),
         "`stopPrice` not a multiple of the market's tickSize.",
         bad=dict(_STOP_LIMIT, stopPrice="68000.5"), good=_STOP_LIMIT, field="stopPrice",
         warning="stopPrice {value} is not a multiple of the tick size",
         name="stop-price-off-tick"),
    Rule("W002", PLACE, OffGrid("limitPrice", "tick"),
         "`limitPrice` not a multiple of the market's tickSize.",
         bad=dict(_STOP_LIMIT, limitPrice="68100.25"), good=_STOP_LIMIT, field="limitPrice",
         warning="limitPrice {value} is not a multiple of the tick size",
         name="limit-price-off-tick"),
    Rule("W003", PLACE + MODIFY, OffGrid("quantity", "step"),
         "`quantity` not a multiple of the market's quantity increment (minSize).",
         bad=order(quantity="0.00015"), good=order(quantity="0.0002"), field="quantity",
         warning="quantity {value} is not a multiple of the quantity increment",
         name="quantity-off-increment"),
    Rule("W004", PLACE, _BY_AMOUNT & Not(All(Is("side", ("BUY",)), MarketType(("SPOT",)))),
         "`amount` on a MARKET order that is not a spot BUY (documented for spot BUY only).",
         bad=order(orderType="MARKET", price=None, quantity=None, amount="100"),
         good=order(orderType="MARKET", price=None, quantity=None, amount="100",
                    marketCode="BTC-USDT"), field="amount",
         warning="amount is documented for spot MARKET BUY orders only", name="amount-use"),
    Rule("W005", PLACE, Is("orderType", IGNORING_PRICE) & Present("price"),
         f"`price` on a {' or '.join(IGNORING_PRICE)} order, which ignores it.",
         bad=order(orderType=IGNORING_PRICE[0]),
         good=order(orderType=IGNORING_PRICE[0], price=None),
         field="price", warning=f"price is ignored for {_IGNORING} orders",
         name="price-ignored"),
    Rule("W006", PLACE + MODIFY, Present("recvWindow") & Absent("timestamp"),
         "`recvWindow` without `timestamp`: the exchange accepts the order (\"will not be "
         "rejected\") but enforces no deadline, so the protection the sender asked for is off.",
         bad=order(recvWindow=500), good=order(recvWindow=500, timestamp=1717348159900),
         field="recvWindow",
         warning="recvWindow is not enforced without timestamp: add timestamp (epoch ms) for "
                 "the exchange to drop a late order",
         name="recv-window-alone",
         why="Kept, reworded: the docs say such an order \"will not be "
             "rejected\", which the warning never claimed; what the user can act on is that "
             "the deadline they set is ignored."),
    # -- what could not be checked (warnings) --------------------------------------------------
    Rule("W007", PLACE + MODIFY, Unlisted(),
         "`marketCode` well formed by the exchange's naming but not in the embedded catalogue "
         "(which lists a few markets only): the market rules were skipped. A catalogue you "
         "give is complete: an unlisted code there is 20015.",
         bad=order(marketCode="XRP-USD-SWAP-LIN", price="0.5"), good=order(), field="marketCode",
         warning="{value} is not in the embedded market catalogue: its market rules (listing, "
                 "minimum size, price bounds, tick size) were skipped; pull the exchange's "
                 "catalogue with `oxpreflight markets pull`",
         name="market-unlisted",
         why="The embedded catalogue lists 8 of the exchange's hundreds of markets; a 20015 "
             "for the others would be a false rejection."),
    Rule("W008", PLACE, _LIMIT & Unbounded("price"),
         "LIMIT `price` on a listed market without sanity bounds: 710002/710003 were skipped.",
         bad=order(marketCode=_BARE), good=order(), field="price", warning=_SKIPPED,
         name="limit-price-bounds-unchecked"),
    Rule("W008", PLACE, _STOP & Unbounded("limitPrice"),
         "STOP_LIMIT `limitPrice` on a listed market without sanity bounds: 710002/710003 "
         "were skipped.",
         bad=dict(_STOP_LIMIT, marketCode=_BARE), good=_STOP_LIMIT, field="limitPrice",
         warning=_SKIPPED.replace("price bounds", "limitPrice bounds"),
         name="stop-limit-bounds-unchecked"),
    Rule("W008", MODIFY, Unbounded("price"),
         "modifyorder `price` on a listed market without sanity bounds: 710002/710003 were "
         "skipped.",
         bad=dict(_MODIFY, marketCode=_BARE), good=_MODIFY, field="price",
         warning=_SKIPPED, name="modify-price-bounds-unchecked"),
    Rule("W009", PLACE + MODIFY, NoIncrement("quantity"),
         "`quantity` on a listed market without minSize: 100008 (and the increment warning "
         "W003) were skipped.",
         bad=order(marketCode=_BARE), good=order(), field="quantity",
         warning="minimum quantity (100008) not checked: the market catalogue has no minSize "
                 "for this market", name="quantity-increment-unchecked"),
)
