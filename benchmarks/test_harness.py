"""The benchmark harness itself: its frames get the verdicts it claims, its contenders accept
what they should, its ratios pair rounds, and a broken check is caught instead of timed.

Run: ``python -m pytest -q benchmarks/test_harness.py``.
"""
from __future__ import annotations

import json

import orjson
import pytest

from benchmarks import contenders as C
from benchmarks import frames as F
from benchmarks import run as R
from oxpreflight import Preflight


@pytest.fixture(scope="module")
def pf() -> Preflight:
    return Preflight(markets=str(F.MARKETS_FILE), clock=F.clock)


@pytest.mark.parametrize("case", F.CASES + (F.OFF_TICK,), ids=lambda c: c.key)
def test_frame_when_checked_as_dict_or_text_then_expected_verdict(pf, case):
    assert F.verify(case, pf.check(case.frame)) is None
    assert F.verify(case, pf.check(case.text)) is None


def test_verify_when_verdict_differs_then_says_what():
    accepted = Preflight(markets=str(F.MARKETS_FILE), clock=F.clock).check(
        F.BY_KEY["limit"].frame)
    assert "20029" in F.verify(F.BY_KEY["reject"], accepted)
    assert "20 accepted items" in F.verify(F.BY_KEY["batch"]._replace(ok=True, code=None),
                                           accepted)


def test_cell_when_check_gives_wrong_verdict_then_not_timed(pf):
    cell = R.Cell(R.CHECK_DICT, F.BY_KEY["reject"], lambda frame: pf.check(
        F.BY_KEY["stop"].frame), F.BY_KEY["reject"].frame, verify=True)
    assert R.check_verdict(cell, "before timing") is False
    assert cell.fn is None and cell.note.startswith("WRONG VERDICT")
    R.measure([cell], rounds=2, sample_s=0.001, progress=lambda *a: None)
    assert cell.samples == []


@pytest.mark.parametrize("case", F.CASES, ids=lambda c: c.key)
def test_schema_contenders_when_frame_is_well_typed_then_accept(case):
    frame = case.frame
    C.PLAIN_MODELS[frame["op"]].model_validate(frame)
    C.fastjsonschema_validator(frame)(frame)
    C.jsonschema_validator(frame)(frame)


def test_schema_contenders_when_quantity_not_positive_then_reject():
    frame = json.loads(F.BY_KEY["limit"].text)
    frame["data"]["quantity"] = 0
    import fastjsonschema
    import jsonschema
    import pydantic
    with pytest.raises(pydantic.ValidationError):
        C.PLAIN_MODELS["placeorder"].model_validate(frame)
    with pytest.raises(fastjsonschema.JsonSchemaException):
        C.fastjsonschema_validator(frame)(frame)
    with pytest.raises(jsonschema.ValidationError):
        C.jsonschema_validator(frame)(frame)


def test_figures_when_rounds_differ_then_ratio_pairs_them():
    case = F.BY_KEY["limit"]
    fast, slow = R.Cell("a", case, None), R.Cell("b", case, None)
    fast.samples, slow.samples = [1.0, 2.0, 1.0], [2.0, 4.0, 2.0]  # round 2 ran on a busy core
    fig = R.Figures([fast, slow])
    assert fig.ratio(("a", "limit"), (1.0, "b", "limit")) == 0.5
    assert fig.ratio(("a", "limit"), (0.5, "b", "limit"), (0.5, "b", "limit")) == 0.5
    assert fig.ratio(("a", "limit"), (1.0, "missing", "limit")) is None


def test_targets_when_check_is_cheap_then_met_and_when_dear_then_not():
    def cells(check_ns):
        out = []
        for row, ns in ((R.CHECK_DICT, check_ns), (R.DUMPS, 1000.0), (R.PLAIN, 1000.0)):
            cell = R.Cell(row, F.BY_KEY["limit"], None)
            cell.samples = [ns] * 3
            out.append(cell)
        return R.Figures(out)
    cheap = {t: met for t, _, met in R.targets(cells(300.0), None, None)}
    dear = {t: met for t, _, met in R.targets(cells(400.0), None, None)}
    key = "check(dict) valid LIMIT <= 0.35 x json.dumps"
    assert cheap[key] is True and dear[key] is False
    assert cheap["check(dict) valid LIMIT <= 0.5 x pydantic model_validate (plain model)"]


def test_capture_when_generated_then_every_line_is_accepted(pf):
    lines = [F.capture_line(i) for i in range(0, 50_000, 997)]
    assert all(line.endswith(b"\n") and orjson.loads(line)["op"] == "placeorder"
               for line in lines)
    verdicts = [pf.check(line) for line in lines]
    assert all(v.ok and not v.warnings for v in verdicts), [v for v in verdicts if not v.ok][:1]


def test_synthetic_markets_when_built_then_distinct_and_checked():
    markets = F.synthetic_markets(1000)
    assert len({m["marketCode"] for m in markets}) == 1000
    pf = Preflight(markets=markets, clock=F.clock)
    assert len(pf.markets) == 1000


def test_main_when_run_tiny_then_writes_tables_and_exits_zero(tmp_path, capsys):
    out = tmp_path / "RESULTS.md"
    assert R.main(["--rounds", "2", "--sample-ms", "0.3", "--no-throughput", "--no-build",
                   "--output", str(out)]) == 0
    text = out.read_text()
    assert "### Medians (ns per call)" in text and "## Targets (issue 4)" in text
    assert "WRONG VERDICT" not in text
    assert R.CHECK_DICT in capsys.readouterr().out
