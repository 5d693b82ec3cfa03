"""The frame-sizing decision, measured: ``check(dict)`` with the size proof (the engine as it
is) against the same engine without it, where every dict frame is measured once (one orjson
encoding, ``sizing.fits``) after its plan has run — the simpler guard.

    python benchmarks/sizing_ab.py [rounds]

The variant's plans are compiled from the same rows with the writer's size accounting turned
off (no ``S[0] += ...`` lines, no ``PROVEN`` marks), so it pays neither the proof nor its
bookkeeping; its verdicts are checked equal to the engine's on every frame before timing.
Prints, per frame, the median over interleaved rounds of (variant / engine) - 1: the cost of
removing the proof.
"""
from __future__ import annotations

import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import frames as F  # noqa: E402
from benchmarks import holes as H  # noqa: E402
from benchmarks.timing import Cell, measure  # noqa: E402
from oxpreflight import Preflight  # noqa: E402
from oxpreflight.rules import FIELDS, RULES  # noqa: E402
from oxpreflight.validators import compiler, writer  # noqa: E402
from oxpreflight.validators.engine import _X  # noqa: E402
from oxpreflight.validators.sizing import fits  # noqa: E402
from oxpreflight.validators.verdict import ACCEPTED  # noqa: E402

PROOF, GUARD = "with the proof", "guard + one measurement"


def unsized_plans() -> dict:
    """The plans compiled with the writer's size accounting off."""
    size_lines, proven = writer.Body.size_lines, writer.Body.proven
    writer.Body.size_lines = lambda self: None
    writer.Body.proven = lambda self, rule: False
    try:
        return compiler.compile_plans(RULES, FIELDS, None)
    finally:
        writer.Body.size_lines, writer.Body.proven = size_lines, proven


def guarded_check(pf: Any, plans: dict) -> Any:
    """``pf.check`` for dict frames of a known single or batch command, sized by measuring."""
    markets, read, limit = pf.markets, pf._read, pf.max_message_length
    runs = {op: plan.run for op, plan in plans.items()}
    engine_finish, engine_batch = pf._finish, pf._batch

    def check(frame: dict) -> Any:
        op = frame.get("op")
        if not fits(frame, limit):
            verdict = pf._measure(frame)
            if verdict is not None:
                return verdict
        if plans[op].batch:  # the engine's own batch assembly, told the frame is measured
            return engine_batch(plans[op], frame, markets, True, True, None)
        result = runs[op](frame, markets, _X, read, [0, 0])
        if result is None:
            return ACCEPTED
        return engine_finish(frame, result, [0, 0], True, None)

    return check


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 21
    pf = Preflight(markets=str(F.MARKETS_FILE), clock=F.clock)
    check = guarded_check(pf, unsized_plans())
    cases = [c for c in F.CASES + H.HOLES]
    cells = []
    for case in cases:
        a, b = pf.check(case.frame), check(case.frame)
        if (a.ok, a.code, [w.code for w in a.warnings], len(a.items)) != \
                (b.ok, b.code, [w.code for w in b.warnings], len(b.items)):
            print(f"verdicts differ on {case.title}: {a!r} / {b!r}", file=sys.stderr)
            return 1
        cells += [Cell(PROOF, case, pf.check, case.frame), Cell(GUARD, case, check, case.frame)]
    measure(cells, rounds, 0.004, lambda done, total: None, inner=5)
    samples = {c.key: c.samples for c in cells}
    print("| frame | with the proof, ns | guard + measurement, ns | cost of removing the proof |")
    print("|---|---:|---:|---:|")
    for case in cases:
        p, g = samples[(PROOF, case.key)], samples[(GUARD, case.key)]
        cost = statistics.median(b / a - 1 for a, b in zip(p, g))
        print(f"| {case.title} | {statistics.median(p):,.0f} | {statistics.median(g):,.0f} | "
              f"{cost * 100:+.1f}% |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
