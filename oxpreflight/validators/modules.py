"""Users' rule modules: a module object or a dotted module path exposing ``RULES``, a tuple of
:class:`~oxpreflight.rules.language.Rule` rows in the same language as the exchange's tables.

Each row is checked when its module is loaded, and a bad one is a :class:`RuleError` naming the
module and the row: its commands, its conditions (each needs an emitter), its code (one of the
exchange's takes the table's message; another needs ``message=`` and may not collide with a code
of a different meaning) and its examples, ``bad`` (fails this row) and ``good`` (accepted), run
against the example catalogue with the exchange's rows before it (each row alone).
"""
from __future__ import annotations

import dataclasses
import importlib
from types import ModuleType
from typing import Any, Iterable

from ..rules import FIELDS, RULES
from ..rules import examples as _examples
from ..rules.catalogue import KNOWN as CODES  # the exchange's table and the observed codes
from ..rules.language import BATCH_OF, COMMANDS, Envelope, Rule
from ..rules.local import DEFAULT_ERROR, ERROR_NAMES, register
from .compiler import compile_plans
from .kinds import RuleError, conditions, validate_rows
from .exact import exact_from_float
from .markets import index_markets, load_markets



def _reserved(code: Any) -> bool:
    """W000-W999 (oxpreflight's notices) and R000-R999 (the pre-trade limits)."""
    return isinstance(code, str) and len(code) == 4 and code[0] in "WR" and code[1:].isdigit() \
        and code[1:].isascii()


def module_name(module: Any) -> str:
    """The dotted name a rule module is known by."""
    return module if isinstance(module, str) else getattr(module, "__name__", repr(module))


def _import(module: Any) -> ModuleType:
    if isinstance(module, ModuleType):
        return module
    if not isinstance(module, str) or not module:
        raise RuleError(f"rule module {module!r}: a module or a dotted module path")
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise RuleError(f"rule module {module}: cannot be imported ({exc})") from None


def _checked(row: Any, name: str, builtin: dict[str, str]) -> Rule:
    if not isinstance(row, Rule):
        raise RuleError(f"rule module {name}: {row!r} is not a Rule (session rows are not "
                        f"supported in rule modules)")
    label = f"rule module {name}, rule {row.name or row.code}"
    if not row.name:
        raise RuleError(f"{label}: a rule needs a name=")
    if row.name in builtin:
        raise RuleError(f"{label}: the name is taken by {builtin[row.name]}")
    unknown = set(row.commands) - set(COMMANDS) if isinstance(row.commands, tuple) else {1}
    if unknown or not row.commands:
        raise RuleError(f"{label}: commands must be a tuple of {', '.join(COMMANDS)}")
    for cond in conditions(row.fails):
        if isinstance(cond, Envelope):
            raise RuleError(f"{label}: the frame's own checks (Envelope) are the engine's")
    try:
        validate_rows((row,))  # every condition class declared, with every part
    except RuleError as exc:
        raise RuleError(f"rule module {name}: {exc}") from None
    error = row.error or DEFAULT_ERROR
    if error not in ERROR_NAMES:
        raise RuleError(f"{label}: unknown exception class {error!r}")
    if row.code in CODES:
        if row.is_warning:
            raise RuleError(f"{label}: a warning row needs a code of its own")
        if row.message is not None and row.message != CODES[row.code].message:
            raise RuleError(f"{label}: code {row.code} is the exchange's and means "
                            f"{CODES[row.code].message!r}, not {row.message!r}")
    elif _reserved(row.code):
        raise RuleError(f"{label}: {row.code} is oxpreflight's own (W000-W999, R000-R999)")
    elif not row.is_warning:
        try:
            register(row.code, row.message or "", error, row.where)
        except ValueError as exc:
            raise RuleError(f"{label}: {exc}") from None
    return dataclasses.replace(row, error=error, where=row.where) if not row.error else row


def _frame(op: str, example: Any) -> dict[str, Any]:
    if isinstance(example, dict) and "op" in example:
        return example
    if op in BATCH_OF:
        return {"op": op, "tag": 1, "dataArray": [example]}
    return {"op": op, "tag": 1, "data": example}


def _run_examples(rows: tuple[Rule, ...], name: str) -> None:
    """Each row's examples, judged by the exchange's rows and that row alone."""
    markets = index_markets(load_markets(_examples.MARKETS))
    for row in rows:
        op = row.commands[0]
        plans = compile_plans(RULES + (row,), FIELDS, ops=(op,))
        for which in ("bad", "good"):
            frame = _frame(op, getattr(row, which))
            try:
                result = plans[op].run(frame, markets, exact_from_float,
                                       lambda: _examples.NOW, [0])
            except Exception as exc:  # an example that cannot be checked at all
                raise RuleError(f"rule module {name}, rule {row.name}: {which} example "
                                f"fails to run ({exc})") from None
            if isinstance(result, list) and op in BATCH_OF:
                result = result[0]
            rejected = result.__class__ is tuple
            fired = row in _found(result)
            if which == "bad" and not fired:
                got = f"{result[0].code} ({result[0].name})" if rejected else "accepted"
                raise RuleError(f"rule module {name}, rule {row.name}: the bad example must "
                                f"fail this rule, got {got}")
            if which == "good" and (rejected or fired):
                got = f"{result[0].code} ({result[0].name})" if rejected else row.code
                raise RuleError(f"rule module {name}, rule {row.name}: the good example must "
                                f"be accepted, got {got}")


def _found(result: Any) -> list[Rule]:
    if result.__class__ is tuple:
        return [result[0]]
    return [item[0] for item in result] if isinstance(result, list) else []


_LOADED: dict[tuple[str, ...], tuple[Rule, ...]] = {}


def load_rules(modules: Iterable[Any]) -> tuple[Rule, ...]:
    """The rows of ``modules`` (module objects or dotted paths), checked, in module order."""
    if isinstance(modules, (str, ModuleType)):
        modules = (modules,)
    loaded = [_import(m) for m in modules]
    key = tuple(f"{module_name(m)}@{id(m)}" for m in loaded)
    if key in _LOADED:
        return _LOADED[key]
    builtin = {r.name: "the exchange's table" for r in RULES}
    rows: list[Rule] = []
    for module in loaded:
        name = module_name(module)
        table = getattr(module, "RULES", None)
        if not isinstance(table, (tuple, list)):
            raise RuleError(f"rule module {name}: it needs RULES, a tuple of Rule rows")
        own = tuple(_checked(row, name, builtin) for row in table)
        for row in own:
            builtin[row.name] = f"rule module {name}"
        _run_examples(own, name)
        rows += own
    _LOADED[key] = result = tuple(rows)
    return result


__all__ = ["load_rules", "module_name", "RuleError"]
