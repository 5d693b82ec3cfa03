"""The public checker: the engine's ``check`` plus the layers built on it (``session()``,
``guard()``). It sits above the session and the guard, so nothing below imports it."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from .validators.engine import Engine

if TYPE_CHECKING:
    from .guard import guard as _guard
    from .session import Session


class Preflight(Engine):
    """Checks outgoing websocket frames the way the exchange would.

    ``markets``: ``None`` for the embedded catalogue, a path to a ``/v3/markets`` JSON file, or
    the parsed data. ``clock``: epoch-ms callable (its first reading must be plausible epoch
    milliseconds, else ``ValueError``), ``None`` turns time-dependent rules off.
    ``max_message_length``: the exchange's frame limit in characters.
    """

    def session(self, **options: Any) -> Session:
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


__all__ = ["Preflight"]
