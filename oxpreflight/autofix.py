"""``guard(send, fix=True)``: the safe fixes applied to a frame before it is checked and sent,
each change logged at INFO on the ``oxpreflight`` logger."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Callable, Optional

from .validators.fixing import Change, fix as fix_frame

if TYPE_CHECKING:
    from .session import Session
    from .validators.engine import Engine

__all__ = ["as_given", "fixing", "log_fixed"]

log = logging.getLogger("oxpreflight")
_SHOWN = 40  # characters of a value shown in a log line


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "..."


def log_fixed(change: "Change") -> None:
    """Log one change a guard's fix made, at INFO on the ``oxpreflight`` logger, with ``code``,
    ``rule``, ``field``, ``item`` and ``safe`` as record attributes (values are numbers or
    enumeration values the order already carried)."""
    if not log.isEnabledFor(logging.INFO):
        return
    where = change.field if change.item is None else f"dataArray[{change.item}].{change.field}"
    log.info("fixed %s: %s -> %s (%s %s, %s)", where, _short(change.before),
             _short(change.after), change.code, change.rule, "safe" if change.safe else "unsafe",
             extra={"code": change.code, "rule": change.rule, "field": change.field,
                    "item": change.item, "safe": change.safe})


def as_given(frame: Any) -> Any:
    """The frame, unchanged (``guard`` without ``fix``)."""
    return frame


def fixing(pf: Optional["Engine"], session: Optional["Session"]) -> Callable[[Any], Any]:
    """``frame -> frame with the safe fixes applied``, each change logged (:func:`log_fixed`);
    against the session's live markets when a session is given."""
    engine = getattr(session, "preflight", None) if pf is None else pf
    if engine is None:
        raise TypeError("guard(fix=True) needs a Preflight or a session with one")

    def fixed(frame: Any) -> Any:
        markets = getattr(session, "markets", None) if session is not None else None
        result = fix_frame(engine, frame, markets=markets if isinstance(markets, dict) else None)
        if not result.changes:
            return frame  # nothing changed: the caller's own object is sent
        for change in result.changes:
            log_fixed(change)
        return result.frame

    return fixed
