"""Differential test: ways of asking for one verdict must agree.

    python scripts/differential.py --count 1000000 --seed 1 [--out benchmarks/DIFFERENTIAL.md]

Frames: the project's strategies (``frames``, ``violating``) and their mutations (the fuzz
generator of scripts/fuzz.py: deletions, type swaps, huge and tiny numbers, NaN/Infinity,
unicode, surrogates, random JSON). Comparisons, each on the whole verdict (ok, code, field,
message, warnings, items, response minus the reply's own timestamp):

- ``general``: ``pf.check(x)`` and ``pf._general(x)`` (no fast path) for the dict, its JSON text
  and its UTF-8 bytes; skipped while ``Preflight`` has no ``_general``;
- ``text``: ``check(dict)``, ``check(json text)`` and ``check(utf-8 bytes)``, on dicts whose text
  says exactly what the dict says (ints, strings, floats written by ``repr``; no Decimal, no
  NaN/Infinity, no surrogate code points, and not over the length limit only because of spaces
  or escapes the dict's compact form has not; deep nesting, huge integers and numbers beyond the
  float range are compared like any other frame), whole verdicts and replies alike (a number
  reads as its shortest text from either);
- ``session``: ``check(x)`` and ``submit(x)`` on a logged-in session with no rate limit, no order
  tracking, no account layer and no auction window (so only stateless codes can answer), for
  every op but login (a second login is 20005 by design).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any, Callable, Optional

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import fuzz  # noqa: E402  (scripts/fuzz.py)

from oxpreflight import Preflight  # noqa: E402
from oxpreflight.rules.examples import MARKETS, NOW  # noqa: E402

COMPARISONS = ("general", "text", "session")
LIMIT = 4000  # Preflight's default max_message_length
FAMILIES = ("valid", "violating", "delete", "type_swap", "huge_number", "tiny_number",
            "nan_inf", "unicode", "surrogate", "random_json", "client_forms")


def frame_case(rng: random.Random, pool: list) -> fuzz.Case:
    """A dict frame (with its JSON text and bytes): a strategy frame, mutated or not."""
    while True:
        case = fuzz.generate(rng, pool, rng.choice(FAMILIES))
        if case.obj is not None:
            return case


#: Traits whose dict no JSON text says: NaN/Infinity are not JSON, and a str holding surrogates
#: (lone, or a pair as two code points) is not Unicode text (its escapes read back otherwise).
_SAYABLE = frozenset(("non_finite", "lone_surrogate"))


def exact_text(case: fuzz.Case) -> bool:
    """The case's text says exactly what its dict says (see the module docstring)."""
    if case.text is None or case.obj.__class__ is not dict or not _SAYABLE.isdisjoint(
            fuzz.features(case)):
        return False
    stack = [case.obj]
    while stack:
        item = stack.pop()
        cls = item.__class__
        if cls is dict:
            if any(k.__class__ is not str for k in item):
                return False
            stack.extend(item.values())
        elif cls is list:
            stack.extend(item)
        elif cls is Decimal or cls not in (str, int, float, bool, type(None)):
            return False
    # spaces or escapes can make the text too long where the dict's compact form is not
    return len(case.text) <= LIMIT or len(json.dumps(
        case.obj, separators=(",", ":"), ensure_ascii=False)) > LIMIT


def same(a: Any, b: Any) -> bool:
    """Whole verdicts agree (``fuzz.summary``)."""
    return fuzz.summary(a) == fuzz.summary(b)


def core(verdict: Any) -> list:
    """The verdict without its replies: ok, code, field, message, warnings, per item."""
    return [(v.ok, v.code, v.field, v.message,
             tuple((w.code, w.field, w.message) for w in v.warnings), len(v.items))
            for v in fuzz._each(verdict)]


def describe(verdict: Any) -> str:
    try:
        response = fuzz.short(fuzz._clean_response(verdict.response))
    except Exception as exc:  # noqa: BLE001
        response = f"<.response raised {exc!r}>"
    return (f"{verdict!r} warnings={[(w.code, w.field) for w in verdict.warnings]} "
            f"items={len(verdict.items)} response={response}")


class Differ:
    """Runs the comparisons on one case; returns ``[(comparison, detail, replies_only)]`` for
    those that disagree (``replies_only``: the verdicts agree but for their replies)."""

    def __init__(self, preflight: Optional[Preflight] = None):
        self.pf = preflight or Preflight(MARKETS, clock=lambda: NOW)
        self.general = getattr(self.pf, "_general", None)
        self.submits = 0
        self._new_session()

    def _new_session(self) -> None:
        self.session = self.pf.session(rate_limit=10**9, track_orders=False, account=False,
                                       auction_window=None)
        self.session.observe({"event": "login", "success": True, "tag": "1",
                              "timestamp": str(NOW)})

    def run(self, case: fuzz.Case, comparisons: tuple = COMPARISONS) -> list:
        found: list = []
        try:
            self._run(case, comparisons, found)
        except Exception as exc:  # noqa: BLE001 - the fuzz suite owns exceptions; note it
            found.append(("exception", repr(exc)[:200], False))
        return found

    def _run(self, case: fuzz.Case, comparisons: tuple, found: list) -> None:
        pf = self.pf
        forms = list(case.forms())
        verdicts = [pf.check(form) for form in forms]
        if "general" in comparisons and self.general is not None:
            for form, verdict in zip(forms, verdicts):
                other = self.general(form)
                if not same(verdict, other):
                    found.append(("general", f"{type(form).__name__}: check {describe(verdict)}"
                                  f" | _general {describe(other)}",
                                  core(verdict) == core(other)))
        if "text" in comparisons and exact_text(case):
            first = verdicts[0]
            for form, verdict in zip(forms[1:], verdicts[1:]):
                if not same(first, verdict):
                    found.append(("text", f"dict {describe(first)} | {type(form).__name__} "
                                  f"{describe(verdict)}", core(first) == core(verdict)))
        if "session" in comparisons and isinstance(case.obj, dict) and (
                case.obj.get("op") != "login"):
            for form, verdict in zip(forms, verdicts):
                self.submits += 1
                if self.submits % 5000 == 0:
                    self._new_session()
                submitted = self.session.submit(form)
                if not same(verdict, submitted):
                    found.append(("session", f"{type(form).__name__}: check {describe(verdict)}"
                                  f" | submit {describe(submitted)}",
                                  core(verdict) == core(submitted)))


def traits(case: fuzz.Case, pf: Preflight) -> set:
    """``fuzz.features`` plus ``exponent_float`` (a float whose shortest text has an exponent,
    ``1e-07``), ``beyond_64_bits`` (an integer outside [-2**63, 2**64), which orjson decodes
    as a float) and ``too_long`` (the dict's verdict is 20027)."""
    found = set(fuzz.features(case))
    for leaf in fuzz._strings(case.obj):
        if leaf.__class__ is float and "e" in repr(leaf):
            found.add("exponent_float")
        elif leaf.__class__ is int and not -2**63 <= leaf < 2**64:
            found.add("beyond_64_bits")
    if isinstance(case.obj, dict) and pf.check(case.obj).code == "20027":
        found.add("too_long")
    return found


class Report:
    def __init__(self):
        self.cases = 0
        self.compared: Counter = Counter()     # comparison -> cases compared
        self.failures: Counter = Counter()     # (comparison, family, traits) -> cases
        self.examples: dict = defaultdict(list)

    def add(self, case: fuzz.Case, found: list, differ: Differ) -> None:
        self.cases += 1
        if differ.general is not None:
            self.compared["general"] += 1
        if exact_text(case):
            self.compared["text"] += 1
        if isinstance(case.obj, dict) and case.obj.get("op") != "login":
            self.compared["session"] += 1
        held = ", ".join(sorted(traits(case, differ.pf))) or "-" if found else ""
        for comparison, replies_only in dict.fromkeys((f[0], f[2]) for f in found):
            key = (comparison + (" (replies only)" if replies_only else ""), case.family, held)
            self.failures[key] += 1
            if len(self.examples[key]) < 2:
                detail = next(f[1] for f in found if f[0] == comparison)
                self.examples[key].append((case, detail))


def run(count: int, seed: int, pool_size: int = 400,
        progress: Optional[Callable[[Report], None]] = None,
        deadline: Optional[float] = None) -> Report:
    rng = random.Random(seed)
    pool = fuzz.strategy_pool(seed, pool_size)
    differ = Differ()
    report = Report()
    for n in range(count):
        case = frame_case(rng, pool)
        report.add(case, differ.run(case), differ)
        if progress and n % 10000 == 9999:
            progress(report)
        if deadline is not None and time.monotonic() > deadline:
            break
    return report


def markdown(report: Report, seed: int, asked: int, elapsed: float, general: bool,
             note: str = "") -> str:
    lines = ["# Differential run (issue 9 contract)", "",
             f"`python scripts/differential.py --count {asked} --seed {seed}` — "
             f"{report.cases:,} frames in {elapsed:,.0f} s.", ""]
    if note:
        lines += [note, ""]
    if not general:
        lines += ["`Preflight._general` does not exist on this branch yet: the `general` "
                  "comparison did not run.", ""]
    lines += ["| comparison | frames compared | disagreeing frames |", "|---|---:|---:|"]
    for comparison in COMPARISONS:
        bad = sum(n for (c, _, _), n in report.failures.items() if c.split()[0] == comparison)
        lines.append(f"| {comparison} | {report.compared[comparison]:,} | {bad:,} |")
    if report.failures:
        lines += ["", "| comparison | family | traits | frames |", "|---|---|---|---:|"]
        lines += [f"| {c} | {f} | {t} | {n:,} |"
                  for (c, f, t), n in sorted(report.failures.items())]
        lines += ["", "First example of each (truncated):", ""]
        for (c, f, t), cases in sorted(report.examples.items()):
            case, detail = cases[0]
            lines.append(f"- {c} / {f} [{t}]: `{fuzz.short(case.obj)}` — "
                         f"{detail.replace('`', chr(39))[:600]}")
    return "\n".join(lines) + "\n"


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pool", type=int, default=2000, help="strategy frames to mutate")
    parser.add_argument("--out", default=None, help="write the markdown summary here")
    parser.add_argument("--max-seconds", type=float, default=None)
    args = parser.parse_args(argv)
    started = time.monotonic()
    deadline = started + args.max_seconds if args.max_seconds else None
    general = hasattr(Preflight, "_general")

    def progress(report: Report) -> None:
        print(f"{report.cases:,} frames, {time.monotonic() - started:,.0f} s, "
              f"{sum(report.failures.values()):,} disagreements", file=sys.stderr, flush=True)
        if args.out and report.cases % 100_000 < 10_000:
            fuzz._write(args.out, markdown(report, args.seed, args.count,
                                           time.monotonic() - started, general,
                                           f"**Partial: still running ({report.cases:,} of "
                                           f"{args.count:,} frames so far).**"))

    report = run(args.count, args.seed, args.pool, progress, deadline)
    elapsed = time.monotonic() - started
    note = "" if report.cases >= args.count else (
        f"**Stopped early: {report.cases:,} of {args.count:,} frames.**")
    text = markdown(report, args.seed, args.count, elapsed, general, note)
    if args.out:
        fuzz._write(args.out, text)
    print(text)
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
