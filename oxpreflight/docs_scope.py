"""What ``explain`` and ``codes`` add for a Preflight ``scope``: the rows of its limits and rule
modules, the codes they bring, the policy it applies, and the example checker that judges one
of its rows alone (with the exchange's rows). Without a scope, nothing is added."""
from __future__ import annotations

from typing import Any, Optional

from .rules.catalogue import KNOWN
from .rules.limits import CODES as LIMIT_CODES
from .rules.local import entry
from .rules.session import STATE_RULES


def extra_rows(scope: Any = None) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """The ``check`` rows a Preflight ``scope`` adds to the exchange's (its limits', then its
    rule modules'), and its session rows beyond the exchange's."""
    if scope is None:
        return (), ()
    rows = (scope.limits.rows() if scope.limits is not None else ()) + scope.user_rules
    return rows, scope.state_rules[len(STATE_RULES):]


def extra_codes(scope: Any = None) -> list[str]:
    """The codes the scope's rows bring beyond the known catalogue, in row order."""
    rows, state = extra_rows(scope)
    return [c for c in dict.fromkeys(r.code for r in rows + state) if c not in KNOWN]


def known(code: str) -> Optional[Any]:
    """The catalogue entry of a known or limit code (a rule module's is known by its rows)."""
    return KNOWN.get(code) or LIMIT_CODES.get(code)


def message(code: str, rows: tuple[Any, ...], rule_message: Any) -> str:
    """The message ``explain`` and ``codes`` show for ``code``."""
    found = known(code) or entry(code)
    return found.message if found is not None else rule_message(rows[0])


def policy_line(row: Any, scope: Any) -> list[str]:
    """``policy: warn (in force)`` when the scope's policy changes ``row``."""
    action = scope.action_for(row) if scope is not None else None
    return [] if action is None else [f"  policy:     {action} (in force)"]


def example_options(rule: Any, scope: Any) -> dict[str, Any]:
    """Preflight keywords that judge ``rule``'s examples by the exchange's rows and itself:
    the scope's limits and modules, every other row of theirs ignored."""
    if scope is None:
        return {}
    others = {r.name: "ignore" for r in extra_rows(scope)[0] if rule is None or r is not rule}
    return {"rules": scope.rule_modules, "limits": scope.limits, "policy": others or None}


__all__ = ["extra_rows", "extra_codes", "known", "message", "policy_line", "example_options",
           "LIMIT_CODES"]
