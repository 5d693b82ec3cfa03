"""The session's rule rows, tested as a registry: every row's scenarios behave on a fresh
session, every row is documented, every kind of state has its check, and session/ names no
exchange code itself."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from oxpreflight import Preflight
from oxpreflight.rules import RULES, SESSION_CODES, STATE_RULES
from oxpreflight.rules.catalogue import CODES
from oxpreflight.rules.examples import MARKETS, NOW
from oxpreflight.rules.language import STATE_KINDS, StateRule
from oxpreflight.session.pipeline import KINDS, ROWS

SESSION_DIR = Path(__file__).resolve().parents[2] / "oxpreflight" / "session"
ERRORS = {"BadRequest", "AuthenticationError", "BadSymbol", "InvalidOrder", "OrderNotFound",
          "InsufficientFunds", "RateLimitExceeded"}


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


def test_every_kind_of_state_has_its_check_and_every_row_a_kind():
    assert set(KINDS) == set(STATE_KINDS)
    assert {r.needs for r in STATE_RULES} <= set(KINDS)


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
        hits = [m for m in literal.findall(path.read_text()) if m in CODES]
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
