"""``rule``: every verdict and notice names the row that decided it, through pickling, equality,
exceptions and the JSON summary."""
from __future__ import annotations

import pickle

import pytest

from oxpreflight import Preflight, Rejected
from oxpreflight.errors import error_for
from oxpreflight.rules import RULES
from oxpreflight.validators.internal import INTERNAL_ERROR
from oxpreflight.validators.verdict import ACCEPTED, Notice

PF = Preflight()
ORDER = {"marketCode": "BTC-USD-SWAP-LIN", "side": "BUY", "orderType": "MARKET",
         "quantity": "0.001"}
NAMES = {r.name for r in RULES}


def place(**data):
    return {"op": "placeorder", "tag": 1, "data": {**ORDER, **data}}


def test_accepted_verdict_has_no_rule():
    assert PF.check(place()).rule is None and ACCEPTED.rule is None
    assert PF.check(place()).as_dict()["rule"] is None


@pytest.mark.parametrize("frame, rule", [
    (place(quantity="x"), "order-quantity-number"),
    (place(quantity=-1), "order-quantity-positive"),
    (place(side="BOO"), "order-side-enum"),
    ('{"op": "placeorder", "data": {', "not-json"),
    (b"\xff\xfe{}", "not-utf8-text"),
    ({"op": "placeOrder", "data": {}}, "unknown-op"),
    ({"op": "placeorder", "tag": "x" * 4000, "data": {}}, "frame-too-long"),
    ('{"op":"placeorder","tag":"' + "x" * 4000 + '","data":{}}', "frame-too-long"),
    ({"op": "placeorders", "dataArray": []}, "bad-payload"),
])
def test_rejected_verdict_names_its_row_whatever_the_form(frame, rule):
    assert rule in NAMES
    verdict = PF.check(frame)
    assert (verdict.ok, verdict.rule) == (False, rule), verdict
    assert verdict.as_dict()["rule"] == rule
    assert f"rule={rule!r}" in repr(verdict)


def test_batch_verdict_names_the_first_failing_item_and_each_item_its_own():
    verdict = PF.check({"op": "placeorders", "dataArray": [
        ORDER, dict(ORDER, side="BOO"), dict(ORDER, quantity="x")]})
    assert [item.rule for item in verdict.items] == [None, "order-side-enum",
                                                     "order-quantity-number"]
    assert (verdict.rule, verdict.index) == ("order-side-enum", 1)


def test_internal_error_names_its_row_on_the_verdict_and_the_notice():
    verdict = PF.check(INTERNAL_ERROR.bad)
    assert (verdict.code, verdict.rule) == (INTERNAL_ERROR.code, "internal-error")
    assert [w.rule for w in verdict.warnings] == ["internal-error"]


def test_warnings_name_their_rows():
    verdict = PF.check(place(orderType="LIMIT", price="68000.05", foo=1))
    assert [(w.code, w.rule) for w in verdict.warnings] == [
        ("W001", "unknown-field"), ("W002", "price-off-tick"),
        ("W008", "limit-price-bounds-unchecked")]
    assert all(w["rule"] for w in verdict.as_dict()["warnings"])


def test_verdict_and_notice_keep_their_rule_through_pickle():
    verdict = PF.check({"op": "placeorders", "dataArray": [ORDER, dict(ORDER, side="BOO")]})
    again = pickle.loads(pickle.dumps(verdict))
    assert (again.rule, again.items[1].rule) == ("order-side-enum", "order-side-enum")
    notice = PF.check(place(foo=1)).warnings[0]
    assert pickle.loads(pickle.dumps(notice)).rule == "unknown-field"


def test_notice_equality_and_hash_count_the_rule():
    a = Notice("W001", "foo", 1, "text", "unknown-field")
    same = Notice("W001", "foo", 2, "text", "unknown-field")  # the value is not compared
    other = Notice("W001", "foo", 1, "text", "another-row")
    assert a == same and hash(a) == hash(same)
    assert a != other and len({a, same, other}) == 2
    assert pickle.loads(pickle.dumps(a)) == a


def test_exception_carries_the_rule_and_keeps_it_through_pickle():
    exc = error_for(PF.check(place(side="BOO")))
    assert isinstance(exc, Rejected) and exc.rule == "order-side-enum"
    assert pickle.loads(pickle.dumps(exc)).rule == "order-side-enum"
    assert str(exc) == "20016 side is invalid"  # the message is unchanged


def test_rule_names_are_unique_over_engine_and_session_rows():
    from oxpreflight.rules import STATE_RULES

    names = [r.name for r in RULES] + [r.name for r in STATE_RULES]
    assert all(names) and len(names) == len(set(names))
