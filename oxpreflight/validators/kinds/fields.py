"""Declarations of the conditions on one or two fields of an item: presence, enumerations,
integers and numbers."""
from __future__ import annotations

from typing import Any

from ...rules import language as D
from ..declaration import Kind, both
from ..exact import BAD, compare, integer, number
from ..writer import Body


def _is_num(n: Any) -> bool:
    return n is not None and n is not BAD


# -- Absent / Present ------------------------------------------------------------------------
def _emit_absent(b: Body, c: D.Absent) -> str:
    if c.field in b.absent:
        return "True"
    if c.field in b.fixed:
        return "False"
    r = b.raw(c.field)
    return f"({r} is None or {r} == '')" if c.empty else f"{r} is None"


def _test_absent(c: D.Absent, test: Any) -> Any:
    f, empty = c.field, c.empty
    return lambda d: d.get(f) is None or (empty and d.get(f) == "")


def _emit_present(b: Body, c: D.Present) -> str:
    if c.field in b.absent:
        return "False"
    return "True" if c.field in b.fixed else f"{b.raw(c.field)} is not None"


def _test_present(c: D.Present, test: Any) -> Any:
    f = c.field
    return lambda d: d.get(f) is not None


# -- Is / NotOneOf ---------------------------------------------------------------------------
def _emit_is(b: Body, c: D.Is) -> str:
    if c.field in b.absent:
        return "False"
    if c.field in b.fixed:
        return "True" if b.fixed[c.field] in c.values else "False"
    r = b.raw(c.field)
    if len(c.values) == 1:
        return f"{r} == {c.values[0]!r}"
    return f"{r} in {b.const(c.field.upper() + '_ONE_OF', tuple(c.values))}"


def _test_is(c: D.Is, test: Any) -> Any:
    f, values = c.field, c.values
    return lambda d: d.get(f) in values


def _break_is(kit: Any, c: D.Is, shape: Any) -> None:
    if c.field in ("orderType", "side"):  # a guard: the base item is drawn to meet it
        setattr(shape, "types" if c.field == "orderType" else "sides", tuple(c.values))
    else:
        shape.changes.append(kit.set_field(c.field, lambda bk: kit.st.sampled_from(c.values)))


def _emit_not_one_of(b: Body, c: D.NotOneOf) -> str:
    if c.field in b.absent:
        return "False"
    if c.field in b.fixed:
        return "False" if b.fixed[c.field] in c.values else "True"
    r = b.raw(c.field)
    # Tuple containment compares with ==, so an unhashable value cannot raise here.
    values = b.const(c.field.upper() + "_VALUES", tuple(c.values))
    return f"({r} is not None and {r} not in {values})"


def _test_not_one_of(c: D.NotOneOf, test: Any) -> Any:
    f, allowed = c.field, c.values
    return lambda d: d.get(f) is not None and d.get(f) not in allowed


# -- integers --------------------------------------------------------------------------------
def _emit_not_long(b: Body, c: D.NotLong) -> str:
    i = b.int(c.field)
    return "False" if i == "None" or b.typed else f"{i} is BAD"


def _emit_not_positive_long(b: Body, c: D.NotPositiveLong) -> str:
    i = b.int(c.field)
    if i == "None":
        return "False"
    if b.typed:
        return both(b.is_num(i), f"{i} <= 0")
    return f"({i} is BAD or ({i} is not None and {i} <= 0))"


def _test_not_positive_long(c: D.NotPositiveLong, test: Any) -> Any:
    f = c.field
    return lambda d: (i := integer(d.get(f))) is BAD or (
        i is not None and i <= 0)  # type: ignore[operator]


def _emit_long_at_most_zero(b: Body, c: D.LongAtMostZero) -> str:
    i = b.int(c.field)
    return both(b.is_num(i), f"{i} <= 0")


def _test_long_at_most_zero(c: D.LongAtMostZero, test: Any) -> Any:
    f = c.field
    return lambda d: _is_num(i := integer(d.get(f))) and i <= 0  # type: ignore[operator]


# -- numbers ---------------------------------------------------------------------------------
def _emit_not_number(b: Body, c: D.NotNumber) -> str:
    n = b.num(c.field)
    return "False" if n == "None" or b.typed else f"{n} is BAD"


def _emit_at_most_zero(b: Body, c: D.AtMostZero) -> str:
    n = b.num(c.field)
    return both(b.is_num(n), f"{n} <= 0")


def _test_at_most_zero(c: D.AtMostZero, test: Any) -> Any:
    f = c.field
    return lambda d: _is_num(n := number(d.get(f))) and n <= 0  # type: ignore[operator]


def _emit_greater(b: Body, c: D.Greater) -> str:
    x, y = b.num(c.left), b.num(c.right)
    floats = f"{x} != {y}" if b.typed else \
        f"{x}.__class__ is float and {y}.__class__ is float and {x} != {y}"
    return both(b.is_num(x), b.is_num(y),
                f"({x} > {y} if {floats} else exact.greater({x}, {y}, X))")


def _test_greater(c: D.Greater, test: Any) -> Any:
    left, right = c.left, c.right

    def greater(d: dict) -> bool:
        a, b = number(d.get(left)), number(d.get(right))
        return _is_num(a) and _is_num(b) and compare(a, b) > 0
    return greater


def _test_not_long(c: D.NotLong, test: Any) -> Any:
    f = c.field
    return lambda d: integer(d.get(f)) is BAD


def _test_not_number(c: D.NotNumber, test: Any) -> Any:
    f = c.field
    return lambda d: number(d.get(f)) is BAD


# -- breakers --------------------------------------------------------------------------------
def _setting(values: Any) -> Any:
    """A breaker that sets the condition's field to a value from ``values(kit, cond)``."""
    def breaker(kit: Any, c: Any, shape: Any) -> None:
        strategy = kit.values(shape.rule, c.field, values(kit, c))
        shape.changes.append(kit.set_field(c.field, strategy))
    return breaker


def _break_absent(kit: Any, c: D.Absent, shape: Any) -> None:
    shape.changes.append(kit.missing((c.field,), c.empty))


def _break_present(kit: Any, c: D.Present, shape: Any) -> None:
    shape.changes.append(kit.ensure(c.field, shape.item_op))


def _break_long_at_most_zero(kit: Any, c: D.LongAtMostZero, shape: Any) -> None:
    shape.changes.append(kit.set_field(c.field, lambda bk: kit.long(-(2**63), 0)))


def _break_at_most_zero(kit: Any, c: D.AtMostZero, shape: Any) -> None:
    shape.changes.append(kit.set_field(c.field, kit.non_positive))


def _break_greater(kit: Any, c: D.Greater, shape: Any) -> None:
    shape.changes.append(kit.greater(c.left, c.right))


KINDS = (
    Kind(D.Absent, emit=_emit_absent, predicate=_test_absent, breaker=_break_absent,
         fixer=None),
    Kind(D.Present, emit=_emit_present, predicate=_test_present, breaker=_break_present,
         fixer=None),
    Kind(D.Is, emit=_emit_is, predicate=_test_is, breaker=_break_is, fixer=None),
    Kind(D.NotOneOf, emit=_emit_not_one_of, predicate=_test_not_one_of,
         breaker=_setting(lambda kit, c: kit.not_one_of(c.values)), fixer=None),
    Kind(D.NotLong, emit=_emit_not_long, predicate=_test_not_long,
         breaker=_setting(lambda kit, c: kit.NOT_LONG), fixer=None),
    Kind(D.NotPositiveLong, emit=_emit_not_positive_long, predicate=_test_not_positive_long,
         breaker=_setting(lambda kit, c: kit.NOT_POSITIVE_LONG), fixer=None),
    Kind(D.LongAtMostZero, emit=_emit_long_at_most_zero, predicate=_test_long_at_most_zero,
         breaker=_break_long_at_most_zero, fixer=None),
    Kind(D.NotNumber, emit=_emit_not_number, predicate=_test_not_number,
         breaker=_setting(lambda kit, c: kit.NOT_NUMBER), fixer=None),
    Kind(D.AtMostZero, emit=_emit_at_most_zero, predicate=_test_at_most_zero,
         breaker=_break_at_most_zero, fixer=None),
    Kind(D.Greater, emit=_emit_greater, predicate=_test_greater, breaker=_break_greater,
         fixer=None),
)
