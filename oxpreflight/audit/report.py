"""What an audit finds: the replies owed (:class:`Expected`), the replies that contradict the
local verdict (:class:`Disagreement`) and the counts of a replay (:class:`AuditReport`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..docs import printable
from ..validators.verdict import Verdict

#: Line numbers kept per disagreement group in the summary (the count is always exact).
LINES_SHOWN = 20


@dataclass
class Expected:
    """A reply the exchange owes for one sent frame (or one item of a sent batch)."""

    line: int
    op: Optional[str]
    event: Optional[str]     # the reply's event (batch items answer with the singular op)
    tag: Optional[str]       # as text; None when the frame had none (or was not JSON)
    item: Optional[int]      # position in dataArray, for batches
    client_id: Optional[str]
    verdict: Verdict
    timed: bool = True       # the sent line had a "ts"


@dataclass
class Disagreement:
    """A reply that contradicts the local verdict."""

    kind: str                # "exchange-rejected", "local-rejected" or "codes-differ"
    expected: Expected
    reply_line: int
    code: Optional[str]      # the exchange's code (None when it accepted)
    message: Optional[str]   # the exchange's message

    @property
    def key(self) -> str:
        """The group in the summary: the exchange's code, the local one, or ``local -> theirs``."""
        local = self.expected.verdict.code
        if self.kind == "exchange-rejected":
            return str(self.code)
        if self.kind == "local-rejected":
            return str(local)
        return f"{local} -> {self.code}"

    def where(self) -> str:
        """``placeorder tag 3 dataArray[1]``: what was sent."""
        exp = self.expected
        text = exp.op if exp.op is not None else "frame"
        if exp.tag is not None:
            text += f" tag {exp.tag}"
        if exp.item is not None:
            text += f" dataArray[{exp.item}]"
        return text

    def text(self) -> str:
        """One line for a terminal."""
        local = self.expected.verdict
        mine = "local accepted" if local.ok \
            else f"local rejected {local.code} {local.message} [{local.rule}]"
        theirs = "exchange accepted" if self.kind == "local-rejected" \
            else f"exchange rejected {self.code} {self.message or ''}".rstrip()
        return printable(f"line {self.expected.line}: {self.where()}: {mine}, {theirs} "
                         f"(reply line {self.reply_line})")

    def as_dict(self) -> dict:
        """The disagreement as JSON-able data (one object per line of ``audit --json``)."""
        exp = self.expected
        exchange = {"ok": self.kind == "local-rejected", "code": self.code,
                    "message": self.message}
        return {"line": exp.line, "reply_line": self.reply_line, "kind": self.kind,
                "op": exp.op, "tag": exp.tag, "item": exp.item,
                "local": exp.verdict.as_dict(), "exchange": exchange}


KIND_TITLES = {
    "exchange-rejected": "exchange rejected, local accepted (code: the exchange's)",
    "local-rejected": "local rejected, exchange accepted (code: the local one)",
    "codes-differ": "both rejected, with different codes (local -> exchange)",
}


@dataclass
class AuditReport:
    """Counts and disagreements of one replay, grouped by kind and code.

    ``found`` holds every disagreement when the report comes from :func:`audit`; an
    :class:`Auditor` leaves it empty (it hands each one out from ``feed``).
    """

    sent: int = 0
    matched: int = 0
    disagreements: int = 0
    groups: dict = field(default_factory=dict)   # kind -> key -> [count, lines, message]
    unanswered: list = field(default_factory=list)
    unmatched: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # (line, reason)
    untimed: int = 0                             # sent lines without "ts"
    received: int = 0                            # received lines replayed (replies, pushes)
    found: list = field(default_factory=list)
    session_used: bool = True
    hints: list = field(default_factory=list)

    @property
    def agreements(self) -> int:
        return self.matched - self.disagreements

    def add(self, found: Disagreement) -> None:
        self.disagreements += 1
        group = self.groups.setdefault(found.kind, {}).setdefault(
            found.key, [0, [], found.message or found.expected.verdict.message])
        group[0] += 1
        if len(group[1]) < LINES_SHOWN:
            group[1].append(found.expected.line)

    def summary(self) -> str:
        """The table printed after the disagreements, with hints on likely causes."""
        rows = [("sent frames", self.sent), ("replies matched", self.matched),
                ("agreements", self.agreements), ("disagreements", self.disagreements),
                ("unanswered", len(self.unanswered)), ("unmatched replies", len(self.unmatched)),
                ("skipped lines", len(self.skipped))]
        width = max(len(name) for name, _ in rows)
        out = [f"{name:<{width}}  {value:>9,}" for name, value in rows]
        for title, lines in (("unanswered (sent lines)", [e.line for e in self.unanswered]),
                             ("unmatched replies (lines)", self.unmatched),
                             ("skipped lines", [f"{n} ({why})" for n, why in self.skipped])):
            if lines:
                out.append(f"{title}: {_line_list(lines, len(lines))}")
        for kind in KIND_TITLES:
            if kind in self.groups:
                out += ["", KIND_TITLES[kind] + ":"]
                for key, (count, lines, message) in sorted(
                        self.groups[kind].items(), key=lambda kv: (-kv[1][0], kv[0])):
                    out.append(printable(f"  {key:<15} {count:>7,}  {message or ''}  "
                                         f"(lines {_line_list(lines, count)})"))
        return "\n".join(out + (["", *self.hints] if self.hints else [])) + "\n"


def _line_list(lines: list, total: int) -> str:
    text = ", ".join(str(n) for n in lines[:LINES_SHOWN])
    return text + (f", ... {total - LINES_SHOWN:,} more" if total > LINES_SHOWN else "")
