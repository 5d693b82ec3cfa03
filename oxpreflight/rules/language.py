"""The vocabulary rule tables are written in: a :class:`Rule` row and the conditions it may use.
A condition describes when a frame FAILS the rule. Conditions are data: what each class means
(plans, models, breakers, fixes) is declared once in :mod:`oxpreflight.validators.kinds`."""
from __future__ import annotations

import sys
from dataclasses import dataclass, field as _field
from pathlib import Path
from typing import Any, Optional

ORDER_COMMANDS = ("placeorder", "placeorders")
CANCEL_COMMANDS = ("cancelorder", "cancelorders")
MODIFY_COMMANDS = ("modifyorder", "modifyorders")
SUBSCRIPTION_COMMANDS = ("subscribe", "unsubscribe")
COMMANDS = ("login",) + ORDER_COMMANDS + CANCEL_COMMANDS + MODIFY_COMMANDS + SUBSCRIPTION_COMMANDS
BATCH_OF = {"placeorders": "placeorder", "cancelorders": "cancelorder", "modifyorders": "modifyorder"}


class Cond:
    """Base of all conditions; ``&`` combines two."""

    def __and__(self, other: "Cond") -> "Cond":
        return All(self, other)

    def __or__(self, other: "Cond") -> "Cond":
        return Either(self, other)

    def describe(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class All(Cond):
    """Every part holds (evaluated left to right, stopping at the first that does not)."""

    parts: tuple

    def __init__(self, *parts: Cond):
        flat = []
        for part in parts:
            flat.extend(part.parts if isinstance(part, All) else (part,))
        object.__setattr__(self, "parts", tuple(flat))

    def describe(self) -> str:
        return " and ".join(p.describe() for p in self.parts)


@dataclass(frozen=True)
class Either(Cond):
    """At least one part holds."""

    parts: tuple

    def __init__(self, *parts: Cond):
        object.__setattr__(self, "parts", parts)

    def describe(self) -> str:
        return "(" + " or ".join(p.describe() for p in self.parts) + ")"


@dataclass(frozen=True)
class Not(Cond):
    """The inner condition does not hold."""

    inner: Cond

    def describe(self) -> str:
        return f"not ({self.inner.describe()})"


@dataclass(frozen=True)
class Absent(Cond):
    """The field is missing or null (or, with ``empty``, the empty string)."""

    field: str
    empty: bool = False

    def describe(self) -> str:
        return f"`{self.field}` missing" + (" or empty" if self.empty else "")


@dataclass(frozen=True)
class Present(Cond):
    field: str

    def describe(self) -> str:
        return f"`{self.field}` given"


@dataclass(frozen=True)
class Is(Cond):
    """The field's value is one of ``values`` (case-sensitive strings)."""

    field: str
    values: tuple

    def describe(self) -> str:
        return f"`{self.field}` is " + "/".join(self.values)


@dataclass(frozen=True)
class NotOneOf(Cond):
    """The field is given and is not one of ``values`` (case-sensitive)."""

    field: str
    values: tuple

    def describe(self) -> str:
        return f"`{self.field}` given and not one of " + ", ".join(self.values)


@dataclass(frozen=True)
class NotLong(Cond):
    """Given, and not an integer within signed 64 bits (integer-valued strings count)."""

    field: str

    def describe(self) -> str:
        return f"`{self.field}` given and not a 64-bit integer"


@dataclass(frozen=True)
class NotPositiveLong(Cond):
    """Given, and not a positive integer within signed 64 bits."""

    field: str

    def describe(self) -> str:
        return f"`{self.field}` given and not a positive 64-bit integer"


@dataclass(frozen=True)
class LongAtMostZero(Cond):
    """A 64-bit integer that is zero or negative."""

    field: str

    def describe(self) -> str:
        return f"`{self.field}` <= 0"


@dataclass(frozen=True)
class NotNumber(Cond):
    """Given, and neither a JSON number nor a numeric string (NaN and infinities included)."""

    field: str

    def describe(self) -> str:
        return f"`{self.field}` given and not a number"


@dataclass(frozen=True)
class AtMostZero(Cond):
    """A number that is zero or negative."""

    field: str

    def describe(self) -> str:
        return f"`{self.field}` <= 0"


@dataclass(frozen=True)
class Greater(Cond):
    """Both numbers and ``left`` > ``right`` (exactly)."""

    left: str
    right: str

    def describe(self) -> str:
        return f"`{self.left}` > `{self.right}`"


@dataclass(frozen=True)
class UnknownMarket(Cond):
    def describe(self) -> str:
        return "`marketCode` not in the market catalogue"


@dataclass(frozen=True)
class MarketType(Cond):
    """The order's market (found in the catalogue) is of one of ``types``."""

    types: tuple
    negate: bool = False

    def describe(self) -> str:
        return ("market type not " if self.negate else "market type ") + "/".join(self.types)


@dataclass(frozen=True)
class NotPerpetual(Cond):
    """The order's market (found in the catalogue) is not a perpetual: not a FUTURE, or a
    FUTURE whose code is not of the form BASE-QUOTE-SWAP-... (a dated future)."""

    def describe(self) -> str:
        return "market not a perpetual (`-SWAP-LIN`)"


@dataclass(frozen=True)
class PriceMarket(Cond):
    """The market's prices must be positive (not a REPO or SPREAD market)."""

    def describe(self) -> str:
        return "market is not REPO/SPREAD"


@dataclass(frozen=True)
class Inactive(Cond):
    """By the clock, the market is not listed yet or has settled."""

    def describe(self) -> str:
        return "clock before `listedAt` or at/after `settlementAt`"


@dataclass(frozen=True)
class BelowIncrement(Cond):
    """A number below the market's minSize / qtyIncrement."""

    field: str

    def describe(self) -> str:
        return f"`{self.field}` < market minSize"


@dataclass(frozen=True)
class OutOfBound(Cond):
    """A number below ``lowerPriceBound`` (side="lower") or above ``upperPriceBound``."""

    field: str
    side: str

    def describe(self) -> str:
        which = "< lowerPriceBound" if self.side == "lower" else "> upperPriceBound"
        return f"`{self.field}` {which} (when the market has bounds)"


@dataclass(frozen=True)
class Expired(Cond):
    """``timestamp`` given and the clock past timestamp + recvWindow (1000 by default)."""

    def describe(self) -> str:
        return "clock > `timestamp` + `recvWindow` (1000 when absent)"


@dataclass(frozen=True)
class NoneOf(Cond):
    fields: tuple

    def describe(self) -> str:
        return "none of " + ", ".join(f"`{f}`" for f in self.fields)


@dataclass(frozen=True)
class OffGrid(Cond):
    """A number that is not a multiple of the market's ``tickSize`` or ``minSize``."""

    field: str
    grid: str  # "tick" or "step"

    def describe(self) -> str:
        name = "tickSize" if self.grid == "tick" else "minSize"
        return f"`{self.field}` not a multiple of the market {name}"


@dataclass(frozen=True)
class Unlisted(Cond):
    """The market code is well formed but not in an open-world (embedded) catalogue."""

    def describe(self) -> str:
        return "`marketCode` well formed but not in the embedded catalogue"


@dataclass(frozen=True)
class Unbounded(Cond):
    """A number checked against price bounds, on a listed market without both bounds."""

    field: str

    def describe(self) -> str:
        return f"`{self.field}` given and the market has no lowerPriceBound/upperPriceBound"


@dataclass(frozen=True)
class NoIncrement(Cond):
    """A quantity, on a listed market without minSize / qtyIncrement."""

    field: str

    def describe(self) -> str:
        return f"`{self.field}` given and the market has no minSize"


@dataclass(frozen=True)
class UnknownFields(Cond):
    def describe(self) -> str:
        return "fields the exchange does not document"


@dataclass(frozen=True)
class Envelope(Cond):
    """A frame-level condition evaluated by the engine itself (length, JSON, op, tag, shape)."""

    name: str
    text: str

    def describe(self) -> str:
        return self.text


def defined_at(depth: int = 2) -> str:
    """``oxpreflight/rules/orders.py:122``: the file and line that called a row's constructor."""
    frame = sys._getframe(depth)
    path = Path(frame.f_code.co_filename)
    parts = path.parts
    if "oxpreflight" in parts:
        path = Path(*parts[len(parts) - 1 - parts[::-1].index("oxpreflight"):])
    return f"{path.as_posix()}:{frame.f_lineno}"


@dataclass(frozen=True)
class Rule:
    """One row of a rule table.

    ``code`` is the exchange's code (or a ``W...`` code for warnings), ``commands`` the ops the
    row applies to (a batch op applies the row to every item), ``fails`` the condition under
    which a frame is rejected, ``field`` the offending field reported on the verdict, ``fill``
    what replaces ``xxx`` in the exchange's message. ``bad`` breaks the rule, ``good`` passes;
    both are run as tests and shown by ``oxpreflight explain``. ``why`` records the evidence
    or decision behind the row, ``error`` the name of the exception class a guarded send
    raises for it (``InvalidOrder``, ``BadSymbol``, ...). ``where`` is filled in: the file and
    line that defines the row. ``message``: for a code outside the exchange's table (a rule
    module's, a limit's), the rejection's message (``xxx`` replaced by the fill).
    """

    code: str
    commands: tuple
    fails: Cond
    doc: str
    bad: Any
    good: Any
    field: Optional[str] = None
    fill: Optional[str] = None
    warning: Optional[str] = None  # for warnings: the text shown to the user
    name: str = ""
    why: str = ""
    error: str = ""
    where: str = _field(default="", compare=False)
    message: Optional[str] = None  # a code outside the exchange's table: its message (xxx: fill)

    def __post_init__(self) -> None:
        if not self.where:
            object.__setattr__(self, "where", defined_at(3))

    @property
    def is_warning(self) -> bool:
        return self.warning is not None


@dataclass(frozen=True)
class FieldSpec:
    """A documented field of a command: its kind decides how it is read and sized."""

    kind: str  # "enum", "market", "number", "integer", "any"
    echo: str = ""  # in a failure reply's data: "number", "text", or "" (as given)


@dataclass(frozen=True)
class StateRule:
    """One row of the session's table: a code that only the connection's state can decide.

    ``test`` names the row's predicate, a function of that name in
    :mod:`oxpreflight.session.rows` (``(state, context, item, index) -> Problem | None``);
    the session runs the rows of a command in table order and answers with the first that
    fails.
    ``reason`` says, in a few words, what the check needs (shown by ``oxpreflight codes``).
    ``bad`` and ``good`` are scenarios, run by the registry test on a fresh session:
    ``{"options": Session keyword arguments, "clock": epoch ms (optional), "steps": [{"observe":
    message} | {"submit": frame} | {"advance": ms}], "frame": the frame judged}``. ``field``,
    ``why``, ``error`` and ``where`` as on :class:`Rule`.
    """

    code: str
    name: str
    commands: tuple[str, ...]
    test: str
    doc: str
    bad: Any
    good: Any
    field: Optional[str] = None
    reason: str = ""
    why: str = ""
    error: str = ""
    where: str = _field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.where:
            object.__setattr__(self, "where", defined_at(3))
        if not self.test.isidentifier():
            raise ValueError(f"{self.code} {self.name}: test must name a predicate, not "
                             f"{self.test!r}")
