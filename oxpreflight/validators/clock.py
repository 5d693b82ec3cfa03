"""Clocks: epoch milliseconds from the system, and a monotonic millisecond counter."""
from __future__ import annotations

import time


def system_clock() -> int:
    """Epoch milliseconds from the system clock."""
    return time.time_ns() // 1_000_000


def monotonic_ms() -> int:
    """Milliseconds from a clock that never steps back (for measuring intervals)."""
    return time.monotonic_ns() // 1_000_000
