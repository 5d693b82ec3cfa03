"""Text generated from the rule declarations: the README's rule and code tables, and what
``oxpreflight codes`` / ``oxpreflight explain CODE`` print.

Everything here is derived from ``oxpreflight.rules.RULES``, the code catalogue
(``oxpreflight.rules.catalogue.CODES``) and ``rules/server.py``; nothing is written by hand, so
a test can regenerate the README tables and compare.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Optional

from .rules import RULES, SERVER_CODES, SESSION_CODES
from .rules.catalogue import CODES
from .rules.language import (
    CANCEL_COMMANDS, COMMANDS, MODIFY_COMMANDS, ORDER_COMMANDS, Rule,
)

#: Longest example text shown before it is cut (the 20027 example is 4,000+ characters).
EXAMPLE_WIDTH = 400


class UnknownCode(LookupError):
    """``explain`` was asked about a code neither the exchange's table nor a rule knows."""


# -- commands and rules ------------------------------------------------------------------------
_COMMAND_GROUPS = (
    (COMMANDS, "all"),
    (ORDER_COMMANDS, "placeorder(s)"),
    (CANCEL_COMMANDS, "cancelorder(s)"),
    (MODIFY_COMMANDS, "modifyorder(s)"),
)


def commands_text(commands: tuple) -> str:
    """``("placeorder", "placeorders")`` -> ``placeorder(s)``; all nine -> ``all``."""
    rest = list(commands)
    parts = []
    for group, label in _COMMAND_GROUPS:
        if all(op in rest for op in group):
            parts.append(label)
            rest = [op for op in rest if op not in group]
    return ", ".join(parts + rest)


def rule_message(rule: Rule) -> str:
    """The exchange's message for a rule's code, or the warning text of a warning rule."""
    if rule.is_warning:
        return rule.warning.replace("{value}", "xxx").replace("{fill}", "xxx")
    return CODES[rule.code].message


def rules_for(code: str) -> tuple:
    """The rules that report ``code``, in check order."""
    return tuple(rule for rule in RULES if rule.code == code)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def rule_table_markdown() -> str:
    """The README's table of rules: one row per rule, in check order (deterministic)."""
    lines = ["| # | code | rule | message | commands | fails when |",
             "|---|---|---|---|---|---|"]
    for number, rule in enumerate(RULES, 1):
        lines.append("| " + " | ".join(_cell(part) for part in (
            str(number), rule.code, rule.name, rule_message(rule), commands_text(rule.commands),
            rule.fails.describe())) + " |")
    return "\n".join(lines) + "\n"


# -- codes ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CodeRow:
    """What the project does for one code of the exchange's table.

    ``status``: ``"enforced"`` (by ``rules``, and by the session too when ``session`` is set),
    ``"session"`` (only a session can tell; ``reason`` says what it needs), ``"server"`` (a
    failure inside the exchange) or ``"missing"`` (a defect: a test asserts there is none).
    """

    code: str
    message: str
    status: str
    rules: tuple
    reason: str

    @property
    def what(self) -> str:
        """One phrase: which rules enforce it, or who can know it and why."""
        if self.status == "enforced":
            text = "enforced by " + ", ".join(r.name for r in self.rules)
            return text + (f"; session: {self.reason}" if self.reason else "")
        if self.status == "session":
            return f"session-enforced: {self.reason}"
        if self.status == "server":
            return f"server-only: {self.reason}"
        return "NOT ACCOUNTED FOR"


def code_rows() -> list[CodeRow]:
    """One :class:`CodeRow` per code of the exchange's table, in the table's order."""
    rows = []
    for code, entry in CODES.items():
        rules = rules_for(code)
        session = SESSION_CODES.get(code, "")
        if rules:
            rows.append(CodeRow(code, entry.message, "enforced", rules, session))
        elif session:
            rows.append(CodeRow(code, entry.message, "session", (), session))
        elif code in SERVER_CODES:
            rows.append(CodeRow(code, entry.message, "server", (), SERVER_CODES[code]))
        else:
            rows.append(CodeRow(code, entry.message, "missing", (), ""))
    return rows


def codes_table() -> str:
    """The exchange's table with what the project does for each code (``oxpreflight codes``):
    the code and message on one line, what oxpreflight does indented below."""
    out = []
    for row in code_rows():
        out.append(f"{row.code:<7} {row.message}")
        out.append(f"{'':<7} {row.what}")
    return "\n".join(out) + "\n"


def codes_table_markdown() -> str:
    """:func:`codes_table` as a markdown table (for the README)."""
    lines = ["| code | message | what oxpreflight does |", "|---|---|---|"]
    for row in code_rows():
        lines.append(f"| {row.code} | {_cell(row.message)} | {_cell(row.what)} |")
    return "\n".join(lines) + "\n"


# -- explain ---------------------------------------------------------------------------------------
def example_frame(rule: Rule, example: Any) -> Any:
    """A rule example as a whole frame: texts and frames with ``op`` as they are, a bare
    ``data`` object wrapped as ``{"op": <first command>, "tag": 1, "data": example}``."""
    if isinstance(example, (str, bytes)) or (isinstance(example, dict) and "op" in example):
        return example
    return {"op": rule.commands[0], "tag": 1, "data": example}


def _example_preflight(rule: Optional[Rule] = None):
    from . import Preflight
    from .rules.examples import MARKETS, NOW
    from .rules.markets import Unlisted

    if rule is not None and isinstance(rule.fails, Unlisted):  # only the embedded is open-world
        return Preflight(clock=lambda: NOW)
    return Preflight(markets=MARKETS, clock=lambda: NOW)


def _shown(frame: Any) -> str:
    text = frame if isinstance(frame, str) else json.dumps(frame, separators=(",", ":"),
                                                           ensure_ascii=False)
    if len(text) > EXAMPLE_WIDTH:
        return f"{text[:EXAMPLE_WIDTH]}... ({len(text):,} characters)"
    return text


def location(verdict: Any) -> str:
    """Where a verdict points: ``price``, ``dataArray[1].marketCode``, ``dataArray[1]``, ``""``."""
    where = verdict.field or ""
    if verdict.index is not None:
        where = f"dataArray[{verdict.index}]" + (f".{where}" if where else "")
    return where


def verdict_text(verdict: Any) -> str:
    """One line for a verdict: ``accepted`` (with warnings) or ``rejected CODE message``."""
    if verdict.ok:
        if not verdict.warnings:
            return "accepted"
        return "accepted with warnings: " + "; ".join(
            f"{w.code} {w.message}" for w in verdict.warnings)
    where = location(verdict)
    return f"rejected {verdict.code} {verdict.message}" + (f" (field {where})" if where else "")


def explain(code: str, preflight: Optional[Any] = None) -> str:
    """The code, its message, and each rule reporting it with its condition and examples run
    through ``Preflight(markets=rules.examples.MARKETS, clock=lambda: NOW)``."""
    rules = rules_for(code)
    if code not in CODES and not rules:
        raise UnknownCode(code)
    message = CODES[code].message if code in CODES else rule_message(rules[0])
    out = [f"{code}  {message}", ""]
    if not rules:
        if code in SESSION_CODES:
            out.append(f"No frame-only rule: a session enforces it ({SESSION_CODES[code]}).")
        elif code in SERVER_CODES:
            out.append(f"No rule: server-only, {SERVER_CODES[code]}.")
        else:
            out.append("Not accounted for by any rule, the session or the server list.")
        return "\n".join(out) + "\n"
    pf = preflight if preflight is not None else _example_preflight()
    if code in SESSION_CODES:
        out += [f"A session also enforces it: {SESSION_CODES[code]}.", ""]
    for rule in rules:
        out.append(f"rule {rule.name}" + (" (warning, never a rejection)"
                                          if rule.is_warning else ""))
        out.append(f"  {rule.doc}")
        out.append(f"  commands:   {', '.join(rule.commands)}")
        out.append(f"  fails when: {rule.fails.describe()}")
        for label, example in (("failing example", rule.bad), ("passing example", rule.good)):
            frame = example_frame(rule, example)
            out.append(f"  {label}:")
            out.append(f"    {_shown(frame)}")
            runner = pf if preflight is not None else _example_preflight(rule)
            out.append(f"    -> {verdict_text(runner.check(frame))}")
        out.append("")
    return "\n".join(out)
