"""The fix engine: apply the fixers to what the verdict names, re-check, and answer a :class:`Fix`.

An item (a single order, or each item of a batch, one by one) is fixed in rounds: its verdict
names what fails (the rejection, else the warnings); the fixers of those rows propose changes;
they are applied and the item re-checked, until nothing more is proposed (at most
``MAX_ROUNDS``). An item that was accepted stays accepted (a change that would reject it is
dropped); an item that still fails afterwards is left exactly as given, with its rejection. The
corrected frame is a new object of the kind given (dict or JSON text), re-checked as a whole.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Iterable, Optional, Union

from ..rules import RULES
from ..rules.language import BATCH_OF, Rule
from .decoder import decode_exact, text_of
from .declaration import conditions
from .fixers import FieldFix
from .kinds import KINDS
from .markets import MarketRecord
from .verdict import Verdict

if TYPE_CHECKING:
    from .engine import Engine

#: The commands whose items can be fixed, with the op an item is checked as.
FIXABLE = {"placeorder": "placeorder", "modifyorder": "modifyorder",
           "placeorders": "placeorder", "modifyorders": "modifyorder"}
MAX_ROUNDS = 8

_BY_NAME = {r.name: r for r in RULES}


@dataclass(frozen=True)
class Change:
    """One change ``fix`` made: ``field`` went from ``before`` (as given) to ``after`` (an
    exact decimal string for numbers), repairing row ``rule`` of ``code``; ``safe`` tells a
    safe fix from an unsafe one; ``item`` is the batch index, ``None`` for a single command."""

    field: str
    before: Any
    after: Any
    code: str
    rule: str
    safe: bool
    item: Optional[int] = None


@dataclass(frozen=True)
class Fix:
    """What ``fix`` answers: ``frame`` (the corrected frame, a new object of the kind given),
    ``changes`` (every :class:`Change`, in order), ``verdict`` (the verdict on ``frame``)."""

    frame: Any
    changes: tuple[Change, ...]
    verdict: Verdict

    @property
    def ok(self) -> bool:
        """The corrected frame is accepted."""
        return self.verdict.ok


def fix(engine: "Engine", frame: Any, *, unsafe: bool = False,
        markets: Optional[dict[str, MarketRecord]] = None) -> Fix:
    """Fix ``frame`` (a dict, or JSON text as str or bytes) with ``engine``'s rules against
    ``markets`` (default: the engine's table). Never raises; never mutates ``frame``."""
    try:
        return _fix(engine, frame, unsafe, markets)
    except Exception:  # a bug here must not stop a send: answer the frame as given
        return Fix(_copy(frame), (), engine.judge(frame, markets)[0])


def _fix(engine: "Engine", frame: Any, unsafe: bool,
         markets: Optional[dict[str, MarketRecord]]) -> Fix:
    verdict, obj = engine.judge(frame, markets)
    is_dict = isinstance(frame, dict)
    op = obj.get("op") if obj is not None else None
    item_op = FIXABLE.get(op) if op.__class__ is str else None
    if item_op is None or (verdict.ok and not verdict.warnings):
        return Fix(_copy(frame), (), verdict)  # nothing to fix: no second look
    work = _copy(frame) if is_dict else decode_exact(text_of(frame))
    if not isinstance(work, dict):
        return Fix(_copy(frame), (), verdict)
    table = engine.markets if markets is None else markets
    changes: list[Change] = []
    if op in BATCH_OF:
        items = work.get("dataArray")
        seen = verdict.items
        for index, item in enumerate(items if isinstance(items, list) else ()):
            clean = index < len(seen) and seen[index].ok and not seen[index].warnings
            if isinstance(item, dict) and isinstance(items, list) and not clean:
                known = seen[index] if index < len(seen) else None
                items[index] = _item(engine, table, item_op, item, index, unsafe, changes,
                                     known)
    elif isinstance(work.get("data"), dict):
        work["data"] = _item(engine, table, item_op, work["data"], None, unsafe, changes,
                             verdict)
    if not changes:
        return Fix(_copy(frame), (), verdict)
    fixed = work if is_dict else _encode(work, frame)
    after = engine.judge(fixed, markets)[0]
    if _worse(verdict, after):  # e.g. the frame grew past its length limit: give it back
        return Fix(_copy(frame), (), verdict)
    return Fix(fixed, tuple(changes), after)


def _item(engine: "Engine", table: dict[str, MarketRecord], op: str, item: dict[str, Any],
          index: Optional[int], unsafe: bool, changes: list[Change],
          known: Optional[Verdict] = None) -> dict[str, Any]:
    """The item fixed (a new dict), or ``item`` itself when nothing applies or it still fails;
    the changes made are appended to ``changes``. ``known``: the item's verdict, when the
    frame's check gave it."""
    code = item.get("marketCode")
    market = table.get(code) if code.__class__ is str else None
    current: dict[str, Any] = dict(item)
    made: dict[str, Change] = {}  # field -> Change
    verdict = known if known is not None else _check(engine, table, op, current)
    for _ in range(MAX_ROUNDS):
        proposed = [(f, c, r) for f, c, r in _proposals(verdict, op, current, market, unsafe)
                    if current.get(f.field) != f.value]
        if not proposed:
            break
        trial = _apply(current, proposed)
        tried = _check(engine, table, op, trial)
        if verdict.ok and not tried.ok:  # keep only the changes that leave it accepted
            kept: list[tuple[FieldFix, str, str]] = []
            for one in proposed:
                alone = _apply(current, kept + [one])
                if _check(engine, table, op, alone).ok:
                    kept.append(one)
            if not kept:
                break
            proposed, trial = kept, _apply(current, kept)
            tried = _check(engine, table, op, trial)
        for fix_, code_, rule in proposed:
            first = made.get(fix_.field)
            before = item.get(fix_.field) if first is None else first.before
            safe = fix_.safe if first is None else first.safe and fix_.safe
            made[fix_.field] = Change(fix_.field, before, fix_.value,
                                      code_ if first is None else first.code,
                                      rule if first is None else first.rule, safe, index)
        current, verdict = trial, tried
    if not made or not verdict.ok:
        return item  # unfixed: as given, with its own verdict
    changes.extend(made.values())
    return current


def _check(engine: "Engine", table: dict[str, MarketRecord], op: str, item: dict[str, Any]
           ) -> Verdict:
    return engine.judge({"op": op, "data": item}, table)[0]


def _apply(item: dict[str, Any], proposed: Iterable[tuple[FieldFix, str, str]]
           ) -> dict[str, Any]:
    out = dict(item)
    for fix_, _, _ in proposed:
        out[fix_.field] = fix_.value
    return out


def _proposals(verdict: Verdict, op: str, item: dict[str, Any], market: Optional[MarketRecord],
               unsafe: bool) -> list[tuple[FieldFix, str, str]]:
    """``(fix, code, rule name)`` for what ``verdict`` names: its rejection, else its
    warnings; at most one fix per field."""
    named = [(verdict.code, verdict.field, getattr(verdict, "rule", None))] if not verdict.ok \
        else [(n.code, n.field, getattr(n, "rule", None)) for n in verdict.warnings]
    out: list[tuple[FieldFix, str, str]] = []
    seen: set[str] = set()
    for code, field, name in named:
        for row in _rows(code, field, op, name):
            found = _row_fix(row, item, market, unsafe)
            if found:
                out += [(f, row.code, row.name) for f in found if f.field not in seen]
                seen.update(f.field for f in found)
                break
    return out


def _rows(code: Any, field: Any, op: str, name: Optional[str]) -> list[Rule]:
    """The rows that may have produced a verdict or notice: its row by name when it carries
    one, else the rows of its code, field and command."""
    if name is not None and name in _BY_NAME:
        return [_BY_NAME[name]]
    return [r for r in RULES if r.code == code and r.field == field and op in r.commands]


def _fixer(cond: Any) -> Any:
    """The fixer its class's declaration names (``None``: not fixable)."""
    kind = KINDS.get(type(cond))
    return None if kind is None else kind.fixer


def _row_fix(row: Rule, item: dict[str, Any], market: Optional[MarketRecord], unsafe: bool
             ) -> Optional[tuple[FieldFix, ...]]:
    for cond in conditions(row.fails):
        fixer = _fixer(cond)
        if fixer is not None and getattr(cond, "field", None) == row.field:
            found = fixer(cond, row, item, market, unsafe=unsafe)
            if found:
                return tuple(f for f in found if unsafe or f.safe)
    return None


def fixable(row: Rule) -> Optional[str]:
    """How ``row`` is fixed, in one line; ``None`` when it is not fixable."""
    for cond in conditions(row.fails):
        fixer = _fixer(cond)
        if fixer is not None and getattr(cond, "field", None) == row.field:
            describe = getattr(fixer, "describe", None)
            return describe(cond) if describe is not None else \
                " ".join((fixer.__doc__ or "fixable").split())
    return None


def _worse(before: Verdict, after: Verdict) -> bool:
    """A fix made something that was accepted rejected (the frame, or one of its items)."""
    if before.ok and not after.ok:
        return True
    if before.items and len(before.items) == len(after.items):
        return any(b.ok and not a.ok for b, a in zip(before.items, after.items))
    return False


def _copy(frame: Any) -> Any:
    """A new dict along the paths ``fix`` may change (frame, data, dataArray, items)."""
    if not isinstance(frame, dict):
        return frame
    out = dict(frame)
    if isinstance(out.get("data"), dict):
        out["data"] = dict(out["data"])
    if isinstance(out.get("dataArray"), list):
        out["dataArray"] = [dict(i) if isinstance(i, dict) else i for i in out["dataArray"]]
    return out


def _encode(obj: Any, like: Any) -> Union[str, bytes]:
    """Compact JSON text of ``obj`` (numbers as their exact digits), str or bytes like ``like``."""
    text = "".join(_dump(obj))
    return text if isinstance(like, str) else text.encode("utf-8")


def _dump(value: Any) -> Iterable[str]:
    if value is None:
        yield "null"
    elif value is True or value is False:
        yield "true" if value else "false"
    elif isinstance(value, (int, Decimal)):
        yield str(value)
    elif isinstance(value, float):
        yield repr(value)
    elif isinstance(value, str):
        yield json.dumps(value, ensure_ascii=False)
    elif isinstance(value, list):
        yield "["
        for i, part in enumerate(value):
            if i:
                yield ","
            yield from _dump(part)
        yield "]"
    else:
        yield "{"
        for i, (key, part) in enumerate(value.items()):
            if i:
                yield ","
            yield json.dumps(key, ensure_ascii=False) + ":"
            yield from _dump(part)
        yield "}"


__all__ = ["Change", "Fix", "FIXABLE", "MAX_ROUNDS", "fix", "fixable"]
