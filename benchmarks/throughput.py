"""``oxpreflight check`` over a capture file, beside an ``orjson.loads``-only loop over the same
file (and a plain ``pf.check(line)`` loop, which shows what the CLI adds around ``check``), on
two captures of valid LIMIT placeorders: numbers as strings (the headline) and as floats.

Each command runs in a child process started from a small launcher that reports the child's
CPU time (user + system) and peak RSS through ``wait4``. Each runs on a small and a big capture;
the steady rate per core is ``(big lines - small lines) / (big CPU - small CPU)``, so interpreter
start-up and imports cancel out. The commands alternate, ``repeats`` times, and the CLI / orjson
ratio is the median of the per-repeat ratios.
"""
from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from benchmarks import frames as F

ROOT = Path(__file__).resolve().parent.parent
CAPTURE_DIR = Path(tempfile.gettempdir()) / "oxpreflight-bench"

ORJSON_LOOP = r"""
import json, sys, orjson
loads = orjson.loads
n = 0
with open(sys.argv[1], "rb") as f:
    for line in f:
        loads(line)
        n += 1
print(json.dumps({"ok": n, "bad": 0}))
"""

CHECK_LOOP = r"""
import json, sys
from oxpreflight import Preflight
check = Preflight(markets=sys.argv[2], clock=None).check
ok = bad = 0
with open(sys.argv[1], "rb") as f:
    for line in f:
        if check(line).ok:
            ok += 1
        else:
            bad += 1
print(json.dumps({"ok": ok, "bad": bad}))
"""

#: Runs its arguments as a grandchild and reports that process's rusage. Linux carries a
#: process's peak RSS across fork and exec, so a command started straight from this (large)
#: process would report at least this process's own size; from a small launcher, a few MB.
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

CLI, ORJSON, LOOP = "cli", "orjson", "loop"
LABELS = {CLI: "`oxpreflight check --markets benchmarks/markets.json --now {now} FILE`",
          ORJSON: "`for line in f: orjson.loads(line)`",
          LOOP: "`for line in f: pf.check(line)`"}


KINDS = ("strings", "floats")


@dataclass
class Run:
    label: str
    kind: str
    lines: int
    wall: float
    cpu: float
    maxrss_kb: int
    rc: int
    ok: Optional[int]
    bad: Optional[int]

    @property
    def clean(self) -> bool:
        """Exit 0 and every line accepted (the count read from the command's own output)."""
        return self.rc == 0 and self.ok == self.lines and not self.bad


def write_capture(lines: int, kind: str = "strings") -> Path:
    """A capture of ``lines`` valid placeorders in the temp directory (reused when present)."""
    CAPTURE_DIR.mkdir(exist_ok=True)
    path = CAPTURE_DIR / f"capture-{kind}-{lines}.jsonl"
    if path.exists():
        with path.open("rb") as f:
            if sum(1 for _ in f) == lines:
                return path
    floats = kind == "floats"
    with path.open("wb") as f:
        for start in range(0, lines, 10000):
            f.write(b"".join(F.capture_line(i, floats)
                             for i in range(start, min(lines, start + 10000))))
    return path


def _counts(stdout: str) -> tuple[Optional[int], Optional[int]]:
    """(accepted, rejected) from a loop's JSON line or the CLI's summary."""
    try:
        found = json.loads(stdout.strip().splitlines()[-1])
        return found["ok"], found["bad"]
    except (ValueError, IndexError, KeyError, TypeError):
        pass
    got = [re.search(rf"^\s*{word}\s+([\d,]+)\s*$", stdout, re.M)
           for word in ("accepted", "rejected")]
    if not all(got):
        return None, None
    ok, bad = (int(m.group(1).replace(",", "")) for m in got)
    return ok, bad


def run_child(argv: list[str], label: str, kind: str, lines: int) -> Run:
    """Run ``argv`` to completion; wall time, CPU time and peak RSS of that process alone."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", suffix=".json") as u:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-S", "-c", LAUNCHER, u.name, *argv], stdout=out,
                       stderr=err, env=env, cwd=str(ROOT), check=True)
        wall = time.perf_counter() - start
        usage = json.load(u)
        tails = []
        for stream in (out, err):  # the summary may be on either
            stream.seek(max(0, stream.seek(0, 2) - 4000))
            tails.append(stream.read().decode("utf-8", "replace"))
    ok, bad = _counts(tails[0])
    if ok is None:
        ok, bad = _counts(tails[1])
    return Run(label, kind, lines, wall, usage["cpu"], usage["maxrss_kb"], usage["rc"], ok, bad)


def commands(path: Path) -> dict[str, list[str]]:
    markets = str(F.MARKETS_FILE)
    return {CLI: [sys.executable, "-m", "oxpreflight", "check", "--markets", markets,
                  "--now", str(F.NOW), str(path)],
            ORJSON: [sys.executable, "-c", ORJSON_LOOP, str(path)],
            LOOP: [sys.executable, "-c", CHECK_LOOP, str(path), markets]}


def steady(small: Run, big: Run) -> Optional[float]:
    """Lines per CPU-second once started: the big run's extra lines over its extra CPU."""
    if big.cpu <= small.cpu:
        return None
    return (big.lines - small.lines) / (big.cpu - small.cpu)


def throughput(big: int, small: int, repeats: int, progress: Callable[[str], None]) -> dict:
    """Alternate the three commands on both sizes of both captures ``repeats`` times.

    Returns ``{"runs": [Run], "clean": every run clean, "kinds": {kind: {"steady": {label:
    [rate or None, per repeat]}, "ratio": median of the per-repeat CLI / orjson ratios or
    None}}}``.
    """
    paths = {(kind, n): write_capture(n, kind) for kind in KINDS for n in (small, big)}
    runs: list[Run] = []
    rates = {kind: {label: [] for label in LABELS} for kind in KINDS}
    for rep in range(repeats):
        progress(f"throughput, repeat {rep + 1}/{repeats}")
        for kind in KINDS:
            for label in LABELS:
                pair = [run_child(commands(paths[kind, n])[label], label, kind, n)
                        for n in (small, big)]
                runs += pair
                rates[kind][label].append(steady(*pair))
    kinds = {}
    for kind, steady_rates in rates.items():
        ratios = [c / o for c, o in zip(steady_rates[CLI], steady_rates[ORJSON]) if c and o]
        kinds[kind] = {"steady": steady_rates,
                       "ratio": statistics.median(ratios) if ratios else None}
    return {"runs": runs, "clean": all(r.clean for r in runs), "kinds": kinds}
