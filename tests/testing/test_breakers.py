"""Breakers, row by row: every non-warning rule row has one (derived from its condition, or
hand-written by name where a market's figures or the clock are involved), and each row's
frames are rejected with that row's code and field."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from oxpreflight import Preflight
from oxpreflight.rules import ENUMS, FIELDS, RULES
from oxpreflight.rules.examples import MARKETS, NOW
from oxpreflight.rules.language import Absent, Cond, Is, NotNumber, NotOneOf, Present, Rule
from oxpreflight.strategies import violating
from oxpreflight.testing.book import book
from oxpreflight.testing.derived import NoBreaker, derive
from oxpreflight.testing.handwritten import HANDWRITTEN
from oxpreflight.testing.strategies import breaker

PF = Preflight(MARKETS, clock=lambda: NOW)
ROWS = [r for r in RULES if not r.is_warning]
#: Rows no frame breaks: the internal-error answer is the checker failing, not a frame property.
UNBREAKABLE = {"internal-error"}
ROW = settings(max_examples=15, deadline=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _id(rule):
    return f"{rule.code}-{rule.name}"


def test_every_non_warning_row_has_a_breaker():
    missing = []
    for rule in ROWS:
        try:
            breaker(rule)
        except NoBreaker as exc:
            missing.append(str(exc))
    assert not missing, "rows without a breaker (add a HANDWRITTEN entry): " + "; ".join(missing)


def test_handwritten_breakers_name_existing_rows_that_cannot_be_derived():
    names = {r.name: r for r in ROWS}
    assert set(HANDWRITTEN) <= set(names), set(HANDWRITTEN) - set(names)
    for name in HANDWRITTEN:
        with pytest.raises(NoBreaker):
            derive(names[name])


def test_a_new_row_with_an_unbreakable_condition_is_reported():
    class Novel(Cond):  # a condition class no breaker knows
        def describe(self):
            return "novel"
    with pytest.raises(NoBreaker, match="novel-row"):
        breaker(Rule("20022", ("placeorder",), Is("orderType", ("LIMIT",)) & Novel(), "", {}, {},
                     name="novel-row"))


SHARED = "/work/shared/data/markets-v3.json"  # the exchange's own catalogue (as in test_strategies)
CATALOGUES = {"examples": (MARKETS, NOW, PF),
              "shared": (SHARED, NOW, Preflight(SHARED, clock=lambda: NOW))}


@pytest.mark.parametrize("catalogue", CATALOGUES)
@pytest.mark.parametrize("rule", [r for r in ROWS if r.name not in UNBREAKABLE], ids=_id)
def test_violating_each_row_gives_its_code_and_field(rule, catalogue):
    markets, now, pf = CATALOGUES[catalogue]

    @settings(ROW, max_examples=15 if catalogue == "examples" else 8)
    @given(st.data())
    def check(data):
        frame = data.draw(violating(rule.code, rule=rule.name, markets=markets, now=now))
        verdict = pf.check(frame)
        assert verdict.code == rule.code, (verdict, frame)
        if rule.field is not None:
            assert verdict.field == rule.field, (verdict, frame)

    check()


def test_the_internal_error_row_has_no_frames_and_says_why():
    with pytest.raises(InvalidArgument, match="failure of the checker itself"):
        violating("20002", rule="internal-error")


def test_rule_must_be_a_row_of_the_code():
    with pytest.raises(InvalidArgument, match="not a row of 20016"):
        violating("20016", rule="limit-price")


def test_enums_come_from_the_rows_and_cover_every_enumerated_field():
    enumerated = {f for fields in FIELDS.values() for f, spec in fields.items()
                  if spec.kind == "enum"}
    assert set(ENUMS) == enumerated
    for rule in RULES:
        if isinstance(rule.fails, NotOneOf):
            assert ENUMS[rule.fails.field] == rule.fails.values
    assert ENUMS["side"] == ("BUY", "SELL")


@pytest.mark.parametrize("cond", [
    Is("timeInForce", ("IOC",)) & Present("displayQuantity") & NotNumber("clientOrderId"),
    Is("orderType", ("MARKET",)) & Absent("quantity") & Present("amount"),
    Is("side", ("SELL",)) & (NotOneOf("triggerType", ("MARK_PRICE",)) | Absent("timeInForce")),
], ids=["is-present-not-number", "by-amount", "either"])
def test_derived_breakers_meet_conditions_no_row_uses_yet(cond):
    # the models' evaluator of conditions is the referee (it agrees with check, test_models.py)
    from oxpreflight.models import _test
    rule = Rule("20002", ("placeorder",), cond, "", {}, {}, name="synthetic")
    made = derive(rule)
    holds = _test(cond)

    @ROW
    @given(st.data())
    def check(data):
        frame = data.draw(made.make(book(MARKETS, NOW), "placeorder"))
        assert holds(frame["data"]), frame

    check()
