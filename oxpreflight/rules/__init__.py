"""The rule tables, in check order. Adding a rule is adding a row to one of these modules.

``RULES`` is the whole registry; ``FIELDS`` lists, per command, the documented fields and how
each is read (anything else draws the unknown-field warning).
"""
from .language import FieldSpec as _F
from . import advice, cancels, frame, login, markets, modifies, orders, server, timing
from .session import STATE_RULES

#: Check order: frame, envelope, login, order fields, cancels, modifies, market, time; then
#: warnings (which never decide a verdict).
RULES = (frame.RULES + login.RULES + orders.RULES + cancels.RULES + modifies.RULES
         + markets.RULES + timing.RULES + advice.RULES)

_ENUM, _MARKET = _F("enum"), _F("market")
_NUMBER, _INTEGER, _ANY = _F("number"), _F("integer"), _F("any")

FIELDS = {
    "login": {"apiKey": _ANY, "timestamp": _INTEGER, "signature": _ANY},
    "placeorder": {
        "marketCode": _MARKET, "side": _ENUM, "orderType": _ENUM, "quantity": _NUMBER,
        "amount": _NUMBER, "price": _NUMBER, "stopPrice": _NUMBER, "limitPrice": _NUMBER,
        "timeInForce": _ENUM, "clientOrderId": _INTEGER, "displayQuantity": _NUMBER,
        "selfTradePreventionMode": _ENUM, "triggerType": _ENUM, "timestamp": _INTEGER,
        "recvWindow": _INTEGER, "source": _ANY,
    },
    "cancelorder": {"marketCode": _MARKET, "orderId": _INTEGER, "clientOrderId": _INTEGER},
    "modifyorder": {
        "marketCode": _MARKET, "orderId": _INTEGER, "clientOrderId": _INTEGER, "side": _ENUM,
        "price": _NUMBER, "quantity": _NUMBER, "timestamp": _INTEGER, "recvWindow": _INTEGER,
    },
}

#: code -> what a session needs to decide it: the session rows' reasons, then codes no row decides.
SESSION_CODES = {**{row.code: row.reason for row in STATE_RULES}, **server.SESSION}
SERVER_CODES = server.SERVER
