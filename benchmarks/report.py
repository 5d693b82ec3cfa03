"""Issue 9's targets, judged on the figures of one run, and the RESULTS.md text around them."""
from __future__ import annotations

import datetime
import json
import os
import platform
import statistics
import subprocess
from importlib import metadata
from pathlib import Path
from typing import NamedTuple, Optional, Sequence

from benchmarks import frames as F
from benchmarks import holes as H
from benchmarks import throughput as T
from benchmarks.grid import CHECK_DICT, CHECK_TEXT, DUMPS, LOADS, ROW_NAMES, ROWS, SUBMIT
from benchmarks.timing import Cell, Figures

ROOT = Path(__file__).resolve().parent.parent
Term = tuple[float, str, str]  # (weight, row, case key)


class Target(NamedTuple):
    """One row of issue 9's table: ``num / sum(den)`` against ``limit``."""

    what: str
    before: str               # the figure on the main it was filed against
    goal: str
    limit: float
    num: tuple[str, str]
    den: tuple[Term, ...]
    moonshot: Optional[float] = None


TARGETS: tuple[Target, ...] = (
    Target("`check(dict)` LIMIT, float numbers / `json.dumps` of it", "0.92",
           "≤ 0.42 (moonshot 0.35)", 0.42, (CHECK_DICT, "limit_float"),
           ((1.0, DUMPS, "limit_float"),), moonshot=0.35),
    Target("`check(dict)` LIMIT, numeric strings / `json.dumps` of it", "2.10", "≤ 0.50", 0.50,
           (CHECK_DICT, "limit"), ((1.0, DUMPS, "limit"),)),
    Target("... the same with the docs' price `\"68000.5\"` (off tick: W002)", "-", "≤ 0.50",
           0.50, (CHECK_DICT, "docs"), ((1.0, DUMPS, "docs"),)),
    Target("`check(text)` strings / (`json.loads` + 0.35 × `json.dumps`)", "2.18", "≤ 1.0", 1.0,
           (CHECK_TEXT, "limit"), ((1.0, LOADS, "limit"), (0.35, DUMPS, "limit"))),
    Target("rejected 20029 / accepted STOP_LIMIT (same shape), `check(dict)`", "1.06", "≤ 1.0",
           1.0, (CHECK_DICT, "reject"), ((1.0, CHECK_DICT, "stop"),)),
    Target("rejected 20029 / accepted STOP_LIMIT (same shape), `check(text)`", "-", "≤ 1.0",
           1.0, (CHECK_TEXT, "reject"), ((1.0, CHECK_TEXT, "stop"),)),
    Target("20-order batch / 20 × single LIMIT, `check(dict)`", "0.88", "≤ 1.0 (keep)", 1.0,
           (CHECK_DICT, "batch"), ((20.0, CHECK_DICT, "limit"),)),
    Target("20-order batch / 20 × single LIMIT, `check(text)`", "-", "≤ 1.0 (keep)", 1.0,
           (CHECK_TEXT, "batch"), ((20.0, CHECK_TEXT, "limit"),)),
    Target("`session.submit(text)` / `check(text)`, LIMIT strings", "2.07", "≤ 1.3", 1.3,
           (SUBMIT, "limit"), ((1.0, CHECK_TEXT, "limit"),)),
    Target("`session.submit(text)` / `check(text)`, LIMIT floats", "-", "≤ 1.3", 1.3,
           (SUBMIT, "limit_float"), ((1.0, CHECK_TEXT, "limit_float"),)),
)
CLI_TARGET = ("`oxpreflight check` frames/s per core / an `orjson.loads`-only loop over the "
              "same file", "1/4.9", "≥ 1/2", 0.5)


def _ns(value: Optional[float]) -> str:
    return "-" if value is None else f"{value:,.0f}"


def judge(fig: Figures, thr: Optional[dict]) -> list[tuple[str, str, str, str, Optional[bool]]]:
    """(what, before, goal, measured, met) per target; met is None when not measured."""
    out: list[tuple[str, str, str, str, Optional[bool]]] = []
    for t in TARGETS:
        value = fig.ratio(t.num, *t.den)
        if value is None:
            out.append((t.what, t.before, t.goal, "not measured", None))
            continue
        text = f"**{value:.2f}** (medians {_ns(fig.median(*t.num))} / {_ns(fig.bottom(*t.den))} ns)"
        if t.moonshot is not None:
            text += f"; moonshot {'met' if value <= t.moonshot else 'not met'}"
        out.append((t.what, t.before, t.goal, text, value <= t.limit))
    for kind in T.KINDS:
        out.append(_cli_row(kind, thr))
    return out


def _cli_row(kind: str, thr: Optional[dict]) -> tuple[str, str, str, str, Optional[bool]]:
    what, before, goal, limit = CLI_TARGET
    what = f"{what}, numbers as {kind}"
    before = before if kind == "floats" else "-"  # the issue measured a float capture
    got = thr["kinds"].get(kind) if thr else None
    ratio = got and got["ratio"]
    if not ratio:
        return what, before, goal, "not measured", None
    rates = {k: statistics.median([r for r in v if r]) for k, v in got["steady"].items()
             if any(v)}
    text = (f"**1/{1 / ratio:.2f}** = {ratio:.2f} (steady {rates.get(T.CLI, 0):,.0f} vs "
            f"{rates.get(T.ORJSON, 0):,.0f} frames/s/core, median of "
            f"{len(got['steady'][T.CLI])} alternated repeats)")
    if not thr["clean"]:
        text += "; a run was not clean (see the throughput table)"
    return what, before, goal, text, ratio >= limit and thr["clean"]


# -- environment -------------------------------------------------------------------------------
def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


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
    for dist in ("oxpreflight", "pydantic", "pydantic-core", "orjson", "msgspec",
                 "fastjsonschema"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "absent"
    commit = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
                            capture_output=True, text=True).stdout.strip() or "unknown"
    return {"load": loadavg(), "cpu": cpu, "cores": os.cpu_count(), "usable": usable,
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "python": f"{platform.python_implementation()} {platform.python_version()}",
            "platform": platform.platform(), "versions": versions, "commit": commit}


# -- markdown ----------------------------------------------------------------------------------
def tables(cells: list[Cell], fig: Figures) -> list[str]:
    """Medians (ns) and ratios to ``json.dumps`` of the same frame, rows x frames."""
    notes = {c.key: c.note for c in cells if c.note}
    head = "| | " + " | ".join(case.title for case in F.CASES) + " |"
    rule = "|---|" + "---:|" * len(F.CASES)
    out = ["## Medians (ns per call)", "", head, rule]
    footnotes: list[str] = []
    rows = [row for row in ROWS if any(c.row == row for c in cells)]
    for row in rows:
        texts = []
        for case in F.CASES:
            text, note = _ns(fig.median(row, case.key)), notes.get((row, case.key), "")
            if note:
                if note not in footnotes:
                    footnotes.append(note)
                text = f"{text} [{footnotes.index(note) + 1}]"
            texts.append(text)
        out.append(f"| {row} | " + " | ".join(texts) + " |")
    if footnotes:
        out += [""] + [f"[{i}] {note}  " for i, note in enumerate(footnotes, 1)]
    out += ["", "## Ratios to `json.dumps` of the same frame (lower is better)", "",
            "Median over rounds of the paired per-round ratio.", "", head, rule]
    for row in rows:
        ratios = [fig.ratio((row, case.key), (1.0, DUMPS, case.key)) for case in F.CASES]
        out.append(f"| {row} | " + " | ".join("-" if r is None else f"{r:.2f}" for r in ratios)
                   + " |")
    spreads = sorted(c.spread for c in cells if c.spread is not None)
    if spreads:
        out += ["", "Interquartile range over the rounds, as a share of the cell's median: "
                f"{statistics.median(spreads) * 100:.0f}% typical, {spreads[-1] * 100:.0f}% "
                "worst (high figures mean other work was running)."]
    return out


def throughput_table(thr: dict) -> list[str]:
    out = ["## Throughput over a capture", "",
           "Captures of valid LIMIT placeorders (compact JSON, one a line, no timestamp), "
           f"numbers as strings or as floats, generated in `{T.CAPTURE_DIR}`. CPU = user + "
           "system time of the child process; peak RSS from `wait4`, the child started from a "
           "small launcher. Steady rate = (big lines - small lines) / (big CPU - small CPU): "
           "start-up cancels out. The commands alternate; each repeat gives one steady rate "
           "per command.", "",
           "| command | capture | steady frames/s/core, per repeat | median |",
           "|---|---|---|---:|"]
    for kind, got in thr["kinds"].items():
        for label, rates in got["steady"].items():
            found = [r for r in rates if r]
            out.append(f"| {T.LABELS[label].format(now=F.NOW)} | {kind} | "
                       + ", ".join("-" if r is None else f"{r:,.0f}" for r in rates)
                       + f" | {statistics.median(found) if found else 0:,.0f} |")
    out += ["", "Per command and capture, over the repeats: median wall and CPU seconds, the "
            "highest peak RSS, the accepted / rejected counts each command printed, the exit "
            "codes.", "",
            "| command | capture | lines | wall s | CPU s | peak RSS MB | accepted / rejected "
            "| exit |", "|---|---|---:|---:|---:|---:|---|---|"]
    groups: dict[tuple[str, str, int], list] = {}
    for r in thr["runs"]:
        groups.setdefault((r.label, r.kind, r.lines), []).append(r)
    for (label, kind, lines), runs in groups.items():
        counts = sorted({"not reported" if r.ok is None else f"{r.ok:,} / {r.bad:,}"
                         for r in runs})
        out.append(f"| {T.LABELS[label].format(now=F.NOW)} | {kind} | {lines:,} | "
                   f"{statistics.median(r.wall for r in runs):.2f} | "
                   f"{statistics.median(r.cpu for r in runs):.2f} | "
                   f"{max(r.maxrss_kb for r in runs) / 1024:.1f} | {', '.join(counts)} | "
                   f"{', '.join(sorted({str(r.rc) for r in runs}))} |")
    return out


CONTENDERS = (
    "All anchors run on the same frames. `json.dumps`/`orjson.dumps` serialise the dict, "
    "`json.loads`/`orjson.loads` parse the text. The plain pydantic model (`model_validate` of "
    "the dict, lax mode), msgspec (`msgspec.json.Decoder(<Struct>, strict=False).decode` of the "
    "text) and fastjsonschema (compiled, on the dict) check what a schema can say: the "
    "envelope, types, required fields, enumerations, a positive quantity, 64-bit positive ids, "
    "numbers as JSON numbers or numeric strings (`benchmarks/contenders.py`). None knows a "
    "market, the clock, the frame length or the cross-field rules, so all of them accept the "
    "20029 frame. oxpreflight also checks the market (listed, active, increment, sanity "
    "bounds, tick), the recvWindow and the frame length, exactly (no binary floating point).")


def frames_section() -> list[str]:
    """Each timed frame as sent (a batch shows its first item)."""
    out = ["## Frames", "", "Each frame's text as timed (`check(dict)` gets the same frame as a "
           "dict). Market catalogue `benchmarks/markets.json`, clock fixed at "
           f"{F.NOW}.", ""]
    for case in F.CASES:
        text = case.text
        if "dataArray" in case.frame:
            first = json.dumps(case.frame["dataArray"][0], separators=(",", ":"))
            text = (f'{{"op":"{case.op}","tag":{case.frame["tag"]},"dataArray":[{first},'
                    f' ... {len(case.frame["dataArray"])} items]}}')
        expected = "accepted" if case.ok else f"rejected {case.code}"
        if case.warnings:
            expected += " with " + ", ".join(case.warnings)
        out.append(f"- {case.title} ({expected}): `{text}`")
    return out


def render(env: dict, command: str, method: str, cells: list[Cell], thr: Optional[dict],
           elapsed: float, extras: Sequence[tuple[str, str]] = (),
           profile: Optional[str] = None) -> str:
    """RESULTS.md; ``extras`` are (path, text) of recorded summaries appended verbatim;
    ``profile`` is a cProfile listing of the headline check."""
    fig = Figures(cells)
    v = dict(env["versions"])
    lines = [
        "# Benchmark results", "",
        f"Generated by `{command}` on {env['date']} in {elapsed:.0f} s. Re-run it to refresh "
        "this file.", "",
        f"- Machine: {env['cpu']}, {env['cores']} cores ({env['usable']} usable), "
        f"{env['platform']}",
        f"- Load average (1, 5, 15 min) at start: {env['load']}; at end: {loadavg()} (other "
        "work on the machine shows here and in the spread below; a load above the core "
        "count means the machine was shared while this ran: read the paired ratios, not the "
        "nanoseconds)",
        f"- Python: {env['python']}; oxpreflight {v.pop('oxpreflight')} (tree {env['commit']})",
        "- " + ", ".join(f"{k} {val}" for k, val in v.items()),
        f"- Method: {method}", "",
        "## Issue 9 targets", "",
        "Ratios of medians measured in this run (interleaved, paired per round); \"before\" is "
        "the issue's figure on the main it was filed against.", "",
        "| what | before | target | measured | |", "|---|---:|---|---|---|",
    ]
    for what, before, goal, measured, met in judge(fig, thr):
        verdict = "not measured" if met is None else ("met" if met else "**NOT met**")
        lines.append(f"| {what} | {before} | {goal} | {measured} | {verdict} |")
    lines += [""] + H.table(cells, ROW_NAMES)
    lines += [""] + tables(cells, fig)
    if thr:
        lines += [""] + throughput_table(thr)
    if profile:
        lines += ["", "## Where `check(dict)` spends its time (LIMIT, strings)", "",
                  "cProfile, own time; the profiler's overhead inflates every call alike. "
                  "Statement by statement: `python benchmarks/profile_check.py`.", "", "```",
                  profile.strip(), "```"]
    lines += ["", "## What the anchors check", "", CONTENDERS, ""] + frames_section() + [""]
    for path, text in extras:
        lines += [f"## Recorded summary: `{path}`", "", text.strip(), ""]
    return "\n".join(lines)
