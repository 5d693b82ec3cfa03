"""Text generated from the rule declarations: the README's rule and code tables, and what
``oxpreflight codes`` / ``oxpreflight explain CODE`` print.

Derived from ``rules.RULES`` (rows ``check`` enforces), ``rules.STATE_RULES`` (a session's),
the catalogue (``rules.catalogue.KNOWN``: the exchange's table, then the observed codes) and
``rules/server.py``; nothing is hand-written, so a test regenerates the README tables.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Optional

import orjson

from .rules import OBSERVED_CODES, RULES, SERVER_CODES, SESSION_CODES, STATE_RULES
from .rules.catalogue import KNOWN
from .docs_scope import LIMIT_CODES, example_options, extra_codes, extra_rows, policy_line
from .docs_scope import known as scoped_known, message as scoped_message
from .rules.ccxt import CCXT, KEPT
from .rules.language import CANCEL_COMMANDS, COMMANDS, MODIFY_COMMANDS, ORDER_COMMANDS, Rule
from .validators.fixing import fixable

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
    """The message of a rule's code (the row's own for a code outside the known catalogue), or
    the warning text of a warning rule."""
    if rule.is_warning:
        return rule.warning.replace("{value}", "xxx").replace("{fill}", "xxx")
    return rule.message if rule.message is not None else KNOWN[rule.code].message


def rules_for(code: str, scope: Any = None) -> tuple:
    """The rules that report ``code``, in check order (with a Preflight ``scope``, its limits'
    and rule modules' rows too: :mod:`oxpreflight.docs_scope`)."""
    return tuple(rule for rule in RULES + extra_rows(scope)[0] if rule.code == code)


def state_rules_for(code: str, scope: Any = None) -> tuple:
    """The session rows that report ``code``, in the session's check order."""
    return tuple(row for row in STATE_RULES + extra_rows(scope)[1] if row.code == code)


def session_reason(code: str, scope: Any = None) -> str:
    """Why only a session can tell ``code`` (``""`` when it is no session code)."""
    reasons = SESSION_CODES
    if code in reasons:
        return reasons[code]
    return "; ".join(row.doc for row in state_rules_for(code, scope))


def enforced_by(code: str, scope: Any = None) -> Optional[str]:
    """``"check"`` (a rule row), ``"session"`` (a session row), ``"server"`` (no row: only the
    exchange can tell), ``None`` when nothing accounts for the code."""
    if rules_for(code, scope):
        return "check"
    if state_rules_for(code, scope):
        return "session"
    if code in SERVER_CODES or code in OBSERVED_CODES:
        return "server"
    return None


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def rule_table_markdown() -> str:
    """The README's table of rules: one row per rule, in check order (deterministic), named
    by its rule name (no running number: a new row changes one line of the table)."""
    lines = ["| rule | code | message | commands | fails when |",
             "|---|---|---|---|---|"]
    for rule in RULES:
        lines.append("| " + " | ".join(_cell(part) for part in (
            rule.name, rule.code, rule_message(rule), commands_text(rule.commands),
            rule.fails.describe())) + " |")
    return "\n".join(lines) + "\n"


# -- codes ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CodeRow:
    """What the project does for one code of the exchange's table.

    ``status``: ``"enforced"`` (by ``rules``, and by the session too when ``session`` is set),
    ``"session"`` (only a session can tell; ``reason`` says what it needs), ``"server"`` (a
    failure inside the exchange) or ``"missing"`` (a defect: a test asserts there is none).
    ``source`` is set for an observed code (not in the exchange's table): where it was seen.
    """

    code: str
    message: str
    status: str
    rules: tuple
    reason: str
    source: str = ""

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

    @property
    def observed(self) -> bool:
        """A code of the observed catalogue, not of the exchange's table."""
        return bool(self.source)


def code_rows(scope: Any = None) -> list[CodeRow]:
    """One :class:`CodeRow` per code of the exchange's table, in the table's order, then one
    per observed code (then, with a Preflight ``scope``, one per code its rows add)."""
    rows = []
    for code, entry in KNOWN.items():
        rules = rules_for(code)
        session = session_reason(code)
        server = SERVER_CODES.get(code) or OBSERVED_CODES.get(code)
        if rules:
            row = CodeRow(code, entry.message, "enforced", rules, session)
        elif session:
            row = CodeRow(code, entry.message, "session", (), session)
        elif server:
            row = CodeRow(code, entry.message, "server", (), server)
        else:
            row = CodeRow(code, entry.message, "missing", (), "")
        rows.append(CodeRow(row.code, row.message, row.status, row.rules, row.reason,
                            entry.source))
    for code in extra_codes(scope):
        rules, state = rules_for(code, scope), state_rules_for(code, scope)
        rows.append(CodeRow(code, scoped_message(code, rules or state, rule_message),
                            "enforced" if rules else "session", rules,
                            session_reason(code, scope)))
    return rows


def codes_table(scope: Any = None) -> str:
    """The exchange's table with what the project does for each code (``oxpreflight codes``):
    the code and message on one line, what oxpreflight does indented below."""
    out = []
    for row in code_rows(scope):
        out.append(f"{row.code:<7} {row.message}")
        out.append(f"{'':<7} {row.what}")
        if row.observed:
            out.append(f"{'':<7} observed, not in the exchange's table: {row.source}")
    return "\n".join(out) + "\n"


def codes_table_markdown() -> str:
    """:func:`codes_table` as a markdown table (for the README)."""
    lines = ["| code | message | what oxpreflight does |", "|---|---|---|"]
    for row in code_rows():
        what = row.what + (f" (observed, not in the exchange's table: {row.source})"
                           if row.observed else "")
        lines.append(f"| {row.code} | {_cell(row.message)} | {_cell(what)} |")
    return "\n".join(lines) + "\n"


# -- explain ---------------------------------------------------------------------------------------
def example_frame(rule: Rule, example: Any) -> Any:
    """A rule example as a whole frame: texts and frames with ``op`` as they are, a bare
    ``data`` object wrapped as ``{"op": <first command>, "tag": 1, "data": example}``."""
    if isinstance(example, (str, bytes)) or (isinstance(example, dict) and "op" in example):
        return example
    return {"op": rule.commands[0], "tag": 1, "data": example}


def _example_preflight(rule: Optional[Rule] = None, scope: Any = None):
    from .preflight import Preflight
    from .rules.examples import MARKETS, NOW
    from .rules.markets import Unlisted

    extra = example_options(rule, scope)
    if rule is not None and isinstance(rule.fails, Unlisted):  # only the embedded is open-world
        return Preflight(clock=lambda: NOW, **extra)
    return Preflight(markets=MARKETS, clock=lambda: NOW, **extra)


def _jsonable(example: Any) -> Any:
    """An example as JSON-able data: bytes as text (bytes that are not UTF-8 as ``\\xNN``
    escapes), anything JSON cannot hold (``Decimal``) as its text."""
    if isinstance(example, (bytes, bytearray)):
        return bytes(example).decode("utf-8", "backslashreplace")
    return json.loads(json.dumps(example, default=str))


def _shown(frame: Any) -> str:
    frame = _jsonable(frame)
    text = frame if isinstance(frame, str) else json.dumps(frame, separators=(",", ":"),
                                                           ensure_ascii=False)
    if len(text) > EXAMPLE_WIDTH:
        return printable(f"{text[:EXAMPLE_WIDTH]}... ({len(text):,} characters)")
    return printable(text)


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


def explain(code: str, preflight: Optional[Any] = None, scope: Any = None) -> str:
    """The code, its message, and each rule reporting it with its condition and examples run
    through ``Preflight(markets=rules.examples.MARKETS, clock=lambda: NOW)``. With a Preflight
    ``scope``, its limits' and rule modules' rows are included and the policy it applies."""
    rules, state = rules_for(code, scope), state_rules_for(code, scope)
    if scoped_known(code) is None and not rules and not state:
        raise UnknownCode(code)
    message = scoped_message(code, rules or state, rule_message)
    out = [f"{code}  {message}", ""]
    if code in KNOWN and KNOWN[code].observed:
        out += [f"Observed, not in the exchange's table. Source: {KNOWN[code].source}", ""]
    session = session_reason(code, scope)
    if not rules:
        if session:
            out.append(f"No frame-only rule: a session enforces it ({session}).")
        elif code in SERVER_CODES:
            out.append(f"No rule: server-only, {SERVER_CODES[code]}.")
        elif code in OBSERVED_CODES:
            out.append(f"No rule: {OBSERVED_CODES[code]}.")
        elif code in LIMIT_CODES:
            out.append("A pre-trade limit, off: on with Preflight(limits=Limits(...)) or "
                       "[tool.oxpreflight.limits].")
        else:
            out.append("Not accounted for by any rule, the session or the server list.")
        return "\n".join(out + [""] + _state_rows_text(code, scope))
    pf = preflight if preflight is not None else _example_preflight(None, scope)
    if session:
        out += [f"A session also enforces it: {session}.", ""]
    for rule in rules:
        out.append(f"rule {rule.name}" + (" (warning, never a rejection)"
                                          if rule.is_warning else ""))
        out.append(f"  defined at: {rule.where}")
        out.append(f"  {rule.doc}")
        if rule.why:
            out.append(f"  why:        {rule.why}")
        if rule.error:
            out.append(f"  raises:     {rule.error} (from a guarded send){_ccxt_note(code)}")
        out.append(f"  commands:   {', '.join(rule.commands)}")
        out.append(f"  fails when: {rule.fails.describe()}")
        out.append(f"  fix:        {fixable(rule) or 'not fixable'}")
        out += policy_line(rule, scope)
        for label, example in (("failing example", rule.bad), ("passing example", rule.good)):
            frame = example_frame(rule, example)
            out.append(f"  {label}:")
            out.append(f"    {_shown(frame)}")
            runner = pf if preflight is not None else _example_preflight(rule, scope)
            out.append(f"    -> {verdict_text(runner.check(frame))}")
        out.append("")
    return "\n".join(out + _state_rows_text(code, scope))


def _ccxt_note(code: str) -> str:
    theirs = CCXT.get(code)
    if theirs is None:
        return "; ccxt 4.4 has no class for it"
    if code in KEPT:
        return f"; ccxt 4.4 raises {theirs}, kept here: {KEPT[code]}"
    return "; as ccxt 4.4"


def _state_rows_text(code: str, scope: Any = None) -> list:
    out = []
    for row in state_rules_for(code, scope):
        out.append(f"session row {row.name}")
        out.append(f"  defined at: {row.where}")
        out.append(f"  {row.doc}")
        out.append(f"  commands:   {', '.join(row.commands)}")
        out += policy_line(row, scope)
        if row.why:
            out.append(f"  why:        {row.why}")
        out.append(f"  failing scenario: {_shown(row.bad)}")
        out.append(f"  passing scenario: {_shown(row.good)}")
        out.append("")
    return out


# -- as data (``codes --json``, ``explain --json``) ---------------------------------------------
def rule_data(row: Any) -> dict:
    """One row (a ``Rule`` or a session ``StateRule``) as JSON-able data: ``name``, ``where``,
    ``doc``, ``why``, ``bad``, ``good`` (a rule's examples as whole frames), ``fix`` (how
    ``Preflight.fix`` repairs it, ``None`` when it does not)."""
    bad, good, fix = row.bad, row.good, None
    if isinstance(row, Rule):
        bad, good = example_frame(row, bad), example_frame(row, good)
        fix = fixable(row)
    return {"name": row.name, "where": row.where, "doc": row.doc, "why": row.why,
            "bad": _jsonable(bad), "good": _jsonable(good), "fix": fix}


def _rows_data(code: str, scope: Any = None) -> list:
    rows = rules_for(code, scope) + state_rules_for(code, scope)
    return [rule_data(r) | ({} if scope is None else {"policy": scope.action_for(r)})
            for r in rows]


def codes_data(scope: Any = None) -> list:
    """``oxpreflight codes --json``: one object per code of the exchange's table, in its order,
    then per observed code: ``{"code", "message", "enforced_by": "check" | "session" |
    "server", "rules": [...], "observed": bool}`` (``rules``: :func:`rule_data` of each row
    reporting the code, check rows first; an observed code also has ``"source"``). With a
    Preflight ``scope``, the codes its rows add follow, and each row has ``policy`` (the
    action in force, or ``None``)."""
    out = []
    for code, entry in KNOWN.items():
        row = {"code": code, "message": entry.message, "enforced_by": enforced_by(code, scope),
               "rules": _rows_data(code, scope), "observed": entry.observed}
        if entry.observed:
            row["source"] = entry.source
        out.append(row)
    for code in extra_codes(scope):
        rows = rules_for(code, scope) or state_rules_for(code, scope)
        out.append({"code": code, "message": scoped_message(code, rows, rule_message),
                    "enforced_by": enforced_by(code, scope), "rules": _rows_data(code, scope),
                    "observed": False})
    return out


def explain_data(code: str, scope: Any = None) -> dict:
    """``oxpreflight explain --json CODE``: ``{"code", "message", "enforced_by", "rules",
    "reason"}``; ``reason`` says why no row checks the code locally (server-only codes, and
    session codes without a row), else ``None``. :class:`UnknownCode` for an unknown code."""
    rules, state = rules_for(code, scope), state_rules_for(code, scope)
    if scoped_known(code) is None and not rules and not state:
        raise UnknownCode(code)
    message = scoped_message(code, rules or state, rule_message)
    reason = None
    if code in SERVER_CODES and not rules and not state:
        reason = SERVER_CODES[code]
    elif code in OBSERVED_CODES and not rules and not state:
        reason = OBSERVED_CODES[code]
    elif not rules and not state:
        reason = session_reason(code) or None
    entry = KNOWN.get(code)
    data = {"code": code, "message": message, "enforced_by": enforced_by(code, scope),
            "rules": _rows_data(code, scope), "reason": reason,
            "observed": entry is not None and entry.observed}
    if entry is not None and entry.observed:
        data["source"] = entry.source
    return data


# -- text for terminals and JSON lines ------------------------------------------------------------
def printable(text: str) -> str:
    """``text`` with lone surrogates (from ``\\ud8xx`` escapes) shown as escapes, so it can be
    written to a UTF-8 stream."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def json_text(obj: Any) -> str:
    """Compact JSON for one output line (lone surrogates escaped, never an error)."""
    try:
        return orjson.dumps(obj).decode()
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(obj, separators=(",", ":"))
