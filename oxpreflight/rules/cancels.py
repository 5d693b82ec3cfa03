"""cancelorder and every cancelorders item."""
from .language import (
    CANCEL_COMMANDS as CANCEL, Absent, LongAtMostZero, NoneOf, NotLong, NotPositiveLong, Rule,
    UnknownMarket,
)

_CANCEL = {"marketCode": "BTC-USD-SWAP-LIN", "orderId": 1000001}

RULES = (
    Rule("20011", CANCEL, Absent("marketCode", empty=True), "`marketCode` missing or empty.",
         bad={"orderId": 1000001}, good=_CANCEL, field="marketCode", name="cancel-market-code", error="ArgumentsRequired"),
    Rule("20010", CANCEL, NoneOf(("orderId", "clientOrderId")),
         "Neither `orderId` nor `clientOrderId`.",
         bad={"marketCode": "BTC-USD-SWAP-LIN"},
         good={"marketCode": "BTC-USD-SWAP-LIN", "clientOrderId": 7}, name="cancel-order-id", error="ArgumentsRequired"),
    Rule("20019", CANCEL, NotPositiveLong("orderId"),
         "`orderId` given but not a positive 64-bit integer (integer-valued strings pass).",
         bad=dict(_CANCEL, orderId="abc"), good=dict(_CANCEL, orderId="1000001"),
         field="orderId", name="cancel-order-id-type", error="BadRequest"),
    Rule("20014", CANCEL, NotLong("clientOrderId"),
         "`clientOrderId` given but not a 64-bit integer.",
         bad={"marketCode": "BTC-USD-SWAP-LIN", "clientOrderId": True},
         good={"marketCode": "BTC-USD-SWAP-LIN", "clientOrderId": "9223372036854775807"},
         field="clientOrderId", name="cancel-client-id-type", error="BadRequest"),
    Rule("20008", CANCEL, LongAtMostZero("clientOrderId"), "`clientOrderId` <= 0.",
         bad={"marketCode": "BTC-USD-SWAP-LIN", "clientOrderId": -1},
         good={"marketCode": "BTC-USD-SWAP-LIN", "clientOrderId": 1},
         field="clientOrderId", name="cancel-client-id-positive", error="BadRequest"),
    Rule("20015", CANCEL, UnknownMarket(), "`marketCode` not in the market catalogue.",
         bad=dict(_CANCEL, marketCode="BTC-USD"), good=_CANCEL, field="marketCode",
         name="cancel-market-unknown", error="BadSymbol"),
)
