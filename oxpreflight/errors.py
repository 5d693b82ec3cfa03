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

from typing import Any, Optional, Union

import orjson

from .rules import RULES, STATE_RULES
from .rules.ccxt import NO_ROW
from .rules.language import Expired
from .rules.local import DEFAULT_ERROR, ERRORS
from .validators.verdict import Verdict

__all__ = ["Rejected", "ExchangeError", "AuthenticationError", "PermissionDenied",
           "AccountNotEnabled", "ArgumentsRequired", "BadRequest", "BadSymbol",
           "OperationRejected", "MarketClosed", "InsufficientFunds", "InvalidOrder",
           "OrderNotFound", "NotSupported", "OperationFailed", "NetworkError",
           "RateLimitExceeded", "RequestTimeout", "BY_CODE", "error_for", "raise_for_reply"]

#: A reply as received: the decoded JSON object, or its text.
ReplyLike = Union[dict[str, Any], str, bytes, bytearray, memoryview]


class Rejected(Exception):
    """A frame the exchange would reject, never sent. ``code``, ``message``, ``field`` and
    ``rule`` (the name of the row that rejected it) are the verdict's; ``response`` is the
    failure reply the exchange would send; ``retryable`` says whether the same order may pass
    later (after a pause, or re-stamped)."""

    verdict: Verdict
    code: str
    message: str
    field: Optional[str]
    rule: Optional[str]
    retryable: bool
    #: With ``batches="valid"``: the indices of the batch's items that were sent.
    sent: tuple[int, ...] = ()

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(f"{verdict.code} {verdict.message}")
        self.verdict = verdict
        self.code = verdict.code or ""
        self.message = verdict.message or ""
        self.field = _item_field(verdict)
        self.rule = verdict.rule
        self.retryable = verdict.code in _RETRYABLE

    @classmethod
    def from_reply(cls, reply: ReplyLike) -> "Rejected":
        """The exception for the exchange's own failure reply (``"submitted": false`` or
        ``"success": false``, as a dict or its JSON text): the class its code maps to, with the
        reply's code and message, the field when the code's rows name one, and the reply as
        ``response``. ``ValueError`` when ``reply`` is not a failure reply."""
        found = _failure(reply)
        if found is None:
            raise ValueError("not a failure reply (no \"submitted\": false nor "
                             "\"success\": false)")
        return found

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
    """The exception for a rejected verdict: the class its code's rule rows name (for a code
    outside the exchange's table, the class it was declared with; a warning made an error by
    a policy raises ``InvalidOrder``)."""
    code = verdict.code or ""
    cls = BY_CODE.get(code)
    if cls is None:
        cls = _CLASSES[ERRORS.get(code, DEFAULT_ERROR if code[:1] == "W" else "Rejected")]
    return cls(verdict)


def _item_field(verdict: Verdict) -> Optional[str]:
    """The verdict's field; for a batch, prefixed with its item (``dataArray[1].price``)."""
    if verdict.items and verdict.index is not None and verdict.field:
        return f"dataArray[{verdict.index}].{verdict.field}"
    return verdict.field


def _decoded(reply: ReplyLike) -> Any:
    if isinstance(reply, dict):
        return reply
    if isinstance(reply, (str, bytes, bytearray, memoryview)):
        try:
            return orjson.loads(reply)
        except orjson.JSONDecodeError:
            return None
    raise TypeError(f"a reply is a dict, str or bytes, not {type(reply).__name__}")


def _only(code: str, attribute: str) -> Optional[str]:
    """The field (or row name) of the code's rows when they all agree on one, else ``None``:
    an exchange reply does not say which of a code's rows it applied."""
    found = {getattr(row, attribute) for row in _rows() if row.code == code}
    return found.pop() if len(found) == 1 else None


def _failure(reply: ReplyLike) -> Optional[Rejected]:
    message = _decoded(reply)
    if not isinstance(message, dict):
        return None
    if message.get("submitted") is not False and message.get("success") is not False:
        return None
    raw_code = message.get("code")
    code = "" if raw_code is None else str(raw_code)
    text = message.get("message")
    verdict = Verdict(False, code, "" if text is None else str(text), _only(code, "field"),
                      response=message, rule=_only(code, "name"))
    return BY_CODE.get(code, Rejected)(verdict)


def raise_for_reply(reply: ReplyLike) -> None:
    """Raise for an exchange reply that says the command failed; ``None`` for anything else.

    ``reply``: a decoded message or its JSON text, as received from the websocket. A failure
    reply (``"submitted": false`` for order commands, ``"success": false`` for login and
    subscriptions) raises the :class:`Rejected` subclass its code maps to (:data:`BY_CODE`),
    with ``code``, ``message``, ``field`` (when the code's rows name one field), ``response``
    (the reply) and ``retryable``. Success replies, pushes, ``pong`` and text that is not JSON
    return ``None``.

        >>> raise_for_reply({"event": "placeorder", "submitted": True, "data": {}})
        >>> raise_for_reply('{"event":"cancelorder","submitted":false,"code":"100005",'
        ...                 '"message":"Open order not found"}')
        Traceback (most recent call last):
        ...
        oxpreflight.errors.OrderNotFound: 100005 Open order not found
    """
    found = _failure(reply)
    if found is not None:
        raise found
