"""The progress bar of ``check`` and ``audit``."""
from __future__ import annotations

import time
from typing import Any, Optional


class Progress:
    """A one-line progress bar on a terminal (``stream.isatty()``), redrawn at most 10 times a
    second; a no-op anywhere else."""

    def __init__(self, stream: Any, total: Optional[int], enabled: bool = True):
        try:
            tty = stream.isatty()
        except (AttributeError, ValueError):
            tty = False
        self.on = enabled and tty
        self.stream, self.total = stream, total
        self.done = self.lines = 0
        self.start = self.last = time.monotonic()

    def advance(self, size: int, lines: int) -> None:
        if not self.on:
            return
        self.done += size
        self.lines += lines
        now = time.monotonic()
        if now - self.last >= 0.1:
            self.last = now
            self.stream.write("\r" + self.render(now))
            self.stream.flush()

    def render(self, now: float) -> str:
        rate = self.lines / max(now - self.start, 1e-9)
        counts = f"{self.lines:,} lines  {rate:,.0f}/s"
        if not self.total:
            return counts
        share = min(self.done / self.total, 1.0)
        filled = int(share * 30)
        return f"{share:4.0%} [{'#' * filled}{'.' * (30 - filled)}] {counts}"

    def close(self) -> None:
        if self.on:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
