"""The rule registry, tested as a whole (ruff's registry tests): every rule's examples behave,
every code of the exchange's table is accounted for, the tables compile or fail loudly."""
from pathlib import Path

import pytest

from oxpreflight import Preflight
from oxpreflight.rules import FIELDS, RULES, SERVER_CODES, SESSION_CODES
from oxpreflight.rules.examples import MARKETS, NOW
from oxpreflight.rules.catalogue import CODES, KNOWN, OBSERVED, CatalogueError, parse_observed, parse_table
from oxpreflight.validators.compiler import RuleError, compile_plans
from oxpreflight.rules.language import Absent, Rule
from oxpreflight.rules.markets import Unlisted

PF = Preflight(markets=MARKETS, clock=lambda: NOW)
OPEN_WORLD = Preflight(clock=lambda: NOW)  # the embedded catalogue, for rows about unlisted codes


def pf_for(rule):
    return OPEN_WORLD if isinstance(rule.fails, Unlisted) else PF
SHARED_TABLE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "error-codes.md"


def frame_of(rule, example):
    if isinstance(example, (str, bytes)) or "op" in example:
        return example
    return {"op": rule.commands[0], "tag": 1, "data": example}


def _id(rule):
    return f"{rule.code}-{rule.name}"


@pytest.mark.parametrize("rule", [r for r in RULES if not r.is_warning], ids=_id)
def test_rule_bad_example_is_rejected_with_its_code(rule):
    verdict = PF.check(frame_of(rule, rule.bad))
    assert not verdict.ok
    assert (verdict.code, verdict.rule) == (rule.code, rule.name), verdict
    template = KNOWN[rule.code].message
    if "xxx" in template:
        head, tail = template.split("xxx")
        assert verdict.message.startswith(head) and verdict.message.endswith(tail)
        assert "xxx" not in verdict.message
    else:
        assert verdict.message == template
    assert verdict.response["code"] == rule.code


@pytest.mark.parametrize("rule", RULES, ids=_id)
def test_rule_good_example_passes(rule):
    verdict = pf_for(rule).check(frame_of(rule, rule.good))
    assert verdict.ok, verdict
    assert rule.code not in {w.code for w in verdict.warnings}


@pytest.mark.parametrize("rule", [r for r in RULES if r.is_warning], ids=_id)
def test_warning_bad_example_warns_without_rejecting(rule):
    verdict = pf_for(rule).check(frame_of(rule, rule.bad))
    assert verdict.ok, verdict
    assert (rule.code, rule.name) in {(w.code, w.rule) for w in verdict.warnings}


def test_every_rule_is_documented_and_named_once():
    names = [r.name for r in RULES]
    assert all(names) and len(names) == len(set(names))
    assert all(r.doc and r.fails.describe() for r in RULES)


def test_every_code_of_the_exchange_table_is_accounted_for():
    enforced = {r.code for r in RULES if not r.is_warning}
    assert enforced <= set(KNOWN)
    assert set(SESSION_CODES) <= set(CODES) and set(SERVER_CODES) <= set(CODES)
    assert not (set(SESSION_CODES) & set(SERVER_CODES))
    missing = set(CODES) - enforced - set(SESSION_CODES) - set(SERVER_CODES)
    assert not missing, f"codes neither enforced nor listed as server/session-only: {missing}"


def test_catalogue_is_the_exchange_table_word_for_word():
    packaged = Path(__file__).resolve().parents[2] / "oxpreflight" / "rules" / "error-codes.md"
    if SHARED_TABLE.exists():
        assert packaged.read_text() == SHARED_TABLE.read_text()
    table = parse_table(packaged.read_text())
    assert table["20022"].message == "price is required for LIMIT order"
    assert table["100015"].format(500) == "recvWindow 500 has expired"
    assert len(table) == 53  # 54 rows, 20034 repeated with the same message


def test_observed_codes_are_outside_the_exchange_table_each_with_a_source():
    assert set(OBSERVED) == {"20044", "100004"}
    assert not set(OBSERVED) & set(CODES)
    assert all(entry.observed and entry.source for entry in OBSERVED.values())
    assert not any(entry.observed for entry in CODES.values())
    assert OBSERVED["20044"].message == "Amount is not supported for this order type"
    with pytest.raises(CatalogueError):
        parse_observed("| 20022 | price is required for LIMIT order | somewhere |", CODES)
    with pytest.raises(CatalogueError):
        parse_observed("| 20044 | Amount is not supported for this order type |  |", CODES)


def test_table_with_conflicting_duplicate_is_rejected():
    with pytest.raises(CatalogueError):
        parse_table("| 20034 | a |\n| 20034 | b |\n")


def test_rule_with_code_outside_the_table_fails_at_build_time():
    bogus = Rule("99999", ("placeorder",), Absent("price"), "", {}, {})
    with pytest.raises(CatalogueError):
        compile_plans(RULES + (bogus,), FIELDS)


@pytest.mark.parametrize("field", ["price'); import os; os.system('x", "a b", "x" * 80])
def test_field_names_that_are_not_identifiers_cannot_reach_generated_code(field):
    rule = Rule("20022", ("placeorder",), Absent(field), "", {}, {})
    with pytest.raises(RuleError):
        compile_plans((rule,), FIELDS)


def test_generated_plans_are_available_for_review():
    source = PF.plans["placeorder"].source
    assert source.startswith("def run_placeorder(")
    assert "d.get('price')" in source
