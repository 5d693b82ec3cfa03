"""oxpreflight: check OX.FUN / OPNX / CoinFLEX websocket order commands before sending them,
and answer with the exchange's own code and message.

    >>> from oxpreflight import Preflight
    >>> pf = Preflight()
    >>> pf.check({"op": "placeorder", "data": {"marketCode": "BTC-USD-SWAP-LIN",
    ...           "side": "BUY", "orderType": "LIMIT", "quantity": 1}}).code
    '20022'

The public names load on first use, so importing a submodule (the ``hypothesis`` entry point
``oxpreflight.strategies``) loads neither the engine, the session nor pydantic.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .errors import (
        AccountNotEnabled, ArgumentsRequired, AuthenticationError, BadRequest, BadSymbol,
        ExchangeError, InsufficientFunds, InvalidOrder, MarketClosed, NetworkError,
        NotSupported, OperationFailed, OperationRejected, OrderNotFound, PermissionDenied,
        RateLimitExceeded, Rejected, RequestTimeout, raise_for_reply,
    )
    from .login import login_frame
    from .preflight import Preflight
    from .rules.limits import Limits
    from .session import Session
    from .validators.fixing import Change, Fix
    from .validators.market_view import Market
    from .validators.verdict import Notice, Verdict

__all__ = ["Preflight", "Session", "Verdict", "Notice", "Rejected", "ExchangeError",
           "AuthenticationError", "PermissionDenied", "AccountNotEnabled", "ArgumentsRequired",
           "BadRequest", "BadSymbol", "OperationRejected", "MarketClosed", "InsufficientFunds",
           "InvalidOrder", "OrderNotFound", "NotSupported", "OperationFailed", "NetworkError",
           "RateLimitExceeded", "RequestTimeout", "raise_for_reply", "login_frame", "Limits",
           "Fix", "Change", "Market"]
__version__ = "0.1.0"

#: public name -> the module defining it
_HOME = dict.fromkeys(__all__[4:], "errors")
_HOME.update(Preflight="preflight", Session="session", Verdict="validators.verdict",
             Notice="validators.verdict", login_frame="login", Limits="rules.limits",
             Fix="validators.fixing", Change="validators.fixing",
             Market="validators.market_view")


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
