"""Session verdicts: the exchange's code and message, the failure reply it would send, and a
redaction pass that keeps the API secret out of anything returned."""
from __future__ import annotations

import re
from functools import partial
from typing import Any, Callable, NamedTuple, Optional

from ..rules import RULES
from ..rules.catalogue import CODES
from ..rules.channels import PRIVATE_BEFORE_LOGIN, PRIVATE_BEFORE_LOGIN_TEXT
from ..rules.language import COMMANDS, StateRule
from ..rules.orders import TRIGGER_TYPES
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
    """``verdict`` with the secret (as text, or ``raw`` in bytes) replaced wherever the user put
    it: the offending value, the echoed ``tag`` and ``data``, the parts of a message filled
    from the frame, a notice's value. What the library writes (keys, event, submitted, code,
    timestamp, the catalogue's and the rules' text) is never altered. A copy only when
    needed."""
    if verdict.ok and not verdict.warnings and not verdict.items:
        return verdict
    if not _contains(_parts(verdict), secret, raw):
        return verdict

    def clean(value: Any) -> Any:
        return _replace(value, secret, raw)

    return Verdict(verdict.ok, verdict.code,
                   _message(verdict.message, _CATALOGUE.get(verdict.code), clean,
                            verdict.value),
                   verdict.field, clean(verdict.value),
                   tuple(redact(i, secret, raw) for i in verdict.items),
                   tuple(_notice(w, clean) for w in verdict.warnings),
                   _response(verdict.response, clean, verdict.value), verdict.index, None,
                   verdict.rule)


#: Echo values the exchange fills in itself (``source`` 0, the stops' derived fields).
_DEFAULTS: dict[str, Any] = {"source": 0, "triggerType": TRIGGER_TYPES[0], "timeInForce": "IOC"}
_NONE = object()
_HOLE = re.compile(r"\{(?:value|fill)\}")
#: code -> the catalogue's message cut at its ``xxx`` placeholders.
_CATALOGUE: dict[Any, tuple[tuple[str, ...], ...]] = {
    c: (tuple(entry.message.split("xxx")),) for c, entry in CODES.items()}
#: warning code -> each warning text of its rules, cut at its ``{value}``/``{fill}`` holes.
_WARNINGS: dict[str, tuple[tuple[str, ...], ...]] = {
    PRIVATE_BEFORE_LOGIN: (tuple(_HOLE.split(PRIVATE_BEFORE_LOGIN_TEXT)),)}
for _rule in RULES:
    if _rule.warning:
        _WARNINGS[_rule.code] = _WARNINGS.get(_rule.code, ()) + (
            tuple(_HOLE.split(_rule.warning)),)


def _message(message: Any, templates: Optional[tuple[tuple[str, ...], ...]],
             clean: Callable[[Any], Any], value: Any = None, holes: bool = False) -> Any:
    """``message`` with only what the user wrote cleaned: what was filled into its template
    when ``holes`` (a rule's warning: its holes are the frame's), else only a hole holding
    ``value``'s text (a catalogue message may be filled from a market's figures too). A
    message of no known template is the library's own text around ``value``."""
    if not isinstance(message, str):
        return clean(message)
    text = value if isinstance(value, str) else None if value is None else _text(value)
    for pieces in templates or ():
        if len(pieces) == 1:
            if message == pieces[0]:
                return message
            continue
        match = re.fullmatch("(.*?)".join(map(re.escape, pieces)), message, re.S)
        if match is not None:
            out = [pieces[0]]
            for hole, piece in zip(match.groups(), pieces[1:]):
                out += [clean(hole) if holes or hole == text else hole, piece]
            return "".join(out)
    if text and clean(text) != text:
        return message.replace(text, clean(text))
    return message


def _notice(notice: Notice, clean: Callable[[Any], Any]) -> Notice:
    return Notice(notice.code, notice.field, clean(notice.value),
                  _message(notice.message, _WARNINGS.get(notice.code), clean, notice.value,
                           holes=True), notice.rule)


def _response(response: Any, clean: Callable[[Any], Any], value: Any) -> Any:
    """The failure reply: only the echoed ``tag`` and ``data``, the filled part of its message
    and an ``event`` that is no command's name (the user's ``op`` as sent) are the user's."""
    if not isinstance(response, dict):
        return clean(response)
    out = dict(response)
    if "tag" in out:
        out["tag"] = clean(out["tag"])
    data = out.get("data")
    if isinstance(data, dict):  # the echo keeps the exchange's field names only
        out["data"] = {k: v if _DEFAULTS.get(k, _NONE) == v else clean(v)
                       for k, v in data.items()}
    elif data is not None:
        out["data"] = clean(data)
    if "message" in out:
        out["message"] = _message(out["message"], _CATALOGUE.get(out.get("code")), clean, value)
    if "event" in out and out["event"] not in COMMANDS:
        out["event"] = clean(out["event"])
    return out


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
