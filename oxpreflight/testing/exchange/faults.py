"""Faults a test asks the double for: injected failure codes and delayed replies (dropping the
connections is the server's, :meth:`Exchange.drop`)."""
from __future__ import annotations

import math
import threading
from typing import Any, Optional

from ...rules.language import BATCH_OF
from ...rules.venue import injectable


class Faults:
    """``fail_next`` entries, first in first out, and the reply delay. Thread-safe: a test's
    thread sets them while the server's loop reads them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: list[list[Any]] = []  # [code, op, remaining]
        self.delay = 0.0

    def fail_next(self, code: object, op: Optional[str] = None, count: int = 1) -> str:
        """Queue ``code`` for the next ``count`` commands matching ``op``; returns the code."""
        found = injectable(code)
        if op is not None and not isinstance(op, str):
            raise TypeError("op must be a command name (str) or None")
        if count.__class__ is not int or count < 1:
            raise ValueError("count must be a positive integer")
        with self._lock:
            self._failures.append([found, op, count])
        return found

    def take(self, op: Optional[str]) -> Optional[str]:
        """The code to answer a command ``op`` with, or ``None``; consumes one use."""
        if not self._failures:
            return None
        with self._lock:
            for entry in self._failures:
                wanted = entry[1]
                if wanted is None or wanted == op or BATCH_OF.get(op or "") == wanted:
                    entry[2] -= 1
                    if entry[2] == 0:
                        self._failures.remove(entry)
                    return str(entry[0])
        return None

    def pending(self) -> int:
        """How many injected failures are still to be answered."""
        with self._lock:
            return sum(entry[2] for entry in self._failures)

    def set_delay(self, seconds: float) -> None:
        """Wait ``seconds`` before answering each command (0: none)."""
        if seconds.__class__ is bool or not isinstance(seconds, (int, float)) \
                or not math.isfinite(seconds) or seconds < 0:
            raise ValueError("delay must be a finite number of seconds, 0 or more")
        self.delay = float(seconds)
