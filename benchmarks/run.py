"""The benchmark of issue 9, in one command: ``python benchmarks/run.py [--quick]``.

Times oxpreflight's ``check(dict)``, ``check(text)`` and ``session.submit(text)`` on the frames
real clients send (numbers as strings; the LIMIT order also with floats; MARKET, STOP_LIMIT, a
STOP_LIMIT rejected with 20029, cancelorder, modifyorder, a 20-order batch) beside the anchors
``json.dumps``, ``orjson.dumps``, ``json.loads``, ``orjson.loads``, a plain pydantic model, a
msgspec typed decode and fastjsonschema, interleaved in one process; checks every oxpreflight
row's verdict before and after timing (a broken check cannot look fast); runs ``oxpreflight
check`` beside an ``orjson.loads`` loop over the same capture; judges issue 9's targets on the
ratios of this run, prints the report and writes it to ``benchmarks/RESULTS.md``.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import frames as F  # noqa: E402
from benchmarks import profile_check as P  # noqa: E402
from benchmarks import report as R  # noqa: E402
from benchmarks import throughput as T  # noqa: E402
from benchmarks.grid import build_cells  # noqa: E402
from benchmarks.timing import check_verdict, measure  # noqa: E402
from oxpreflight import Preflight  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
INNER = 5  # runs per sample, the fastest kept (a short run is less likely to be preempted)


def parse(argv: Optional[list[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="few rounds, short samples, a 20,000-line capture (CI, seconds)")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 31, quick 3)")
    parser.add_argument("--sample-ms", type=float,
                        help="target time of one sample of one cell (default 6, quick 0.3)")
    parser.add_argument("--lines", type=int,
                        help="big capture for the throughput runs (default 1,000,000, quick "
                             "20,000); the small one is a tenth of it")
    parser.add_argument("--repeats", type=int,
                        help="alternated throughput repeats (default 3, quick 1)")
    parser.add_argument("--no-throughput", action="store_true", help="skip the capture runs")
    parser.add_argument("--include", type=Path, action="append", default=[], metavar="FILE",
                        help="append a recorded summary (e.g. the differential script's) to the "
                             "report, verbatim; repeatable")
    parser.add_argument("--output", type=Path, default=RESULTS,
                        help="where to write the markdown (default benchmarks/RESULTS.md)")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    quick = args.quick
    args.rounds = args.rounds or (3 if quick else 31)
    args.sample_ms = args.sample_ms or (0.3 if quick else 6.0)
    args.lines = args.lines or (20_000 if quick else 1_000_000)
    args.repeats = args.repeats or (1 if quick else 3)
    return args


def command_line(argv: Optional[list[str]]) -> str:
    """The command that reproduces this run, as the report shows it."""
    words = sys.argv[1:] if argv is None else argv
    return " ".join(["python benchmarks/run.py"] + [w for w in words if w != "--no-write"])


def main(argv: Optional[list[str]] = None) -> int:
    args = parse(argv)
    started = time.perf_counter()

    def say(text: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {text}", file=sys.stderr, flush=True)

    env = R.environment()
    say(f"{env['cpu']} x{env['cores']}, {env['python']}, tree {env['commit']}, "
        f"load {env['load']}")
    pf = Preflight(markets=str(F.MARKETS_FILE), clock=F.clock)
    cells = build_cells(pf)
    wrong = [c for c in cells if not check_verdict(c, "before timing")]
    for cell in cells:
        if cell.fn is None:
            say(f"{cell.row} / {cell.case.title}: {cell.note}")
    say(f"timing {sum(c.fn is not None for c in cells)} cells, {args.rounds} rounds")
    last = [0.0]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 10 or done == total:
            last[0] = time.perf_counter()
            say(f"round {done}/{total}")

    measure(cells, args.rounds, args.sample_ms / 1e3, progress, inner=INNER)
    wrong += [c for c in cells if not check_verdict(c, "after timing")]
    thr = None if args.no_throughput else T.throughput(args.lines, max(1, args.lines // 10),
                                                        args.repeats, say)
    method = (f"{args.rounds} interleaved rounds over {sum(bool(c.samples) for c in cells)} "
              f"cells; in each round every cell is sampled as the fastest of {INNER} runs of "
              f"~{args.sample_ms / INNER:.2f} ms; figures are medians over the rounds, ratios "
              "medians of the per-round paired ratios; GC off while sampling.")
    extras = [(str(path), path.read_text()) for path in args.include]
    profile = None
    if not args.quick:
        say("cProfile of check(dict), LIMIT strings")
        profile = P.profile(pf, F.BY_KEY["limit"].frame, 30_000, top=10)
        profile = profile.replace(str(ROOT) + "/", "")
    text = R.render(env, command_line(argv), method, cells, thr, time.perf_counter() - started,
                    extras, profile)
    print(text)
    if not args.no_write:
        args.output.write_text(text)
        say(f"wrote {args.output}")
    for cell in wrong:
        print(f"ERROR {cell.row} / {cell.case.title}: {cell.note}", file=sys.stderr)
    if thr and not thr["clean"]:
        print("ERROR a throughput run did not exit 0 with every line accepted", file=sys.stderr)
    return 1 if wrong or (thr and not thr["clean"]) else 0


if __name__ == "__main__":
    sys.exit(main())
