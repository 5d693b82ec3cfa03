"""Policy: what the user chooses to enforce, Python-warnings style. A selector (an exact code
``"W002"``, a rule name ``"order-time-in-force"``, or a code prefix ending in ``*``) maps to an
action: ``"error"`` (a warning row rejects, with its own code), ``"warn"`` (a rejection row
becomes a notice with its code and message), ``"ignore"`` (the row is off). The most specific
selector wins: a name over a code over a prefix, a longer prefix over a shorter one.

Policy is applied to the rows before they are compiled (:func:`apply`). The frame's own rows
(length, JSON, op, tag, payload shape: ``Envelope`` conditions) are the engine's and cannot be
relaxed; a selector that names only such rows is a ``ValueError``.
"""
from __future__ import annotations

import dataclasses
from types import MappingProxyType
from typing import Any, Iterable, Mapping, Optional

from .language import Envelope, Rule, StateRule
from .local import DEFAULT_ERROR, entry

ACTIONS = ("error", "warn", "ignore")


class Policy:
    """A checked policy: ``selector -> action``, resolved per row by :meth:`action`."""

    __slots__ = ("mapping", "_names", "_codes", "_prefixes")

    def __init__(self, mapping: Mapping[str, str]):
        self.mapping = MappingProxyType(dict(mapping))
        self._names: dict[str, str] = {}
        self._codes: dict[str, str] = {}
        self._prefixes: list[tuple[str, str]] = []
        for selector, action in self.mapping.items():
            if selector.endswith("*"):
                self._prefixes.append((selector[:-1], action))
            elif _is_code(selector):
                self._codes[selector] = action
            else:
                self._names[selector] = action
        self._prefixes.sort(key=lambda pair: -len(pair[0]))

    def action(self, row: Any) -> Optional[str]:
        """The action for ``row`` (a :class:`Rule` or :class:`StateRule`), ``None`` when no
        selector matches."""
        if row.name in self._names:
            return self._names[row.name]
        if row.code in self._codes:
            return self._codes[row.code]
        for prefix, action in self._prefixes:
            if row.code.startswith(prefix):
                return action
        return None

    def __bool__(self) -> bool:
        return bool(self.mapping)

    def __repr__(self) -> str:
        return f"Policy({dict(self.mapping)!r})"


def _is_code(selector: str) -> bool:
    """``20018``, ``W002``, ``R001``: digits, or one capital letter and digits."""
    head = selector[1:] if selector[:1].isalpha() and selector[:1].isupper() else selector
    return head.isdigit() and head.isascii()


def _fixed(row: Any) -> bool:
    return isinstance(row, Rule) and isinstance(row.fails, Envelope)


def parse(policy: Optional[Mapping[str, str]], rows: Iterable[Any]) -> Policy:
    """``policy`` checked against ``rows`` (every row in force: the exchange's, the limits',
    the user's, the session's). An unknown selector or action is a ``ValueError`` naming it."""
    if policy is None:
        return Policy({})
    if not isinstance(policy, Mapping):
        raise ValueError("policy must map selectors to actions, e.g. {'W002': 'error'}")
    rows = tuple(rows)
    for selector, action in policy.items():
        if not isinstance(selector, str) or not selector or selector.strip() != selector:
            raise ValueError(f"policy selector {selector!r}: a code, a rule name or a code "
                             f"prefix ending in *")
        if action not in ACTIONS:
            raise ValueError(f"policy {selector!r}: unknown action {action!r} "
                             f"(one of {', '.join(ACTIONS)})")
        if selector.endswith("*"):
            prefix = selector[:-1]
            if "*" in prefix or not any(r.code.startswith(prefix) for r in rows):
                raise ValueError(f"policy selector {selector!r} matches no rule's code")
            continue
        picked = [r for r in rows if selector in (r.name, r.code)]
        if not picked:
            raise ValueError(f"policy selector {selector!r}: no rule has this code or name")
        if all(_fixed(r) for r in picked):
            raise ValueError(f"policy selector {selector!r}: the frame's own checks (length, "
                             f"JSON, op, tag, payload) cannot be relaxed")
    return Policy(policy)


def _as_warning(rule: Rule) -> Rule:
    """A rejection row as a notice with its code and message (``xxx`` as the fill)."""
    known = entry(rule.code)
    message = rule.message if rule.message is not None else (
        known.message if known is not None else rule.code)
    text = message.replace("{", "{{").replace("}", "}}").replace("xxx", "{fill}")
    return dataclasses.replace(rule, warning=text, where=rule.where)


def _as_error(rule: Rule) -> Rule:
    """A warning row as a rejection with its code, its message the warning's text."""
    text = rule.warning or rule.code
    fill = rule.fill
    if "{value}" in text:
        fill = "value"  # one fill per message: a second one (W002's tick) is left out
        text = text.replace(" {fill}", "")
    text = text.replace("{value}", "xxx").replace("{fill}", "xxx")
    text = text.replace("{{", "{").replace("}}", "}")
    return dataclasses.replace(rule, warning=None, message=text, fill=fill,
                               error=rule.error or DEFAULT_ERROR, where=rule.where)


def apply(rows: Iterable[Rule], policy: Policy) -> tuple[Rule, ...]:
    """``rows`` with ``policy`` applied: ignored rows dropped, the others converted."""
    out = []
    for row in rows:
        action = None if _fixed(row) or not policy else policy.action(row)
        if action == "ignore":
            continue
        if action == "warn" and not row.is_warning:
            row = _as_warning(row)
        elif action == "error" and row.is_warning:
            row = _as_error(row)
        out.append(row)
    return tuple(out)


def state_actions(rows: Iterable[StateRule], policy: Policy) -> dict[str, str]:
    """``row name -> "warn" | "ignore"`` for the session rows the policy relaxes."""
    out = {}
    for row in rows:
        action = policy.action(row) if policy else None
        if action in ("warn", "ignore"):
            out[row.name] = action
    return out


__all__ = ["ACTIONS", "Policy", "parse", "apply", "state_actions"]
