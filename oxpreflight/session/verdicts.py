"""Session verdicts: the exchange's code and message, the failure reply it would send, and a
redaction pass that keeps the API secret out of anything returned."""
from __future__ import annotations

from functools import partial
from typing import Any, NamedTuple, Optional

from ..rules.language import StateRule
from ..validators.verdict import Notice, Verdict

#: ``Problem.value`` when the offending value is the item's ``field``.
FROM_ITEM: Any = object()


class Problem(NamedTuple):
    """A session row that fails: the row, the field reported, what fills ``xxx``, hint
    notices, and the value reported (the item's field unless given)."""

    row: StateRule
    field: Optional[str] = None
    fill: Any = None
    hints: tuple[Any, ...] = ()
    value: Any = FROM_ITEM


def with_items(verdict: Verdict, rejected: dict[int, Verdict]) -> Verdict:
    """A batch verdict whose items at the keys of ``rejected`` are replaced."""
    items = tuple(rejected.get(i, item) for i, item in enumerate(verdict.items))
    first = rejected[min(rejected)]
    warnings = tuple(w for item in items for w in item.warnings)
    return Verdict(False, first.code, first.message, first.field, first.value, items, warnings,
                   None, first.index, partial(getattr, first, "response"), first.rule)


def redact(verdict: Verdict, secret: str, raw: bytes) -> Verdict:
    """``verdict`` with every occurrence of ``secret`` (as text, or ``raw`` in bytes) replaced
    (a copy only when needed)."""
    if verdict.ok and not verdict.warnings and not verdict.items:
        return verdict
    if not _contains(_parts(verdict), secret, raw):
        return verdict
    def clean(value: Any) -> Any:
        return _replace(value, secret, raw)

    return Verdict(verdict.ok, verdict.code, clean(verdict.message), verdict.field,
                   clean(verdict.value), tuple(redact(i, secret, raw) for i in verdict.items),
                   tuple(Notice(w.code, w.field, clean(w.value), clean(w.message), w.rule)
                         for w in verdict.warnings),
                   clean(verdict.response), verdict.index, None, verdict.rule)


def _parts(verdict: Verdict) -> list[Any]:
    parts = [verdict.message, verdict.value, verdict.response]
    parts += [(w.value, w.message) for w in verdict.warnings]
    parts += [_parts(i) for i in verdict.items]
    return parts


#: How deep :func:`_replace` rebuilds containers; a deeper part holding the secret is replaced
#: whole (frames nest at most a few levels; hostile ones nest thousands).
_REBUILD_DEPTH = 32


def _contains(value: Any, secret: str, raw: bytes) -> bool:
    """Does ``value`` hold the secret anywhere? Iterative: no nesting depth makes it raise."""
    stack = [value]
    while stack:
        part = stack.pop()
        if isinstance(part, str):
            if secret in part:
                return True
        elif isinstance(part, (bytes, bytearray)):
            if raw in part:
                return True
        elif isinstance(part, dict):
            stack.extend(part.keys())
            stack.extend(part.values())
        elif isinstance(part, (list, tuple)):
            stack.extend(part)
        elif part is not None and secret in _text(part):
            return True
    return False


def _text(value: Any) -> str:
    try:
        return str(value)
    except Exception:  # an integer past the conversion limit has no text to show either
        return ""


def _replace(value: Any, secret: str, raw: bytes, depth: int = 0) -> Any:
    if isinstance(value, str):
        return value.replace(secret, "<redacted>")
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).replace(raw, b"<redacted>")
    if isinstance(value, (dict, list, tuple)):
        if not _contains(value, secret, raw):
            return value
        if depth >= _REBUILD_DEPTH:
            return "<redacted>"
        if isinstance(value, dict):
            return {_replace(k, secret, raw, depth + 1): _replace(v, secret, raw, depth + 1)
                    for k, v in value.items()}
        return type(value)(_replace(v, secret, raw, depth + 1) for v in value)
    if value is not None and secret in _text(value):
        return "<redacted>"
    return value
