"""The order rate: at most ``limit`` orders in any window of ``window_ms`` milliseconds."""
from __future__ import annotations

from collections import deque


class SlidingWindow:
    """Counts events in the half-open window ``(now - window_ms, now]``: an order sent at ``t``
    stops counting at ``t + window_ms``. Not locked itself; the session holds its lock."""

    __slots__ = ("limit", "window_ms", "_events", "_total")

    def __init__(self, limit: int, window_ms: int):
        self.limit = limit
        self.window_ms = window_ms
        self._events: deque[list[int]] = deque()  # [timestamp, count] pairs, oldest first
        self._total = 0

    def room(self, now: int) -> int:
        """How many more orders may go out at ``now``."""
        horizon = now - self.window_ms
        events = self._events
        while events and events[0][0] <= horizon:
            self._total -= events.popleft()[1]
        return self.limit - self._total

    def add(self, now: int, count: int) -> None:
        """Record ``count`` orders sent at ``now``."""
        if count <= 0:
            return
        events = self._events
        if events and events[-1][0] == now:
            events[-1][1] += count
        else:
            events.append([now, count])
        self._total += count

    def remove(self, at: int, count: int) -> None:
        """Take back ``count`` orders recorded at ``at`` (a send that failed); orders that
        already left the window are gone anyway."""
        for event in self._events:
            if event[0] == at:
                taken = min(count, event[1])
                event[1] -= taken
                self._total -= taken
                return

    def __len__(self) -> int:
        return self._total
