"""Policy: selectors (code, rule name, prefix) and actions (error, warn, ignore), on the
exchange's rows, batch items and the session's rows."""
from __future__ import annotations

import json

import pytest

from oxpreflight import InvalidOrder, Preflight
from oxpreflight import docs
from oxpreflight.errors import error_for
from oxpreflight.rules.examples import MARKETS, NOW, order
from oxpreflight.rules.session import KEY

LOGGED_IN = {"event": "login", "success": True}


def frame(**changes):
    return {"op": "placeorder", "tag": 1, "data": order(**changes)}


def pf_with(policy, **options):
    return Preflight(markets=MARKETS, clock=lambda: NOW, policy=policy, **options)


def test_error_makes_a_warning_a_rejection_with_its_code_and_the_failure_shape():
    plain, strict = pf_with(None), pf_with({"W002": "error"})
    off_tick = frame(price="68000.5")
    assert plain.check(off_tick).ok and plain.check(off_tick).warnings[0].code == "W002"
    v = strict.check(off_tick)
    assert (v.ok, v.code, v.field, v.rule) == (False, "W002", "price", "price-off-tick")
    assert v.message == "price 68000.5 is not a multiple of the tick size"
    reply = v.response
    assert set(reply) == {"event", "submitted", "tag", "message", "code", "timestamp", "data"}
    assert (reply["code"], reply["submitted"], reply["tag"]) == ("W002", False, "1")
    assert isinstance(error_for(v), InvalidOrder)
    assert strict.check(frame()).ok  # on the tick: still accepted


def test_warn_makes_a_rejection_a_notice_and_the_frame_passes():
    pf = pf_with({"20018": "warn"})
    v = pf.check(frame(timeInForce="ioc"))
    assert v.ok and [(w.code, w.message, w.field) for w in v.warnings] == [
        ("20018", "timeInForce is invalid", "timeInForce")]
    # a later row still decides: a relaxed row does not hide the ones after it
    assert pf.check(frame(timeInForce="ioc", quantity="-1")).code == "20006"


def test_warn_keeps_the_message_fill_in_the_notice():
    pf = pf_with({"100008": "warn"})
    v = pf.check(frame(quantity="0.00001"))
    assert v.ok
    assert [w.message for w in v.warnings if w.code == "100008"] == [
        "Quantity cannot be less than the quantity increment 0.0001"]


def test_ignore_turns_a_row_off_silently():
    pf = pf_with({"order-time-in-force": "ignore"})
    v = pf.check(frame(timeInForce="ioc"))
    assert v.ok and not v.warnings


def test_ignoring_the_order_type_row_keeps_the_other_order_type_rows():
    pf = pf_with({"order-type-enum": "ignore"})
    assert pf.check(frame(orderType="TAKE_PROFIT")).ok
    assert pf.check(frame(price=None)).code == "20022"


def test_prefix_selects_every_code_it_starts():
    pf = Preflight(clock=lambda: NOW, policy={"W*": "error"})  # embedded: W008 on every LIMIT
    assert pf.check(frame()).code == "W008"
    pf = pf_with({"2001*": "warn"})
    v = pf.check(frame(side="buy", timeInForce="ioc"))
    assert v.ok and [w.code for w in v.warnings] == ["20016", "20018"]


def test_most_specific_selector_wins_name_over_code_over_prefix():
    pf = pf_with({"W*": "error", "W002": "ignore", "limit-price-off-tick": "error"})
    stop = frame(orderType="STOP_LIMIT", price=None, stopPrice="68000.5", limitPrice="68100.5")
    v = pf.check(stop)  # stopPrice: W002 by code -> ignored; limitPrice: by name -> error
    assert (v.code, v.field) == ("W002", "limitPrice")
    pf = pf_with({"2001*": "ignore", "20016": "error"})  # error on a rejection: as it is
    assert pf.check(frame(side="buy")).code == "20016"
    longer = pf_with({"20*": "warn", "2001*": "ignore"})
    v = longer.check(frame(side="buy"))
    assert v.ok and not [w for w in v.warnings if w.code == "20016"]


@pytest.mark.parametrize("policy, says", [
    ({"W999": "error"}, "'W999'"), ({"no-such-rule": "warn"}, "'no-such-rule'"),
    ({"9*": "ignore"}, "'9*'"), ({"W002": "fatal"}, "'fatal'"), ({"W002": None}, "None"),
    ({"20009": "ignore"}, "cannot be relaxed"), ({"frame-too-long": "warn"}, "cannot be relaxed"),
    ({"": "warn"}, "selector"), (["W002"], "map selectors"),
])
def test_unknown_selector_or_action_is_a_value_error_naming_it(policy, says):
    with pytest.raises(ValueError, match=says.replace("*", r"\*")):
        pf_with(policy)


def test_policy_on_a_code_shared_by_frame_rows_and_field_rows_applies_to_the_field_rows():
    pf = pf_with({"20002": "warn"})
    assert pf.check(frame(quantity="abc")).ok
    assert pf.check({"op": "placeorder", "tag": 1, "data": []}).code == "20002"  # bad payload


def test_batch_items_follow_the_policy():
    pf = pf_with({"W002": "error", "20018": "warn"})
    items = [order(), order(price="68000.5"), order(timeInForce="ioc")]
    v = pf.check({"op": "placeorders", "tag": 1, "dataArray": items})
    assert [i.code for i in v.items] == [None, "W002", None]
    assert v.items[2].warnings[0].code == "20018" and (v.code, v.index) == ("W002", 1)


def test_dict_text_and_general_plan_agree_under_a_policy():
    pf = pf_with({"W*": "error", "20018": "warn", "20016": "ignore"})
    frames = [frame(), frame(price="68000.5"), frame(price=68000.5), frame(side="buy"),
              frame(timeInForce="ioc", quantity="0.00015"),
              frame(orderType="STOP_LIMIT", price=None, stopPrice="68000", limitPrice="68100"),
              frame(marketCode="BTC-USD-SWAP-LIN-BARE"), frame(clientOrderID=5)]
    for f in frames:
        verdicts = [pf.check(f), pf.check(json.dumps(f)), pf._general(f)]
        assert len({(v.ok, v.code, v.message, tuple(w.code for w in v.warnings))
                    for v in verdicts}) == 1, (f, verdicts)


def test_policy_shows_what_is_in_force_and_explain_says_it():
    pf = pf_with({"W002": "error", "order-time-in-force": "ignore"})
    assert dict(pf.policy) == {"W002": "error", "order-time-in-force": "ignore"}
    with pytest.raises(TypeError):
        pf.policy["W003"] = "error"  # read-only
    assert dict(pf_with(None).policy) == {}
    assert "policy:     error (in force)" in docs.explain("W002", scope=pf)
    assert "policy:     ignore (in force)" in docs.explain("20018", scope=pf)
    row = docs.explain_data("20018", pf)["rules"][0]
    assert row["policy"] == "ignore"
    names = {r.name for r in pf.rules_in_force}
    assert "order-time-in-force" not in names and "price-off-tick" in names


def test_plans_are_compiled_once_per_distinct_policy():
    a, b = pf_with({"W002": "error"}), pf_with({"W002": "error"})
    assert a.plans is b.plans
    assert pf_with({"W003": "error"}).plans is not a.plans
    assert pf_with(None).plans is Preflight(markets=MARKETS, clock=lambda: NOW).plans


# -- session rows ---------------------------------------------------------------------------------
def test_policy_applies_to_session_rows_warn_then_the_order_passes_with_its_notice():
    pf = pf_with({"20007": "warn"})
    s = pf.session(rate_limit=1)
    s.observe(LOGGED_IN)
    assert s.submit(frame()).ok
    v = s.submit(frame())
    assert v.ok and [w.code for w in v.warnings] == ["20007"]
    assert v.warnings[0].message == "You are accessing server too rapidly"


def test_policy_ignore_on_a_session_row_and_later_rows_still_run():
    pf = pf_with({"order-before-login": "ignore"})
    s = pf.session(account={"status": "SUSPENDED"})
    v = s.submit(frame())  # not logged in: ignored; the account status row still rejects
    assert v.code == "300001"
    assert pf_with({"05001": "ignore"}).session().submit(frame()).ok


def test_policy_warn_on_a_login_row():
    pf = pf_with({"20025": "warn"})
    s = pf.session(api_key=KEY)
    login = {"op": "login", "tag": 1, "data": {"apiKey": "other", "timestamp": NOW,
                                               "signature": "c2ln"}}
    v = s.submit(login)
    assert v.ok and [w.code for w in v.warnings] == ["20025"]


def test_session_batch_with_a_warned_row():
    pf = pf_with({"20007": "warn"})
    s = pf.session(rate_limit=1)
    s.observe(LOGGED_IN)
    v = s.submit({"op": "placeorders", "tag": 1, "dataArray": [order(), order()]})
    assert v.ok and [w.code for w in v.items[1].warnings] == ["20007"]


def test_a_relaxed_session_row_hides_no_later_row_of_the_same_state():
    from oxpreflight.rules.session import SECRET

    login = {"op": "login", "tag": 1, "data": {"apiKey": "other", "timestamp": NOW,
                                               "signature": "bm90IGl0"}}
    strict = pf_with(None).session(api_key=KEY, api_secret=SECRET)
    assert strict.submit(login).code == "20025"
    relaxed = pf_with({"login-api-key-mismatch": "ignore"}).session(api_key=KEY,
                                                                     api_secret=SECRET)
    assert relaxed.submit(login).code == "20000"  # the signature row still runs
    warned = pf_with({"20025": "warn"}).session(api_key=KEY, api_secret=SECRET)
    v = warned.submit(login)
    assert v.code == "20000" and [w.code for w in v.warnings if w.code == "20025"] == []
