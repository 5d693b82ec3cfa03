"""Interleaved timing of (row, frame) cells, and the paired figures drawn from the samples.

Every cell is a ``timeit.Timer`` calling one function on a prepared argument, calibrated to a
short sample. All cells are sampled in interleaved rounds (the order rotates from round to
round, the cells of one frame stay next to each other), each sample the fastest of a few short
runs, so load from other processes hits every row alike and drops out of the paired ratios.
Garbage collection is off while a sample runs (timeit's default).
"""
from __future__ import annotations

import statistics
import timeit
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from benchmarks import frames as F


@dataclass
class Cell:
    """One timed (row, frame) pair.

    ``reset``, when given, returns a fresh ``fn`` before each round (a session whose recorded
    state would otherwise grow through the whole run).
    """

    row: str
    case: F.Case
    fn: Optional[Callable[[Any], Any]]
    arg: Any = None
    note: str = ""            # shown beside the figure (skipped, wrong verdict, rejects)
    verify: bool = False      # an oxpreflight row: its verdict is checked before and after
    reset: Optional[Callable[[], Callable[[Any], Any]]] = None
    number: int = 0
    samples: list = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        return self.row, self.case.key

    @property
    def spread(self) -> Optional[float]:
        """Interquartile range over the median."""
        if len(self.samples) < 4:
            return None
        q = statistics.quantiles(self.samples, n=4)
        return (q[2] - q[0]) / statistics.median(self.samples)


def check_verdict(cell: Cell, when: str) -> bool:
    """Run an oxpreflight cell once and compare its verdict with the case's expectation; a
    wrong verdict (or an exception) takes the cell out of the timing and the tables."""
    if not cell.verify or cell.fn is None:
        return True
    try:
        problem = F.verify(cell.case, cell.fn(cell.arg))
    except Exception as exc:
        problem = f"raised {type(exc).__name__}: {exc}"
    if problem is None:
        return True
    cell.note = f"WRONG VERDICT {when}: {problem}"
    cell.fn = None
    cell.samples.clear()
    return False


def _timer(cell: Cell) -> timeit.Timer:
    return timeit.Timer("fn(arg)", globals={"fn": cell.fn, "arg": cell.arg})


def calibrate(cell: Cell, sample_s: float) -> None:
    """Set ``cell.number`` so that one run lasts about ``sample_s``."""
    timer, number = _timer(cell), 1
    while True:
        elapsed = timer.timeit(number)
        if elapsed >= sample_s / 4:
            cell.number = max(1, round(number * sample_s / elapsed))
            return
        number *= 4


def measure(cells: list[Cell], rounds: int, sample_s: float, progress: Callable,
            inner: int = 3) -> None:
    """Each round samples every live cell once: the fastest of ``inner`` runs of ~``sample_s /
    inner`` (a run another process interrupted is dropped), stored as ns per call."""
    live = [c for c in cells if c.fn is not None]
    if not live:
        return
    for cell in live:
        calibrate(cell, sample_s / inner)
    timers = {id(c): _timer(c) for c in live}
    for r in range(rounds):
        shift = r % len(live)
        for cell in live[shift:] + live[:shift]:
            if cell.reset is not None:
                cell.fn = cell.reset()
                timers[id(cell)] = _timer(cell)
            elapsed = min(timers[id(cell)].repeat(inner, cell.number))
            cell.samples.append(elapsed / cell.number * 1e9)
        progress(r + 1, rounds)


class Figures:
    """Per-cell samples, aligned by round: medians and paired ratios."""

    def __init__(self, cells: list[Cell]):
        self.samples = {c.key: c.samples for c in cells if c.samples}

    def median(self, row: str, key: str) -> Optional[float]:
        samples = self.samples.get((row, key))
        return statistics.median(samples) if samples else None

    def ratio(self, num: tuple[str, str], *den: tuple[float, str, str]) -> Optional[float]:
        """Median over rounds of ``num / sum(weight * den)``, each round's samples paired
        (they ran moments apart, so load on the machine hits both sides alike)."""
        top = self.samples.get(num)
        bottoms = [(w, self.samples.get((row, key))) for w, row, key in den]
        if not top or not all(b for _, b in bottoms):
            return None
        n = min(len(top), *(len(b) for _, b in bottoms))
        return statistics.median(top[i] / sum(w * b[i] for w, b in bottoms) for i in range(n))

    def bottom(self, *den: tuple[float, str, str]) -> Optional[float]:
        """``sum(weight * median)`` of the denominator's cells (for the text beside a ratio)."""
        medians = [self.median(row, key) for _, row, key in den]
        if any(m is None for m in medians):
            return None
        return sum(w * m for (w, _, _), m in zip(den, medians))
