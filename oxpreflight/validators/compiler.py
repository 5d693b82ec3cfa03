"""Compile the rule tables into one :class:`CommandPlan` per command, once, when a Preflight is
built: the plan head (tag and payload rows), the general item function and its fast paths.
The expressions come from each condition class's declaration
(:mod:`oxpreflight.validators.kinds`). Each emitter returns a Python expression for its condition; each rule becomes one
``if <expression>: return <failure>`` under a ``# CODE rule-name`` comment, in table order, so
the table order *is* the check order. A value a condition needs (a field, its number, the
market) is read once, just before the first rule that needs it. Constants carry the rule's
name. ``plan.source`` keeps the generated code for review.

Per command the compiler writes the general item function, and fast paths: the same rows
specialised for one ``orderType`` (its guards decided at compile time, the number fields no
surviving rejection row reads taken as absent) and for a frame whose keys are all allowed (no
unknown-field work). A fast path reads and types every value first: numbers as finite floats
(a plain numeric string of at most 15 characters stands for its float exactly), integers as
small ints; anything unusual returns the general item function's result. The plan enters a fast
path when the item's keys allow it; ``general`` runs the general item function only, and the
differential test holds the two to identical verdicts.

Generated functions return a tuple ``(rule, value, fill)`` for a rejection; for a single
command ``None`` or a list of ``(rule, value, fill)`` warnings when it passes; for a batch, a
list with one such result per item. ``S`` is a list whose first item the size bound is added
to; a fast path appends to it when its rejection is proven to fit (see
:mod:`oxpreflight.validators.sizing`). ``T`` reads the clock, only where a row needs it.
"""
from __future__ import annotations

from itertools import repeat
from typing import Any, Callable, Optional

from ..rules import ENUMS, language as D
from ..rules.catalogue import CatalogueError, code as catalogue_code
from ..rules.channels import CHANNEL
from . import exact, limits
from .kinds import RuleError, conditions, validate_rows
from .writer import ENGINE_CHECKS, HEAD_CHECKS, Body, CommandPlan, const_name
from .sizing import FIELD_ROOM, proven, size_bound

#: Tag limits of the 20034 row: a tag's text is at most 32 characters.
TAG_CHARS = 32
_FAST_FIELD = {"placeorder": "orderType"}  # the field whose value picks a fast path


def _indent(lines: list[str], depth: int) -> list[str]:
    return ["    " * depth + line if line else line for line in lines]


def _head(op: str, rows: dict[str, D.Rule], consts: dict[str, Any], batch: bool) -> list[str]:
    """Tag and payload checks, from the Envelope rows that apply to ``op``."""
    out: list[str] = []
    for name, rule in rows.items():
        consts[const_name(rule)] = rule
    ref = {name: const_name(rule) for name, rule in rows.items()}
    if "bad_tag" in rows or "tag_too_long" in rows:
        out += ["tag = frame.get('tag')", "if tag.__class__ is str:",
                "    if not tag.isascii():  # TAG_ROOM holds any tag of 32 characters but these",
                "        S[0] += size_bound(tag)"]
        if "tag_too_long" in rows:
            rule = rows["tag_too_long"]
            out += [f"    # {rule.code} {rule.name}", f"    if len(tag) > {TAG_CHARS}:",
                    f"        return ({ref['tag_too_long']}, tag, None)",
                    "elif tag.__class__ is int:",
                    f"    # {rule.code} {rule.name}",
                    f"    if not -{10 ** (TAG_CHARS - 1)} < tag < {10 ** TAG_CHARS}:",
                    f"        return ({ref['tag_too_long']}, tag, None)"]
        else:
            out += ["elif tag.__class__ is int:", "    pass"]
        if "bad_tag" in rows:
            rule = rows["bad_tag"]
            out += ["elif tag is not None:", f"    # {rule.code} {rule.name}",
                    f"    return ({ref['bad_tag']}, tag, None)"]
    if "bad_payload" in rows:
        rule = rows["bad_payload"]
        note, bad = f"# {rule.code} {rule.name}", ref["bad_payload"]
        if op in D.SUBSCRIPTION_COMMANDS:
            out += ["d = frame.get('args')", note,
                    "if d.__class__ is not list or not all(a.__class__ is str for a in d):",
                    f"    return ({bad}, d, None)", "S[0] += sum(size_bound(a) + 1 for a in d)"]
            out += _channels(rows, ref, consts)
        elif batch:
            out += ["items = frame.get('dataArray')", note,
                    "if items.__class__ is not list or not items:",
                    f"    return ({bad}, items, None)"]
        else:
            out += ["d = frame.get('data')", note, "if d.__class__ is not dict:",
                    f"    return ({bad}, d, None)"]
    return out


def _channels(rows: dict[str, D.Rule], ref: dict[str, str], consts: dict[str, Any]
              ) -> list[str]:
    """The subscription warnings: an empty ``args``, channel names the docs do not list."""
    out: list[str] = []
    if "no_channels" in rows:
        rule = rows["no_channels"]
        out += [f"# {rule.code} {rule.name}", "if not d:",
                f"    return [({ref['no_channels']}, d, None)]"]
    if "unknown_channel" in rows:
        rule = rows["unknown_channel"]
        consts["CHANNEL"] = CHANNEL
        out += [f"# {rule.code} {rule.name}", "odd = [a for a in d if not CHANNEL(a)]",
                "if odd:", f"    return [({ref['unknown_channel']}, odd[0], tuple(odd))]"]
    return out


def _function(name: str, body: list[str]) -> list[str]:
    return ["", "", f"def {name}(d, M, X, T, S):"] + _indent(body, 1)


def _pick(op: str, known: str, general: str, emit: str = "return {}") -> list[str]:
    """Lines that pass the item's result to ``emit`` through its fast path when the item's
    keys allow it (all documented; for placeorder, all allowed for the orderType it names),
    else through the general item function."""
    picker = _FAST_FIELD.get(op)
    fast = "item_documented(d, M, X, T, S)"
    slow = emit.format(f"{general}(d, M, X, T, S)")
    if picker is None:
        return [f"if d.keys() <= {known}:", "    " + emit.format(fast), "else:", "    " + slow]
    # An item that also holds documented fields its type's path takes as absent (a dataclass
    # or ``model_dump`` writes ``"stopPrice": null`` on a LIMIT) takes the path when those
    # are null: null counts as absent everywhere.
    return [f"value = d.get({picker!r})",
            "if value.__class__ is str and value in FAST_PATHS and (d.keys() <= FAST_KEYS[value]",
            f"        or d.keys() <= {known} and FAST_NULLS[value](d)):",
            "    " + emit.format("FAST_PATHS[value](d, M, X, T, S)"), "else:", "    " + slow]


def _foreign(fields: dict[str, D.FieldSpec], rules: list[D.Rule], consts: dict[str, Any],
             fixed: dict[str, str]) -> frozenset[str]:
    """Number fields no rejection row reads once ``fixed`` is known (``stopPrice`` on a LIMIT
    order): a fast path takes them as absent, and a frame that has one takes the general
    path."""
    probe = Body(fields, [], dict(consts), fixed=fixed, documented_only=True)
    for rule in rules:
        if not rule.is_warning:
            probe.expr(rule.fails)  # reads what the row's folded condition needs
    used = {var[2:] for var in probe.read if var[:2] in ("r_", "n_", "i_")}
    return frozenset(f for f, spec in fields.items() if spec.kind == "number") - used


def _items(op: str, fields: dict[str, D.FieldSpec], rules: list[D.Rule],
           consts: dict[str, Any]) -> list[str]:
    """``item_general``, the fast paths and ``item`` (which picks one) for ``op``'s items."""
    lines = _function("item_general", Body(fields, rules, consts).body())
    picker = _FAST_FIELD.get(op)
    known = Body(fields, [], consts).known
    if picker is None:
        lines += _function("item_documented",
                           Body(fields, rules, consts, documented_only=True).body())
    else:
        values = _enumeration(rules, picker)
        keys: list[str] = []
        nulls: list[str] = []
        for value in values:
            fixed = {picker: value}
            absent = _foreign(fields, rules, consts, fixed)
            body = Body(fields, rules, consts, fixed=fixed, documented_only=True, absent=absent)
            lines += _function(f"item_{value.lower()}", body.body())
            allowed = body.const("ALLOWED_" + value, frozenset(fields) - absent)
            keys.append(f"    {value!r}: {allowed},")
            tests = " and ".join(f"d.get({f!r}) is None" for f in sorted(absent)) or "True"
            nulls += ["", "", f"def nulls_{value.lower()}(d):", f"    return {tests}"]
        lines += nulls
        lines += ["", "", "FAST_PATHS = {"] + [f"    {v!r}: item_{v.lower()}," for v in values]
        lines += ["}", "FAST_KEYS = {"] + keys + ["}", "FAST_NULLS = {"]
        lines += [f"    {v!r}: nulls_{v.lower()}," for v in values] + ["}"]
    return lines


def _enumeration(rules: list[D.Rule], field: str) -> tuple[str, ...]:
    for rule in rules:
        for cond in conditions(rule.fails):
            if isinstance(cond, D.NotOneOf) and cond.field == field:
                return tuple(cond.values)
    if field in ENUMS:  # its row was switched off by a policy: the values are still the fast paths
        return tuple(ENUMS[field])
    raise RuleError(f"no NotOneOf row names the values of {field!r}")


def _validate(rules: tuple[D.Rule, ...]) -> None:
    validate_rows(rules)
    for rule in rules:
        if not rule.is_warning and rule.message is None:
            catalogue_code(rule.code)  # raises CatalogueError for a code not in the table
        unknown = set(rule.commands) - set(D.COMMANDS)
        if unknown:
            raise RuleError(f"rule {rule.code}: unknown commands {sorted(unknown)}")
        for cond in conditions(rule.fails):
            if isinstance(cond, D.Envelope) and cond.name not in ENGINE_CHECKS | HEAD_CHECKS:
                raise RuleError(f"rule {rule.name}: unknown envelope check {cond.name!r}")


def compile_plans(rules: tuple[D.Rule, ...], fields: dict[str, dict[str, D.FieldSpec]],
                  open_markets: Optional[Callable[[str], Any]] = None,
                  ops: tuple[str, ...] = D.COMMANDS) -> dict[str, CommandPlan]:
    """One :class:`CommandPlan` per command (of ``ops``), from the rule rows in table order.

    ``open_markets``: for an open-world catalogue, ``code -> MarketRecord | None`` resolving a
    market code the table does not list (``None`` when it is malformed)."""
    _validate(rules)
    plans = {}
    for op in ops:
        item_op = D.BATCH_OF.get(op, op)
        batch = op in D.BATCH_OF
        applying = [r for r in rules if op in r.commands]
        head_rows = {r.fails.name: r for r in applying
                     if isinstance(r.fails, D.Envelope) and r.fails.name in HEAD_CHECKS}
        item_rules = [r for r in applying if not isinstance(r.fails, D.Envelope)]
        consts: dict[str, Any] = {}
        head = _head(op, head_rows, consts, batch)
        lines = [f"def run_{op}(frame, M, X, T, S):"] + _indent(head, 1)
        general: Optional[list[str]] = None
        if op in D.SUBSCRIPTION_COMMANDS:
            lines += _indent(["return None"], 1)
        else:
            general = [f"def general_{op}(frame, M, X, T, S):"] + _indent(head, 1)
            if batch:
                bad = const_name(head_rows["bad_payload"])
                timed = any(isinstance(c, (D.Inactive, D.Expired))
                            for r in item_rules for c in conditions(r.fails))
                once = ["now = T()",
                        "T = REPEAT(now).__next__  # one reading for the whole batch"]
                known = Body(fields.get(item_op, {}), [], consts).known
                pick = _pick(item_op, known, "item_general", "out.append({})")
                for out, step in ((lines, pick), (general, [
                        "out.append(item_general(d, M, X, T, S))"])):
                    out += _indent((once if timed else []) + [
                        "out = []", "for d in items:", "    if d.__class__ is dict:",
                        *_indent(step, 2), "    else:",
                        f"        out.append(({bad}, d, None))", "return out"], 1)
            else:
                known = Body(fields.get(item_op, {}), [], consts).known
                lines += _indent(_pick(item_op, known, "item_general"), 1)
                general += _indent(["return item_general(d, M, X, T, S)"], 1)
            lines += ["", ""] + general + _items(item_op, fields.get(item_op, {}),
                                                 item_rules, consts)
        source = "\n".join(lines) + "\n"
        namespace = {"exact": exact, "BAD": exact.BAD, "size_bound": size_bound, "PROVEN": proven,
                     "FIELD_ROOM": FIELD_ROOM, "OPEN": open_markets, "LIM": limits,
                     "REPEAT": repeat, **consts}
        try:
            exec(compile(source, f"<oxpreflight plan {op}>", "exec"), namespace)
        except SyntaxError as exc:  # a rule table bug: fail loudly at build time
            raise RuleError(f"plan for {op} does not compile: {exc}") from None
        run = namespace[f"run_{op}"]
        plans[op] = CommandPlan(op, run, namespace.get(f"general_{op}", run), tuple(applying),
                                source, batch)
    return plans


__all__ = ["CommandPlan", "RuleError", "CatalogueError", "compile_plans", "TAG_CHARS"]
