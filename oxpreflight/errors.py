"""Exceptions for rejected frames, named as ccxt names them (without depending on ccxt).

    Rejected                  any frame the exchange would reject (the base)
    ├── BadRequest            malformed: frame, envelope, missing or ill-typed fields, enums
    │   └── BadSymbol         the market: unknown, or not active
    ├── AuthenticationError   login and authority
    ├── InvalidOrder          well formed, but the order's values or timing are refused
    │   └── OrderNotFound     no such open order
    ├── InsufficientFunds     balance, margin, position
    └── RateLimitExceeded     too many orders too fast

Each rule row names its class (``Rule.error``); :func:`error_for` picks the class by the
verdict's code. ``retryable`` is true for the codes whose frame may pass when sent again
later: the rate limit, and an expired ``recvWindow`` (re-stamped).
"""
from __future__ import annotations

from typing import Any, Optional, Union

import orjson

from .rules import RULES, STATE_RULES
from .rules.language import Expired
from .validators.verdict import Verdict

__all__ = ["Rejected", "BadRequest", "BadSymbol", "AuthenticationError", "InvalidOrder",
           "OrderNotFound", "InsufficientFunds", "RateLimitExceeded", "error_for",
           "raise_for_reply"]

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


class BadRequest(Rejected):
    """The frame is malformed: length, JSON, ``op``, ``tag``, payload, a required field
    missing, a field of the wrong type, a value outside its enumeration."""


class BadSymbol(BadRequest):
    """The ``marketCode`` is unknown, or its market is not active."""


class AuthenticationError(Rejected):
    """Login or authority: bad apiKey or signature, not logged in, already logged in."""


class InvalidOrder(Rejected):
    """A well-formed order the exchange refuses for its values or timing: quantity, prices
    and their order, bounds and increments, an expired ``recvWindow``, a closed market."""


class OrderNotFound(InvalidOrder):
    """A cancel or modify of an order that is not open."""


class InsufficientFunds(Rejected):
    """Not enough balance, margin or position for the order."""


class RateLimitExceeded(Rejected):
    """More orders than the exchange's rate allows; the same frame may pass a moment later."""


_CLASSES: dict[str, type[Rejected]] = {cls.__name__: cls for cls in (
    Rejected, BadRequest, BadSymbol, AuthenticationError, InvalidOrder, OrderNotFound,
    InsufficientFunds, RateLimitExceeded)}


def _rows() -> tuple[Any, ...]:
    return tuple(RULES) + tuple(STATE_RULES)


def _by_code(rows: tuple[Any, ...]) -> dict[str, type[Rejected]]:
    table: dict[str, type[Rejected]] = {}
    for row in rows:
        if row.error:
            table.setdefault(row.code, _CLASSES[row.error])
    return table


#: code -> exception class, as the rule rows declare it (a code without a row: ``Rejected``).
BY_CODE: dict[str, type[Rejected]] = _by_code(_rows())
_RETRYABLE = frozenset(
    {row.code for row in RULES if isinstance(row.fails, Expired)}
    | {code for code, cls in BY_CODE.items() if issubclass(cls, RateLimitExceeded)})


def error_for(verdict: Verdict) -> Rejected:
    """The exception for a rejected verdict: the class its code's rule rows name."""
    return BY_CODE.get(verdict.code or "", Rejected)(verdict)


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
