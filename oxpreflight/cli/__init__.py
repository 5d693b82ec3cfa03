"""The command line: ``oxpreflight check | audit | codes | explain``.

Exit codes: 0 all frames pass (check) or no disagreement (audit), 1 some frame is rejected or
some reply disagrees, 2 usage error (one line on standard error, no traceback).

``check`` streams the file in blocks of complete lines, so memory stays flat whatever its size;
with ``--workers N`` the blocks go to N processes (each with its own ``Preflight``), at most
``2 * N`` blocks in flight, and the output is written in file order.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable, Iterator, Optional

import orjson

from .. import __version__
from ..docs import UnknownCode, codes_table, codes_table_markdown, explain, location
from ..rules.catalogue import CODES
from ..rules.language import BATCH_OF, COMMANDS
from ..preflight import Preflight
from ..validators.clock import system_clock
from ..validators.markets import MarketError
from ..validators.verdict import ACCEPTED, Verdict

EXIT_OK, EXIT_FOUND, EXIT_USAGE = 0, 1, 2
#: Bytes read at a time; a block is cut at its last newline, so it holds whole lines only.
BLOCK_SIZE = 1 << 20
#: Blocks in flight per worker process (bounds memory with ``--workers``).
IN_FLIGHT_PER_WORKER = 2
#: Line numbers kept per disagreement group in ``audit`` (the count is always exact).
LINES_SHOWN = 20

_WHITESPACE = " \t\r"
_ACCEPTED_JSON = '{"line":%d,"ok":true,"code":null,"message":null,"field":null}'


class UsageError(Exception):
    """A problem with the command line or its files: one line on stderr, exit 2."""


# -- reading -------------------------------------------------------------------------------------
def read_blocks(stream: Any, size: Optional[int] = None) -> Iterator[bytes]:
    """Blocks of whole lines (each ends with a newline, except perhaps the file's last)."""
    size = size or BLOCK_SIZE
    read = getattr(stream, "read1", stream.read)  # read1: a pipe's lines arrive without waiting
    carry = b""
    while True:
        data = read(size)
        if not data:
            if carry:
                yield carry
            return
        cut = data.rfind(b"\n")
        if cut < 0:
            carry += data
            continue
        yield carry + data[:cut + 1] if carry else data[:cut + 1]
        carry = data[cut + 1:]


def numbered_blocks(stream: Any, size: Optional[int] = None) -> Iterator[tuple[int, bytes]]:
    """``(number of the block's first line, block)``."""
    first = 1
    for block in read_blocks(stream, size):
        yield first, block
        first += block.count(b"\n")


def split_lines(block: bytes) -> list:
    """The lines of a block without their line ends (``\\n`` or ``\\r\\n``). Lines that are not
    UTF-8 stay bytes, so ``check`` answers them (20009) instead of the reader failing."""
    try:
        text = block.decode("utf-8")
    except UnicodeDecodeError:
        lines = [_decoded(raw) for raw in block.split(b"\n")]
        if lines[-1] == b"" or lines[-1] == "":
            lines.pop()
        return lines
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def _decoded(raw: bytes) -> Any:
    if raw.endswith(b"\r"):
        raw = raw[:-1]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw


def _is_blank(line: Any) -> bool:
    return not (line.strip(_WHITESPACE) if line.__class__ is str else line.strip(b" \t\r"))


def _json_text(obj: Any) -> str:
    try:
        return orjson.dumps(obj).decode()
    except (TypeError, orjson.JSONEncodeError):  # lone surrogates from \\ud8xx escapes
        return json.dumps(obj, separators=(",", ":"))


def _printable(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


# -- check ---------------------------------------------------------------------------------------
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
                out.append(_ACCEPTED_JSON % (first + i))
            continue
        number = first + i
        if not verdict.ok:
            if verdict.code == "20009" and _is_blank(lines[i]):
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
                    out.append(_printable(
                        f"line {number}: warning {notice.code} {notice.message}{where}"))
        if as_json:
            out.append(_json_text({"line": number, **verdict.as_dict()}))
    return ("\n".join(out) + "\n" if out else ""), tally


def _rejected_line(number: int, verdict: Verdict) -> str:
    where = location(verdict)
    return _printable(f"line {number}: {verdict.code} {verdict.message}"
                      + (f" (field {where})" if where else ""))


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
            message = CODES[code].message if code in CODES else ""
            out.append(f"  {code:<7} {count:>9,}  {message}")
    if tally.warnings:
        out += ["", "warnings by code (first message seen):"]
        for code, count in sorted(tally.warnings.items(), key=lambda kv: (-kv[1], kv[0])):
            out.append(_printable(f"  {code:<7} {count:>9,}  {tally.warning_text[code]}"))
    return "\n".join(out) + "\n"


# -- workers -------------------------------------------------------------------------------------
_WORKER: dict = {}


def _worker_init(markets: Any, clock_spec: tuple) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _WORKER["pf"] = Preflight(markets=markets, clock=make_clock(clock_spec))


def _worker_check(block: bytes, first: int, as_json: bool, show_warnings: bool):
    return check_block(_WORKER["pf"], block, first, as_json, show_warnings)


def make_clock(spec: tuple) -> Optional[Callable[[], int]]:
    """``("system",)``, ``("fixed", ms)`` or ``("none",)`` -> the ``clock`` argument."""
    if spec[0] == "fixed":
        return partial(int, spec[1])
    if spec[0] == "none":
        return None
    return system_clock


def _results_parallel(blocks: Iterator[tuple[int, bytes]], workers: int, markets: Any,
                      clock_spec: tuple, as_json: bool, show_warnings: bool):
    """``check_block`` results in file order, computed by ``workers`` processes."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork on Linux: no re-import of the caller's __main__ (which spawn needs, and which fails
    # for `python -c` or an unguarded script); stdout is flushed before the pool starts.
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    limit = workers * IN_FLIGHT_PER_WORKER
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_init,
                             initargs=(markets, clock_spec)) as pool:
        pending: deque = deque()
        try:
            for first, block in blocks:
                pending.append((len(block), pool.submit(
                    _worker_check, block, first, as_json, show_warnings)))
                if len(pending) >= limit:
                    size, future = pending.popleft()
                    yield size, future.result()
            while pending:
                size, future = pending.popleft()
                yield size, future.result()
        finally:
            for _, future in pending:
                future.cancel()


# -- progress ------------------------------------------------------------------------------------
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


# -- commands ------------------------------------------------------------------------------------
def _open_input(path: str):
    if path == "-":
        return sys.stdin.buffer, None
    try:
        handle = open(path, "rb")
        size = os.fstat(handle.fileno()).st_size
    except IsADirectoryError:
        raise UsageError(f"cannot read {path}: it is a directory") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    return handle, size


def _clock_spec(args: argparse.Namespace) -> tuple:
    if args.no_clock:
        return ("none",)
    if args.now is not None:
        return ("fixed", args.now)
    return ("system",)


def _preflight(args: argparse.Namespace, clock: Optional[Callable[[], int]]) -> Preflight:
    try:
        return Preflight(markets=args.markets, clock=clock)
    except (MarketError, ValueError, TypeError) as exc:
        raise UsageError(f"cannot use market catalogue {args.markets}: {exc}") from None


def run_check(args: argparse.Namespace) -> int:
    """``oxpreflight check``: one verdict per line of a JSON Lines file."""
    clock_spec = _clock_spec(args)
    pf = _preflight(args, make_clock(clock_spec))
    stream, size = _open_input(args.file)
    out = sys.stdout
    progress = Progress(sys.stderr, size, enabled=not args.no_progress)
    total = Tally()
    started = time.perf_counter()
    try:
        blocks = numbered_blocks(stream)
        if args.workers == 1:
            results = ((len(block), check_block(pf, block, first, args.json, args.warnings))
                       for first, block in blocks)
        else:
            out.flush()
            results = _results_parallel(blocks, args.workers, args.markets, clock_spec,
                                        args.json, args.warnings)
        for block_size, (text, tally) in results:
            if text:
                out.write(text)
            total.merge(tally)
            progress.advance(block_size, tally.checked + tally.blank)
    finally:
        progress.close()
        if stream is not sys.stdin.buffer:
            stream.close()
    elapsed = time.perf_counter() - started if args.rate else None
    (sys.stderr if args.json else out).write(("" if args.json else "\n")
                                             + summary_text(total, elapsed))
    return EXIT_FOUND if total.rejected else EXIT_OK


def run_codes(args: argparse.Namespace) -> int:
    """``oxpreflight codes``: the exchange's table and what the project does for each code."""
    sys.stdout.write(codes_table_markdown() if args.markdown else codes_table())
    return EXIT_OK


def run_explain(args: argparse.Namespace) -> int:
    """``oxpreflight explain CODE``: the rules behind a code, with examples run for real."""
    try:
        sys.stdout.write(explain(args.code.strip().upper()))
    except UnknownCode:
        raise UsageError(f"unknown code {args.code!r} (see `oxpreflight codes`)") from None
    return EXIT_OK


def run_audit(args: argparse.Namespace) -> int:
    """``oxpreflight audit``: replay a capture, report where local verdicts and replies differ."""
    clock = None if args.no_clock else ReplayClock(args.now)
    pf = _preflight(args, clock)
    session = _session(pf, args)
    stream, size = _open_input(args.file)
    auditor = Auditor(session, clock)
    progress = Progress(sys.stderr, size, enabled=not args.no_progress)
    out = sys.stdout
    try:
        for first, block in numbered_blocks(stream):
            found = []
            lines = split_lines(block)
            for i, line in enumerate(lines):
                found.extend(auditor.feed(first + i, line))
            if found:
                out.write("".join((_json_text(d.as_dict()) if args.json else d.text()) + "\n"
                                  for d in found))
            progress.advance(len(block), len(lines))
    finally:
        progress.close()
        if stream is not sys.stdin.buffer:
            stream.close()
    report = auditor.finish()
    summary = report.summary(session_used=not isinstance(session, _CheckOnly))
    (sys.stderr if args.json else out).write(("" if args.json else "\n") + summary)
    return EXIT_FOUND if report.disagreements else EXIT_OK


class _CheckOnly:
    """Stands in for a session when ``oxpreflight.session`` cannot be imported."""

    def __init__(self, pf: Preflight):
        self.submit = pf.check

    def observe(self, message: Any) -> None:
        return None


def _session(pf: Preflight, args: argparse.Namespace) -> Any:
    options: dict = {}
    if args.no_track_orders:
        options["track_orders"] = False
    if args.no_rate_limit:
        options["rate_limit"] = 2 ** 62
    try:
        session = pf.session(**options)
    except ImportError:
        return _CheckOnly(pf)
    if args.logged_in:  # the capture starts on a connection that already logged in
        session.observe({"event": "login", "success": True})
    return session


# -- audit ---------------------------------------------------------------------------------------
class ReplayClock:
    """The clock of a replay: each capture line's ``ts`` while that line is replayed, else the
    fixed ``--now`` value, else the system clock."""

    def __init__(self, fixed: Optional[int] = None):
        self.fixed = fixed
        self.line_ts: Optional[int] = None

    def __call__(self) -> int:
        if self.line_ts is not None:
            return self.line_ts
        return self.fixed if self.fixed is not None else system_clock()


@dataclass
class Expected:
    """A reply the exchange owes for one sent frame (or one item of a sent batch)."""

    line: int
    op: Optional[str]
    event: Optional[str]     # the reply's event (batch items answer with the singular op)
    tag: Optional[str]       # as text; None when the frame had none (or was not JSON)
    item: Optional[int]      # position in dataArray, for batches
    client_id: Optional[str]
    verdict: Verdict


@dataclass
class Disagreement:
    """A reply that contradicts the local verdict."""

    kind: str                # "exchange-rejected", "local-rejected" or "codes-differ"
    expected: Expected
    reply_line: int
    code: Optional[str]      # the exchange's code (None when it accepted)
    message: Optional[str]   # the exchange's message

    @property
    def key(self) -> str:
        local = self.expected.verdict.code
        if self.kind == "exchange-rejected":
            return str(self.code)
        if self.kind == "local-rejected":
            return str(local)
        return f"{local} -> {self.code}"

    def where(self) -> str:
        exp = self.expected
        text = exp.op if exp.op is not None else "frame"
        if exp.tag is not None:
            text += f" tag {exp.tag}"
        if exp.item is not None:
            text += f" dataArray[{exp.item}]"
        return text

    def text(self) -> str:
        local = self.expected.verdict
        mine = "local accepted" if local.ok else f"local rejected {local.code} {local.message}"
        theirs = "exchange accepted" if self.kind == "local-rejected" \
            else f"exchange rejected {self.code} {self.message or ''}".rstrip()
        return _printable(f"line {self.expected.line}: {self.where()}: {mine}, {theirs} "
                          f"(reply line {self.reply_line})")

    def as_dict(self) -> dict:
        exp = self.expected
        exchange = {"ok": self.kind == "local-rejected", "code": self.code,
                    "message": self.message}
        return {"line": exp.line, "reply_line": self.reply_line, "kind": self.kind,
                "op": exp.op, "tag": exp.tag, "item": exp.item,
                "local": exp.verdict.as_dict(), "exchange": exchange}


_KIND_TITLES = {
    "exchange-rejected": "exchange rejected, local accepted (code: the exchange's)",
    "local-rejected": "local rejected, exchange accepted (code: the local one)",
    "codes-differ": "both rejected, with different codes (local -> exchange)",
}


@dataclass
class AuditReport:
    """Counts and disagreements of one replay, grouped by kind and code."""

    sent: int = 0
    matched: int = 0
    disagreements: int = 0
    groups: dict = field(default_factory=dict)   # kind -> key -> [count, lines, message]
    unanswered: list = field(default_factory=list)
    unmatched: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # (line, reason)
    untimed: int = 0                             # sent lines without "ts"

    def add(self, found: Disagreement) -> None:
        self.disagreements += 1
        group = self.groups.setdefault(found.kind, {}).setdefault(
            found.key, [0, [], found.message or found.expected.verdict.message])
        group[0] += 1
        if len(group[1]) < LINES_SHOWN:
            group[1].append(found.expected.line)

    def summary(self, session_used: bool = True) -> str:
        rows = [("sent frames", self.sent), ("replies matched", self.matched),
                ("agreements", self.matched - self.disagreements),
                ("disagreements", self.disagreements),
                ("unanswered", len(self.unanswered)), ("unmatched replies", len(self.unmatched)),
                ("skipped lines", len(self.skipped))]
        width = max(len(name) for name, _ in rows)
        out = [f"{name:<{width}}  {value:>9,}" for name, value in rows]
        for title, lines in (("unanswered (sent lines)", [e.line for e in self.unanswered]),
                             ("unmatched replies (lines)", self.unmatched),
                             ("skipped lines", [f"{n} ({why})" for n, why in self.skipped])):
            if lines:
                out.append(f"{title}: {_line_list(lines, len(lines))}")
        for kind in _KIND_TITLES:
            if kind in self.groups:
                out += ["", _KIND_TITLES[kind] + ":"]
                for key, (count, lines, message) in sorted(
                        self.groups[kind].items(), key=lambda kv: (-kv[1][0], kv[0])):
                    out.append(_printable(f"  {key:<15} {count:>7,}  {message or ''}  "
                                          f"(lines {_line_list(lines, count)})"))
        out += self._hints(session_used)
        return "\n".join(out) + "\n"

    def _hints(self, session_used: bool) -> list:
        local = self.groups.get("local-rejected", {})
        hints = []
        if not session_used:
            hints.append("note: oxpreflight.session is not available; frames were checked "
                         "alone, without login, rate or open-order state")
        if "05001" in local:
            hints.append("hint: 05001 disagreements: the capture may start after its login; "
                         "try --logged-in")
        if any(key in local for key in ("100005", "100006")):
            hints.append("hint: 100005/100006 disagreements: the capture may cancel orders "
                         "placed before it began; try --no-track-orders")
        if "20007" in local and self.untimed:
            hints.append("hint: 20007 disagreements: lines without \"ts\" replay faster than "
                         "they were sent; add \"ts\" or try --no-rate-limit")
        return ["", *hints] if hints else []


def _line_list(lines: list, total: int) -> str:
    text = ", ".join(str(n) for n in lines[:LINES_SHOWN])
    return text + (f", ... {total - LINES_SHOWN:,} more" if total > LINES_SHOWN else "")


def _tag_text(tag: Any) -> Optional[str]:
    return str(tag) if tag.__class__ is int or tag.__class__ is str else None


def _client_id(item: Any) -> Optional[str]:
    if isinstance(item, dict):
        value = item.get("clientOrderId")
        if value is not None and value.__class__ is not bool:
            return str(value)
    return None


def _as_message(frame: Any) -> Any:
    """A capture's frame as a parsed object when possible (for matching), else ``None``."""
    if isinstance(frame, dict):
        return frame
    if isinstance(frame, str):
        try:
            return orjson.loads(frame)
        except orjson.JSONDecodeError:
            return None
    return None


class Auditor:
    """Replays capture lines through a session and matches each reply to what was sent.

    Matching: a reply goes to the oldest unanswered sent frame (or batch item) with the same
    event (batch items answer with the singular op: ``placeorders`` -> ``placeorder``) and the
    same tag (compared as text). Within a batch, a reply whose ``data.clientOrderId`` names an
    item goes to that item; otherwise items are answered in position order. A reply without
    event or tag matches on what it has; a frame that was not JSON (or had an unknown op)
    accepts any reply. Replies matching nothing, and sent frames never answered, are listed
    apart and are not disagreements (captures start and end mid-stream).
    """

    def __init__(self, session: Any, clock: Optional[ReplayClock]):
        self.session = session
        self.clock = clock
        self.pending: dict = {}          # (event, tag) -> deque of Expected, oldest first
        self.report = AuditReport()

    # -- lines ---------------------------------------------------------------------------------
    def feed(self, number: int, line: Any) -> list:
        """Replay one capture line; the disagreements it reveals."""
        if _is_blank(line):
            return []
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:
            return self._skip(number, "not JSON")
        if not isinstance(record, dict):
            return self._skip(number, "not a JSON object")
        direction, ts = record.get("direction"), record.get("ts")
        if direction not in ("sent", "received"):
            return self._skip(number, 'direction is not "sent" or "received"')
        if "frame" not in record:
            return self._skip(number, "no frame")
        if ts is not None and (ts.__class__ is not int or ts < 0):
            return self._skip(number, "ts is not epoch milliseconds")
        if self.clock is not None:
            self.clock.line_ts = ts
        frame = record["frame"]
        if not isinstance(frame, (dict, str)):
            frame = _json_text(frame)
        if direction == "sent":
            self.report.untimed += ts is None
            self._sent(number, frame)
            return []
        return self._received(number, frame)

    def finish(self) -> AuditReport:
        """The report, with every still-unanswered frame listed."""
        left = [exp for queue in self.pending.values() for exp in queue]
        self.report.unanswered = sorted(left, key=lambda exp: exp.line)
        self.pending = {}
        return self.report

    def _skip(self, number: int, reason: str) -> list:
        self.report.skipped.append((number, reason))
        return []

    # -- sent ------------------------------------------------------------------------------------
    def _sent(self, number: int, frame: Any) -> None:
        self.report.sent += 1
        verdict = self.session.submit(frame)
        msg = _as_message(frame)
        if frame == "ping":
            return  # answered by "pong", which is no reply to compare
        if not isinstance(msg, dict):
            self._expect(Expected(number, None, None, None, None, None, verdict))
            return
        op, tag = msg.get("op"), _tag_text(msg.get("tag"))
        op = op if isinstance(op, str) else None
        event = BATCH_OF.get(op, op) if op in COMMANDS else None  # unknown op: any reply
        entries = msg.get("dataArray") if op in BATCH_OF else None
        if isinstance(entries, list) and entries and verdict.items:
            for index, entry in enumerate(entries):
                local = verdict.items[index] if index < len(verdict.items) else verdict
                self._expect(Expected(number, op, event, tag, index, _client_id(entry), local))
            return
        args = msg.get("args")
        replies = len(args) if op in ("subscribe", "unsubscribe") and verdict.ok \
            and isinstance(args, list) and args else 1
        data = msg.get("data")
        for _ in range(replies):
            self._expect(Expected(number, op, event, tag, None, _client_id(data), verdict))

    def _expect(self, exp: Expected) -> None:
        self.pending.setdefault((exp.event, exp.tag), deque()).append(exp)

    # -- received --------------------------------------------------------------------------------
    def _received(self, number: int, frame: Any) -> list:
        self.session.observe(frame)
        msg = _as_message(frame)
        if not isinstance(msg, dict) or "table" in msg:
            return []  # pong, channel pushes: fed to the session, nothing to match
        if not ("submitted" in msg or "success" in msg or "code" in msg):
            return []
        event = msg.get("event")
        event = BATCH_OF.get(event, event) if isinstance(event, str) else None
        tag = _tag_text(msg.get("tag"))
        data = msg.get("data")
        exp = self._match(event, tag, _client_id(data) if isinstance(data, dict) else None)
        if exp is None:
            self.report.unmatched.append(number)
            return []
        self.report.matched += 1
        accepted = msg.get("submitted") is True or msg.get("success") is True
        code = None if msg.get("code") is None else str(msg.get("code"))
        message = msg.get("message") if isinstance(msg.get("message"), str) else None
        local = exp.verdict
        if accepted:
            if local.ok:
                return []
            found = Disagreement("local-rejected", exp, number, None, None)
        elif local.ok:
            found = Disagreement("exchange-rejected", exp, number, code, message)
        elif code is not None and code != local.code:
            found = Disagreement("codes-differ", exp, number, code, message)
        else:
            return []
        self.report.add(found)
        return [found]

    def _match(self, event: Optional[str], tag: Optional[str], client_id: Optional[str]
               ) -> Optional[Expected]:
        queue = self.pending.get((event, tag)) if event is not None else None
        if not queue:
            queue = self._oldest_compatible(event, tag)
            if queue is None:
                return None
        exp = queue[0]
        if client_id is not None and exp.client_id != client_id:
            exp = next((e for e in queue if e.client_id == client_id and e.line == exp.line),
                       exp)
        queue.remove(exp)
        if not queue:
            del self.pending[(exp.event, exp.tag)]
        return exp

    def _oldest_compatible(self, event: Optional[str], tag: Optional[str]) -> Optional[deque]:
        best = None
        for (want_event, want_tag), queue in self.pending.items():
            if event is not None and want_event is not None and want_event != event:
                continue
            if tag is not None and want_tag is not None and want_tag != tag:
                continue
            if tag is not None and want_tag is None and want_event is not None:
                continue  # a tagged reply answers a tagged frame (or one that was not JSON)
            if best is None or queue[0].line < best[0].line:
                best = queue
        return best


# -- argument parsing ----------------------------------------------------------------------------
def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None


def _positive(text: str) -> int:
    value = _integer(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def _add_clock_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--markets", metavar="PATH",
                        help="market catalogue: a GET /v3/markets reply or a list of markets "
                             "(default: the embedded catalogue, which has no price bounds)")
    clock = parser.add_mutually_exclusive_group()
    clock.add_argument("--now", metavar="MS", type=_integer,
                       help="fixed clock, epoch milliseconds (default: the system clock)")
    clock.add_argument("--no-clock", action="store_true",
                       help="switch time-dependent rules off (100015, 200050)")
    parser.add_argument("--json", action="store_true",
                        help="one JSON object per line on stdout; the summary goes to stderr")
    parser.add_argument("--no-progress", action="store_true",
                        help="no progress bar (it is only drawn when stderr is a terminal)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``oxpreflight``."""
    parser = argparse.ArgumentParser(
        prog="oxpreflight",
        description="Check OX.FUN / OPNX / CoinFLEX websocket frames the way the exchange "
                    "would, with the exchange's own codes.")
    parser.add_argument("--version", action="version", version=f"oxpreflight {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser(
        "check", help="check a JSON Lines file of frames (exit 1 if any is rejected)",
        description="Check one frame per line. Prints each rejected line, then a summary. "
                    "Blank lines are skipped and counted. Exit 0: all accepted; 1: some "
                    "rejected; 2: usage error.")
    check.add_argument("file", metavar="FILE", help="JSON Lines file, or - for stdin")
    _add_clock_options(check)
    check.add_argument("--workers", type=_positive, default=1, metavar="N",
                       help="check in N processes (same output, same order; default 1)")
    check.add_argument("--warnings", "-W", action="store_true",
                       help="also print each warning (the summary always counts them)")
    check.add_argument("--rate", action="store_true",
                       help="add frames per second to the summary")
    check.set_defaults(run=run_check)

    audit = commands.add_parser(
        "audit", help="replay a capture of sent frames and replies; report disagreements",
        description="Replay a capture ({\"direction\": \"sent\"|\"received\", \"frame\": ..., "
                    "\"ts\": ms} per line) through a session and report every reply that "
                    "disagrees with the local verdict. Exit 0: none; 1: some; 2: usage error.")
    audit.add_argument("file", metavar="CAPTURE", help="capture file (JSON Lines), or -")
    _add_clock_options(audit)
    audit.add_argument("--logged-in", action="store_true",
                       help="the capture starts on a connection that already logged in")
    audit.add_argument("--no-track-orders", action="store_true",
                       help="do not check cancels/modifies against observed open orders")
    audit.add_argument("--no-rate-limit", action="store_true",
                       help="do not check the order rate (20007)")
    audit.set_defaults(run=run_audit)

    codes = commands.add_parser("codes", help="the exchange's codes and what oxpreflight does")
    codes.add_argument("--markdown", action="store_true", help="as a markdown table")
    codes.set_defaults(run=run_codes)

    explain_cmd = commands.add_parser("explain", help="the rules behind a code, with examples")
    explain_cmd.add_argument("code", metavar="CODE", help="e.g. 20029")
    explain_cmd.set_defaults(run=run_explain)
    return parser


def main(argv: Optional[list] = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help, --version (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    if getattr(args, "run", None) is None:
        parser.print_usage(sys.stderr)
        sys.stderr.write("oxpreflight: error: a command is required (check, audit, codes, "
                         "explain)\n")
        return EXIT_USAGE
    try:
        return args.run(args)
    except UsageError as exc:
        sys.stderr.write(f"oxpreflight: error: {exc}\n")
        return EXIT_USAGE
    except BrokenPipeError:  # output piped into `head` and closed: stop quietly
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return EXIT_FOUND
    except KeyboardInterrupt:
        sys.stderr.write("\noxpreflight: interrupted\n")
        return 130
