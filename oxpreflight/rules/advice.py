"""Warnings: frames the exchange would most likely accept but that look like mistakes. They are
reported on ``Verdict.warnings`` and never reject a frame."""
from .language import (
    CANCEL_COMMANDS as CANCEL, MODIFY_COMMANDS as MODIFY, ORDER_COMMANDS as PLACE, Absent,
    All, Is, MarketType, Not, OffGrid, Present, Rule, UnknownFields,
)
from .examples import order

_STOP_LIMIT = order(orderType="STOP_LIMIT", price=None, stopPrice="68000", limitPrice="68100")
_BY_AMOUNT = Is("orderType", ("MARKET",)) & Present("amount")

RULES = (
    Rule("W001", PLACE + CANCEL + MODIFY + ("login",), UnknownFields(),
         "Fields the exchange does not document (a typo such as `clientOrderID` is silently "
         "ignored by the exchange).",
         bad=order(clientOrderID=1), good=order(clientOrderId=1), fill="unknown",
         warning="fields the exchange does not document: {fill}", name="unknown-field"),
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
    Rule("W005", PLACE, Is("orderType", ("MARKET", "STOP_MARKET")) & Present("price"),
         "`price` on a MARKET or STOP_MARKET order, which ignores it.",
         bad=order(orderType="MARKET"), good=order(orderType="MARKET", price=None),
         field="price", warning="price is ignored for MARKET and STOP_MARKET orders",
         name="price-ignored"),
    Rule("W006", PLACE + MODIFY, Present("recvWindow") & Absent("timestamp"),
         "`recvWindow` without `timestamp` has no effect.",
         bad=order(recvWindow=500), good=order(recvWindow=500, timestamp=1717348159900),
         field="recvWindow", warning="recvWindow has no effect without timestamp",
         name="recv-window-alone"),
)
