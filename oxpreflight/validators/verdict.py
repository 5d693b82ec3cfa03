"""Verdicts: what ``check`` and ``submit`` answer. Both classes are immutable: setting or
deleting an attribute raises ``AttributeError``, so one shared instance (``ACCEPTED``) is safe."""
from __future__ import annotations

from typing import Any, Callable, NoReturn, Optional

_set = object.__setattr__


class Notice:
    """A warning on an accepted-or-rejected frame: the exchange would likely accept, but the
    frame looks like a mistake (unknown field, price off the tick size, ...)."""

    __slots__ = ("code", "field", "value", "message")

    code: str
    field: Optional[str]
    value: Any
    message: str

    def __init__(self, code: str, field: Optional[str], value: Any, message: str) -> None:
        _set(self, "code", code)
        _set(self, "field", field)
        _set(self, "value", value)
        _set(self, "message", message)

    def __setattr__(self, name: str, value: Any) -> NoReturn:
        raise AttributeError(f"Notice is immutable (cannot set {name!r})")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"Notice is immutable (cannot delete {name!r})")

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

    ok: bool
    code: Optional[str]
    message: Optional[str]
    field: Optional[str]
    value: Any
    items: tuple[Verdict, ...]
    warnings: tuple[Notice, ...]
    index: Optional[int]
    _response: Optional[dict[str, Any]]
    _reply: Optional[Callable[[], dict[str, Any]]]

    def __init__(self, ok: bool, code: Optional[str] = None, message: Optional[str] = None,
                 field: Optional[str] = None, value: Any = None, items: tuple[Verdict, ...] = (),
                 warnings: tuple[Notice, ...] = (), response: Optional[dict[str, Any]] = None,
                 index: Optional[int] = None,
                 reply: Optional[Callable[[], dict[str, Any]]] = None) -> None:
        _set(self, "ok", ok)
        _set(self, "code", code)
        _set(self, "message", message)
        _set(self, "field", field)
        _set(self, "value", value)
        _set(self, "items", items)
        _set(self, "warnings", warnings)
        _set(self, "_response", response)
        _set(self, "index", index)
        _set(self, "_reply", reply)  # builds the response on first use: rejections stay cheap

    def __setattr__(self, name: str, value: Any) -> NoReturn:
        raise AttributeError(f"Verdict is immutable (cannot set {name!r})")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"Verdict is immutable (cannot delete {name!r})")

    @property
    def response(self) -> Optional[dict[str, Any]]:
        """The failure reply the exchange would send (``None`` when accepted). Never raises:
        a reply that cannot be built is answered by the code and message alone."""
        if self._response is None and self._reply is not None:
            try:
                built = self._reply()
            except Exception:  # a reply is a courtesy; reading it must never break a send
                built = _bare(self)
            _set(self, "_response", built)
            _set(self, "_reply", None)
        return self._response

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        if self.ok:
            extra = f", warnings={len(self.warnings)}" if self.warnings else ""
            return f"Verdict(ok=True{extra})"
        where = f", field={self.field!r}" if self.field else ""
        return f"Verdict(ok=False, code={self.code!r}, message={self.message!r}{where})"

    def as_dict(self) -> dict[str, Any]:
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


def _bare(verdict: Verdict) -> dict[str, Any]:
    return {"success": False, "message": verdict.message, "code": verdict.code}


class Rejected(Exception):
    """Raised by a guarded send when the frame would be rejected; carries the verdict."""

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(f"{verdict.code} {verdict.message}")
        self.verdict = verdict
        self.code = verdict.code
        self.message = verdict.message

    @property
    def response(self) -> Optional[dict[str, Any]]:
        return self.verdict.response


#: The verdict of every clean pass; verdicts are immutable, so one instance serves all.
ACCEPTED = Verdict(True)
