"""Declarations of the conditions on the frame as a whole or on the clock: ``Expired``,
``UnknownFields`` and the engine's own ``Envelope`` checks."""
from __future__ import annotations

from typing import Any

from ...rules import language as D
from ..declaration import BY_ROW, Kind, RuleError, both
from ..writer import Body


def _emit_expired(b: Body, c: D.Expired) -> str:
    ts, rw = b.int("timestamp"), b.int("recvWindow")
    now = b.now()
    return both(b.is_num(ts), f"{now} is not None",
                f"{now} > {ts} + ({rw} if {rw}.__class__ is int else 1000)")


def _break_expired(kit: Any, c: D.Expired, shape: Any) -> None:
    shape.needs.append(kit.needs_clock)
    shape.changes.append(kit.expire)


def _emit_unknown_fields(b: Body, c: D.UnknownFields) -> str:
    return "False" if b.documented_only else "unknown"


def _emit_envelope(b: Body, c: D.Envelope) -> str:
    raise RuleError(f"envelope check {c.name!r} belongs to the engine or the plan head")


KINDS = (
    Kind(D.Expired, emit=_emit_expired, predicate=None, breaker=_break_expired, fixer=None),
    # a warning only (W001); the models refuse undocumented fields by FIELDS themselves
    Kind(D.UnknownFields, emit=_emit_unknown_fields, predicate=None, breaker=None,
         fixer=None),
    # decided by the engine and the plan head, never by an item function
    Kind(D.Envelope, emit=_emit_envelope, predicate=None, breaker=BY_ROW, fixer=None),
)
