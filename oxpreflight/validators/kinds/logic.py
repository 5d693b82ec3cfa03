"""Declarations of the conditions that combine others: ``All``, ``Either``, ``Not``, ``NoneOf``."""
from __future__ import annotations

from typing import Any, Callable

from ...rules import language as D
from ..declaration import Kind, both, either, negate
from ..writer import Body

Test = Callable[[Any], Any]  # condition -> its predicate, or None when left to check


def _emit_all(b: Body, c: D.All) -> str:
    parts = []
    for part in c.parts:  # stop at a part that is False here: later parts need no reads
        parts.append(b.expr(part))
        if parts[-1] == "False":
            return "False"
    return both(*parts)


def _emit_either(b: Body, c: D.Either) -> str:
    parts = []
    for part in c.parts:  # stop at a part that is True here
        parts.append(b.expr(part))
        if parts[-1] == "True":
            return "True"
    return either(*parts)


def _test_all(c: D.All, test: Test) -> Any:
    parts = tuple(test(p) for p in c.parts)
    if None in parts:
        return None
    first, rest = parts[0], parts[1:]  # the leading part is most often a guard that fails
    return lambda d: first(d) and all(t(d) for t in rest)


def _test_either(c: D.Either, test: Test) -> Any:
    parts = tuple(test(p) for p in c.parts)
    if None in parts:
        return None
    first, rest = parts[0], parts[1:]
    return lambda d: first(d) or any(t(d) for t in rest)


def _test_not(c: D.Not, test: Test) -> Any:
    inner = test(c.inner)
    return None if inner is None else (lambda d: not inner(d))


def _test_none_of(c: D.NoneOf, test: Test) -> Any:
    names = c.fields
    return lambda d: all(d.get(f) is None for f in names)


def _break_all(kit: Any, c: D.All, shape: Any) -> None:
    for part in c.parts:
        kit.walk(part, shape)


def _break_either(kit: Any, c: D.Either, shape: Any) -> None:
    options = tuple(kit.leaf(part, shape) for part in c.parts)
    if None in options:
        raise kit.NoBreaker(f"{shape.rule.name}: cannot break every part of {c.describe()}")
    shape.changes.append(kit.one_of_changes(options))


def _break_not(kit: Any, c: D.Not, shape: Any) -> None:
    # made to hold by removing what its inner condition needs present
    inner = c.inner.parts if isinstance(c.inner, D.All) else (c.inner,)
    present = [p for p in inner if isinstance(p, D.Present)]
    if not present:
        raise kit.NoBreaker(f"{shape.rule.name}: cannot make {c.describe()} hold")
    shape.changes.append(kit.drop(present[0].field))


def _break_none_of(kit: Any, c: D.NoneOf, shape: Any) -> None:
    shape.changes.append(kit.missing(tuple(c.fields)))


KINDS = (
    Kind(D.All, emit=_emit_all, predicate=_test_all, breaker=_break_all, fixer=None),
    Kind(D.Either, emit=_emit_either, predicate=_test_either, breaker=_break_either,
         fixer=None),
    Kind(D.Not, emit=lambda b, c: negate(b.expr(c.inner)), predicate=_test_not,
         breaker=_break_not, fixer=None),
    Kind(D.NoneOf, emit=lambda b, c: both(*(b.expr(D.Absent(f)) for f in c.fields)),
         predicate=_test_none_of, breaker=_break_none_of, fixer=None),
)
