"""The public checker: the engine's ``check`` plus the layers built on it (``session()``,
``guard()``). It sits above the session and the guard, so nothing below imports it."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Mapping, TypedDict, Union, Unpack

from .validators.engine import Engine

if TYPE_CHECKING:
    from .guard import guard as _guard
    from .session import Account, Session


class SessionOptions(TypedDict, total=False):
    """The keyword arguments of :class:`oxpreflight.Session` (and ``Preflight.session``)."""

    api_key: str | None
    api_secret: str | bytes | None
    rate_limit: int
    rate_window_ms: int
    login_skew_ms: int
    auction_window: tuple[int, int] | Callable[[int], bool] | None
    account: Union["Account", Mapping[str, Any], None, bool]
    track_orders: bool
    rate_ops: tuple[str, ...]
    ack_timeout_ms: int


class Preflight(Engine):
    """Checks outgoing websocket frames the way the exchange would.

    ``markets``: ``None`` for the embedded catalogue, a path to a ``/v3/markets`` JSON file, or
    the parsed data. ``clock``: epoch-ms callable (its first reading must be plausible epoch
    milliseconds, else ``ValueError``), ``None`` turns time-dependent rules off.
    ``max_message_length``: the exchange's frame limit in characters.
    """

    def session(self, **options: Unpack[SessionOptions]) -> Session:
        """A :class:`oxpreflight.session.Session` on this Preflight (state: login, rate, orders)."""
        from .session import Session
        from .session.auth import Secret

        if "api_secret" in options:  # wrapped before anything can fail and show it in locals
            options["api_secret"] = Secret.hide(options["api_secret"])
        return Session(self, **options)

    if TYPE_CHECKING:  # type checkers see the guard's own overloads, ``self`` as its ``pf``
        guard = _guard
    else:
        def guard(self, send: Callable[..., Any], **options: Any) -> Callable[..., Any]:
            """Wrap a sync or async ``send``: rejected frames are never sent (see
            ``oxpreflight.guard``)."""
            from .guard import guard

            return guard(self, send, **options)


__all__ = ["Preflight", "SessionOptions"]
