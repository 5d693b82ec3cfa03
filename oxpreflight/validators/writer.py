"""The writer of item functions: reads each value once, writes one commented ``if`` per rule
row (expressions from each condition class's declaration, :mod:`oxpreflight.validators.kinds`),
and the size accounting of
:mod:`oxpreflight.validators.sizing`. Generated lines stay within ``WIDTH`` characters."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Optional

from ..rules import language as D
from .declaration import RuleError, conditions, kind_of
from .sizing import KEY_ROOM

WIDTH = 120
#: An int within signed 64 bits (at most 19 digits and a sign): its size is within ``VALUE_ROOM``.
INT64_RANGE = "-9223372036854775808 <= {r} <= 9223372036854775807"
#: An int a float holds exactly (|n| <= 2**53): its float stands for it exactly.
EXACT_INT_RANGE = "-9007199254740992 <= {r} <= 9007199254740992"
#: Envelope checks the engine makes itself, before any plan runs.
ENGINE_CHECKS = frozenset({"batch_timestamp_type", "batch_recv_window_type", "batch_expired",
                           "too_long", "not_json", "not_utf8", "too_deep", "unknown_op",
                           "internal_error"})
#: Envelope checks at the head of every plan.
HEAD_CHECKS = frozenset({"bad_tag", "tag_too_long", "bad_payload", "no_channels",
                         "unknown_channel"})


@dataclass(frozen=True)
class CommandPlan:
    """The compiled checks of one command: ``run`` (fast paths where they apply) and
    ``general`` (the general item function only) give the same results."""

    op: str
    run: Callable[..., Any]
    general: Callable[..., Any]
    rules: tuple[D.Rule, ...]
    source: str
    batch: bool


def _name(field: str) -> str:
    if not field.isidentifier() or len(field) > KEY_ROOM - 9:
        raise RuleError(f"field name {field!r} cannot be compiled")
    return field


def const_name(rule: D.Rule) -> str:
    """``order-market-code`` -> ``ORDER_MARKET_CODE``."""
    return re.sub(r"\W", "_", rule.name).upper() or f"RULE_{rule.code}"


def wrap(indent: str, head: str, expr: str, tail: str, width: int = WIDTH - 4) -> list[str]:
    """``head + expr + tail`` in lines of at most ``width`` characters (the function body
    is indented once more): a long expression is put in parentheses and broken between
    tokens (generated names and literals hold no spaces)."""
    line = indent + head + expr + tail
    if len(line) <= width:
        return [line]
    words = expr.split(" ")
    lines, current = [], indent + head + "("
    cont = indent + "        "
    for word in words:
        if len(current) + 1 + len(word) > width - 2 and not current.endswith("("):
            lines.append(current)
            current = cont + word
        else:
            current = current + ("" if current.endswith("(") else " ") + word
    lines.append(current + ")" + tail)
    return lines


class Body:
    """Writes the body of one item function: reads, conditions, failures."""

    def __init__(self, fields: dict[str, D.FieldSpec], rules: list[D.Rule],
                 consts: dict[str, Any], fixed: Optional[dict[str, str]] = None,
                 documented_only: bool = False, absent: frozenset[str] = frozenset()):
        self.fields = fields
        self.rules = rules
        self.consts = consts
        self.fixed = fixed or {}  # field -> value known at compile time (fast paths)
        self.absent = absent  # fields known to be missing (fast paths)
        #: Fast paths take numbers and integers as typed (finite floats, small ints) and hand
        #: anything else to the general item function.
        self.typed = documented_only
        self.general = "item_general(d, M, X, T, S)"
        self.documented_only = documented_only
        self.lines: list[str] = []
        self.read: set[str] = set()
        self.depth = 0
        self.facts: set[str] = set()
        self.known = self.const("KNOWN_FIELDS", frozenset(fields))

    def line(self, text: str) -> None:
        self.lines.append("    " * self.depth + text)

    def assign(self, var: str, expr: str) -> None:
        self.lines.extend(wrap("    " * self.depth, f"{var} = ", expr, ""))

    def const(self, name: str, value: Any) -> str:
        for key, known in self.consts.items():
            if known is value or (type(known) is type(value) and known == value
                                  and isinstance(value, (tuple, frozenset))):
                return key
        key, n = name, 2
        while key in self.consts:
            key, n = f"{name}_{n}", n + 1
        self.consts[key] = value
        return key

    # -- values ------------------------------------------------------------------------------
    def raw(self, field: str) -> str:
        if field in self.absent:
            return "None"
        if field in self.fixed:
            return repr(self.fixed[field])
        var = "r_" + _name(field)
        if var not in self.read:
            self.read.add(var)
            self.line(f"{var} = d.get({field!r})")
        return var

    def num(self, field: str) -> str:
        # Fast paths: a float stands for its shortest text; a plain decimal string of at most
        # 15 characters (so at most 15 digits) survives the round trip through a float, so the
        # float stands for it exactly too; so does the float of an int a float holds exactly
        # (JSON `68000`, as JavaScript and Go write 68000.0): converted once, it is compared
        # float to float (faster than int to float) and exactly.
        return self._typed(
            "n_", field, "{r} - {r} == 0", "exact.number({r}, S)",
            "{r}.__class__ is str and len({r}) < 16 and {r}.isascii() and "
            "{r}.replace('.', '', 1).isdigit()", "float", "float",
            optional_first="present:" + field not in self.facts,
            also=("{r}.__class__ is int and " + EXACT_INT_RANGE, "float({r})"))

    def int(self, field: str) -> str:
        # Fast paths: a digit string of at most 19 ASCII digits that is not above 2**63 - 1
        # (equal-length digit strings compare as their numbers) is a 64-bit int.
        return self._typed(
            "i_", field, INT64_RANGE, "exact.integer({r}, S)",
            "{r}.__class__ is str and len({r}) < 20 and {r}.isascii() and {r}.isdigit() and "
            "(len({r}) < 19 or {r} <= '9223372036854775807')",
            "int", "int", optional_first=True)

    def _typed(self, prefix: str, field: str, fits: str, exact: str, plain: str, kind: str,
               convert: str, optional_first: bool,
               also: Optional[tuple[str, str]] = None) -> str:
        """Read ``field`` once as a number (``kind`` float) or integer (``kind`` int): the
        general plan takes values of that class that pass ``fits`` as they are and hands the
        rest to ``exact``; a fast path takes them, or a ``plain`` string through ``convert``,
        or (``also``: test, value) another typed value, and returns the general item
        function's result for anything else. A float read sets ``S[1]``: from text, the
        engine then makes sure no float lost digits before it trusts the result."""
        var = prefix + _name(field)
        if field in self.absent:
            return "None"
        if var in self.read:
            return var
        r = self.raw(field)
        self.read.add(var)
        typed = f"{r}.__class__ is {kind} and " + fits.format(r=r)
        if not self.documented_only:
            self.assign(var, f"{r} if {r} is None or ({typed}) else {exact.format(r=r)}")
            if kind == "float":
                self.line(f"if {var}.__class__ is float: S[1] = 1")
            return var
        if optional_first:  # optional fields are mostly absent: test that first
            self.line(f"if {r} is None:")
            self.line(f"    {var} = None")
        self.line(f"{'elif' if optional_first else 'if'} {typed}:")
        self.line(f"    {var} = {r}")
        if kind == "float":
            self.line("    S[1] = 1")
        self.lines += wrap("    " * self.depth, "elif ", plain.format(r=r), ":")
        self.line(f"    {var} = {convert}({r})")
        if also is not None:
            self.lines += wrap("    " * self.depth, "elif ", also[0].format(r=r), ":")
            self.line(f"    {var} = {also[1].format(r=r)}")
        for line in ("else:", f"    return {self.general}"):
            self.line(line)
        return var

    def now(self) -> str:
        """The clock's reading, taken once, just before the first row that needs it."""
        if "now" not in self.read:
            self.read.add("now")
            self.line("now = T()")
        return "now"

    def market(self) -> str:
        if "m" not in self.read:
            r = self.raw("marketCode")
            self.read.add("m")
            self.line(f"m = M.get({r}) if {r}.__class__ is str else None")
            # an open-world catalogue (the embedded one) resolves a well-formed unlisted code
            self.line(f"if m is None and OPEN is not None and {r}.__class__ is str: m = OPEN({r})")
        return "m"

    def is_num(self, n: str) -> str:
        if n == "None":
            return "False"
        field = n[2:]
        if self.typed:
            return "True" if "present:" + field in self.facts else f"{n} is not None"
        if {"present:" + field, "valid:" + field} <= self.facts:
            return "True"
        if "valid:" + field in self.facts:
            return f"{n} is not None"
        return f"{n} is not None and {n} is not BAD"

    def has_market(self, m: str) -> str:
        return "True" if "market" in self.facts else f"{m} is not None"

    def expr(self, c: D.Cond) -> str:
        return kind_of(c).emit(self, c)  # type: ignore[no-any-return]

    # -- values reported ---------------------------------------------------------------------
    def fill(self, rule: D.Rule) -> str:
        if rule.fill is None:
            return "None"
        if rule.fill == "step":
            return f"{self.market()}.step_text"
        if rule.fill == "tick":
            return f"{self.market()}.tick_text"
        if rule.fill == "recvWindow":
            rw = self.int("recvWindow")
            return "1000" if rw == "None" else f"({rw} if {rw}.__class__ is int else 1000)"
        if rule.fill == "value":
            return self.value(rule)
        if rule.fill.startswith(("notional", "band:")):  # the pre-trade limits' figures
            kind, _, field = rule.fill.partition(":")
            if kind == "band":
                band = next(c.band for c in conditions(rule.fails) if hasattr(c, "band"))
                return f"LIM.band_text({self.num(field)}, {self.market()}.mark, " \
                       f"{self.const('PRICE_BAND', band)}, X)"
            q = self.num("quantity")
            p = f"{self.market()}.mark" if field == "mark" else self.num(field or "price")
            return f"LIM.notional_text({q}, {p}, X)"
        if rule.fill == "unknown":
            return f"sorted(map(str, d.keys() - {self.known}))"
        raise RuleError(f"rule {rule.code}: unknown fill {rule.fill!r}")

    def value(self, rule: D.Rule) -> str:
        return self.raw(rule.field) if rule.field else "None"

    # -- the body ----------------------------------------------------------------------------
    @staticmethod
    def _guard(rule: D.Rule) -> tuple[Optional[D.Is], D.Cond]:
        """The leading ``Is(field, (one value,))`` of a rule's condition, and the rest."""
        c = rule.fails
        if isinstance(c, D.All) and isinstance(c.parts[0], D.Is) and len(c.parts[0].values) == 1:
            rest = c.parts[1:]
            return c.parts[0], (rest[0] if len(rest) == 1 else D.All(*rest))
        return None, c

    def rule_lines(self, rule: D.Rule, cond: D.Cond, indent: str = "") -> list[str]:
        """The rule's comment and ``if``; reads it needs are emitted first (before any
        enclosing block, so later rows can use them)."""
        expr = self.expr(cond)
        if expr == "False":
            return []
        ref = self.const(const_name(rule), rule)
        value, fill = self.value(rule), self.fill(rule)
        pad = "    " * self.depth + indent
        out = [f"{pad}# {rule.code} {rule.name}"]
        if rule.is_warning:
            action = f"w = (w or []) + [({ref}, {value}, {fill})]"
        elif self.proven(rule):  # marks S: the engine need not encode the frame to size it
            action = f"return PROVEN(S, ({ref}, {value}, {fill}))"
        else:
            action = f"return ({ref}, {value}, {fill})"
        if expr == "True":
            return out + [pad + action]
        return out + wrap(pad, "if ", expr, ":") + [pad + "    " + action]

    def learn(self, rule: D.Rule, cond: D.Cond) -> None:
        """Facts that hold once an unguarded rejection has passed, to drop re-tests later
        (parts that fold to ``True`` here, such as a fixed ``orderType``, do not guard it)."""
        if rule.is_warning:
            return
        if isinstance(cond, D.All):
            live = [p for p in cond.parts if self.expr(p) != "True"]
            if len(live) != 1:
                return
            cond = live[0]
        for part in cond.parts if isinstance(cond, D.Either) else (cond,):
            if isinstance(part, D.Absent):
                self.facts.add("present:" + part.field)
            elif isinstance(part, (D.NotNumber, D.NotLong)):
                self.facts.add("valid:" + part.field)
            elif isinstance(part, D.UnknownMarket):
                self.facts.add("checked:marketCode")
                if "present:marketCode" in self.facts:
                    self.facts.add("market")
            elif isinstance(part, D.NotOneOf):
                self.facts.add("checked:" + part.field)

    def body(self) -> list[str]:
        # Fast paths read and size every field first, so that from the row on which every
        # string field has been checked, a rejection is proven to fit (see ``proven``).
        if self.typed:
            self.size_lines()
        # Consecutive rows guarded by the same `Is(orderType, X)` share one `if` block, so an
        # order of another type skips them with one comparison. Order of rows is unchanged.
        index = 0
        while index < len(self.rules):
            guard, _ = self._guard(self.rules[index])
            run = [self.rules[index]]
            while guard is not None and index + len(run) < len(self.rules) and \
                    self._guard(self.rules[index + len(run)])[0] == guard:
                run.append(self.rules[index + len(run)])
            if guard is None or len(run) == 1 or guard.field in self.fixed:
                for rule in run:
                    self.lines += self.rule_lines(rule, rule.fails)
                    self.learn(rule, rule.fails)
            else:
                test = self.expr(guard)
                block = [line for rule in run
                         for line in self.rule_lines(rule, self._guard(rule)[1], "    ")]
                if block:  # every row of the run may fold away on a fast path
                    self.line(f"if {test}:")
                    self.lines += block
            index += len(run)
        if not self.typed:
            self.size_lines()
        self.line("return w")
        return ["w = None"] + ([] if self.documented_only else
                               [f"unknown = not d.keys() <= {self.known}"]) + self.lines

    def size_lines(self) -> None:
        """Size accounting: every documented field still unread is absent or sized here."""
        for field, spec in self.fields.items():
            if spec.kind in ("enum", "market") or field in self.fixed or field in self.absent:
                continue  # a value that passed its rule is one of a few short strings
            if spec.kind == "number":
                self.num(field)
            elif spec.kind == "integer":
                self.int(field)
            else:
                r = self.raw(field)
                self.line(f"if {r} is not None: S[0] += size_bound({r})")
        self.line("S[0] += len(d) * FIELD_ROOM")
        if not self.documented_only:
            self.line("if unknown:")
            self.line(f"    S[0] += sum(size_bound(k) + size_bound(v) for k, v in d.items() "
                      f"if k not in {self.known})")

    def proven(self, rule: D.Rule) -> bool:
        """A fast path's rejection by ``rule`` fits the frame limit when the size bound says so:
        every number and integer is typed and sized up front, and every string field (enum,
        market) but the rejected one has passed its row (so it is short). The rejected value
        is added to the bound by the engine."""
        if not self.typed or rule.is_warning:
            return False
        strings = [f for f, spec in self.fields.items() if spec.kind in ("enum", "market")
                   and f not in self.fixed and f not in self.absent and f != rule.field]
        return all("checked:" + f in self.facts for f in strings)

