"""placeorder and every placeorders item: fields, enumerations, numbers and prices, in the
exchange's order of checks."""
from .language import (
    ORDER_COMMANDS as PLACE, Absent, All, AtMostZero, Greater, Is, LongAtMostZero,
    Cond, MarketType, Not, NotLong, NotNumber, NotOneOf, NotPerpetual, PriceMarket, Present,
    Rule, UnknownMarket,
)
from .examples import order
from .order_types import BY_NAME, NAMES as ORDER_TYPES, PERPETUAL, TRIGGER_TYPES, OrderType

SIDES = ("BUY", "SELL")
TIME_IN_FORCE = ("GTC", "IOC", "FOK", "MAKER_ONLY", "MAKER_ONLY_REPRICE")
STP_MODES = ("NONE", "EXPIRE_MAKER", "EXPIRE_TAKER", "EXPIRE_BOTH")

_STOP_LIMIT = order(orderType="STOP_LIMIT", price=None, stopPrice="68000", limitPrice="68100")
_STOP_MARKET = order(orderType="STOP_MARKET", price=None, stopPrice="68000")
_MARKET = order(orderType="MARKET", price=None)
_AMOUNT = order(orderType="MARKET", price=None, quantity=None, marketCode="BTC-USDT",
                amount="100")

_LIMIT, _STOP, _STOP_MKT = Is("orderType", ("LIMIT",)), Is("orderType", ("STOP_LIMIT",)), \
    Is("orderType", ("STOP_MARKET",))
_BY_AMOUNT = Is("orderType", ("MARKET",)) & Absent("quantity")
_POSITIVE = PriceMarket()


def _elsewhere(kind: OrderType) -> Cond:
    """The order's market is not one the order-type table allows ``kind`` on."""
    if kind.markets == (PERPETUAL,):
        return NotPerpetual()
    return MarketType(kind.markets, negate=True)

RULES = (
    Rule("20011", PLACE, Absent("marketCode", empty=True), "`marketCode` missing or empty.",
         bad=order(marketCode=""), good=order(), field="marketCode", name="order-market-code", error="ArgumentsRequired"),
    Rule("20012", PLACE, Absent("side"), "`side` missing.",
         bad=order(side=None), good=order(), field="side", name="order-side", error="ArgumentsRequired"),
    Rule("20013", PLACE, Absent("orderType"), "`orderType` missing.",
         bad=order(orderType=None), good=order(), field="orderType", name="order-type", error="ArgumentsRequired"),
    Rule("20014", PLACE, NotLong("clientOrderId"),
         "`clientOrderId` given but not an integer within signed 64 bits (an integer-valued "
         "string counts; 1.5, \"abc\", true and 2**63 do not).",
         bad=order(clientOrderId=1.5), good=order(clientOrderId="42"),
         field="clientOrderId", name="order-client-id-type", error="BadRequest"),
    Rule("20008", PLACE, LongAtMostZero("clientOrderId"), "`clientOrderId` <= 0.",
         bad=order(clientOrderId=0), good=order(clientOrderId=1),
         field="clientOrderId", name="order-client-id-positive", error="BadRequest"),
    Rule("20015", PLACE, UnknownMarket(), "`marketCode` not in the market catalogue.",
         bad=order(marketCode="btcUSD"), good=order(), field="marketCode",
         name="order-market-unknown", error="BadSymbol"),
    Rule("20016", PLACE, NotOneOf("side", SIDES), "`side` not BUY or SELL (case-sensitive).",
         bad=order(side="buy"), good=order(side="SELL"), field="side", name="order-side-enum", error="BadRequest"),
    Rule("20017", PLACE, NotOneOf("orderType", ORDER_TYPES),
         "`orderType` not LIMIT, MARKET, STOP_LIMIT or STOP_MARKET.",
         bad=order(orderType="TAKE_PROFIT"), good=order(), field="orderType",
         name="order-type-enum", error="BadRequest"),
    Rule("20017", PLACE, _STOP_MKT & _elsewhere(BY_NAME["STOP_MARKET"]),
         "STOP_MARKET on a market that is not a perpetual: spot, repo, spread, or a dated "
         "future (`BTC-USD-240628-LIN`).",
         bad=dict(_STOP_MARKET, marketCode="BTC-USD-240628-LIN"), good=_STOP_MARKET,
         field="orderType", name="order-stop-market-perp-only", error="BadRequest",
         why="The websocket docs (oxfun-exchange-docs _v2_websocket.md line 777, Place Stop "
             "Market Order): \"Stop market orders are only available in Perp markets.\" The "
             "catalogue's type is FUTURE for perpetuals and dated futures alike, so a "
             "perpetual is told by its code form BASE-QUOTE-SWAP-LIN (ccxt 4.4 parses every "
             "FUTURE as a swap for the same reason). Decided here: the exchange answers that "
             "the orderType is invalid (20017)."),
    Rule("20018", PLACE, NotOneOf("timeInForce", TIME_IN_FORCE),
         "`timeInForce` given and not GTC, IOC, FOK, MAKER_ONLY or MAKER_ONLY_REPRICE.",
         bad=order(timeInForce="ioc"), good=order(timeInForce="IOC"), field="timeInForce",
         name="order-time-in-force", error="BadRequest"),
    Rule("20033", PLACE, NotOneOf("triggerType", TRIGGER_TYPES),
         "`triggerType` given and not MARK_PRICE.",
         bad=dict(_STOP_MARKET, triggerType="LAST_PRICE"),
         good=dict(_STOP_MARKET, triggerType="MARK_PRICE"), field="triggerType",
         name="order-trigger-type", error="BadRequest",
         why="The docs list MARK_PRICE only. The OPNX matching engine (include/order.h, "
             "enum TriggerType) also knows LAST_PRICE, and its manager runs a last-price "
             "trigger thread (manager/manager.cpp), but no document shows the gateway taking "
             "it: 20033 is kept for LAST_PRICE until a reply shows otherwise."),
    Rule("20050", PLACE, NotOneOf("selfTradePreventionMode", STP_MODES),
         "`selfTradePreventionMode` given and not NONE, EXPIRE_MAKER, EXPIRE_TAKER or "
         "EXPIRE_BOTH.",
         bad=order(selfTradePreventionMode="CANCEL"),
         good=order(selfTradePreventionMode="EXPIRE_BOTH"), field="selfTradePreventionMode",
         name="order-stp-mode", error="BadRequest",
         why="Raises BadRequest like the other enumerations, not ccxt 4.4's bare ExchangeError "
             "(rules/ccxt.py KEPT; BadRequest is an ExchangeError)."),
    # quantity: missing 20006 (a MARKET order may give `amount` instead), not a number 20002,
    # <= 0 20006; `amount` standing in for it is held to the same.
    Rule("20006", PLACE, Absent("quantity") & Not(_BY_AMOUNT & Present("amount")),
         "`quantity` missing (a MARKET order that gives `amount` needs none).",
         bad=order(quantity=None), good=_AMOUNT, field="quantity", name="order-quantity", error="BadRequest"),
    Rule("20002", PLACE, NotNumber("quantity"),
         "`quantity` given but not a number (JSON number or numeric string).",
         bad=order(quantity="one"), good=order(quantity=0.5), field="quantity",
         name="order-quantity-number", error="BadRequest"),
    Rule("20006", PLACE, AtMostZero("quantity"), "`quantity` <= 0.",
         bad=order(quantity="0"), good=order(), field="quantity",
         name="order-quantity-positive", error="BadRequest"),
    Rule("20002", PLACE, _BY_AMOUNT & NotNumber("amount"),
         "MARKET order by `amount`: `amount` not a number (decided here, as for quantity).",
         bad=dict(_AMOUNT, amount="lots"), good=_AMOUNT, field="amount",
         name="order-amount-number", error="BadRequest"),
    Rule("20006", PLACE, _BY_AMOUNT & AtMostZero("amount"),
         "MARKET order by `amount`: `amount` <= 0 (decided here, as for quantity).",
         bad=dict(_AMOUNT, amount=0), good=_AMOUNT, field="amount",
         name="order-amount-positive", error="BadRequest"),
    Rule("20044", PLACE, Is("orderType", ("MARKET",)) & Is("side", ("SELL",))
         & MarketType(("SPOT",)) & Present("amount"),
         "Spot MARKET SELL giving `amount` (the exchange takes `amount` for a spot MARKET BUY "
         "only).",
         bad=dict(_AMOUNT, side="SELL"), good=_AMOUNT, field="amount",
         name="order-amount-sell", error="BadRequest",
         why="Observed code (observed-codes.md): ccxt 4.4's oxfun module (createOrder, "
             "\"rejected order(bad request)\") records the exchange answering a spot MARKET "
             "SELL by amount on OX-USDT with 20044 \"Amount is not supported for this order "
             "type\". Only that case is evidenced: amount on LIMIT, STOP or non-spot orders "
             "keeps the W004 warning."),
    Rule("20002", PLACE, NotNumber("displayQuantity"),
         "`displayQuantity` given but not a number (decided here).",
         bad=order(displayQuantity="some"), good=order(displayQuantity="0.0005"),
         field="displayQuantity", name="order-display-quantity", error="BadRequest"),
    # LIMIT
    Rule("20022", PLACE, _LIMIT & Absent("price"), "LIMIT order without `price`.",
         bad=order(price=None), good=order(), field="price", name="limit-price", error="ArgumentsRequired"),
    Rule("20021", PLACE, _LIMIT & NotNumber("price"), "LIMIT `price` not a number.",
         bad=order(price="market"), good=order(price=68000.0), field="price",
         name="limit-price-number", error="BadRequest"),
    Rule("20028", PLACE, _LIMIT & _POSITIVE & AtMostZero("price"),
         "LIMIT `price` <= 0, except on REPO and SPREAD markets (rates and differences).",
         bad=order(price="0"), good=order(marketCode="BTC-USD-REPO-LIN", price="-0.0001"),
         field="price", name="limit-price-positive", error="BadRequest"),
    # STOP_LIMIT
    Rule("20020", PLACE, _STOP & (Absent("stopPrice") | NotNumber("stopPrice")),
         "STOP_LIMIT `stopPrice` missing or not a number.",
         bad=dict(_STOP_LIMIT, stopPrice=None), good=_STOP_LIMIT, field="stopPrice",
         name="stop-limit-stop-price", error="BadRequest"),
    Rule("20020", PLACE, _STOP & (Absent("limitPrice") | NotNumber("limitPrice")),
         "STOP_LIMIT `limitPrice` missing or not a number.",
         bad=dict(_STOP_LIMIT, limitPrice="x"), good=_STOP_LIMIT, field="limitPrice",
         name="stop-limit-limit-price", error="BadRequest"),
    Rule("20028", PLACE, _STOP & _POSITIVE & AtMostZero("stopPrice"),
         "STOP_LIMIT `stopPrice` <= 0 (not on REPO/SPREAD).",
         bad=dict(_STOP_LIMIT, stopPrice="-1"), good=_STOP_LIMIT, field="stopPrice",
         name="stop-limit-stop-positive", error="BadRequest"),
    Rule("20028", PLACE, _STOP & _POSITIVE & AtMostZero("limitPrice"),
         "STOP_LIMIT `limitPrice` <= 0 (not on REPO/SPREAD).",
         bad=dict(_STOP_LIMIT, side="SELL", limitPrice="0"), good=_STOP_LIMIT,
         field="limitPrice", name="stop-limit-limit-positive", error="BadRequest"),
    Rule("20029", PLACE, _STOP & Is("side", ("BUY",)) & Greater("stopPrice", "limitPrice"),
         "STOP_LIMIT BUY with `stopPrice` > `limitPrice` (equal prices pass, as documented).",
         bad=dict(_STOP_LIMIT, stopPrice="68200"), good=dict(_STOP_LIMIT, stopPrice="68100"),
         field="stopPrice", name="stop-limit-buy-order", error="BadRequest"),
    Rule("20030", PLACE, _STOP & Is("side", ("SELL",)) & Greater("limitPrice", "stopPrice"),
         "STOP_LIMIT SELL with `limitPrice` > `stopPrice` (equal prices pass, as documented).",
         bad=dict(_STOP_LIMIT, side="SELL"),
         good=dict(_STOP_LIMIT, side="SELL", limitPrice="67900"),
         field="limitPrice", name="stop-limit-sell-order", error="BadRequest"),
    # STOP_MARKET
    Rule("20020", PLACE, _STOP_MKT & (Absent("stopPrice") | NotNumber("stopPrice")),
         "STOP_MARKET `stopPrice` missing or not a number.",
         bad=dict(_STOP_MARKET, stopPrice=None), good=_STOP_MARKET, field="stopPrice",
         name="stop-market-stop-price", error="BadRequest"),
    Rule("20028", PLACE, _STOP_MKT & _POSITIVE & AtMostZero("stopPrice"),
         "STOP_MARKET `stopPrice` <= 0.",
         bad=dict(_STOP_MARKET, stopPrice=0), good=_STOP_MARKET, field="stopPrice",
         name="stop-market-stop-positive", error="BadRequest"),
    # Field types the documentation gives as integers.
    Rule("20002", PLACE, NotLong("timestamp"),
         "`timestamp` given but not an integer of milliseconds (decided here).",
         bad=order(timestamp="now"), good=order(timestamp=1717348159900), field="timestamp",
         name="order-timestamp-type", error="BadRequest"),
    Rule("20002", PLACE, NotLong("recvWindow"),
         "`recvWindow` given but not an integer of milliseconds (decided here).",
         bad=order(timestamp=1717348159900, recvWindow=1.5),
         good=order(timestamp=1717348159900, recvWindow=500), field="recvWindow",
         name="order-recv-window-type", error="BadRequest"),
)
