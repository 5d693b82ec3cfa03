"""Exceptions for rejected frames, named and arranged as ccxt 4.4 names and arranges them
(without depending on ccxt), so an ``except`` written for ccxt catches the same codes.

    Rejected                      any frame the exchange would reject (ccxt's BaseError)
    ├── ExchangeError
    │   ├── AuthenticationError   login and authority
    │   │   └── PermissionDenied
    │   │       └── AccountNotEnabled   the account's status
    │   ├── ArgumentsRequired     a required field missing
    │   ├── BadRequest            malformed or invalid: frame, fields, enums, values, bounds
    │   │   └── BadSymbol         the market: unknown, or not active
    │   ├── OperationRejected
    │   │   └── MarketClosed      the market closed for trading temporarily
    │   ├── InsufficientFunds     balance, margin, position
    │   ├── InvalidOrder          refused for the order's state: auction window, ownership
    │   │   └── OrderNotFound     no such open order
    │   └── NotSupported          an operation the exchange does not know
    └── OperationFailed           the exchange failed (server-side codes)
        └── NetworkError
            ├── RateLimitExceeded   too many orders too fast
            └── RequestTimeout

Each rule row names its class (``Rule.error``), ccxt's own wherever it is sound
(:mod:`oxpreflight.rules.ccxt` lists the differences and why); :data:`BY_CODE` is the one
code-to-class table, the rows' classes plus those of the codes no row reports.
:func:`error_for` picks the class by the verdict's code. ``retryable`` is true for the codes
whose frame may pass when sent again later: the rate limit, and an expired ``recvWindow``
(re-stamped).
"""
from __future__ import annotations

from typing import Any, Optional

from .rules import RULES, STATE_RULES
from .rules.ccxt import NO_ROW
from .rules.language import Expired
from .validators.verdict import Verdict

__all__ = ["Rejected", "ExchangeError", "AuthenticationError", "PermissionDenied",
           "AccountNotEnabled", "ArgumentsRequired", "BadRequest", "BadSymbol",
           "OperationRejected", "MarketClosed", "InsufficientFunds", "InvalidOrder",
           "OrderNotFound", "NotSupported", "OperationFailed", "NetworkError",
           "RateLimitExceeded", "RequestTimeout", "BY_CODE", "error_for"]


class Rejected(Exception):
    """A frame the exchange would reject, never sent. ``code``, ``message`` and ``field`` are
    the verdict's; ``response`` is the failure reply the exchange would send; ``retryable``
    says whether the same order may pass later (after a pause, or re-stamped)."""

    verdict: Verdict
    code: Optional[str]
    message: Optional[str]
    field: Optional[str]
    retryable: bool

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(f"{verdict.code} {verdict.message}")
        self.verdict = verdict
        self.code = verdict.code
        self.message = verdict.message
        self.field = verdict.field
        self.retryable = verdict.code in _RETRYABLE

    @property
    def response(self) -> Optional[dict[str, Any]]:
        """The failure reply the exchange would send (the first failing item's, for a batch)."""
        return self.verdict.response

    def __reduce__(self) -> tuple[type["Rejected"], tuple[Verdict]]:
        return type(self), (self.verdict,)  # picklable: crosses process pools intact


class ExchangeError(Rejected):
    """The exchange refuses the command (ccxt's ExchangeError): every rejection of a frame."""


class AuthenticationError(ExchangeError):
    """Login or authority: bad apiKey or signature, not logged in, already logged in."""


class PermissionDenied(AuthenticationError):
    """The account may not do this."""


class AccountNotEnabled(PermissionDenied):
    """The account's status does not allow trading."""


class ArgumentsRequired(ExchangeError):
    """A required field is missing: marketCode, side, orderType, an order id, a LIMIT price,
    a login timestamp."""


class BadRequest(ExchangeError):
    """The frame is malformed or a value is invalid: length, JSON, ``tag``, payload, a field
    of the wrong type, a value outside its enumeration, a quantity, a price, a bound."""


class BadSymbol(BadRequest):
    """The ``marketCode`` is unknown, or its market is not active."""


class OperationRejected(ExchangeError):
    """The exchange refuses the operation in its present state."""


class MarketClosed(OperationRejected):
    """The market is closed for trading temporarily."""


class InsufficientFunds(ExchangeError):
    """Not enough balance, margin or position for the order."""


class InvalidOrder(ExchangeError):
    """An order refused for its circumstances: the repo auction window, an order that is not
    the user's."""


class OrderNotFound(InvalidOrder):
    """A cancel or modify of an order that is not open."""


class NotSupported(ExchangeError):
    """An operation the exchange does not recognise."""


class OperationFailed(Rejected):
    """The exchange failed to carry the command out (its own failures and timeouts)."""


class NetworkError(OperationFailed):
    """The command may succeed later: the same frame, or one re-stamped."""


class RateLimitExceeded(NetworkError):
    """More orders than the exchange's rate allows; the same frame may pass a moment later."""


class RequestTimeout(NetworkError):
    """The exchange timed out."""


_CLASSES: dict[str, type[Rejected]] = {cls.__name__: cls for cls in (
    Rejected, ExchangeError, AuthenticationError, PermissionDenied, AccountNotEnabled,
    ArgumentsRequired, BadRequest, BadSymbol, OperationRejected, MarketClosed,
    InsufficientFunds, InvalidOrder, OrderNotFound, NotSupported, OperationFailed, NetworkError,
    RateLimitExceeded, RequestTimeout)}


def _rows() -> tuple[Any, ...]:
    return tuple(RULES) + tuple(STATE_RULES)


def _by_code(rows: tuple[Any, ...]) -> dict[str, type[Rejected]]:
    table: dict[str, type[Rejected]] = {}
    for row in rows:
        if row.error:
            table.setdefault(row.code, _CLASSES[row.error])
    for code, name in NO_ROW.items():
        table.setdefault(code, _CLASSES[name])
    return table


#: code -> exception class: as the rule rows declare it, and for the codes no row reports
#: (server-side and observed codes) as ``rules.ccxt.NO_ROW`` does; any other code:
#: ``Rejected``.
BY_CODE: dict[str, type[Rejected]] = _by_code(_rows())
_RETRYABLE = frozenset(
    {row.code for row in RULES if isinstance(row.fails, Expired)}
    | {code for code, cls in BY_CODE.items() if issubclass(cls, RateLimitExceeded)})


def error_for(verdict: Verdict) -> Rejected:
    """The exception for a rejected verdict: the class its code's rule rows name."""
    return BY_CODE.get(verdict.code or "", Rejected)(verdict)
