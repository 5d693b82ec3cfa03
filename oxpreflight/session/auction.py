"""The repo auction window: by default the minute before and the minute after each full hour."""
from __future__ import annotations

from typing import Any, Callable, Optional

HOUR_MS = 3_600_000

#: ``(before_ms, after_ms)`` around each full hour (UTC epoch): from hh:59:00.000 up to, but not
#: including, hh:01:00.000 of the next hour.
AUCTION_WINDOW = (60_000, 60_000)


def window_test(window: Any) -> Optional[Callable[[int], bool]]:
    """``now -> inside?`` for an ``auction_window`` option: ``None``/``False`` (off), a
    ``(before_ms, after_ms)`` pair, or a callable taking epoch milliseconds."""
    if window is None or window is False:
        return None
    if callable(window):
        return lambda now: bool(window(now))
    try:
        before, after = window
    except (TypeError, ValueError):
        raise TypeError("auction_window must be None, a (before_ms, after_ms) pair or a "
                        "callable taking epoch milliseconds") from None
    for part in (before, after):
        if part.__class__ is not int or not 0 <= part <= HOUR_MS:
            raise ValueError("auction_window bounds must be integers of milliseconds within "
                             "an hour")
    start = HOUR_MS - before

    def inside(now: int) -> bool:
        into = now % HOUR_MS
        return bool(into < after or into >= start)

    return inside
