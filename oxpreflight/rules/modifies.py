"""modifyorder and every modifyorders item (market and time rules live with the others)."""
from .language import (
    MODIFY_COMMANDS as MODIFY, Absent, AtMostZero, LongAtMostZero, NoneOf, NotLong, NotNumber,
    NotOneOf, NotPositiveLong, PriceMarket, Rule, UnknownMarket,
)
from .orders import SIDES

_MODIFY = {"marketCode": "BTC-USD-SWAP-LIN", "orderId": 1000001, "price": "68000",
           "quantity": "0.002"}


def _m(**changes):
    out = dict(_MODIFY)
    for key, value in changes.items():
        if value is None:
            out.pop(key)
        else:
            out[key] = value
    return out


RULES = (
    Rule("20011", MODIFY, Absent("marketCode", empty=True), "`marketCode` missing or empty.",
         bad=_m(marketCode=None), good=_m(), field="marketCode", name="modify-market-code", error="ArgumentsRequired"),
    Rule("20010", MODIFY, NoneOf(("orderId", "clientOrderId")),
         "Neither `orderId` nor `clientOrderId`.",
         bad=_m(orderId=None), good=_m(orderId=None, clientOrderId=5), name="modify-order-id", error="ArgumentsRequired"),
    Rule("20019", MODIFY, NotPositiveLong("orderId"),
         "`orderId` given but not a positive 64-bit integer.",
         bad=_m(orderId=0), good=_m(orderId="1000001"), field="orderId",
         name="modify-order-id-type", error="BadRequest"),
    Rule("20014", MODIFY, NotLong("clientOrderId"),
         "`clientOrderId` given but not a 64-bit integer.",
         bad=_m(clientOrderId="1e3"), good=_m(clientOrderId=1000), field="clientOrderId",
         name="modify-client-id-type", error="BadRequest"),
    Rule("20008", MODIFY, LongAtMostZero("clientOrderId"), "`clientOrderId` <= 0.",
         bad=_m(clientOrderId=0), good=_m(clientOrderId=1), field="clientOrderId",
         name="modify-client-id-positive", error="BadRequest"),
    Rule("20015", MODIFY, UnknownMarket(), "`marketCode` not in the market catalogue.",
         bad=_m(marketCode="BTC-PERP"), good=_m(), field="marketCode",
         name="modify-market-unknown", error="BadSymbol"),
    Rule("20016", MODIFY, NotOneOf("side", SIDES), "`side` given and not BUY or SELL.",
         bad=_m(side="Sell"), good=_m(side="SELL"), field="side", name="modify-side", error="BadRequest"),
    Rule("20002", MODIFY, NotNumber("quantity"),
         "`quantity` given but not a number (decided here, as for placeorder).",
         bad=_m(quantity=[1]), good=_m(quantity=0.002), field="quantity",
         name="modify-quantity-number", error="BadRequest"),
    Rule("20006", MODIFY, AtMostZero("quantity"), "`quantity` given and <= 0.",
         bad=_m(quantity=-1), good=_m(), field="quantity", name="modify-quantity-positive", error="BadRequest"),
    Rule("20021", MODIFY, NotNumber("price"), "`price` given but not a number.",
         bad=_m(price="best"), good=_m(), field="price", name="modify-price-number", error="BadRequest"),
    Rule("20028", MODIFY, PriceMarket() & AtMostZero("price"),
         "`price` given and <= 0, except on REPO and SPREAD markets.",
         bad=_m(price="0"), good=_m(marketCode="BTC-USD-SPR-QP-LIN", price="-20"),
         field="price", name="modify-price-positive", error="BadRequest"),
    Rule("20002", MODIFY, NotLong("timestamp"), "`timestamp` given but not an integer.",
         bad=_m(timestamp=True), good=_m(timestamp=1717348159900), field="timestamp",
         name="modify-timestamp-type", error="BadRequest"),
    Rule("20002", MODIFY, NotLong("recvWindow"), "`recvWindow` given but not an integer.",
         bad=_m(recvWindow="fast"), good=_m(), field="recvWindow",
         name="modify-recv-window-type", error="BadRequest"),
)
