"""Verdicts: what ``check`` and ``submit`` answer."""
from __future__ import annotations

from typing import Any, Callable, Optional


class Notice:
    """A warning on an accepted-or-rejected frame: the exchange would likely accept, but the
    frame looks like a mistake (unknown field, price off the tick size, ...)."""

    __slots__ = ("code", "field", "value", "message")

    def __init__(self, code: str, field: Optional[str], value: Any, message: str):
        self.code = code
        self.field = field
        self.value = value
        self.message = message

    def __repr__(self) -> str:
        return f"Notice({self.code!r}, {self.message!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Notice) and (self.code, self.field, self.message) == (
            other.code, other.field, other.message)

    def __hash__(self) -> int:
        return hash((self.code, self.field, self.message))


class Verdict:
    """The answer for one frame (or one item of a batch).

    ``ok``: the exchange would accept it. ``code`` / ``message``: the exchange's code and
    message of the first rejection. ``field`` / ``value``: what was rejected. ``items``: one
    verdict per ``dataArray`` entry of a batch, else ``()``. ``response``: the failure reply
    the exchange would send. ``warnings``: :class:`Notice` objects, never rejections.
    """

    __slots__ = ("ok", "code", "message", "field", "value", "items", "warnings", "_response",
                 "index", "_reply")

    def __init__(self, ok: bool, code: Optional[str] = None, message: Optional[str] = None,
                 field: Optional[str] = None, value: Any = None, items: tuple = (),
                 warnings: tuple = (), response: Optional[dict] = None,
                 index: Optional[int] = None, reply: Optional[Callable[[], dict]] = None):
        self.ok = ok
        self.code = code
        self.message = message
        self.field = field
        self.value = value
        self.items = items
        self.warnings = warnings
        self._response = response
        self.index = index
        self._reply = reply  # builds the response on first use: rejections stay cheap

    @property
    def response(self) -> Optional[dict]:
        """The failure reply the exchange would send (``None`` when accepted)."""
        if self._response is None and self._reply is not None:
            self._response, self._reply = self._reply(), None
        return self._response

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        if self.ok:
            extra = f", warnings={len(self.warnings)}" if self.warnings else ""
            return f"Verdict(ok=True{extra})"
        where = f", field={self.field!r}" if self.field else ""
        return f"Verdict(ok=False, code={self.code!r}, message={self.message!r}{where})"

    def as_dict(self) -> dict:
        """A JSON-ready summary (what ``oxpreflight check --json`` prints)."""
        out: dict[str, Any] = {"ok": self.ok, "code": self.code, "message": self.message,
                               "field": self.field}
        if self.index is not None:
            out["index"] = self.index
        if self.items:
            out["items"] = [item.as_dict() for item in self.items]
        if self.warnings:
            out["warnings"] = [{"code": w.code, "field": w.field, "message": w.message}
                               for w in self.warnings]
        return out


class Rejected(Exception):
    """Raised by a guarded send when the frame would be rejected; carries the verdict."""

    def __init__(self, verdict: Verdict):
        super().__init__(f"{verdict.code} {verdict.message}")
        self.verdict = verdict
        self.code = verdict.code
        self.message = verdict.message

    @property
    def response(self) -> Optional[dict]:
        return self.verdict.response


#: The verdict of every clean pass; verdicts are never mutated, so one instance serves all.
ACCEPTED = Verdict(True)
