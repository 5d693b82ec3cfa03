"""The rule tables, in check order. Adding a rule is adding a row to one of these modules.

``RULES`` is the whole registry; ``FIELDS`` lists, per command, the documented fields and how
each is read (anything else draws the unknown-field warning); ``ENUMS`` gives, per enumerated
field, the values its rows allow (read off the rows' ``NotOneOf`` conditions).
"""
from .language import Cond as _Cond, FieldSpec as _F, NotOneOf as _NotOneOf
from . import (
    acknowledged, advice, cancels, channels, frame, login, markets, modifies, orders, server, timing,
)
from .session import STATE_RULES

#: Check order: frame, envelope, login, order fields, cancels, modifies, market, time; then
#: warnings (which never decide a verdict), those of rejections after acknowledgement last.
RULES = (frame.RULES + login.RULES + orders.RULES + cancels.RULES + modifies.RULES
         + markets.RULES + timing.RULES + timing.BATCH_RULES + advice.RULES
         + acknowledged.RULES + channels.RULES)

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
        "orderType": _ANY, "source": _ANY,  # sent by ccxt's edit (issue 11 §4)
    },
}


def _enums(rules: tuple) -> dict:
    found: dict = {}

    def walk(cond: _Cond) -> None:
        if isinstance(cond, _NotOneOf):
            if found.setdefault(cond.field, cond.values) != cond.values:
                raise ValueError(f"rows disagree on the values of {cond.field!r}")
        for part in getattr(cond, "parts", ()):
            walk(part)
        if hasattr(cond, "inner"):
            walk(cond.inner)

    for rule in rules:
        walk(rule.fails)
    return found


#: field -> the tuple of values the exchange accepts (case-sensitive), from the rule rows.
ENUMS = _enums(RULES)

#: code -> what a session needs to decide it: the session rows' reasons, then codes no row decides.
SESSION_CODES = {**{row.code: row.reason for row in STATE_RULES}, **server.SESSION}
SERVER_CODES = server.SERVER
#: observed code -> why no row answers it (codes of ``observed-codes.md`` without a row).
OBSERVED_CODES = server.OBSERVED
