"""The rule tables, in check order. Adding a rule is adding a row to one of these modules.

The rule language is public: a desk's own rule module imports ``Rule`` and the conditions from
here (``from oxpreflight.rules import Rule, Above, NotOneOf``) and exposes ``RULES``.

``RULES`` is the whole registry; ``FIELDS`` lists, per command, the documented fields, how
each is read and how a failure reply echoes it (anything else draws the unknown-field
warning); ``ECHO_ORDER`` orders the echoed fields; ``ENUMS`` gives, per enumerated
field, the values its rows allow (read off the rows' ``NotOneOf`` conditions).
"""
from .language import Cond as _Cond, FieldSpec as _F, NotOneOf as _NotOneOf
from .language import (
    Absent, All, AtMostZero, BelowIncrement, Cond, Either, Greater, Inactive, Is, LongAtMostZero,
    MarketType, NoIncrement, NoneOf, Not, NotLong, NotNumber, NotOneOf, NotPositiveLong, OffGrid,
    OutOfBound, Present, PriceMarket, Rule, Unbounded, UnknownMarket, Unlisted,
)
from .thresholds import Above, NoMark, NotionalAbove, OffBand
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
# echoed as the exchange normalises them: numbers and ids as strings, times as numbers
_NUMBER, _INTEGER, _ID, _ANY = _F("number", "text"), _F("integer", "number"), \
    _F("integer", "text"), _F("any")

FIELDS = {
    "login": {"apiKey": _ANY, "timestamp": _INTEGER, "signature": _ANY},
    "placeorder": {
        "marketCode": _MARKET, "side": _ENUM, "orderType": _ENUM, "quantity": _NUMBER,
        "amount": _NUMBER, "price": _NUMBER, "stopPrice": _NUMBER, "limitPrice": _NUMBER,
        "timeInForce": _ENUM, "clientOrderId": _ID, "displayQuantity": _NUMBER,
        "selfTradePreventionMode": _ENUM, "triggerType": _ENUM, "timestamp": _INTEGER,
        "recvWindow": _INTEGER, "source": _ANY,
    },
    "cancelorder": {"marketCode": _MARKET, "orderId": _ID, "clientOrderId": _ID},
    "modifyorder": {
        "marketCode": _MARKET, "orderId": _ID, "clientOrderId": _ID, "side": _ENUM,
        "price": _NUMBER, "quantity": _NUMBER, "timestamp": _INTEGER, "recvWindow": _INTEGER,
        "orderType": _ANY, "source": _ANY,  # sent by ccxt's edit
    },
}

#: The order of the fields in a failure reply's echoed data (the recorded reply's, then the
#: documented replies' for the fields it lacks): every field of an order command, once.
ECHO_ORDER = ("recvWindow", "timestamp", "clientOrderId", "orderId", "marketCode", "side",
              "orderType", "quantity", "amount", "displayQuantity", "timeInForce", "price",
              "limitPrice", "stopPrice", "triggerType", "selfTradePreventionMode", "source")


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
