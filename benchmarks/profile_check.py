"""Where ``check(dict)`` spends its time on one frame.

Run: ``python benchmarks/profile_check.py [--case KEY]`` (default: the headline LIMIT, strings).

Three views:
1. layers: ``check`` down to the compiled plan's ``run`` (what the engine adds around the plan);
2. statement by statement inside the generated plan: the function is rebuilt with its first k
   top-level statements (then ``return None``) for every k, each prefix is timed, and a
   statement's cost is the difference between consecutive prefixes (a line profiler without
   tracing overhead; valid only for a frame that runs every statement, as this one does);
3. cProfile, by own time, for the calls the plan makes.
"""
from __future__ import annotations

import argparse
import ast
import cProfile
import io
import pstats
import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import frames as F  # noqa: E402
from oxpreflight import Preflight  # noqa: E402
from oxpreflight.validators import exact  # noqa: E402


def best(stmt, env: dict, number: int, repeat: int) -> float:
    """Fastest per-call ns over ``repeat`` runs (the least disturbed by the machine)."""
    timer = timeit.Timer(stmt, globals=env)
    return min(timer.repeat(repeat, number)) / number * 1e9


def layers(pf: Preflight, frame: dict, number: int, repeat: int) -> list[tuple[str, float]]:
    plan = pf.plans[frame["op"]]
    env = {"pf": pf, "f": frame, "M": pf.markets, "X": exact.exact_from_float,
           "now": F.NOW, "run": plan.run}
    rows = [("pf.check(f)", "pf.check(f)"),
            ("pf._check_object(f, M, X, False)", "pf._check_object(f, M, X, False)"),
            ("plan.run(f, M, X, now, [0, 0])", "run(f, M, X, now, [0, 0])"),
            ("empty call baseline", "(lambda: None)()")]
    return [(label, best(stmt, env, number, repeat)) for label, stmt in rows]


def statements(pf: Preflight, frame: dict, number: int, repeat: int) -> list[tuple[float, str]]:
    plan = pf.plans[frame["op"]]
    tree = ast.parse(plan.source)
    func = next(node for node in tree.body if isinstance(node, ast.FunctionDef))
    body = func.body
    namespace = plan.run.__globals__
    args = (frame, pf.markets, exact.exact_from_float, F.NOW)
    prefixes = []
    for k in range(len(body) + 1):
        fn_def = ast.FunctionDef(name="prefix", args=func.args,
                                 body=body[:k] + [ast.Return(ast.Constant(None))],
                                 decorator_list=[], returns=None, type_comment=None)
        module = ast.fix_missing_locations(ast.Module(body=[fn_def], type_ignores=[]))
        env = dict(namespace)
        exec(compile(module, "<prefix>", "exec"), env)
        prefixes.append(env["prefix"])
    # interleave the prefixes over rounds; take each prefix's fastest run
    times = [[] for _ in prefixes]
    for _ in range(repeat):
        for k, fn in enumerate(prefixes):
            times[k].append(best("fn(*a, [0, 0])", {"fn": fn, "a": args}, number, 1))
    fastest = [min(t) for t in times]
    out = []
    for k, stmt in enumerate(body):
        text = ast.get_source_segment(plan.source, stmt) or ast.unparse(stmt)
        first = text.splitlines()[0]
        out.append((fastest[k + 1] - fastest[k], first + (" ..." if "\n" in text else "")))
    return out, fastest[-1] - fastest[0]


def profile(pf: Preflight, frame, calls: int, top: int = 12) -> str:
    """cProfile of ``calls`` checks of ``frame``, the ``top`` functions by own time."""
    prof = cProfile.Profile()
    check = pf.check
    prof.enable()
    for _ in range(calls):
        check(frame)
    prof.disable()
    stream = io.StringIO()
    pstats.Stats(prof, stream=stream).sort_stats("tottime").print_stats(top)
    return stream.getvalue()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", default="limit", choices=sorted(F.BY_KEY))
    parser.add_argument("--number", type=int, default=4000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args(argv)
    case = F.BY_KEY[args.case]
    pf = Preflight(markets=str(F.MARKETS_FILE), clock=F.clock)
    problem = F.verify(case, pf.check(case.frame))
    if problem:
        print(f"wrong verdict for {case.title}: {problem}")
        return 1
    # Views 1 and 2 read the engine's internals (plans, _check_object); when the engine has
    # moved on they say so and the cProfile view still runs.
    print(f"## {case.title}: layers (fastest of {args.repeat} x {args.number} calls, ns)")
    try:
        for label, ns in layers(pf, case.frame, args.number, args.repeat):
            print(f"{ns:8.0f}  {label}")
        costs, total = statements(pf, case.frame, args.number // 4, args.repeat)
    except (AttributeError, TypeError, KeyError, StopIteration) as exc:
        print(f"not available on this engine ({type(exc).__name__}: {exc})")
    else:
        print(f"\n## plan statements by cost (sum {total:.0f} ns over {len(costs)} statements; "
              f"top {args.top})")
        for ns, text in sorted(costs, reverse=True)[:args.top]:
            print(f"{ns:7.0f}  {text[:150]}")
    print("\n## cProfile, own time")
    print(profile(pf, case.frame, 100000))
    return 0


if __name__ == "__main__":
    sys.exit(main())
