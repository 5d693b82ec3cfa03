"""The declarations of every condition class of :mod:`oxpreflight.rules.language`, one
:class:`~oxpreflight.validators.declaration.Kind` each (emitter, predicate, breaker, fixer),
grouped by concern: :mod:`.logic`, :mod:`.fields`, :mod:`.markets`, :mod:`.frame`,
:mod:`.thresholds` (the pre-trade limits' and rule modules' figures).

:func:`validate_rows` holds any rows (the built-in tables, a user's rule module) to the
declarations: every condition they use has a declaration with every part.
"""
from __future__ import annotations

from typing import Any, Iterable

from ..declaration import BY_ROW, MISSING, PARTS, REGISTRY, Kind, RuleError, conditions, \
    declare, kind_of
from . import fields, frame, logic, markets, thresholds

declare(*logic.KINDS, *fields.KINDS, *markets.KINDS, *frame.KINDS, *thresholds.KINDS)

#: condition class -> its declaration (the registry, with any the user declared).
KINDS = REGISTRY


def validate_rows(rows: Iterable[Any]) -> None:
    """Refuse rows whose conditions lack a declaration or a part of one: a
    :class:`RuleError` naming the row, the condition class and the missing part. Rows
    without a condition (session rows) pass."""
    for row in rows:
        fails = getattr(row, "fails", None)
        if fails is None:
            continue
        for cond in conditions(fails):
            kind = REGISTRY.get(type(cond))
            name = type(cond).__name__
            if kind is None:
                raise RuleError(f"rule {row.name}: condition class {name} has no declaration "
                                f"(declare a Kind in oxpreflight/validators/kinds/)")
            missing = kind.missing()
            if missing:
                raise RuleError(f"rule {row.name}: condition class {name} declares no "
                                f"{', '.join(missing)} (give each part, or None where it "
                                f"does not apply)")


__all__ = ["KINDS", "Kind", "MISSING", "BY_ROW", "PARTS", "RuleError", "declare", "kind_of",
           "validate_rows", "conditions"]
