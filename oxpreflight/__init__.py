"""oxpreflight: check OX.FUN / OPNX / CoinFLEX websocket order commands before sending them,
and answer with the exchange's own code and message.

    >>> from oxpreflight import Preflight
    >>> pf = Preflight()
    >>> pf.check({"op": "placeorder", "data": {"marketCode": "BTC-USD-SWAP-LIN",
    ...           "side": "BUY", "orderType": "LIMIT", "quantity": 1}}).code
    '20022'
"""
from .errors import (
    AccountNotEnabled, ArgumentsRequired, AuthenticationError, BadRequest, BadSymbol,
    ExchangeError, InsufficientFunds, InvalidOrder, MarketClosed, NetworkError, NotSupported,
    OperationFailed, OperationRejected, OrderNotFound, PermissionDenied, RateLimitExceeded,
    Rejected, RequestTimeout,
)
from .session import Session
from .preflight import Preflight
from .validators.verdict import Notice, Verdict

__all__ = ["Preflight", "Session", "Verdict", "Notice", "Rejected", "ExchangeError",
           "AuthenticationError", "PermissionDenied", "AccountNotEnabled", "ArgumentsRequired",
           "BadRequest", "BadSymbol", "OperationRejected", "MarketClosed", "InsufficientFunds",
           "InvalidOrder", "OrderNotFound", "NotSupported", "OperationFailed", "NetworkError",
           "RateLimitExceeded", "RequestTimeout"]
__version__ = "0.1.0"
