"""``oxpreflight check``: one verdict per line of a JSON Lines file.

The file is streamed in blocks of complete lines, so memory stays flat whatever its size; with
``--workers N`` the blocks go to N processes (each with its own ``Preflight``), at most
``2 * N`` blocks in flight, and the output is written in file order.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Iterator, Optional

from ..docs import json_text, location, printable
from ..rules.catalogue import KNOWN
from ..preflight import Preflight
from ..validators.verdict import ACCEPTED, Verdict
from .lines import close_input, is_blank, numbered_blocks, open_input, split_lines
from .options import (
    EXIT_FOUND, EXIT_OK, UsageError, add_input_options, clock_spec, integer, make_clock,
    preflight, preflight_options,
)
from .progress import Progress
from .signals import default_signals

#: Blocks in flight per worker process (bounds memory with ``--workers``).
IN_FLIGHT_PER_WORKER = 2

ACCEPTED_JSON = '{"line":%d,"ok":true,"code":null,"message":null,"field":null,"rule":null}'


@dataclass
class Tally:
    """Counts of a ``check`` run (or of one block of it); blocks merge in file order."""

    checked: int = 0
    blank: int = 0
    rejected: dict = field(default_factory=dict)       # code -> frames
    warnings: dict = field(default_factory=dict)       # code -> notices
    warning_text: dict = field(default_factory=dict)   # code -> first message seen
    warned: int = 0                                    # frames with at least one warning

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    def merge(self, other: "Tally") -> None:
        self.checked += other.checked
        self.blank += other.blank
        self.warned += other.warned
        for code, count in other.rejected.items():
            self.rejected[code] = self.rejected.get(code, 0) + count
        for code, count in other.warnings.items():
            self.warnings[code] = self.warnings.get(code, 0) + count
        for code, text in other.warning_text.items():
            self.warning_text.setdefault(code, text)


def check_block(pf: Preflight, block: bytes, first: int, as_json: bool = False,
                show_warnings: bool = False) -> tuple[str, Tally]:
    """Check every line of ``block`` (whose first line is number ``first``): the text to print
    and the counts. The accepted lines cost one ``check`` each and nothing else."""
    lines = split_lines(block)
    verdicts = list(map(pf.check, lines))
    tally = Tally(checked=len(lines))
    if not as_json and verdicts.count(ACCEPTED) == len(lines):
        return "", tally
    out: list[str] = []
    for i, verdict in enumerate(verdicts):
        if verdict is ACCEPTED:
            if as_json:
                out.append(ACCEPTED_JSON % (first + i))
            continue
        number = first + i
        if not verdict.ok:
            if is_blank(lines[i]):  # a blank line is never JSON: skipped and counted
                tally.checked -= 1
                tally.blank += 1
                continue
            tally.rejected[verdict.code] = tally.rejected.get(verdict.code, 0) + 1
            if not as_json:
                failed = [v for v in verdict.items if not v.ok] or [verdict]
                out.extend(_rejected_line(number, v) for v in failed)
        if verdict.warnings:
            tally.warned += 1
            for notice in verdict.warnings:
                tally.warnings[notice.code] = tally.warnings.get(notice.code, 0) + 1
                tally.warning_text.setdefault(notice.code, notice.message)
                if show_warnings and not as_json:
                    where = f" (field {notice.field})" if notice.field else ""
                    out.append(printable(f"line {number}: warning {notice.code} "
                                         f"{notice.message}{where} [{notice.rule}]"))
        if as_json:
            out.append(json_text({"line": number, **verdict.as_dict()}))
    return ("\n".join(out) + "\n" if out else ""), tally


def _rejected_line(number: int, verdict: Verdict) -> str:
    where = location(verdict)
    return printable(f"line {number}: {verdict.code} {verdict.message}"
                     + (f" (field {where})" if where else "") + f" [{verdict.rule}]")


def summary_text(tally: Tally, elapsed: Optional[float] = None) -> str:
    """The table printed after the rejected lines."""
    accepted = tally.checked - tally.rejected_total
    rows = [("frames checked", tally.checked), ("accepted", accepted),
            ("rejected", tally.rejected_total),
            ("warnings", sum(tally.warnings.values()))]
    if tally.warnings:
        rows.append(("frames with warnings", tally.warned))
    if tally.blank:
        rows.append(("blank lines (skipped)", tally.blank))
    width = max(len(name) for name, _ in rows)
    out = [f"{name:<{width}}  {value:>10,}" for name, value in rows]
    if elapsed and tally.checked:
        out.append(f"{'frames per second':<{width}}  {tally.checked / elapsed:>10,.0f}")
    if tally.rejected:
        out += ["", "rejected by code:"]
        for code, count in sorted(tally.rejected.items(), key=lambda kv: (-kv[1], kv[0])):
            message = KNOWN[code].message if code in KNOWN else ""
            out.append(f"  {code:<7} {count:>9,}  {message}")
    if tally.warnings:
        out += ["", "warnings by code (first message seen):"]
        for code, count in sorted(tally.warnings.items(), key=lambda kv: (-kv[1], kv[0])):
            out.append(printable(f"  {code:<7} {count:>9,}  {tally.warning_text[code]}"))
    return "\n".join(out) + "\n"


# -- workers -------------------------------------------------------------------------------------
#: The most ``--workers`` accepted: processes beyond the machine's cores add no speed, each one
#: costs start-up time and memory (measured on a shared 2-core machine: ~10 ms per worker, a
#: 2,000-line file takes ~1.0 s with 64 workers against ~0.4 s with one; 100,000 would take
#: minutes and exhaust the process table), and 64 covers the cores of common machines. Windows
#: allows at most 61 processes in a pool (ProcessPoolExecutor's limit there).
MAX_WORKERS = 61 if sys.platform == "win32" else 64

_WORKER: dict = {}


def _worker_init(markets: Any, spec: tuple) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    default_signals()  # SIGTERM stops a worker (the parent's handler was inherited by fork)
    if "pf" not in _WORKER:  # forked workers inherit the parent's (same catalogue, read once)
        options = dict(markets) if isinstance(markets, dict) else {"markets": markets}
        _WORKER["pf"] = Preflight(clock=make_clock(spec), **options)


def _worker_check(block: bytes, first: int, as_json: bool, show_warnings: bool):
    return check_block(_WORKER["pf"], block, first, as_json, show_warnings)


class WorkerError(Exception):
    """A worker process failed (raised, or died); the run stops, every worker is stopped."""


def _results_parallel(blocks: Iterator[tuple[int, bytes]], workers: int, pf: Preflight,
                      markets: Any, spec: tuple, as_json: bool, show_warnings: bool):
    """``check_block`` results in file order, computed by ``workers`` processes. However the
    run ends (done, a worker failing, Ctrl-C, the reader stopping early), no worker is left:
    on any early end the workers this run started are terminated and joined."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork on Linux: no re-import of the caller's __main__ (which spawn needs, and which fails
    # for `python -c` or an unguarded script); stdout is flushed before the pool starts.
    fork = sys.platform == "linux"
    context = multiprocessing.get_context("fork" if fork else "spawn")
    limit = workers * IN_FLIGHT_PER_WORKER
    before = set(multiprocessing.active_children())
    pending: deque = deque()
    pool = None
    finished = False
    if fork:
        _WORKER["pf"] = pf
    try:
        pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_init,
                                   initargs=(markets, spec))
        for first, block in blocks:
            pending.append((len(block), _submit(pool, block, first, as_json, show_warnings)))
            if len(pending) >= limit:
                size, future = pending.popleft()
                yield size, _result(future)
        while pending:
            size, future = pending.popleft()
            yield size, _result(future)
        finished = True
    finally:
        _WORKER.pop("pf", None)
        if not finished:  # the pool fails what is left (cancelling first would trip it up)
            _stop(set(multiprocessing.active_children()) - before)
        if pool is not None:
            pool.shutdown(wait=True)


def _submit(pool: Any, *args: Any) -> Any:
    """A block handed to the pool; a pool a dead worker has broken refuses it (WorkerError)."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        return pool.submit(_worker_check, *args)
    except BrokenProcessPool:
        raise WorkerError("a worker process died") from None


def _result(future: Any) -> Any:
    from concurrent.futures.process import BrokenProcessPool

    try:
        return future.result()
    except BrokenProcessPool:
        raise WorkerError("a worker process died") from None
    except Exception as exc:  # raised in a worker (check itself never raises)
        raise WorkerError(f"a worker process failed: {type(exc).__name__}: {exc}") from None


def _stop(processes: set) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(5)
        if process.is_alive():
            process.kill()
            process.join()


# -- the command ---------------------------------------------------------------------------------
def run(args: argparse.Namespace) -> int:
    """``oxpreflight check``: one verdict per line of a JSON Lines file."""
    spec = clock_spec(args)
    options = preflight_options(args)
    pf = preflight(args, make_clock(spec), options)
    stream, size = open_input(args.file)
    out = sys.stdout
    progress = Progress(sys.stderr, size, enabled=not args.no_progress)
    total = Tally()
    started = time.perf_counter()
    blocks = numbered_blocks(stream)
    if args.workers == 1:
        results: Iterator = ((len(block), check_block(pf, block, first, args.json, args.warnings))
                             for first, block in blocks)
    else:
        out.flush()
        # what a spawned worker rebuilds its Preflight from: rule modules by name
        options = dict(options, rules=tuple(pf.rule_modules))
        results = _results_parallel(blocks, args.workers, pf, options, spec, args.json,
                                    args.warnings)
    try:
        for block_size, (text, tally) in results:
            if text:
                out.write(text)
            total.merge(tally)
            progress.advance(block_size, tally.checked + tally.blank)
    except WorkerError as exc:
        raise UsageError(str(exc)) from None
    finally:
        results.close()  # stops the workers now, whatever ended the loop
        progress.close()
        close_input(stream)
    elapsed = time.perf_counter() - started if args.rate else None
    (sys.stderr if args.json else out).write(("" if args.json else "\n")
                                             + summary_text(total, elapsed))
    return EXIT_FOUND if total.rejected else EXIT_OK


def _workers(text: str) -> int:
    value = integer(text)
    if not 1 <= value <= MAX_WORKERS:
        cores = os.cpu_count() or 1
        raise argparse.ArgumentTypeError(
            f"must be from 1 to {MAX_WORKERS} ({cores} CPU{'s' if cores > 1 else ''} here): "
            f"{text!r}")
    return value


def add_parser(commands: Any) -> None:
    """Register ``check`` on the ``oxpreflight`` sub-command parsers."""
    check = commands.add_parser(
        "check", help="check a JSON Lines file of frames (exit 1 if any is rejected)",
        description="Check one frame per line. Prints each rejected line, then a summary. "
                    "Blank lines are skipped and counted. Exit 0: all accepted; 1: some "
                    "rejected; 2: usage error.")
    check.add_argument("file", metavar="FILE", help="JSON Lines file, or - for stdin")
    add_input_options(check)
    check.add_argument("--workers", type=_workers, default=1, metavar="N",
                       help=f"check in N processes, 1 to {MAX_WORKERS} (same output, same "
                            "order; default 1)")
    check.add_argument("--warnings", "-W", action="store_true",
                       help="also print each warning (the summary always counts them)")
    check.add_argument("--rate", action="store_true",
                       help="add frames per second to the summary")
    check.set_defaults(run=run)
