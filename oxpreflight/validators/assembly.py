"""What a Preflight enforces, put together once at construction: the exchange's rows, the
pre-trade limits' rows, the users' rule modules, the policy over all of them, and the plans
compiled from the result (shared by every Preflight with the same rows and policy)."""
from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any, Optional

from ..rules import FIELDS, RULES
from ..rules.session import STATE_RULES
from ..rules import policy as _policy
from ..rules.language import Rule, StateRule
from ..rules.limits import STATE_ROWS, Limits
from .compiler import CommandPlan, compile_plans
from .markets import unlisted_market
from .modules import load_rules, module_name

_COMPILED: dict[tuple[Any, ...], tuple[tuple[Rule, ...], dict[str, CommandPlan]]] = {}


def plans(open_world: bool, rows: tuple[Rule, ...] = RULES,
          policy: _policy.Policy = _policy.Policy({})) -> dict[str, CommandPlan]:
    """The plans of the rule rows (policy applied), compiled once per process for each kind of
    catalogue and each distinct (rows, policy): they hold no state (markets, clock and size are
    passed in), so Preflights share them. An open-world catalogue (the embedded one) resolves
    well-formed unlisted market codes."""
    key = (open_world, tuple(map(id, rows)), tuple(sorted(policy.mapping.items())))
    if key not in _COMPILED:
        # the rows are kept with their plans, so the ids in the key stay theirs
        _COMPILED[key] = rows, compile_plans(_policy.apply(rows, policy), FIELDS,
                                             unlisted_market if open_world else None)
    return _COMPILED[key][1]


def as_limits(limits: Any) -> Optional[Limits]:
    """``None``, a :class:`Limits`, or a mapping of its keywords (a config table)."""
    if limits is None or isinstance(limits, Limits):
        return limits
    if isinstance(limits, dict):
        return Limits(**limits)
    raise ValueError(f"limits must be a Limits (or a mapping of its keywords), not {limits!r}")


@dataclass(frozen=True)
class Assembly:
    """The rows and plans one Preflight enforces."""

    limits: Optional[Limits]
    modules: tuple[str, ...]
    user_rules: tuple[Rule, ...]
    state_rules: tuple[StateRule, ...]
    policy: _policy.Policy
    state_actions: dict[str, str]
    plans: dict[str, CommandPlan]


def assemble(open_world: bool, rules: Any = (), policy: Any = None,
             limits: Any = None) -> Assembly:
    """Check and put together ``rules`` (modules), ``policy`` and ``limits``: each bad part is a
    ``ValueError`` naming it (a :class:`~oxpreflight.validators.declaration.RuleError` for rows)."""
    found = as_limits(limits)
    user = load_rules(rules)
    rows = RULES + (found.rows() if found is not None else ()) + user
    state = STATE_RULES + (STATE_ROWS if found is not None else ())
    checked = _policy.parse(policy, rows + state)
    names = tuple(module_name(m) for m in ((rules,) if isinstance(rules, (str, ModuleType))
                                           else rules))
    return Assembly(found, names, user, state, checked, _policy.state_actions(state, checked),
                    plans(open_world, rows, checked))


__all__ = ["Assembly", "assemble", "plans", "as_limits"]
