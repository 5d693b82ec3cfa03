"""Termination signals: SIGTERM (``kill``, ``timeout``, ``docker stop``) and SIGHUP (the
terminal went away) end a command the way Ctrl-C does, so every worker process is stopped and
the exit is one line on stderr, with status 128 + the signal's number."""
from __future__ import annotations

import os
import signal
import threading
from contextlib import contextmanager
from typing import Any, Iterator

#: The signals handled like Ctrl-C (those this platform has).
SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class Stopped(KeyboardInterrupt):
    """A termination signal arrived; raised where the main thread was, unwinding as Ctrl-C
    does (``except KeyboardInterrupt`` clean-ups run)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        """``SIGTERM``, ``SIGHUP``."""
        return signal.Signals(self.signum).name


def default_signals() -> None:
    """In a worker process: the signals' default action (the parent stops workers by them)."""
    for signum in SIGNALS:
        signal.signal(signum, signal.SIG_DFL)


@contextmanager
def stopping_on_signals() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise :class:`Stopped` (once: a second signal
    while the first unwinds is ignored, so the clean-up finishes). Only in the main thread
    (elsewhere nothing changes); the previous handlers are restored on exit."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    owner = os.getpid()
    stopping = False

    def handler(signum: int, frame: Any) -> None:
        nonlocal stopping
        if os.getpid() != owner:  # a forked worker before it reset its handlers
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        if not stopping:
            stopping = True
            raise Stopped(signum)

    previous: dict[int, Any] = {}
    try:
        for signum in SIGNALS:
            previous[signum] = signal.signal(signum, handler)
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, signal.SIG_DFL if old is None else old)
