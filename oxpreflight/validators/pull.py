"""Fetch the exchange's current market catalogue, ``GET /v3/markets`` (public, no key).

The standard library's ``urllib`` does it: one GET of a public JSON document needs no session,
pool or async client, and the package gains no dependency for it.
"""
from __future__ import annotations

import functools
import http.client
import json
import math
import socket
import ssl
import threading
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


class _Deadline:
    """The end of one fetch. A socket timeout bounds each read, not the whole: a server that
    drips a byte at a time outlasts any of them. At the deadline a timer thread shuts the
    fetch's sockets down, which ends whatever read is waiting (redirects included)."""

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self.expire)
        self._timer.daemon = True

    def remaining(self) -> float:
        return max(self.at - time.monotonic(), 0.001)

    def watch(self, sock: socket.socket) -> None:
        """Shut ``sock`` down at the deadline (at once if it has passed)."""
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def __enter__(self) -> "_Deadline":
        self._timer.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._timer.cancel()
        self._timer.join()


def _shut(sock: socket.socket) -> None:
    try:  # the plain socket's shutdown: an SSL socket's own would try to unwrap first
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:  # closed already
        pass


class _HTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, deadline: _Deadline, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline = deadline

    def connect(self) -> None:
        self.timeout = self._deadline.remaining()
        super().connect()
        self._deadline.watch(self.sock)


class _HTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, deadline: _Deadline, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline = deadline

    def connect(self) -> None:
        """``HTTPSConnection.connect`` with the TLS socket in ``self.sock`` before its
        handshake, so that the deadline can cut a handshake that drips too."""
        self.timeout = self._deadline.remaining()
        http.client.HTTPConnection.connect(self)
        host = getattr(self, "_tunnel_host", None) or self.host
        context: ssl.SSLContext = getattr(self, "_context")
        self.sock = context.wrap_socket(self.sock, server_hostname=host,
                                              do_handshake_on_connect=False)
        self._deadline.watch(self.sock)
        self.sock.do_handshake()


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self._deadline = deadline

    def http_open(self, req: Any) -> Any:
        return self.do_open(functools.partial(_HTTPConnection, deadline=self._deadline), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self._deadline = deadline

    def do_open(self, http_class: Any, req: Any, **kwargs: Any) -> Any:
        return super().do_open(functools.partial(_HTTPSConnection, deadline=self._deadline),
                               req, **kwargs)


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
    try:
        body = _get(request, timeout)
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


def _get(request: urllib.request.Request, timeout: float) -> bytes:
    """The body, or ``TimeoutError`` once ``timeout`` seconds have passed, whatever the server
    does (a failure the deadline caused is reported as the timeout)."""
    with _Deadline(timeout) as deadline:
        opener = urllib.request.build_opener(_HTTPHandler(deadline), _HTTPSHandler(deadline))
        body = b""
        try:
            with opener.open(request, timeout=deadline.remaining()) as reply:
                body = _read(reply, deadline.at)
        except Exception:
            if not deadline.expired:
                raise
        if deadline.expired:  # a body cut short by the deadline is no catalogue
            raise TimeoutError
        return body


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
