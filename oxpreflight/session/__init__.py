"""Session state: the rejections that depend on what the exchange already knows about you.

    >>> from oxpreflight import Preflight
    >>> s = Preflight().session(api_key="k3y")
    >>> s.submit({"op": "placeorder", "data": {"marketCode": "BTC-USD-SWAP-LIN", "side": "BUY",
    ...           "orderType": "LIMIT", "quantity": 1, "price": 68000}}).message
    'Your operation authority is invalid'

``Session.submit`` checks a frame with the core rules against the session's live market table,
then with the session's rows (:data:`oxpreflight.rules.STATE_RULES`: login, rate, open orders,
operational flags, repo auction, account); ``Session.observe`` feeds it every message the
exchange sends.
"""
from .account import Account
from .auction import AUCTION_WINDOW
from .core import RATE_OPS, Session

__all__ = ["Session", "Account", "AUCTION_WINDOW", "RATE_OPS"]
