"""The benchmark suite of issue 4, in one command: ``python benchmarks/run.py [--quick]``.

Times oxpreflight's ``check(dict)``, ``check(text)`` and a session's ``submit`` beside
``json.dumps``, ``json.loads``, pydantic, fastjsonschema and jsonschema on the same frames,
checks each oxpreflight row's verdict (a broken check cannot look fast), measures the
``oxpreflight check`` throughput on a generated capture and the cost of a 1,000-market
Preflight, prints the tables, and writes them to ``benchmarks/RESULTS.md``.

Method: every (row, frame) cell is a ``timeit.Timer`` calling the function directly on a
prepared argument; each cell is calibrated to a sample of ``--sample-ms``, then all cells are
sampled in interleaved rounds (so drift and noise hit every row alike) and the median per-call
time over the rounds is reported. Garbage collection is off while a sample runs (timeit's
default).
"""
from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
import tracemalloc
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Optional

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402

from benchmarks import contenders as C  # noqa: E402
from benchmarks import frames as F  # noqa: E402
from oxpreflight import Preflight  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
CAPTURE_DIR = Path(tempfile.gettempdir()) / "oxpreflight-bench"

# -- rows --------------------------------------------------------------------------------------
CHECK_DICT = "oxpreflight check(dict)"
CHECK_TEXT = "oxpreflight check(text)"
SUBMIT = "oxpreflight session.submit(dict)"
DUMPS = "json.dumps(frame)"
LOADS = "json.loads(text)"
ORJSON_LOADS = "orjson.loads(text)"
PYDANTIC = "pydantic model_validate(dict), oxpreflight.models"
PYDANTIC_JSON = "pydantic model_validate_json(text), oxpreflight.models"
PLAIN = "pydantic model_validate(dict), plain model"
PLAIN_JSON = "pydantic model_validate_json(text), plain model"
FASTJSONSCHEMA = "fastjsonschema (compiled)"
JSONSCHEMA = "jsonschema Draft 2020-12 (compiled once)"
ROWS = (CHECK_DICT, CHECK_TEXT, SUBMIT, DUMPS, LOADS, ORJSON_LOADS, PYDANTIC, PYDANTIC_JSON,
        PLAIN, PLAIN_JSON, FASTJSONSCHEMA, JSONSCHEMA)
OURS = (CHECK_DICT, CHECK_TEXT, SUBMIT)


@dataclass
class Cell:
    """One timed (row, frame) pair."""

    row: str
    case: F.Case
    fn: Optional[Callable[[Any], Any]]
    arg: Any = None
    note: str = ""            # shown beside the figure (skipped, wrong verdict, raises)
    verify: bool = False      # an oxpreflight row: its verdict is checked before and after
    number: int = 0
    samples: list = field(default_factory=list)

    @property
    def median(self) -> Optional[float]:
        return statistics.median(self.samples) if self.samples else None

    @property
    def spread(self) -> Optional[float]:
        """Interquartile range over the median."""
        if len(self.samples) < 4:
            return None
        q = statistics.quantiles(self.samples, n=4)
        return (q[2] - q[0]) / statistics.median(self.samples)


def _raises_to_note(fn: Callable, arg: Any) -> tuple[Callable, str]:
    """``fn`` itself when it accepts ``arg``; a catching wrapper and a note when it raises."""
    try:
        fn(arg)
    except Exception as exc:  # a contender that rejects the frame is timed rejecting it
        def guarded(value, fn=fn):
            try:
                return fn(value)
            except Exception:
                return None
        return guarded, f"rejects ({type(exc).__name__})"
    return fn, ""


# -- sessions ----------------------------------------------------------------------------------
LOGIN_REPLY = {"event": "login", "success": True, "tag": "1",
               "data": {"isLogin": True, "accountId": "1234"}}
ORDER_OPENED = {"table": "order", "data": [{
    "notice": "OrderOpened", "accountId": "1234", "clientOrderId": "1", "orderId": "1000001",
    "price": "68000", "quantity": "1.5", "side": "BUY", "status": "OPEN",
    "marketCode": "BTC-USD-SWAP-LIN", "timeInForce": "GTC", "timestamp": str(F.NOW - 50),
    "orderType": "LIMIT", "isTriggered": "false"}]}


def make_session(pf: Preflight) -> tuple[Any, str]:
    """A logged-in session with no practical rate limit, the cancelled order seen open."""
    try:
        session = pf.session(rate_limit=10**9)
    except ImportError as exc:
        return None, f"skipped: oxpreflight.session not available ({exc})"
    except Exception as exc:  # the module exists but its API differs from issue 3
        return None, f"skipped: pf.session(rate_limit=10**9) failed ({type(exc).__name__}: {exc})"
    session.observe(LOGIN_REPLY)
    session.observe(ORDER_OPENED)
    return session, ""


# -- building the cells ------------------------------------------------------------------------
def build_cells(pf: Preflight) -> list[Cell]:
    cells: list[Cell] = []
    for case in F.CASES:
        frame, text = case.frame, case.text
        cells.append(Cell(CHECK_DICT, case, pf.check, frame, verify=True))
        cells.append(Cell(CHECK_TEXT, case, pf.check, text, verify=True))
        session, note = make_session(pf)
        if session is None:
            cells.append(Cell(SUBMIT, case, None, note=note))
        else:
            cells.append(Cell(SUBMIT, case, session.submit, frame, verify=True))
        cells.append(Cell(DUMPS, case, json.dumps, frame))
        cells.append(Cell(LOADS, case, json.loads, text))
        cells.append(Cell(ORJSON_LOADS, case, orjson.loads, text))
        project = C.PROJECT_MODELS and C.PROJECT_MODELS[frame["op"]]
        plain = C.PLAIN_MODELS[frame["op"]]
        if project is None:
            for row in (PYDANTIC, PYDANTIC_JSON):
                cells.append(Cell(row, case, None, note="skipped: oxpreflight.models absent"))
        for row, fn, arg in (
                *(((PYDANTIC, project.model_validate, frame),
                   (PYDANTIC_JSON, project.model_validate_json, text)) if project else ()),
                (PLAIN, plain.model_validate, frame),
                (PLAIN_JSON, plain.model_validate_json, text),
                (FASTJSONSCHEMA, C.fastjsonschema_validator(frame), frame),
                (JSONSCHEMA, C.jsonschema_validator(frame), frame)):
            fn, note = _raises_to_note(fn, arg)
            cells.append(Cell(row, case, fn, arg, note=note))
    cells.append(Cell(CHECK_DICT, F.OFF_TICK, pf.check, F.OFF_TICK.frame, verify=True))
    cells.append(Cell(DUMPS, F.OFF_TICK, json.dumps, F.OFF_TICK.frame))
    return cells


def check_verdict(cell: Cell, when: str) -> bool:
    """Run an oxpreflight cell once and compare its verdict with the case's expectation."""
    if not cell.verify or cell.fn is None:
        return True
    try:
        verdict = cell.fn(cell.arg)
    except Exception as exc:
        problem = f"raised {type(exc).__name__}: {exc}"
    else:
        problem = F.verify(cell.case, verdict)
    if problem is None:
        return True
    cell.note = f"WRONG VERDICT {when}: {problem}"
    cell.fn = None
    cell.samples.clear()
    return False


# -- timing ------------------------------------------------------------------------------------
def _timer(cell: Cell) -> timeit.Timer:
    return timeit.Timer("fn(arg)", globals={"fn": cell.fn, "arg": cell.arg})


def calibrate(cell: Cell, sample_s: float) -> None:
    timer, number = _timer(cell), 1
    while True:
        elapsed = timer.timeit(number)
        if elapsed >= sample_s / 4:
            cell.number = max(1, round(number * sample_s / elapsed))
            return
        number *= 4


def measure(cells: list[Cell], rounds: int, sample_s: float, progress: Callable,
            inner: int = 3) -> None:
    """Each round samples every cell once; a sample is the fastest of ``inner`` short runs, which
    drops a run that another process interrupted. The order rotates from round to round, and
    the cells of one frame stay next to each other, so their samples can be paired."""
    live = [c for c in cells if c.fn is not None]
    if not live:
        return
    for cell in live:
        calibrate(cell, sample_s / inner)
    timers = {id(c): _timer(c) for c in live}
    for r in range(rounds):
        shift = r % len(live)
        for cell in live[shift:] + live[:shift]:
            elapsed = min(timers[id(cell)].repeat(inner, cell.number))
            cell.samples.append(elapsed / cell.number * 1e9)
        progress(r + 1, rounds)


# -- throughput --------------------------------------------------------------------------------
STAND_IN = r"""
import json, sys, time
sys.path.insert(0, sys.argv[3])
from oxpreflight import Preflight
pf = Preflight(markets=sys.argv[2], clock=None)
check = pf.check
ok = bad = 0
first_bad = None
t0 = time.process_time()
with open(sys.argv[1], "rb") as f:
    for line in f:
        v = check(line)
        if v.ok:
            ok += 1
        else:
            bad += 1
            first_bad = first_bad or f"{v.code} {v.message}"
print(json.dumps({"ok": ok, "bad": bad, "loop_cpu": time.process_time() - t0,
                  "first_bad": first_bad}))
"""


def write_capture(lines: int) -> Path:
    """A capture of ``lines`` valid placeorders in the temp directory (reused when present)."""
    CAPTURE_DIR.mkdir(exist_ok=True)
    path = CAPTURE_DIR / f"capture-{lines}.jsonl"
    if path.exists() and path.stat().st_size > 0:
        with path.open("rb") as f:
            if sum(1 for _ in f) == lines:
                return path
    line = F.capture_line
    with path.open("wb") as f:
        for start in range(0, lines, 10000):
            f.write(b"".join(line(i) for i in range(start, min(lines, start + 10000))))
    return path


@dataclass
class Run:
    label: str
    lines: int
    wall: float
    cpu: float
    maxrss_kb: int
    rc: int
    detail: dict

    @property
    def per_core(self) -> float:
        return self.lines / self.cpu if self.cpu else 0.0


#: Runs its arguments as a grandchild and reports that process's rusage. Linux carries a
#: process's peak RSS across fork and exec, so a command started straight from this (large)
#: process would report at least this process's own size; started from a small launcher, the
#: floor is the launcher's few MB.
LAUNCHER = r"""
import json, os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, u = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    json.dump({"cpu": u.ru_utime + u.ru_stime, "maxrss_kb": u.ru_maxrss,
               "rc": os.waitstatus_to_exitcode(status)}, f)
"""


def run_child(argv: list[str], label: str, lines: int) -> Run:
    """Run ``argv`` to completion; wall time, CPU time and peak RSS of that process alone."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", suffix=".json") as usage_file:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-S", "-c", LAUNCHER, usage_file.name, *argv],
                       stdout=out, stderr=err, env=env, cwd=str(ROOT), check=True)
        wall = time.perf_counter() - start
        usage = json.load(usage_file)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    detail: dict = {"stdout_tail": stdout[-400:].decode("utf-8", "replace"),
                    "stderr_tail": stderr[-400:].decode("utf-8", "replace")}
    try:
        detail.update(json.loads(stdout.strip().splitlines()[-1]))
    except (ValueError, IndexError):
        summary = (stdout[-2000:] + stderr[-2000:]).decode("utf-8", "replace")
        counts = {key: re.search(rf"^\s*{word}\s+([\d,]+)\s*$", summary, re.M)
                  for key, word in (("ok", "accepted"), ("bad", "rejected"))}
        if all(counts.values()):
            detail.update({key: int(m.group(1).replace(",", "")) for key, m in counts.items()})
    return Run(label, lines, wall, usage["cpu"], usage["maxrss_kb"], usage["rc"], detail)


def cli_help() -> list[str]:
    """The words of ``python -m oxpreflight check --help`` (empty when there is no CLI)."""
    if not (ROOT / "oxpreflight" / "__main__.py").exists():
        return []
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    probe = subprocess.run([sys.executable, "-m", "oxpreflight", "check", "--help"],
                           capture_output=True, text=True, cwd=str(ROOT), env=env)
    return (probe.stdout + probe.stderr).split() if probe.returncode == 0 else []


def cli_command() -> Optional[list[str]]:
    """``python -m oxpreflight check`` on the suite's catalogue and clock; None without a CLI."""
    words = cli_help()
    if not words:
        return None
    argv = [sys.executable, "-m", "oxpreflight", "check"]
    if "--markets" in words:
        argv += ["--markets", str(F.MARKETS_FILE)]
    if "--now" in words:
        argv += ["--now", str(F.NOW)]
    return argv


def throughput(big: int, small: int, progress: Callable, workers: int = 1) -> dict:
    paths = {n: write_capture(n) for n in (small, big)}
    runs: list[Run] = []
    loop = [sys.executable, "-c", STAND_IN]
    for n in (small, big):
        progress(f"plain loop over {n:,} lines")
        runs.append(run_child(loop + [str(paths[n]), str(F.MARKETS_FILE), str(ROOT)],
                              "loop", n))
    cli = cli_command()
    if cli is not None:
        for n in (small, big):
            progress(f"`oxpreflight check` over {n:,} lines")
            runs.append(run_child(cli + [str(paths[n])], "cli", n))
        if workers > 1 and "--workers" in " ".join(cli_help()):
            progress(f"`oxpreflight check --workers {workers}` over {big:,} lines")
            runs.append(run_child(cli + ["--workers", str(workers), str(paths[big])],
                                  f"cli-workers-{workers}", big))
    return {"runs": runs, "cli": cli}


# -- Preflight construction --------------------------------------------------------------------
def build_cost(count: int, repeats: int) -> dict:
    markets = F.synthetic_markets(count)
    small = F.load_catalogue()
    out: dict = {"count": count, "catalogue": len(small)}
    for key, data in (("big", markets), ("small", small)):
        times = []
        for _ in range(repeats):
            gc.collect()
            start = time.perf_counter()
            pf = Preflight(markets=data, clock=F.clock)
            times.append(time.perf_counter() - start)
        assert len(pf.markets) == len(data), "markets were dropped while building"
        del pf
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        pf = Preflight(markets=data, clock=F.clock)
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        out[key] = {"median_ms": statistics.median(times) * 1e3, "min_ms": min(times) * 1e3,
                    "held_mb": held / 2**20}
        del pf
    probe = Preflight(markets=markets, clock=F.clock)
    market = markets[1]  # a BTC-like market, varied: an order on it must still be checked
    out["probe"] = probe.check({"op": "placeorder", "data": {
        "marketCode": market["marketCode"], "side": "BUY", "orderType": "LIMIT",
        "quantity": 0.0000001, "price": 1.0}}).code
    return out


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


# -- environment -------------------------------------------------------------------------------
def environment() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    versions = {}
    for dist in ("pydantic", "pydantic-core", "orjson", "fastjsonschema", "jsonschema"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "absent"
    import oxpreflight
    commit = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
                            capture_output=True, text=True).stdout.strip() or "unknown"
    return {"load": _loadavg(),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "cpu": cpu, "cores": os.cpu_count(), "usable": usable,
            "python": f"{platform.python_implementation()} {platform.python_version()}",
            "platform": platform.platform(), "versions": versions,
            "oxpreflight": f"{getattr(oxpreflight, '__version__', '?')} (tree {commit})"}


# -- report ------------------------------------------------------------------------------------
def _ns(value: Optional[float]) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}"


class Figures:
    """Per-cell samples, aligned by round: medians and paired ratios."""

    def __init__(self, cells: list[Cell]):
        self.samples = {(c.row, c.case.key): c.samples for c in cells if c.samples}

    def median(self, row: str, key: str) -> Optional[float]:
        samples = self.samples.get((row, key))
        return statistics.median(samples) if samples else None

    def ratio(self, num: tuple[str, str], *den: tuple[float, str, str]) -> Optional[float]:
        """Median over rounds of ``num / sum(weight * den)``, each round's samples paired
        (they ran moments apart, so load on the machine hits both sides of a ratio alike)."""
        top = self.samples.get(num)
        bottoms = [(w, self.samples.get((row, key))) for w, row, key in den]
        if not top or not all(b for _, b in bottoms):
            return None
        n = min(len(top), *(len(b) for _, b in bottoms))
        return statistics.median(top[i] / sum(w * b[i] for w, b in bottoms) for i in range(n))


def tables(cells: list[Cell]) -> tuple[list[str], Figures]:
    """Markdown tables of medians and of ratios to json.dumps."""
    fig = Figures(cells)
    notes = {(c.row, c.case.key): c.note for c in cells if c.note}
    keys = [case.key for case in F.CASES]
    head = "| | " + " | ".join(F.BY_KEY[k].title for k in keys) + " |"
    rule = "|---|" + "---:|" * len(keys)
    out = ["### Medians (ns per call)", "", head, rule]
    footnotes: list[str] = []
    for row in ROWS:
        cells_text = []
        for k in keys:
            note = notes.get((row, k), "")
            text = _ns(fig.median(row, k))
            if note:
                if note not in footnotes:
                    footnotes.append(note)
                mark = f"[{footnotes.index(note) + 1}]"
                text = f"{text} {mark}" if text != "-" else f"{note.split(':')[0]} {mark}"
            cells_text.append(text)
        out.append(f"| {row} | " + " | ".join(cells_text) + " |")
    out += [""] + [f"[{i}] {note}  " for i, note in enumerate(footnotes, 1)]
    out += ["", "### Ratios to `json.dumps` of the same frame (lower is better)", "",
            "Median over rounds of the paired per-round ratio.", "", head, rule]
    for row in ROWS:
        ratios = []
        for k in keys:
            value = fig.ratio((row, k), (1.0, DUMPS, k))
            ratios.append(f"{value:.2f}" if value is not None else "-")
        out.append(f"| {row} | " + " | ".join(ratios) + " |")
    off = fig.ratio((CHECK_DICT, "offtick"), (1.0, DUMPS, "offtick"))
    if off is not None:
        out += ["", f"{F.OFF_TICK.title}: check(dict) {_ns(fig.median(CHECK_DICT, 'offtick'))} "
                f"ns, json.dumps {_ns(fig.median(DUMPS, 'offtick'))} ns, ratio {off:.2f} "
                "(accepted with warning W002)."]
    spreads = sorted(c.spread for c in cells if c.spread is not None)
    if spreads:
        out += ["", f"Interquartile range over the rounds, as a share of the cell's median: "
                f"{statistics.median(spreads) * 100:.0f}% typical, {spreads[-1] * 100:.0f}% "
                "worst (high figures mean other work was running)."]
    return out, fig


def targets(fig: Figures, thr: Optional[dict], build: Optional[dict]
            ) -> list[tuple[str, str, Optional[bool]]]:
    """(target, measured, met) rows; met is None when it could not be measured."""
    rows: list[tuple[str, str, Optional[bool]]] = []

    def ratio_row(text: str, limit: float, num: tuple[str, str], *den: tuple[float, str, str]):
        value = fig.ratio(num, *den)
        if value is None:
            rows.append((text, "not measured", None))
            return
        bottom = sum(w * (fig.median(r, k) or 0) for w, r, k in den)
        rows.append((text, f"{value:.3f} (medians {_ns(fig.median(*num))} / {_ns(bottom)} ns)",
                     value <= limit))

    ratio_row("check(dict) valid LIMIT <= 0.35 x json.dumps", 0.35,
              (CHECK_DICT, "limit"), (1.0, DUMPS, "limit"))
    ratio_row("check(dict) valid LIMIT <= 0.5 x pydantic model_validate (oxpreflight.models)",
              0.5, (CHECK_DICT, "limit"), (1.0, PYDANTIC, "limit"))
    ratio_row("check(dict) valid LIMIT <= 0.5 x pydantic model_validate (plain model)", 0.5,
              (CHECK_DICT, "limit"), (1.0, PLAIN, "limit"))
    ratio_row("check(text) valid LIMIT <= json.loads + 0.35 x json.dumps (ratio to that sum)",
              1.0, (CHECK_TEXT, "limit"), (1.0, LOADS, "limit"), (0.35, DUMPS, "limit"))
    for row in (CHECK_DICT, CHECK_TEXT):
        ratio_row(f"rejected 20029 <= accepted STOP_LIMIT, {row.split()[-1]} (ratio)", 1.0,
                  (row, "reject"), (1.0, row, "stop"))
    for row in (CHECK_DICT, CHECK_TEXT):
        ratio_row(f"20-order batch <= 20 x single LIMIT, {row.split()[-1]} (ratio to 20 x)",
                  1.0, (row, "batch"), (20.0, row, "limit"))
    if thr:
        for label, name in (("cli", "`oxpreflight check`"), ("loop", "plain check loop")):
            runs = [r for r in thr["runs"] if r.label == label]
            if len(runs) < 2:
                continue
            small, big = runs
            valid = big.rc == 0 and big.detail.get("bad", 0) == 0
            steady = (big.lines - small.lines) / (big.cpu - small.cpu) \
                if big.cpu > small.cpu else 0.0
            rows.append((f"{name} >= 300,000 frames/s/core on {big.lines:,} valid placeorders",
                         f"{steady:,.0f} frames/s/core steady ({big.per_core:,.0f} counting "
                         f"start-up)" + ("" if valid else f"; run not clean: rc={big.rc}"),
                         steady >= 300_000 and valid))
            flat = big.maxrss_kb <= small.maxrss_kb * 1.10 + 2048
            rows.append((f"{name}: memory flat as the file grows",
                         f"peak RSS {small.maxrss_kb / 1024:.1f} MB at {small.lines:,} lines, "
                         f"{big.maxrss_kb / 1024:.1f} MB at {big.lines:,}", flat))
    if build:
        b = build["big"]
        rows.append((f"Preflight(markets=<{build['count']:,} markets>) builds in < 50 ms",
                     f"{b['median_ms']:.1f} ms median", b["median_ms"] < 50))
        rows.append((f"... and holds < 5 MB for them",
                     f"{b['held_mb']:.2f} MB held (tracemalloc)", b["held_mb"] < 5))
    return rows


def report(env: dict, args, cells: list[Cell], thr: Optional[dict], build: Optional[dict],
           elapsed: float) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Generated by `python benchmarks/run.py{' --quick' if args.quick else ''}` on "
        f"{env['date']} in {elapsed:.0f} s. Re-run it to refresh this file.",
        "",
        f"- Machine: {env['cpu']}, {env['cores']} cores ({env['usable']} usable), "
        f"{env['platform']}",
        f"- Load average (1, 5, 15 min) at start: {env['load']}; at end: {_loadavg()} "
        "(other work on the machine shows here and in the spread below)",
        f"- Python: {env['python']}",
        f"- oxpreflight {env['oxpreflight']}; "
        + ", ".join(f"{k} {v}" for k, v in env["versions"].items()),
        f"- Pydantic models: `oxpreflight.models.PlaceOrder`"
        f"{'' if C.PROJECT_MODELS else ' (absent in this run)'} and the plain model of "
        f"`benchmarks/contenders.py`",
        f"- Method: {args.rounds} interleaved rounds; in each, every cell is sampled as the "
        f"fastest of 3 runs of ~{args.sample_ms / 3:.1f} ms; figures are medians over the "
        "rounds, ratios medians of the per-round paired ratios; GC off while sampling.",
        "",
    ]
    body, fig = tables(cells)
    lines += body
    lines += ["", "## Targets (issue 4)", "", "| target | measured | met |", "|---|---|---|"]
    for text, measured, met in targets(fig, thr, build):
        lines.append(f"| {text} | {measured} | "
                     f"{'met' if met else ('not measured' if met is None else '**not met**')} |")
    if thr:
        lines += ["", "## Throughput over a capture", "",
                  f"Captures of valid LIMIT placeorders (compact JSON, one a line, no timestamp) "
                  f"generated in `{CAPTURE_DIR}`. CPU = user + system time of the child process,"
                  f" interpreter start-up included; peak RSS from `wait4` of that process, "
                  f"started from a small launcher (Linux carries peak RSS across fork and exec: "
                  f"started from the benchmark process, it would report at least that "
                  f"process's size). Steady rate = "
                  f"(lines of the big run - lines of the small run) / (CPU of the big run - CPU of "
                  f"the small run): start-up cancels out. Loop-only = lines / CPU time of the "
                  f"checking loop, reported by the stand-in itself.", "",
                  "| command | lines | wall s | CPU s | frames/s wall | frames/s/CPU-s "
                  "| loop-only frames/s | peak RSS MB | accepted / rejected | exit |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|"]
        for r in thr["runs"]:
            if r.label.startswith("cli"):
                extra = ["--workers", r.label.rsplit("-", 1)[1]] if r.label != "cli" else []
                opts = [os.path.relpath(a, ROOT) if a == str(F.MARKETS_FILE) else a
                        for a in thr["cli"][3:]]
                name = "`" + " ".join(["oxpreflight"] + opts + extra) + " FILE`"
            else:
                name = "stand-in: `for line in f: pf.check(line)`"
            loop_cpu = r.detail.get("loop_cpu")
            counts = (f"{r.detail['ok']:,} / {r.detail['bad']:,}" if "ok" in r.detail
                      else "not reported")
            lines.append(f"| {name} | {r.lines:,} | {r.wall:.2f} | {r.cpu:.2f} | "
                         f"{r.lines / r.wall:,.0f} | {r.per_core:,.0f} | "
                         f"{f'{r.lines / loop_cpu:,.0f}' if loop_cpu else '-'} | "
                         f"{r.maxrss_kb / 1024:.1f} | {counts} | {r.rc} |")
        if thr["cli"] is None:
            lines += ["", "`oxpreflight check` (oxpreflight/cli.py) was not available in this run;"
                      " only the stand-in loop was measured."]
        for r in thr["runs"]:
            if r.rc != 0 or r.detail.get("bad"):
                lines += ["", f"Run `{r.label}` on {r.lines:,} lines: exit {r.rc}; "
                          f"first rejection: {r.detail.get('first_bad')}; "
                          f"stderr: `{r.detail['stderr_tail'].strip()[-200:]}`"]
    if build:
        lines += ["", "## Building a Preflight", "",
                  "| markets | median ms | min ms | held MB (tracemalloc) |", "|---:|---:|---:|---:|"]
        for key in ("small", "big"):
            n = build["catalogue"] if key == "small" else build["count"]
            b = build[key]
            lines.append(f"| {n:,} | {b['median_ms']:.2f} | {b['min_ms']:.2f} | "
                         f"{b['held_mb']:.2f} |")
        lines += ["", f"Synthetic markets: the catalogue's entries with varied codes and figures"
                  f" (`benchmarks/frames.py: synthetic_markets`). Build time and memory include "
                  f"compiling the rule tables (the 10-market row shows that fixed part). Probe "
                  f"order on a synthetic market below its increment answers "
                  f"{build['probe']} (expected 100008)."]
    lines += ["", "## What the contenders check", "",
              "All validate the frame envelope (`op`, `tag`) and the placeorder/cancelorder "
              "fields: types, required fields, enumerations, positive quantity/amount, a positive"
              " 64-bit clientOrderId/orderId, a non-empty marketCode. "
              "`oxpreflight.models` also takes numbers exactly (Decimal, through Python "
              "validators), forbids unknown fields and checks the order-type dependent fields and"
              " the STOP_LIMIT price order, so it rejects the 20029 frame (timed rejecting it). "
              "The plain model (`benchmarks/contenders.py`), fastjsonschema and jsonschema check "
              "types only, entirely in native code for pydantic-core, and accept the 20029 frame."
              " None knows a market or the clock; oxpreflight also checks the market (listed, "
              "active, increment, sanity bounds, tick), the recvWindow and the frame length.", ""]
    return "\n".join(lines)


# -- main --------------------------------------------------------------------------------------
def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="fewer rounds, shorter samples, 200k-line capture (about 1 min)")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 41, quick 11)")
    parser.add_argument("--sample-ms", type=float,
                        help="target time of one sample of one cell (default 10, quick 4)")
    parser.add_argument("--lines", type=int,
                        help="capture size for the throughput run (default 1,000,000, "
                             "quick 200,000); a run at a tenth of it shows memory staying flat")
    parser.add_argument("--no-throughput", action="store_true", help="skip the capture runs")
    parser.add_argument("--no-build", action="store_true", help="skip the Preflight build cost")
    parser.add_argument("--output", type=Path, default=RESULTS,
                        help="where to write the markdown (default benchmarks/RESULTS.md)")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    args.rounds = args.rounds or (11 if args.quick else 41)
    args.sample_ms = args.sample_ms or (4.0 if args.quick else 10.0)
    args.lines = args.lines or (200_000 if args.quick else 1_000_000)

    started = time.perf_counter()

    def say(text: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {text}", file=sys.stderr, flush=True)

    env = environment()
    say(f"{env['cpu']} x{env['cores']}, {env['python']}, oxpreflight {env['oxpreflight']}")
    pf = Preflight(markets=str(F.MARKETS_FILE), clock=F.clock)
    cells = build_cells(pf)
    wrong = [c for c in cells if not check_verdict(c, "before timing")]
    for cell in cells:
        if cell.note and cell.fn is None:
            say(f"{cell.row} / {cell.case.title}: {cell.note}")
    say(f"timing {sum(c.fn is not None for c in cells)} cells, {args.rounds} rounds")
    last = [0.0]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 5 or done == total:
            last[0] = time.perf_counter()
            say(f"round {done}/{total}")

    measure(cells, args.rounds, args.sample_ms / 1e3, progress)
    wrong += [c for c in cells if not check_verdict(c, "after timing")]
    thr = None if args.no_throughput else throughput(args.lines, max(1, args.lines // 10), say,
                                                      os.cpu_count() or 1)
    if not args.no_build:
        say("Preflight build cost")
    build = None if args.no_build else build_cost(1000, 5 if args.quick else 15)
    text = report(env, args, cells, thr, build, time.perf_counter() - started)
    print(text)
    if not args.no_write:
        args.output.write_text(text)
        say(f"wrote {args.output}")
    for cell in wrong:
        print(f"ERROR {cell.row} / {cell.case.title}: {cell.note}", file=sys.stderr)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
