"""Codes outside the exchange's table: the pre-trade limits' (``R001`` ...) and those of users'
rule modules, kept apart from the exchange's catalogue. A code has one meaning: registering it
again with another message or exception class is a ``ValueError``."""
from __future__ import annotations

from typing import Optional

from .catalogue import KNOWN as CODES, Code  # the exchange's table and the observed codes

#: The exception classes a row may name (``oxpreflight.errors``).
ERROR_NAMES = ("Rejected", "BadRequest", "BadSymbol", "AuthenticationError", "InvalidOrder",
               "OrderNotFound", "InsufficientFunds", "RateLimitExceeded")
#: The exception class of a row that names none.
DEFAULT_ERROR = "InvalidOrder"

#: code -> its entry, for codes outside the exchange's table.
LOCAL: dict[str, Code] = {}
#: code -> the exception class name its rows raise, for codes outside the exchange's table.
ERRORS: dict[str, str] = {}
#: code -> where it was first declared (for the collision message).
_WHERE: dict[str, str] = {}


def register(code: str, message: str, error: str = DEFAULT_ERROR, where: str = "") -> Code:
    """Declare ``code`` (outside the exchange's table) with its message and exception class."""
    if not isinstance(code, str) or not code or not code.isascii() or not code.isalnum():
        raise ValueError(f"rule code {code!r}: a code is letters and digits")
    if code in CODES:
        raise ValueError(f"code {code} is the exchange's ({CODES[code].message!r})")
    if error not in ERROR_NAMES:
        raise ValueError(f"code {code}: unknown exception class {error!r} "
                         f"(one of {', '.join(ERROR_NAMES)})")
    if not isinstance(message, str) or not message:
        raise ValueError(f"code {code}: a message is required for a code outside the "
                         f"exchange's table")
    known = LOCAL.get(code)
    if known is not None:
        if known.message != message or ERRORS[code] != error:
            raise ValueError(
                f"code {code} already means {known.message!r} ({ERRORS[code]}, declared at "
                f"{_WHERE[code] or 'oxpreflight'}); {where or 'this row'} gives "
                f"{message!r} ({error})")
        return known
    LOCAL[code] = entry = Code(code, message)
    ERRORS[code] = error
    _WHERE[code] = where
    return entry


def entry(code: str) -> Optional[Code]:
    """The catalogue entry of ``code``: the exchange's, else a registered local one."""
    return CODES.get(code) or LOCAL.get(code)


def fill_text(fill: object) -> str:
    """What replaces ``xxx``: a list joined with commas, anything else as text."""
    if fill is None:
        return ""
    if isinstance(fill, (list, tuple)):
        return ", ".join(map(str, fill))
    return str(fill)


def message_of(code: str, fill: object = None, message: Optional[str] = None) -> str:
    """The message of ``code`` (or the row's own ``message``), ``xxx`` filled with ``fill``."""
    if message is None:
        known = entry(code)
        message = known.message if known is not None else code
    if fill is not None and "xxx" in message:
        return message.replace("xxx", fill_text(fill))
    return message


__all__ = ["ERROR_NAMES", "DEFAULT_ERROR", "LOCAL", "ERRORS", "register", "entry",
           "fill_text", "message_of"]
