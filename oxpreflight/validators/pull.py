"""Fetch the exchange's current market catalogue, ``GET /v3/markets`` (public, no key).

The standard library's ``urllib`` does it: one GET of a public JSON document needs no session,
pool or async client, and the package gains no dependency for it.
"""
from __future__ import annotations

import json
import math
import socket
import time
import urllib.error
import urllib.request
from http.client import HTTPException
from typing import Any

from .markets import MarketError, parse_markets

#: The exchange's public REST base URL (docs: "LIVE site https://api.ox.fun").
DEFAULT_BASE_URL = "https://api.ox.fun"
DEFAULT_MARKETS_URL = DEFAULT_BASE_URL + "/v3/markets"
#: A catalogue of thousands of markets is well under this; more is not a catalogue.
MAX_BYTES = 32 * 2**20
_CHUNK = 2**16


def _line(text: object) -> str:
    return " ".join(str(text).split())


def fetch_markets(url: str = DEFAULT_MARKETS_URL, timeout: float = 10.0) -> Any:
    """The parsed ``/v3/markets`` JSON from ``url``, checked as a catalogue.

    ``timeout`` bounds the whole exchange (connect and read), in seconds. Any failure (network,
    timeout, HTTP status, not JSON, not a usable catalogue) is a :class:`MarketError` whose
    message is one line naming the URL.
    """
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) \
            or not math.isfinite(timeout) or timeout <= 0:
        raise MarketError(f"timeout must be a positive number of seconds, not {timeout!r}")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise MarketError(f"market catalogue URL must be http:// or https://, not {url!r}")
    request = urllib.request.Request(url, headers={"Accept": "application/json",
                                                   "User-Agent": "oxpreflight"})
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            body = _read(reply, deadline)
    except urllib.error.HTTPError as exc:
        raise MarketError(f"GET {url}: HTTP {exc.code} {_line(exc.reason)}") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, (socket.timeout, TimeoutError)):
            raise MarketError(f"GET {url}: no answer within {timeout} s") from None
        raise MarketError(f"GET {url}: cannot connect: {_line(exc.reason)}") from None
    except (socket.timeout, TimeoutError):
        raise MarketError(f"GET {url}: no answer within {timeout} s") from None
    except (OSError, HTTPException, ValueError) as exc:
        raise MarketError(f"GET {url}: {type(exc).__name__}: {_line(exc)}") from None
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise MarketError(f"GET {url}: the reply is not JSON ({_line(exc)})") from None
    if isinstance(data, dict) and data.get("success") is False:
        detail = data.get("message")
        raise MarketError(f"GET {url}: the exchange answered success: false"
                          + (f" ({_line(detail)})" if isinstance(detail, str) else ""))
    try:
        parse_markets(data)
    except MarketError as exc:
        raise MarketError(f"GET {url}: {_line(exc)}") from None
    return data


def _read(reply: Any, deadline: float) -> bytes:
    """The body, within the deadline and the size limit."""
    parts, size = [], 0
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError
        chunk = reply.read(_CHUNK)
        if not chunk:
            return b"".join(parts)
        size += len(chunk)
        if size > MAX_BYTES:
            raise ValueError(f"the reply is larger than {MAX_BYTES} bytes")
        parts.append(chunk)
