"""The session's rule rows, tested as a registry: every row's scenarios behave on a fresh
session, every row is documented and names its own predicate, and session/ names no exchange
code itself."""
from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest

from oxpreflight import Preflight
from oxpreflight.rules import RULES, SESSION_CODES, STATE_RULES
from oxpreflight import errors
from oxpreflight.rules.catalogue import CODES, KNOWN
from oxpreflight.rules.examples import MARKETS, NOW
from oxpreflight.rules.language import StateRule
from oxpreflight.session import rows as predicates
from oxpreflight.session.pipeline import PLANS, ROWS, Plan

SESSION_DIR = Path(__file__).resolve().parents[2] / "oxpreflight" / "session"
ERRORS = set(errors.__all__) - {"BY_CODE", "error_for"}


class Clock:
    def __init__(self, now: int) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now


def run(scenario: dict) -> Any:
    """The verdict of the scenario's frame on a fresh session after its steps."""
    clock = Clock(scenario.get("clock", NOW))
    session = Preflight(markets=MARKETS, clock=clock).session(**scenario["options"])
    for step in scenario["steps"]:
        if "observe" in step:
            session.observe(step["observe"])
        elif "submit" in step:
            assert session.submit(step["submit"]).ok, step
        else:
            clock.now += step["advance"]
    return session.submit(scenario["frame"])


def _id(row: StateRule) -> str:
    return f"{row.code}-{row.name}"


@pytest.mark.parametrize("row", STATE_RULES, ids=_id)
def test_state_rule_bad_scenario_gets_exactly_its_code(row):
    verdict = run(row.bad)
    assert (verdict.ok, verdict.code, verdict.rule) == (False, row.code, row.name), verdict
    head, _, tail = CODES[row.code].message.partition("xxx")
    assert verdict.message.startswith(head) and verdict.message.endswith(tail)
    assert verdict.response["code"] == row.code
    if row.field is not None:
        assert verdict.field == row.field


@pytest.mark.parametrize("row", STATE_RULES, ids=_id)
def test_state_rule_good_scenario_passes(row):
    verdict = run(row.good)
    assert verdict.ok, verdict


@pytest.mark.parametrize("row", STATE_RULES, ids=_id)
def test_state_rule_scenarios_are_json_data(row):
    for scenario in (row.bad, row.good):
        assert json.loads(json.dumps(scenario)) == scenario


def test_state_rules_are_documented_named_once_and_placed():
    names = [r.name for r in STATE_RULES] + [r.name for r in RULES]
    assert len(names) == len(set(names))
    for row in STATE_RULES:
        assert row.doc and row.reason and row.commands and row.code in CODES
        assert row.error in ERRORS
        assert re.fullmatch(r"oxpreflight/rules/session\.py:\d+", row.where), row.where
        assert SESSION_CODES[row.code] == row.reason


def test_every_row_names_its_own_predicate_and_every_predicate_has_its_row():
    named = [row.test for row in STATE_RULES]
    assert len(named) == len(set(named))  # one predicate per row
    for row in STATE_RULES:
        assert predicates.predicate(row) is getattr(predicates, row.test)
    defined = {name for name, value in vars(predicates).items()
               if callable(value) and getattr(value, "__module__", None) == predicates.__name__
               and not name.startswith("_") and name != "predicate"}
    assert defined == set(named)
    for op, plan in PLANS.items():  # the plan runs the rows' predicates in table order
        assert plan.tests == tuple(getattr(predicates, row.test) for row in ROWS[op])


def test_a_row_naming_no_predicate_fails_when_its_plan_is_built_and_names_the_row():
    row = dataclasses.replace(STATE_RULES[0], test="no_such_predicate")
    with pytest.raises(LookupError, match="20005 login-again: no predicate 'no_such_predicate'"):
        Plan("login", (row,))
    with pytest.raises(ValueError, match="must name a predicate"):
        dataclasses.replace(STATE_RULES[0], test="not a name")


def test_rows_of_one_code_name_one_exception_class_with_the_core_rows():
    for row in STATE_RULES:
        others = {r.error for r in RULES if r.code == row.code and r.error}
        assert others <= {row.error}, row.code


def test_rows_run_in_the_documented_order_for_each_command():
    order = lambda op: [r.code for r in ROWS[op]]  # noqa: E731
    assert order("login") == ["20005", "20025", "20024", "20000"]
    assert order("placeorder") == ["05001", "20007", "300001", "20031", "300011", "300012",
                                   "710007", "710004", "710006", "710005"]
    assert order("cancelorder") == ["05001", "20007", "100005", "100006"]
    assert order("modifyorder") == ["05001", "20007", "100005", "100006", "300001", "20031",
                                    "300012"]
    assert ROWS["subscribe"] == ()


def test_session_package_names_no_exchange_code():
    literal = re.compile(r"""["'](\d{5,6})["']""")
    found = {}
    for path in SESSION_DIR.glob("*.py"):
        hits = [m for m in literal.findall(path.read_text()) if m in KNOWN]
        if hits:
            found[path.name] = hits
    assert not found


def test_session_modules_stay_small():
    sizes = {p.name: len(p.read_text().splitlines()) for p in SESSION_DIR.glob("*.py")}
    assert max(sizes.values()) <= 400, sizes


@pytest.mark.parametrize("account, closed, expected", [
    ({"status": "SUSPENDED", "reduce_only": ["BTC-USD-SWAP-LIN"]}, True, "300001"),
    ({"reduce_only": ["BTC-USD-SWAP-LIN"]}, True, "20031"),
    ({"reduce_only": ["BTC-USD-SWAP-LIN"]}, False, "710007"),
])
def test_when_several_rows_fail_the_first_in_table_order_answers(account, closed, expected):
    """Kinds interleave: the account's rows come before and after the market's row."""
    session = Preflight(markets=MARKETS, clock=lambda: NOW).session(account=account)
    session.observe({"event": "login", "success": True})
    if closed:
        session.observe({"marketCode": "BTC-USD-SWAP-LIN", "operational": False})
    frame = {"op": "placeorder", "data": {"marketCode": "BTC-USD-SWAP-LIN", "side": "BUY",
                                          "orderType": "LIMIT", "quantity": "0.001",
                                          "price": "68000"}}
    assert session.submit(frame).code == expected
