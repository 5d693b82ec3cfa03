"""The emitter table ``{condition class: emitter}`` and the writer of item functions (the way
fastjsonschema turns a schema into code).

Each emitter returns a Python expression for its condition; each rule becomes one
``if <expression>: return <failure>`` under a ``# CODE rule-name`` comment, in table order, so
the table order *is* the check order. A value a condition needs (a field, its number, the
market) is read once, just before the first rule that needs it. Constants carry the rule's
name. ``plan.source`` keeps the generated code for review.

Per command the compiler writes the general item function, and fast paths: the same rows
specialised for one ``orderType`` (its guards decided at compile time) and for a frame whose
keys are all documented (no unknown-field work). The item function enters a fast path when the
frame's keys allow it, else runs the general one; ``general`` runs the general one only.

Generated functions return a tuple ``(rule, value, fill)`` for a rejection; for a single
command ``None`` or a list of ``(rule, value, fill)`` warnings when it passes; for a batch, a
list with one such result per item. ``S`` is a one-item list the size bound is added to (see
:mod:`oxpreflight.validators.sizing`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Optional

from ..rules import language as D
from .sizing import KEY_ROOM

WIDTH = 120
#: Envelope checks the engine makes itself, before any plan runs.
ENGINE_CHECKS = frozenset({"too_long", "not_json", "not_utf8", "too_deep", "unknown_op",
                           "internal_error"})
#: Envelope checks at the head of every plan.
HEAD_CHECKS = frozenset({"bad_tag", "tag_too_long", "bad_payload"})


class RuleError(ValueError):
    """A rule table that cannot be compiled (a bug in a rule module, never in a frame)."""


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
    if not field.isidentifier() or len(field) > KEY_ROOM - 6:
        raise RuleError(f"field name {field!r} cannot be compiled")
    return field


def const_name(rule: D.Rule) -> str:
    """``order-market-code`` -> ``ORDER_MARKET_CODE``."""
    return re.sub(r"\W", "_", rule.name).upper() or f"RULE_{rule.code}"


def _and(*parts: str) -> str:
    kept = [p for p in parts if p != "True"]
    if "False" in kept:
        return "False"
    if not kept:
        return "True"
    return kept[0] if len(kept) == 1 else "(" + " and ".join(kept) + ")"


def _or(*parts: str) -> str:
    kept = [p for p in parts if p != "False"]
    if "True" in kept:
        return "True"
    if not kept:
        return "False"
    return kept[0] if len(kept) == 1 else "(" + " or ".join(kept) + ")"


def _negate(expr: str) -> str:
    return {"True": "False", "False": "True"}.get(expr, f"not {expr}")


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
                 documented_only: bool = False):
        self.fields = fields
        self.rules = rules
        self.consts = consts
        self.fixed = fixed or {}  # field -> value known at compile time (fast paths)
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
        if field in self.fixed:
            return repr(self.fixed[field])
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
            self.assign(var, f"{r} if {r} is None or ({r}.__class__ is float and {r} - {r} == 0) "
                             f"else exact.number({r}, S)")
        return var

    def int(self, field: str) -> str:
        var = "i_" + _name(field)
        if var not in self.read:
            r = self.raw(field)
            self.read.add(var)
            self.assign(var, f"{r} if {r} is None or ({r}.__class__ is int and "
                             f"-INT_SMALL < {r} < INT_SMALL) else exact.integer({r}, S)")
        return var

    def market(self) -> str:
        if "m" not in self.read:
            r = self.raw("marketCode")
            self.read.add("m")
            self.line(f"m = M.get({r}) if {r}.__class__ is str else None")
        return "m"

    def is_num(self, n: str) -> str:
        field = n[2:]
        if {"present:" + field, "valid:" + field} <= self.facts:
            return "True"
        if "valid:" + field in self.facts:
            return f"{n} is not None"
        return f"{n} is not None and {n} is not BAD"

    def has_market(self, m: str) -> str:
        return "True" if "market" in self.facts else f"{m} is not None"

    def expr(self, c: D.Cond) -> str:
        emitter = EMITTERS.get(type(c))
        if emitter is None:
            raise RuleError(f"no emitter for condition {type(c).__name__}")
        return emitter(self, c)

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
        else:
            action = f"return ({ref}, {value}, {fill})"
        if expr == "True":
            return out + [pad + action]
        return out + wrap(pad, "if ", expr, ":") + [pad + "    " + action]

    def learn(self, rule: D.Rule, cond: D.Cond) -> None:
        """Facts that hold once an unguarded rejection has passed, to drop re-tests later."""
        if rule.is_warning:
            return
        if isinstance(cond, D.Absent):
            self.facts.add("present:" + cond.field)
        elif isinstance(cond, (D.NotNumber, D.NotLong)):
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
            if guard is None or len(run) == 1 or guard.field in self.fixed:
                for rule in run:
                    self.lines += self.rule_lines(rule, rule.fails)
                    self.learn(rule, rule.fails)
            else:
                test = self.expr(guard)
                block = [line for rule in run
                         for line in self.rule_lines(rule, self._guard(rule)[1], "    ")]
                self.line(f"if {test}:")
                self.lines += block
            index += len(run)
        self.size_lines()
        return ["w = None"] + ([] if self.documented_only else
                               [f"unknown = not d.keys() <= {self.known}"]) + self.lines

    def size_lines(self) -> None:
        """Size accounting: every documented field still unread is absent or sized here."""
        for field, spec in self.fields.items():
            if spec.kind in ("enum", "market") or field in self.fixed:
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
        self.line("return w")


# -- the emitter table -----------------------------------------------------------------------
def _all(b: Body, c: D.All) -> str:
    return _and(*(b.expr(p) for p in c.parts))


def _either(b: Body, c: D.Either) -> str:
    return _or(*(b.expr(p) for p in c.parts))


def _not(b: Body, c: D.Not) -> str:
    return _negate(b.expr(c.inner))


def _absent(b: Body, c: D.Absent) -> str:
    if c.field in b.fixed:
        return "False"
    r = b.raw(c.field)
    return f"({r} is None or {r} == '')" if c.empty else f"{r} is None"


def _present(b: Body, c: D.Present) -> str:
    return "True" if c.field in b.fixed else f"{b.raw(c.field)} is not None"


def _is(b: Body, c: D.Is) -> str:
    if c.field in b.fixed:
        return "True" if b.fixed[c.field] in c.values else "False"
    r = b.raw(c.field)
    if len(c.values) == 1:
        return f"{r} == {c.values[0]!r}"
    return f"{r} in {b.const(c.field.upper() + '_ONE_OF', tuple(c.values))}"


def _not_one_of(b: Body, c: D.NotOneOf) -> str:
    if c.field in b.fixed:
        return "False" if b.fixed[c.field] in c.values else "True"
    r = b.raw(c.field)
    # Tuple containment compares with ==, so an unhashable value cannot raise here.
    return f"({r} not in {b.const(c.field.upper() + '_VALUES', tuple(c.values))} and {r} is not None)"


def _not_long(b: Body, c: D.NotLong) -> str:
    return f"{b.int(c.field)} is BAD"


def _not_positive_long(b: Body, c: D.NotPositiveLong) -> str:
    i = b.int(c.field)
    return f"({i} is BAD or ({i} is not None and {i} <= 0))"


def _long_at_most_zero(b: Body, c: D.LongAtMostZero) -> str:
    i = b.int(c.field)
    return _and(b.is_num(i), f"{i} <= 0")


def _not_number(b: Body, c: D.NotNumber) -> str:
    return f"{b.num(c.field)} is BAD"


def _at_most_zero(b: Body, c: D.AtMostZero) -> str:
    n = b.num(c.field)
    return _and(b.is_num(n), f"{n} <= 0")


def _greater(b: Body, c: D.Greater) -> str:
    x, y = b.num(c.left), b.num(c.right)
    return _and(b.is_num(x), b.is_num(y), f"exact.greater({x}, {y}, X)")


def _unknown_market(b: Body, c: D.UnknownMarket) -> str:
    r = b.raw("marketCode")
    return f"({r} is not None and {b.market()} is None)"


def _market_type(b: Body, c: D.MarketType) -> str:
    m = b.market()
    op = "not in" if c.negate else "in"
    types = b.const("TYPES_" + "_".join(c.types), frozenset(c.types))
    return _and(b.has_market(m), f"{m}.type {op} {types}")


def _price_market(b: Body, c: D.PriceMarket) -> str:
    m = b.market()
    return f"not {m}.rate" if "market" in b.facts else f"({m} is None or not {m}.rate)"


def _inactive(b: Body, c: D.Inactive) -> str:
    m = b.market()
    return _and(b.has_market(m), "now is not None", f"not {m}.listed <= now < {m}.settles")


def _against(b: Body, n: str, attr: str, helper: str) -> str:
    m = b.market()
    return _and(b.has_market(m), f"{m}.{attr} is not None", b.is_num(n),
                f"exact.{helper}({n}, {m}.{attr}, {m}.{attr}_f, X)")


def _below_increment(b: Body, c: D.BelowIncrement) -> str:
    return _against(b, b.num(c.field), "step", "below")


def _out_of_bound(b: Body, c: D.OutOfBound) -> str:
    if c.side == "lower":
        return _against(b, b.num(c.field), "lo", "below")
    return _against(b, b.num(c.field), "hi", "above")


def _expired(b: Body, c: D.Expired) -> str:
    ts, rw = b.int("timestamp"), b.int("recvWindow")
    return _and(b.is_num(ts), "now is not None",
                f"now > {ts} + ({rw} if {rw}.__class__ is int else 1000)")


def _none_of(b: Body, c: D.NoneOf) -> str:
    return _and(*(_absent(b, D.Absent(f)) for f in c.fields))


def _off_grid(b: Body, c: D.OffGrid) -> str:
    n, m = b.num(c.field), b.market()
    attr = "tick" if c.grid == "tick" else "step"
    return _and(b.has_market(m), f"{m}.{attr} is not None", b.is_num(n),
                f"exact.off_grid({n}, {m}.{attr})")


def _unknown_fields(b: Body, c: D.UnknownFields) -> str:
    return "False" if b.documented_only else "unknown"


def _envelope(b: Body, c: D.Envelope) -> str:
    raise RuleError(f"envelope check {c.name!r} belongs to the engine or the plan head")


EMITTERS: dict[type, Callable[[Body, Any], str]] = {
    D.All: _all, D.Either: _either, D.Not: _not, D.Absent: _absent, D.Present: _present,
    D.Is: _is, D.NotOneOf: _not_one_of, D.NotLong: _not_long,
    D.NotPositiveLong: _not_positive_long, D.LongAtMostZero: _long_at_most_zero,
    D.NotNumber: _not_number, D.AtMostZero: _at_most_zero, D.Greater: _greater,
    D.UnknownMarket: _unknown_market, D.MarketType: _market_type, D.PriceMarket: _price_market,
    D.Inactive: _inactive, D.BelowIncrement: _below_increment, D.OutOfBound: _out_of_bound,
    D.Expired: _expired, D.NoneOf: _none_of, D.OffGrid: _off_grid,
    D.UnknownFields: _unknown_fields, D.Envelope: _envelope,
}


def conditions(cond: D.Cond) -> list[D.Cond]:
    """``cond`` and every condition nested in it."""
    out = [cond]
    for part in getattr(cond, "parts", ()):
        out += conditions(part)
    inner = getattr(cond, "inner", None)
    return out + (conditions(inner) if inner is not None else [])
