"""The holes table: frames real clients send that once fell off the fast path, each timed
beside its clean twin, with issue 16's target for each ratio and the same ratio for a
hand-written LIMIT check (``floor.py``) as the floor column.

``python benchmarks/holes.py`` times only these cells (a minute or two); ``run.py`` times them
with the rest and puts the table in ``RESULTS.md``.
"""
from __future__ import annotations

import statistics
import sys
from pathlib import Path
from typing import Any, Callable, NamedTuple, Optional

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402

from benchmarks import floor as FL  # noqa: E402
from benchmarks import frames as F  # noqa: E402
from benchmarks.timing import Cell, check_verdict  # noqa: E402

FLOOR = "hand-written LIMIT check(dict) (floor)"
FLOOR_TEXT = "hand-written LIMIT check(orjson.loads(text)) (floor)"

ID19 = "1717348159900123456"  # time.time_ns() in 2024: 19 digits, within 64 bits
NULLS = dict.fromkeys(("amount", "stopPrice", "limitPrice", "displayQuantity",
                       "selfTradePreventionMode", "triggerType"))
STOP_FLOAT = dict(F.STOP_LIMIT, clientOrderId=3, quantity=1.5, stopPrice=68000.0,
                  limitPrice=68100.0)
MODIFY = {"marketCode": F.MARKET, "orderId": 1000001, "side": "BUY", "price": 68001.0,
          "quantity": 2.0}


def _place(data: dict) -> dict:
    return {"op": "placeorder", "tag": 123, "data": dict(data)}


def _modify(data: dict) -> dict:
    return {"op": "modifyorder", "tag": 1, "data": dict(data)}


HOLES: tuple[F.Case, ...] = (
    F.Case("limit_int", "LIMIT, JSON int price", _place(dict(F.LIMIT_FLOAT, price=68000)),
           True),
    F.Case("stop_float", "STOP_LIMIT, floats", _place(STOP_FLOAT), True),
    F.Case("stop_int", "STOP_LIMIT, JSON int prices",
           _place(dict(STOP_FLOAT, stopPrice=68000, limitPrice=68100)), True),
    F.Case("modify_float", "modifyorder, floats", _modify(MODIFY), True),
    F.Case("modify_int", "modifyorder, JSON ints", _modify(dict(MODIFY, price=68001, quantity=2)),
           True),
    F.Case("id19", "LIMIT, strings, 19-digit clientOrderId",
           _place(dict(F.LIMIT, clientOrderId=ID19)), True),
    F.Case("id19_int", "LIMIT, floats, 19-digit int clientOrderId",
           _place(dict(F.LIMIT_FLOAT, clientOrderId=int(ID19))), True),
    F.Case("nulls", "LIMIT, strings, every unused field null (model_dump)",
           _place(dict(F.LIMIT, **NULLS)), True),
)
BY_KEY = {case.key: case for case in HOLES}
#: The cases of the holes table: the holes and the clean twins they are compared with.
CASES = HOLES + tuple(F.BY_KEY[k] for k in ("limit", "limit_float", "docs", "stop", "modify",
                                            "batch"))
FLOOR_KEYS = ("limit", "limit_float", "limit_int", "id19", "id19_int", "nulls", "docs")


def floor_cells(pf: Any) -> list[Cell]:
    """The floor's cells, its answer checked like the engine's verdicts (a floor that answers
    ``"general"`` or the wrong code is not timed)."""
    check = FL.make_floor(pf.markets, F.clock)
    cells = []
    for key in FLOOR_KEYS:
        case = BY_KEY.get(key) or F.BY_KEY[key]
        for row, fn, arg in ((FLOOR, check, case.frame),
                             (FLOOR_TEXT, lambda t, c=check: c(orjson.loads(t)), case.text)):
            got, want = fn(arg), FL.expect(case)
            cells.append(Cell(row, case, fn if got == want else None, arg,
                              note="" if got == want else f"floor answered {got!r}, not {want!r}"))
    return cells


class Target(NamedTuple):
    """One row of issue 16's table: ``value(samples of one round)`` against ``limit``."""

    what: str
    limit: float
    parts: tuple[tuple[str, str], ...]       # the (row, case) cells the value reads
    value: Callable[..., float]               # per round, from the parts' samples
    floor: Optional[tuple[tuple[str, str], ...]] = None  # the same value on the floor's rows


def _ratio(a: float, b: float) -> float:
    return a / b


def _twin(what: str, limit: float, row: str, hole: str, twin: str, floor: bool = False
          ) -> Target:
    return Target(what, limit, ((row, hole), (row, twin)), _ratio,
                  ((FLOOR, hole), (FLOOR, twin)) if floor else None)


def targets(rows: dict[str, str]) -> tuple[Target, ...]:
    """Issue 16's targets; ``rows`` names the grid's rows (check_dict, check_text, loads,
    dumps, submit)."""
    d, t, loads, dumps, submit = (rows[k] for k in ("check_dict", "check_text", "loads",
                                                    "dumps", "submit"))
    text_minus = lambda text, load, dict_: (text - load) / dict_  # noqa: E731
    return (
        _twin("JSON ints / floats, LIMIT", 1.10, d, "limit_int", "limit_float", floor=True),
        _twin("JSON ints / floats, STOP_LIMIT", 1.10, d, "stop_int", "stop_float"),
        _twin("JSON ints / floats, modifyorder", 1.10, d, "modify_int", "modify_float"),
        _twin("19-digit clientOrderId / short, strings", 1.15, d, "id19", "limit", floor=True),
        _twin("19-digit clientOrderId / short, int", 1.15, d, "id19_int", "limit_float",
              floor=True),
        _twin("explicit nulls / keys absent", 1.15, d, "nulls", "limit", floor=True),
        _twin("off-tick price (W002) / on-tick", 1.25, d, "docs", "limit", floor=True),
        Target("(`check(text)` − `orjson.loads`) / `check(dict)`, floats", 1.25,
               ((t, "limit_float"), (loads, "limit_float"), (d, "limit_float")), text_minus,
               ((FLOOR_TEXT, "limit_float"), (loads, "limit_float"), (FLOOR, "limit_float"))),
        Target("(`check(text)` − `orjson.loads`) / `check(dict)`, strings", 1.25,
               ((t, "limit"), (loads, "limit"), (d, "limit")), text_minus,
               ((FLOOR_TEXT, "limit"), (loads, "limit"), (FLOOR, "limit"))),
        Target("20-order dict batch / 20 singles", 1.0, ((d, "batch"), (d, "limit")),
               lambda batch, single: batch / (20 * single)),
        _twin("`submit(text)` / `check(text)`, strings", 1.5, submit, "limit", "limit")
        ._replace(parts=((submit, "limit"), (t, "limit"))),
        _twin("`submit(text)` / `check(text)`, floats", 1.5, submit, "limit_float",
              "limit_float")._replace(parts=((submit, "limit_float"), (t, "limit_float"))),
        Target("headline: LIMIT floats / `json.dumps`", 0.65,
               ((d, "limit_float"), (dumps, "limit_float")), _ratio,
               ((FLOOR, "limit_float"), (dumps, "limit_float"))),
        Target("headline: LIMIT strings / `json.dumps`", 0.95, ((d, "limit"), (dumps, "limit")),
               _ratio, ((FLOOR, "limit"), (dumps, "limit"))),
    )


def paired(samples: dict, parts: tuple, value: Callable[..., float]) -> Optional[float]:
    """Median over rounds of ``value`` of the parts' samples of that round."""
    series = [samples.get(p) for p in parts]
    if not all(series):
        return None
    n = min(len(s) for s in series)
    return statistics.median(value(*(s[i] for s in series)) for i in range(n))


def table(cells: list[Cell], rows: dict[str, str]) -> list[str]:
    """The holes table (markdown lines) from the timed cells."""
    samples = {c.key: c.samples for c in cells if c.samples}
    medians = {k: statistics.median(v) for k, v in samples.items()}
    out = ["## Holes (issue 16): frames real clients send, against their clean twins", "",
           "Each figure is the median over rounds of the per-round paired ratio (the cells ran "
           "moments apart in the same round). The floor column is the same ratio for a "
           "hand-written LIMIT check (`benchmarks/floor.py`): what pure Python pays for the "
           "same frames.", "",
           "| what | target | oxpreflight | | floor |", "|---|---|---:|---|---:|"]
    for t in targets(rows):
        got = paired(samples, t.parts, t.value)
        low = paired(samples, t.floor, t.value) if t.floor else None
        shown = "not measured" if got is None else f"**{got:.2f}**"
        verdict = "" if got is None else ("met" if got <= t.limit else "**NOT met**")
        out.append(f"| {t.what} | ≤ {t.limit:.2f} | {shown} | {verdict} | "
                   f"{'-' if low is None else f'{low:.2f}'} |")
    out += ["", "Medians (ns per call) of the cells behind the table:", "",
            "| frame | " + " | ".join(_short(r) for r in _rows_shown(rows)) + " |",
            "|---|" + "---:|" * len(_rows_shown(rows))]
    for case in CASES:
        vals = [medians.get((r, case.key)) for r in _rows_shown(rows)]
        out.append(f"| {case.title} | " + " | ".join("-" if v is None else f"{v:,.0f}"
                                                    for v in vals) + " |")
    out += ["", "Hole frames (clean twins are in the Frames section):", ""]
    out += [f"- {case.title}: `{case.text}`" for case in HOLES]
    return out


def _rows_shown(rows: dict[str, str]) -> list[str]:
    return [rows["check_dict"], rows["check_text"], FLOOR, FLOOR_TEXT, rows["dumps"],
            rows["loads"]]


def _short(row: str) -> str:
    return row.replace("oxpreflight ", "").replace("hand-written LIMIT ", "floor ")


def main() -> int:
    """Time the holes table's cells only and print it."""
    from benchmarks import grid
    from benchmarks.timing import measure
    from oxpreflight import Preflight

    pf = Preflight(markets=str(F.MARKETS_FILE), clock=F.clock)
    cells = grid.holes_cells(pf)
    wrong = [c for c in cells if not check_verdict(c, "before timing")]
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    measure(cells, rounds, 0.004, lambda done, total: None, inner=5)
    wrong += [c for c in cells if not check_verdict(c, "after timing")]
    print("\n".join(table(cells, grid.ROW_NAMES)))
    for cell in wrong + [c for c in cells if c.note]:
        print(f"NOTE {cell.row} / {cell.case.title}: {cell.note}", file=sys.stderr)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
