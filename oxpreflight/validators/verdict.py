"""Verdicts: what ``check`` and ``submit`` answer. Both classes are read-only: their public
attributes are properties without setters (setting or deleting one raises ``AttributeError``),
so one shared instance (``ACCEPTED``) is safe."""
from __future__ import annotations

from typing import Any, Callable, Optional, Union


#: What builds a failure reply on first use: a callable, or a (function, arguments) pair.
Reply = Union[Callable[[], Optional[dict[str, Any]]],
              tuple[Callable[..., Optional[dict[str, Any]]], tuple[Any, ...]]]


class Notice:
    """A warning on an accepted-or-rejected frame: the exchange would likely accept, but the
    frame looks like a mistake (unknown field, price off the tick size, ...)."""

    __slots__ = ("_code", "_field", "_value", "_message", "_rule")

    def __init__(self, code: str, field: Optional[str], value: Any, message: str,
                 rule: Optional[str] = None) -> None:
        self._code = code
        self._field = field
        self._value = value
        self._message = message
        self._rule = rule

    @property
    def code(self) -> str:
        """``W001`` ... (or ``W000`` for an internal error)."""
        return self._code

    @property
    def field(self) -> Optional[str]:
        """The field the warning is about, if one."""
        return self._field

    @property
    def value(self) -> Any:
        """The field's value as given."""
        return self._value

    @property
    def message(self) -> str:
        """What looks wrong, in one line."""
        return self._message

    @property
    def rule(self) -> Optional[str]:
        """The name of the row that raised it (``price-off-tick``, ...)."""
        return self._rule

    def __repr__(self) -> str:
        return f"Notice({self._code!r}, {self._message!r}, rule={self._rule!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Notice) and self._key() == other._key()

    def _key(self) -> tuple[Any, ...]:
        return self._code, self._field, self._message, self._rule

    def __reduce__(self) -> tuple[Any, ...]:
        return Notice, (self._code, self._field, self._value, self._message, self._rule)

    def __hash__(self) -> int:
        return hash(self._key())


class Verdict:
    """The answer for one frame (or one item of a batch). Read-only: every public attribute is
    a property without a setter, so setting one raises ``AttributeError``.

    ``ok``: the exchange would accept it. ``code`` / ``message``: the exchange's code and
    message of the first rejection; ``rule``: the name of the row that rejected it.
    ``field`` / ``value``: what was rejected. ``items``: one verdict per ``dataArray`` entry
    of a batch, else ``()``. ``response``: the failure reply the exchange would send. ``warnings``: :class:`Notice` objects, never rejections.
    """

    __slots__ = ("_ok", "_code", "_message", "_field", "_value", "_items", "_warnings",
                 "_response", "_index", "_reply", "_rule")

    def __init__(self, ok: bool, code: Optional[str] = None, message: Optional[str] = None,
                 field: Optional[str] = None, value: Any = None, items: tuple[Verdict, ...] = (),
                 warnings: tuple[Notice, ...] = (), response: Optional[dict[str, Any]] = None,
                 index: Optional[int] = None,
                 reply: Optional[Reply] = None, rule: Optional[str] = None) -> None:
        self._ok = ok
        self._code = code
        self._message = message
        self._field = field
        self._value = value
        self._items = items
        self._warnings = warnings
        self._response = response
        self._index = index
        # builds the response on first use, so rejections stay cheap: a callable, or a
        # (function, arguments) pair (cheaper to make than a closure); ``warnings`` may be
        # a [builder, findings] list, built into the notices on first read likewise
        self._reply = reply
        self._rule = rule

    @property
    def ok(self) -> bool:
        """The exchange would accept the frame."""
        return self._ok

    @property
    def code(self) -> Optional[str]:
        """The exchange's code of the first rejection (``None`` when accepted)."""
        return self._code

    @property
    def message(self) -> Optional[str]:
        """The exchange's message for ``code``, word for word."""
        return self._message

    @property
    def rule(self) -> Optional[str]:
        """The name of the row that rejected the frame (``limit-price-required``, ...; the
        first failing item's for a batch); ``None`` when accepted."""
        return self._rule

    @property
    def field(self) -> Optional[str]:
        """The rejected field, when one is to blame."""
        return self._field

    @property
    def value(self) -> Any:
        """The rejected field's value as given."""
        return self._value

    @property
    def items(self) -> tuple[Verdict, ...]:
        """One verdict per ``dataArray`` entry of a batch, else ``()``."""
        return self._items

    @property
    def warnings(self) -> tuple[Notice, ...]:
        """Warnings, never rejections."""
        found = self._warnings
        if found.__class__ is not tuple:  # [builder, findings]: the notices, built on first read
            found = self._warnings = found[0](found[1])
        return found

    @property
    def index(self) -> Optional[int]:
        """The batch index of this item (of the first rejected item, on a batch verdict)."""
        return self._index

    @property
    def response(self) -> Optional[dict[str, Any]]:
        """The failure reply the exchange would send (``None`` when accepted). Never raises:
        a reply that cannot be built is answered by the code and message alone."""
        if self._response is None and self._reply is not None:
            try:
                reply = self._reply
                built = reply[0](*reply[1]) if isinstance(reply, tuple) else reply()
            except Exception:  # a reply is a courtesy; reading it must never break a send
                built = _bare(self)
            self._response, self._reply = built, None
        return self._response

    def __bool__(self) -> bool:
        return self._ok

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled with its reply built (the builder may be a compiled plan's function)."""
        return Verdict, (self._ok, self._code, self._message, self._field, self._value,
                         self._items, self.warnings, self.response, self._index, None,
                         self._rule)

    def __repr__(self) -> str:
        if self._ok:
            extra = f", warnings={len(self.warnings)}" if self.warnings else ""
            return f"Verdict(ok=True{extra})"
        where = f", field={self._field!r}" if self._field else ""
        return (f"Verdict(ok=False, code={self._code!r}, rule={self._rule!r}, "
                f"message={self._message!r}{where})")

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (what ``oxpreflight check --json`` prints)."""
        out: dict[str, Any] = {"ok": self._ok, "code": self._code, "message": self._message,
                               "field": self._field, "rule": self._rule}
        if self._index is not None:
            out["index"] = self._index
        if self._items:
            out["items"] = [item.as_dict() for item in self._items]
        if self.warnings:
            out["warnings"] = [{"code": w.code, "field": w.field, "message": w.message,
                                "rule": w.rule} for w in self.warnings]
        return out


def _bare(verdict: Verdict) -> dict[str, Any]:
    return {"success": False, "message": verdict.message, "code": verdict.code}


#: The verdict of every clean pass; verdicts are immutable, so one instance serves all.
ACCEPTED = Verdict(True)
