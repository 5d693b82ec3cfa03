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

from typing import Any, Optional

from .rules import RULES, STATE_RULES
from .rules.language import Expired
from .validators.verdict import Verdict

__all__ = ["Rejected", "BadRequest", "BadSymbol", "AuthenticationError", "InvalidOrder",
           "OrderNotFound", "InsufficientFunds", "RateLimitExceeded", "error_for"]


class Rejected(Exception):
    """A frame the exchange would reject, never sent. ``code``, ``message``, ``field`` and
    ``rule`` (the name of the row that rejected it) are the verdict's; ``response`` is the failure reply the exchange would send; ``retryable``
    says whether the same order may pass later (after a pause, or re-stamped)."""

    verdict: Verdict
    code: Optional[str]
    message: Optional[str]
    field: Optional[str]
    rule: Optional[str]
    retryable: bool

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(f"{verdict.code} {verdict.message}")
        self.verdict = verdict
        self.code = verdict.code
        self.message = verdict.message
        self.field = verdict.field
        self.rule = verdict.rule
        self.retryable = verdict.code in _RETRYABLE

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
