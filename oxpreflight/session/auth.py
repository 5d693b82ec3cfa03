"""Login checks: the API key, the timestamp's distance from the clock, and the signature.

The signature is ``Base64(HMAC-SHA256(key=API secret, msg=timestamp + "GET/auth/self/verify"))``
where ``timestamp`` is the text of the frame's ``timestamp`` field. The secret lives only inside
a :class:`Secret`, whose repr, str and pickle never reveal it, and no error raised here ever
carries it (not even in a chained exception).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any, Optional

from ..rules.language import StateRule
from ..rules.session import API_KEY, HEX_SIGNATURE, SECONDS, SIGNATURE, SKEW, SWAPPED
from ..validators.verdict import Notice
from .verdicts import Problem

SIGNED_PATH = "GET/auth/self/verify"


class Secret:
    """An API secret kept out of every repr, message, log line, pickle and traceback.

    Wrapping never raises, so the plain text is held by no frame once wrapped, even when a
    later check fails; :meth:`usable` raises (without the value) for one of the wrong type or
    empty."""

    __slots__ = ("_key", "_text", "_problem")

    def __init__(self, value: Any):
        problem: Optional[Exception] = None
        if isinstance(value, str):
            key, text = _encoded(value), str(value)
        elif isinstance(value, (bytes, bytearray)):
            key = bytes(value)
            text = key.decode("utf-8", "surrogateescape")
        else:  # the value is deliberately left out of the message
            key, text, problem = b"", "", TypeError("api_secret must be a str or bytes")
        if problem is None and not key:
            problem = ValueError("api_secret must not be empty")
        self._key = key
        self._text = text
        self._problem = problem

    @classmethod
    def hide(cls, value: Any) -> Any:
        """``value`` wrapped (a Secret or ``None`` as it is); never raises."""
        return value if value is None or isinstance(value, cls) else cls(value)

    def usable(self) -> "Secret":
        """This secret, or ``TypeError``/``ValueError`` (not naming it) when it is unusable."""
        if self._problem is not None:
            raise self._problem.__class__(*self._problem.args)
        return self

    def __repr__(self) -> str:
        return "Secret(<hidden>)"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("an API secret cannot be pickled")

    def sign(self, timestamp_text: str) -> bytes:
        """The Base64 signature the exchange expects for this timestamp text."""
        return _sign(self._key, timestamp_text)

    def equals(self, text: Any) -> bool:
        """True when ``text`` is the secret itself (a key and secret swapped), in constant time."""
        return isinstance(text, str) and hmac.compare_digest(_encoded(text), self._key)

    def text(self) -> str:
        """The secret as text, for the redaction pass only (never for output)."""
        return self._text

    def raw(self) -> bytes:
        """The secret's bytes, for the redaction pass only (never for output)."""
        return self._key


def _encoded(text: str) -> bytes:
    """UTF-8 bytes of any str, lone surrogates included, without raising: bytes decoded with
    ``surrogateescape`` (``os.environ``) come back as they were, other lone surrogates are
    kept as their UTF-8 form. Never an exception, which would carry the text."""
    if text.isascii():
        return text.encode("ascii")
    return b"".join(_char(c) for c in text)


def _char(c: str) -> bytes:
    point = ord(c)
    if 0xDC80 <= point <= 0xDCFF:
        return bytes((point - 0xDC00,))
    return c.encode("utf-8", "surrogatepass")


def _sign(key: bytes, timestamp_text: str) -> bytes:
    mac = hmac.new(key, (timestamp_text + SIGNED_PATH).encode("utf-8"), hashlib.sha256)
    return base64.b64encode(mac.digest())


def timestamp_text(value: Any) -> Optional[str]:
    """The text the client signed: an int as digits, a digit string as given; else ``None``."""
    if value.__class__ is int:
        return str(value)
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return value
    return None


def _as_bytes(value: Any) -> Optional[bytes]:
    if isinstance(value, str):
        return _encoded(value)
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    return None


def key_problem(data: dict[str, Any], api_key: Optional[str], secret: Optional[Secret]
                ) -> Optional[Problem]:
    """20025: an ``apiKey`` other than ``api_key``, or the secret itself (hint W103). The key
    is never reported as the offending value (it may hold the secret)."""
    key = data.get("apiKey")
    if api_key is not None and key != api_key:
        return Problem(API_KEY, "apiKey", value=None)
    if secret is not None and secret.equals(key):
        return Problem(API_KEY, "apiKey", value=None, hints=(_hint(
            API_KEY, SWAPPED, "apiKey", "the apiKey field holds the API secret; the key and "
                                        "the secret look swapped"),))
    return None


def skew_problem(data: dict[str, Any], now: Optional[int], skew_ms: int) -> Optional[Problem]:
    """20024: a timestamp further than ``skew_ms`` from ``now`` (hint W102 for seconds)."""
    stamp = data.get("timestamp")
    text = timestamp_text(stamp)
    if now is None or text is None or abs(int(text) - now) <= skew_ms:
        return None
    hints: tuple[Any, ...] = ()
    if abs(int(text) * 1000 - now) <= skew_ms:
        hints = (_hint(SKEW, SECONDS, "timestamp", "the timestamp looks like seconds; the "
                                                   "exchange expects milliseconds"),)
    return Problem(SKEW, "timestamp", hints=hints, value=stamp)


def signature_problem(data: dict[str, Any], secret: Optional[Secret]) -> Optional[Problem]:
    """20000: a signature other than the one ``secret`` makes for the timestamp text, with a
    hint naming the usual cause (never the secret)."""
    text = timestamp_text(data.get("timestamp"))
    if secret is None or text is None:
        return None
    given = _as_bytes(data.get("signature"))
    expected = secret.sign(text)
    if given is not None and hmac.compare_digest(given, expected):
        return None
    return Problem(SIGNATURE, "signature", value=None,
                   hints=_signature_hints(given, text, secret, data.get("apiKey")))


def _signature_hints(given: Optional[bytes], text: str, secret: Secret, key: Any
                     ) -> tuple[Notice, ...]:
    if given is None:
        return ()
    raw = base64.b64decode(secret.sign(text))
    if hmac.compare_digest(given, raw.hex().encode()):
        return (_hint(SIGNATURE, HEX_SIGNATURE, "signature",
                      "the signature is hex; the exchange expects Base64 of the HMAC-SHA256 "
                      "digest"),)
    if text.isascii() and text.isdigit() and len(text) > 3 and hmac.compare_digest(given, secret.sign(text[:-3])):
        return (_hint(SIGNATURE, SECONDS, "signature",
                      "the signature was computed over the timestamp in seconds; sign the "
                      "millisecond text sent"),)
    key_bytes = _as_bytes(key)
    if key_bytes and hmac.compare_digest(given, _sign(key_bytes, text)):
        return (_hint(SIGNATURE, SWAPPED, "signature",
                      "the signature was computed with the API key as the HMAC key; the key "
                      "and the secret look swapped"),)
    return ()


def _hint(row: StateRule, code: str, field: str, text: str) -> Notice:
    return Notice(code, field, None, text, row.name)
