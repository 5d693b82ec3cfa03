"""oxpreflight: check OX.FUN / OPNX / CoinFLEX websocket order commands before sending them,
and answer with the exchange's own code and message.

    >>> from oxpreflight import Preflight
    >>> pf = Preflight()
    >>> pf.check({"op": "placeorder", "data": {"marketCode": "BTC-USD-SWAP-LIN",
    ...           "side": "BUY", "orderType": "LIMIT", "quantity": 1}}).code
    '20022'
"""
from .errors import (
    AuthenticationError, BadRequest, BadSymbol, InsufficientFunds, InvalidOrder, OrderNotFound,
    RateLimitExceeded, Rejected,
)
from .rules.limits import Limits
from .session import Session
from .preflight import Preflight
from .validators.verdict import Notice, Verdict

__all__ = ["Preflight", "Session", "Limits", "Verdict", "Notice", "Rejected", "BadRequest", "BadSymbol",
           "AuthenticationError", "InvalidOrder", "OrderNotFound", "InsufficientFunds",
           "RateLimitExceeded"]
__version__ = "0.1.0"
