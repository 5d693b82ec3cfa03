"""Compile the rule tables into one check function per command, once, when a Preflight is
built (the way fastjsonschema turns a schema into code).

Each condition class has one emitter that returns a Python expression; each rule becomes one
``if <expression>: return <failure>`` line, in table order, so the table order *is* the check
order. Every value a condition needs (a field, its number, the market) is read once, just
before the first rule that needs it. ``plan.source`` keeps the generated code for review.

Generated functions return:
- a tuple ``(rule, value, fill)`` for a rejection,
- for a single command, ``None`` or a list of ``(rule, value)`` warnings when it passes,
- for a batch, a list with one such result per item.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..rules import language as D
from . import exact
from ..rules.catalogue import CatalogueError, code as catalogue_code

#: Every compact-encoded field fits in this many characters besides its value's own length:
#: the key and its quotes, colon and comma (keys are at most 40 characters long, checked).
_KEY_ROOM = 46
#: Room for one value whose size the plan proves: a float (<= 24), an int of up to 19
#: digits, an enumeration value or a market code (``Market`` caps codes at 64 characters).
_VALUE_ROOM = 66
FIELD_ROOM = _KEY_ROOM + _VALUE_ROOM
ENVELOPE_ROOM = 64  # {"op":"modifyorders","tag":,"data":} and friends, without the tag


class RuleError(ValueError):
    """A rule table that cannot be compiled (a bug in a rule module, never in a frame)."""


@dataclass(frozen=True)
class CommandPlan:
    """The compiled checks of one command."""

    op: str
    run: Callable
    rules: tuple
    source: str
    batch: bool


def _name(field: str) -> str:
    if not field.isidentifier() or len(field) > _KEY_ROOM - 6:
        raise RuleError(f"field name {field!r} cannot be compiled")
    return field


class _Emitter:
    """Writes the body of one item function: reads, conditions, failures."""

    def __init__(self, fields: dict, rules: list, consts: dict):
        self.fields = fields
        self.rules = rules
        self.consts = consts
        self.lines: list[str] = []
        self.read: set[str] = set()
        self.depth = 0
        self.facts: set[str] = set()
        self.known = self.const(frozenset(fields))
        self.open_world = False

    def line(self, text: str) -> None:
        self.lines.append("    " * self.depth + text)

    # -- constants ---------------------------------------------------------------------------
    def const(self, value) -> str:
        for key, known in self.consts.items():
            if known is value or (type(known) is type(value) and known == value
                                  and isinstance(value, (tuple, frozenset, str))):
                return key
        key = f"K{len(self.consts)}"
        self.consts[key] = value
        return key

    # -- values ------------------------------------------------------------------------------
    def raw(self, field: str) -> str:
        var = "r_" + _name(field)
        if var not in self.read:
            self.read.add(var)
            self.line(f"{var} = d.get({field!r})")
        return var

    def num(self, field: str) -> str:
        var = "n_" + _name(field)
        if var not in self.read:
            r = self.raw(field)
            self.read.add(var)
            self.line(
                f"{var} = {r} if {r} is None or ({r}.__class__ is float and {r} - {r} == 0) "
                f"else exact.number({r}, S)")
        return var

    def int(self, field: str) -> str:
        var = "i_" + _name(field)
        if var not in self.read:
            r = self.raw(field)
            self.read.add(var)
            self.line(
                f"{var} = {r} if {r} is None or ({r}.__class__ is int and "
                f"-1000000000000000000 < {r} < 1000000000000000000) else exact.integer({r}, S)")
        return var

    def market(self) -> str:
        if "m" not in self.read:
            r = self.raw("marketCode")
            self.read.add("m")
            self.line(f"m = M.get({r}) if {r}.__class__ is str else None")
            if self.open_world:  # a well-formed unlisted code resolves to a record without data
                self.line(f"if m is None and {r}.__class__ is str: m = OPEN({r})")
        return "m"

    # -- conditions --------------------------------------------------------------------------
    def expr(self, c: D.Cond) -> str:
        method = getattr(self, "c_" + type(c).__name__, None)
        if method is None:
            raise RuleError(f"no emitter for condition {type(c).__name__}")
        return method(c)

    def c_All(self, c):
        return "(" + " and ".join(self.expr(p) for p in c.parts) + ")"

    def c_Either(self, c):
        return "(" + " or ".join(self.expr(p) for p in c.parts) + ")"

    def c_Not(self, c):
        return f"not {self.expr(c.inner)}"

    def c_Absent(self, c):
        r = self.raw(c.field)
        return f"({r} is None or {r} == '')" if c.empty else f"{r} is None"

    def c_Present(self, c):
        return f"{self.raw(c.field)} is not None"

    def c_Is(self, c):
        r = self.raw(c.field)
        if len(c.values) == 1:
            return f"{r} == {c.values[0]!r}"
        return f"{r} in {self.const(tuple(c.values))}"

    def c_NotOneOf(self, c):
        r = self.raw(c.field)
        # Tuple containment compares with ==, so an unhashable value cannot raise here.
        return f"({r} not in {self.const(tuple(c.values))} and {r} is not None)"

    def c_NotLong(self, c):
        return f"{self.int(c.field)} is BAD"

    def c_NotPositiveLong(self, c):
        i = self.int(c.field)
        return f"({i} is BAD or ({i} is not None and {i} <= 0))"

    def c_LongAtMostZero(self, c):
        i = self.int(c.field)
        return f"({self._is_num(i)} and {i} <= 0)"

    def c_NotNumber(self, c):
        return f"{self.num(c.field)} is BAD"

    def _is_num(self, n: str) -> str:
        field = n[2:]
        if {"present:" + field, "valid:" + field} <= self.facts:
            return "True"
        if "valid:" + field in self.facts:
            return f"{n} is not None"
        return f"{n} is not None and {n} is not BAD"

    def _has_market(self, m: str) -> str:
        return "True" if "market" in self.facts else f"{m} is not None"

    def c_AtMostZero(self, c):
        n = self.num(c.field)
        return f"({self._is_num(n)} and {n} <= 0)"

    def c_Greater(self, c):
        a, b = self.num(c.left), self.num(c.right)
        return (f"({self._is_num(a)} and {self._is_num(b)} and ({a} > {b} "
                f"if {a}.__class__ is float and {b}.__class__ is float and {a} != {b} "
                f"else exact.compare({a}, {b}, X) > 0))")

    def c_UnknownMarket(self, c):
        r = self.raw("marketCode")
        return f"({r} is not None and {self.market()} is None)"

    def c_MarketType(self, c):
        m = self.market()
        op = "not in" if c.negate else "in"
        return f"({self._has_market(m)} and {m}.type {op} {self.const(frozenset(c.types))})"

    def c_PriceMarket(self, c):
        m = self.market()
        return f"not {m}.rate" if "market" in self.facts else f"({m} is None or not {m}.rate)"

    def c_Inactive(self, c):
        m = self.market()
        return (f"({self._has_market(m)} and now is not None and "
                f"not {m}.listed <= now < {m}.settles)")

    def _against(self, n: str, attr: str, helper: str, op: str) -> str:
        m = self.market()
        return (f"({self._has_market(m)} and {m}.{attr} is not None and {self._is_num(n)} and "
                f"({n} {op} {m}.{attr}_f if {n}.__class__ is float and {n} != {m}.{attr}_f "
                f"else exact.{helper}({n}, {m}.{attr}, {m}.{attr}_f, X)))")

    def c_BelowIncrement(self, c):
        return self._against(self.num(c.field), "step", "below", "<")

    def c_OutOfBound(self, c):
        if c.side == "lower":
            return self._against(self.num(c.field), "lo", "below", "<")
        return self._against(self.num(c.field), "hi", "above", ">")

    def c_Expired(self, c):
        ts, rw = self.int("timestamp"), self.int("recvWindow")
        return (f"({self._is_num(ts)} and now is not None and "
                f"now > {ts} + ({rw} if {rw}.__class__ is int else 1000))")

    def c_NoneOf(self, c):
        return "(" + " and ".join(f"{self.raw(f)} is None" for f in c.fields) + ")"

    def c_OffGrid(self, c):
        n, m = self.num(c.field), self.market()
        attr = "tick" if c.grid == "tick" else "step"
        return (f"({self._has_market(m)} and {m}.{attr} is not None and {self._is_num(n)} and "
                f"(round({n} * {m}.{attr}_den / {m}.{attr}_num) * {m}.{attr}_num / {m}.{attr}_den "
                f"!= {n} if {n}.__class__ is float and -{m}.{attr}_lim < {n} < {m}.{attr}_lim "
                f"else exact.off_grid({n}, {m}.{attr})))")

    def c_UnknownFields(self, c):
        return "unknown"

    # -- what the catalogue cannot check (rules/markets.py: Unlisted, Unbounded, NoIncrement) --
    def c_Unlisted(self, c):
        m = self.market()
        return f"({self._has_market(m)} and {m}.unlisted)"

    def c_Unbounded(self, c):
        n, m = self.num(c.field), self.market()
        return (f"({self._has_market(m)} and not {m}.unlisted"
                f" and ({m}.lo is None or {m}.hi is None) and {self._is_num(n)})")

    def c_NoIncrement(self, c):
        n, m = self.num(c.field), self.market()
        return (f"({self._has_market(m)} and not {m}.unlisted and {m}.step is None"
                f" and {self._is_num(n)})")

    # -- values reported ---------------------------------------------------------------------
    def fill(self, rule: D.Rule) -> str:
        if rule.fill is None:
            return "None"
        if rule.fill == "step":
            return f"{self.market()}.step_text"
        if rule.fill == "recvWindow":
            rw = self.int("recvWindow")
            return f"({rw} if {rw}.__class__ is int else 1000)"
        if rule.fill == "unknown":
            return f"sorted(map(str, d.keys() - {self.known}))"
        raise RuleError(f"rule {rule.code}: unknown fill {rule.fill!r}")

    def value(self, rule: D.Rule) -> str:
        return self.raw(rule.field) if rule.field else "None"

    # -- the body ----------------------------------------------------------------------------
    @staticmethod
    def _guard(rule: D.Rule):
        """The leading ``Is(field, (one value,))`` of a rule's condition, and the rest."""
        c = rule.fails
        if isinstance(c, D.All) and isinstance(c.parts[0], D.Is) and len(c.parts[0].values) == 1:
            rest = c.parts[1:]
            return c.parts[0], (rest[0] if len(rest) == 1 else D.All(*rest))
        return None, c

    def rule_line(self, rule: D.Rule, cond: D.Cond) -> str:
        """The rule's ``if`` line; reads it needs are emitted first, at the current depth."""
        expr = self.expr(cond)
        ref = self.const(rule)
        value, fill = self.value(rule), self.fill(rule)
        if rule.is_warning:
            return f"if {expr}: w = (w or []) + [({ref}, {value}, {fill})]"
        return f"if {expr}: return ({ref}, {value}, {fill})"

    def learn(self, rule: D.Rule, cond: D.Cond) -> None:
        """Facts that hold once an unguarded rejection has passed, to drop re-tests later."""
        if rule.is_warning:
            return
        if isinstance(cond, D.Absent):
            self.facts.add("present:" + cond.field)
        elif isinstance(cond, D.NotNumber) or isinstance(cond, D.NotLong):
            self.facts.add("valid:" + cond.field)
        elif isinstance(cond, D.UnknownMarket) and "present:marketCode" in self.facts:
            self.facts.add("market")

    def body(self) -> list[str]:
        # Consecutive rows guarded by the same `Is(orderType, X)` share one `if` block, so an
        # order of another type skips them with one comparison. Order of rows is unchanged.
        index = 0
        while index < len(self.rules):
            guard, _ = self._guard(self.rules[index])
            run = [self.rules[index]]
            while guard is not None and index + len(run) < len(self.rules) and \
                    self._guard(self.rules[index + len(run)])[0] == guard:
                run.append(self.rules[index + len(run)])
            if guard is None or len(run) == 1:
                self.line(self.rule_line(run[0], run[0].fails))
                self.learn(run[0], run[0].fails)
            else:
                test = self.expr(guard)
                lines = [self.rule_line(rule, self._guard(rule)[1]) for rule in run]
                self.line(f"if {test}:")
                for text in lines:
                    self.line("    " + text)
            index += len(run)
        # Size accounting: every documented field still unread is either absent or sized here.
        for field, spec in self.fields.items():
            if spec.kind in ("enum", "market"):
                continue  # a value that passed its rule is one of a few short strings
            if spec.kind == "number":
                self.num(field)
            elif spec.kind == "integer":
                self.int(field)
            else:
                r = self.raw(field)
                self.line(f"if {r} is not None: S[0] += exact.encoded_size_bound({r})")
        unknown = self.known
        self.lines.append(
            f"S[0] += len(d) * {FIELD_ROOM} + (sum(exact.encoded_size_bound(k) "
            f"+ exact.encoded_size_bound(v) for k, v in d.items() if k not in {unknown}) "
            f"if unknown else 0)")
        self.lines.append("return w")
        return ["w = None", f"unknown = not d.keys() <= {unknown}"] + self.lines


def _indent(lines, depth):
    return ["    " * depth + line for line in lines]


def _envelope_lines(op: str, rules: list, consts: dict, batch: bool) -> list[str]:
    """Tag and payload checks, from the Envelope rows that apply to ``op``."""
    out = []
    by_name = {r.fails.name: r for r in rules if isinstance(r.fails, D.Envelope)}
    for name, rule in by_name.items():
        consts.setdefault(f"E_{name}", rule)
    if "bad_tag" in by_name or "tag_too_long" in by_name:
        out += [
            "tag = frame.get('tag')",
            "if tag is not None:",
            "    if tag.__class__ is str: text = tag; S[0] += 6 * len(tag) + 2",
            "    elif tag.__class__ is int: text = str(tag); S[0] += len(text)",
        ]
        out.append("    else: return (E_bad_tag, tag, None)" if "bad_tag" in by_name
                   else "    else: text = ''")
        if "tag_too_long" in by_name:
            out.append("    if len(text) > 32: return (E_tag_too_long, tag, None)")
    if "bad_payload" in by_name:
        if op in D.SUBSCRIPTION_COMMANDS:
            out += [
                "d = frame.get('args')",
                "if d.__class__ is not list or not all(a.__class__ is str for a in d): "
                "return (E_bad_payload, d, None)",
                "S[0] += sum(6 * len(a) + 3 for a in d)",
            ]
        elif batch:
            out += [
                "items = frame.get('dataArray')",
                "if items.__class__ is not list or not items: return (E_bad_payload, items, None)",
            ]
        else:
            out += [
                "d = frame.get('data')",
                "if d.__class__ is not dict: return (E_bad_payload, d, None)",
            ]
    return out


def compile_plans(rules: tuple, fields: dict,
                  open_markets: Callable | None = None) -> dict[str, CommandPlan]:
    """One :class:`CommandPlan` per command, from the rule rows in table order.

    ``open_markets``: for an open-world catalogue, ``code -> MarketRecord | None`` resolving a
    market code the table does not list (``None`` when it is malformed)."""
    for rule in rules:
        if not rule.is_warning:
            catalogue_code(rule.code)  # raises CatalogueError for a code not in the table
        unknown = set(rule.commands) - set(D.COMMANDS)
        if unknown:
            raise RuleError(f"rule {rule.code}: unknown commands {sorted(unknown)}")
    plans = {}
    for op in D.COMMANDS:
        item_op = D.BATCH_OF.get(op, op)
        batch = op in D.BATCH_OF
        applying = [r for r in rules if op in r.commands]
        envelope = [r for r in applying if isinstance(r.fails, D.Envelope)]
        item_rules = [r for r in applying if not isinstance(r.fails, D.Envelope)]
        consts: dict = {}
        head = _envelope_lines(op, envelope, consts, batch)
        lines = [f"def run_{op}(frame, M, X, now, S):"] + _indent(head, 1)
        if op in D.SUBSCRIPTION_COMMANDS:
            lines += _indent(["return None"], 1)
        else:
            emitter = _Emitter(fields.get(item_op, {}), item_rules, consts)
            emitter.open_world = open_markets is not None
            body = emitter.body()
            if batch:
                lines += _indent([
                    "out = []",
                    "for d in items:",
                    "    if d.__class__ is not dict: out.append((E_bad_payload, d, None)); continue",
                    "    out.append(_item(d, M, X, now, S))",
                    "return out",
                ], 1)
                lines += ["", "def _item(d, M, X, now, S):"] + _indent(body, 1)
            else:
                lines += _indent(body, 1)
        source = "\n".join(lines) + "\n"
        namespace = {"exact": exact, "BAD": exact.BAD, "OPEN": open_markets, **consts}
        try:
            exec(compile(source, f"<oxpreflight plan {op}>", "exec"), namespace)
        except SyntaxError as exc:  # a rule table bug: fail loudly at build time
            raise RuleError(f"plan for {op} does not compile: {exc}") from None
        plans[op] = CommandPlan(op, namespace[f"run_{op}"], tuple(applying), source, batch)
    return plans


__all__ = ["CommandPlan", "RuleError", "CatalogueError", "compile_plans", "ENVELOPE_ROOM"]
