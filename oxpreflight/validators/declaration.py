"""The form of a condition-class declaration (:class:`Kind`) and the registry they enter.

A :class:`Kind` says everything a condition class means, in one place: how the compiler writes
it (``emit``), how the request models test it (``predicate``), how the strategies break it
(``breaker``) and how ``fix`` repairs it (``fixer``). Every part must be declared: a part left
out is :data:`MISSING`, which :func:`validate_rows` (run by every ``Preflight``) refuses with
the class and the part named. "Does not apply" is declared explicitly:

- ``predicate=None``: the condition needs a market, the clock or the whole frame, so the
  models leave it to ``check``;
- ``breaker=BY_ROW``: the rows using it have hand-written breakers, keyed by rule name
  (:mod:`oxpreflight.testing.handwritten`): the engine's own frame-level checks (``Envelope``),
  which break whole frames rather than one item;
- ``breaker=None``: never broken (a class only warning rows use);
- ``fixer=None``: no fix is offered.

Contracts (``c`` is the condition, an instance of the class):

- ``emit(b, c) -> str``: a Python expression, true when the item FAILS ``c``; ``b`` is the
  item-function writer (:class:`~oxpreflight.validators.writer.Body`).
- ``predicate(c, test) -> (item: dict) -> bool``: the same decision on a raw item; ``test``
  builds the predicate of a nested condition.
- ``breaker(kit, c, shape) -> None``: records on ``shape`` what makes ``c`` hold on a valid
  item (a guard on the base item, its markets, what the book needs, or a change to it). ``kit``
  is the strategies' toolbox (:mod:`oxpreflight.testing.derived`, with the market figures of
  :mod:`oxpreflight.testing.figures`), passed in so the core never imports hypothesis.
- ``fixer(c, rule, item, market, *, unsafe) -> tuple[FieldFix, ...] | None``: the field
  changes that make the item pass ``rule``, ``None`` when it cannot.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional


class RuleError(ValueError):
    """A rule table that cannot be compiled (a bug in a rule module, never in a frame)."""


class _Marker:
    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return self._name


#: A part the declaration does not give: refused when a Preflight is built.
MISSING: Any = _Marker("MISSING")
#: ``breaker=BY_ROW``: each row using the class has a hand-written breaker, by rule name.
BY_ROW: Any = _Marker("BY_ROW")

#: The parts every declaration gives, in the order the README lists them.
PARTS = ("emit", "predicate", "breaker", "fixer")


@dataclass(frozen=True)
class Kind:
    """Everything one condition class means (see the module's contracts)."""

    cls: type
    emit: Callable[..., str] = MISSING
    predicate: Optional[Callable[..., Callable[[dict], bool]]] = MISSING
    breaker: Any = MISSING
    fixer: Optional[Callable[..., Any]] = MISSING

    def missing(self) -> tuple[str, ...]:
        """The parts this declaration leaves out."""
        return tuple(part for part in PARTS if getattr(self, part) is MISSING)


#: condition class -> its declaration; filled by :func:`declare`.
REGISTRY: dict[type, Kind] = {}


def declare(*kinds: Kind) -> None:
    """Enter declarations in the registry (a user's condition classes too); a class declared
    twice is a :class:`RuleError`."""
    for kind in kinds:
        known = REGISTRY.get(kind.cls)
        if known is not None and known is not kind:
            raise RuleError(f"condition class {kind.cls.__name__} is declared twice")
        REGISTRY[kind.cls] = kind


def kind_of(cond: Any) -> Kind:
    """The declaration of ``cond``'s class (a :class:`RuleError` naming it when none)."""
    kind = REGISTRY.get(type(cond))
    if kind is None:
        raise RuleError(f"condition class {type(cond).__name__} has no declaration "
                        f"(declare a Kind for it in oxpreflight/validators/kinds/)")
    return kind


# -- folding expressions: True and False vanish at compile time ------------------------------
def both(*parts: str) -> str:
    """``a and b ...``, folded."""
    kept = [p for p in parts if p != "True"]
    if "False" in kept:
        return "False"
    if not kept:
        return "True"
    return kept[0] if len(kept) == 1 else "(" + " and ".join(kept) + ")"


def either(*parts: str) -> str:
    """``a or b ...``, folded."""
    kept = [p for p in parts if p != "False"]
    if "True" in kept:
        return "True"
    if not kept:
        return "False"
    return kept[0] if len(kept) == 1 else "(" + " or ".join(kept) + ")"


def negate(expr: str) -> str:
    """``not expr``, folded."""
    return {"True": "False", "False": "True"}.get(expr, f"not {expr}")


def conditions(cond: Any) -> list[Any]:
    """``cond`` and every condition nested in it (``parts``, ``inner``)."""
    out = [cond]
    for part in getattr(cond, "parts", ()):
        out += conditions(part)
    inner = getattr(cond, "inner", None)
    return out + (conditions(inner) if inner is not None else [])
