"""Clocks: epoch milliseconds from the system, a monotonic millisecond counter, and the check
that a user's clock really returns epoch milliseconds."""
from __future__ import annotations

import math
import time
from typing import Any, Callable, Optional

#: Plausible epoch milliseconds: 2001-09-09 to 2286-11-20 (decided here: an exchange launched
#: in 2020 never sees an order stamped before 2001, and 10**13 ms is centuries away).
EPOCH_MS_RANGE = (10**12, 10**13)
#: What a reading outside the range most likely is, by its order of magnitude.
_UNITS = ((10**9, 10**10, "seconds"), (10**15, 10**16, "microseconds"),
          (10**18, 10**19, "nanoseconds"))


def system_clock() -> int:
    """Epoch milliseconds from the system clock."""
    return time.time_ns() // 1_000_000


def monotonic_ms() -> int:
    """Milliseconds from a clock that never steps back (for measuring intervals)."""
    return time.monotonic_ns() // 1_000_000


def checked_clock(clock: Optional[Callable[[], Any]]) -> Optional[Callable[[], Any]]:
    """``clock`` after one reading shows epoch milliseconds; ``ValueError`` (naming the unit
    the reading looks like: seconds, microseconds, nanoseconds) or ``TypeError`` otherwise."""
    if clock is None:
        return None
    if not callable(clock):
        raise TypeError("clock must be a callable returning epoch milliseconds, or None")
    reading = clock()
    if reading.__class__ is bool or not isinstance(reading, (int, float)) or (
            isinstance(reading, float) and not math.isfinite(reading)):
        raise ValueError(f"clock must return epoch milliseconds as a number, got "
                         f"{type(reading).__name__}")
    low, high = EPOCH_MS_RANGE
    if not low <= reading < high:
        unit = next((name for lo, hi, name in _UNITS if lo <= abs(reading) < hi), None)
        looks = f"; it looks like {unit}" if unit else ""
        raise ValueError(f"clock must return epoch milliseconds (between {low} and {high}), "
                         f"got {reading!r}{looks}")
    return clock
