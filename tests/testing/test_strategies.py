"""The public hypothesis strategies: frames() draws only valid frames on any catalogue,
violating() covers every enforced code, the request models work with st.from_type."""
import json
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from oxpreflight import Preflight
from oxpreflight.models import CancelOrder, Login, ModifyOrder, PlaceOrder
from oxpreflight.rules import RULES
from oxpreflight.rules.examples import MARKETS, NOW
from oxpreflight.strategies import enforced_codes, frames, violating
from oxpreflight.rules.language import COMMANDS

SHARED = "/work/shared/data/markets-v3.json"
QUICK = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CATALOGUES = {
    "embedded, no clock": (None, None),
    "shared file, its clock": (SHARED, 1717348160000),
    "shared file, no clock": (SHARED, None),
}


@pytest.mark.parametrize("catalogue", CATALOGUES)
@pytest.mark.parametrize("op", COMMANDS)
@QUICK
@given(data=st.data())
def test_every_drawn_frame_is_accepted_without_warnings(catalogue, op, data):
    markets, now = CATALOGUES[catalogue]
    pf = Preflight(markets, clock=(lambda: now) if now is not None else None)
    frame = data.draw(frames(op, markets=markets, now=now))
    verdict = pf.check(frame)
    assert verdict.ok, (verdict, frame)
    unchecked = {"W008"} if markets is None else set()  # the embedded catalogue has no bounds
    assert {w.code for w in verdict.warnings} <= unchecked
    assert len(json.dumps(frame, separators=(",", ":"), default=str)) <= 4000


def test_frames_without_now_also_pass_the_system_clock():
    # no timestamps, and only markets active at the present
    pf = Preflight(SHARED)

    @QUICK
    @given(frames("placeorders", markets=SHARED))
    def check(frame):
        assert pf.check(frame).ok
        stamped = [item for item in frame["dataArray"] if "timestamp" in item]
        assert not stamped, stamped

    check()


def test_frames_accepts_a_preflight_as_catalogue():
    pf = Preflight(MARKETS, clock=lambda: NOW)

    @QUICK
    @given(frames("placeorder", markets=pf, now=NOW))
    def check(frame):
        assert pf.check(frame).ok

    check()


@pytest.mark.parametrize("form, wanted", [
    ("int", lambda v: v.__class__ is int), ("float", lambda v: v.__class__ is float),
    ("str", lambda v: v.__class__ is str), ("Decimal", lambda v: type(v).__name__ == "Decimal"),
])
def test_frames_carry_numbers_in_every_form(form, wanted):
    # Decimal only on request: what a JSON client sends is str, int and float
    numbers = ("quantity", "amount", "price", "stopPrice", "limitPrice")
    find(frames("placeorder", markets=MARKETS, now=NOW, decimals=form == "Decimal"),
         lambda f: any(wanted(f["data"][k]) for k in numbers if k in f["data"]),
         settings=settings(database=None, derandomize=True, max_examples=2000))


@pytest.mark.parametrize("condition", [
    lambda f: f["data"]["orderType"] == "STOP_LIMIT",
    lambda f: f["data"]["orderType"] == "STOP_MARKET",
    lambda f: f["data"]["marketCode"] == "BTC-USD-REPO-LIN"
    and f["data"]["orderType"] == "LIMIT" and float(f["data"]["price"]) < 0,
    lambda f: isinstance(f["data"].get("clientOrderId"), str),
    lambda f: "recvWindow" in f["data"] and "timestamp" in f["data"],
    lambda f: f["data"].get("timeInForce") == "MAKER_ONLY_REPRICE",
], ids=["stop-limit", "stop-market", "negative-repo-price", "string-client-id",
        "recv-window", "maker-only-reprice"])
def test_frames_reach_every_shape(condition):
    find(frames("placeorder", markets=MARKETS, now=NOW), condition,
         settings=settings(database=None, derandomize=True, max_examples=3000))


def test_enforced_codes_are_every_non_warning_rule_code():
    assert set(enforced_codes()) == {r.code for r in RULES if not r.is_warning}


@pytest.mark.parametrize("code", enforced_codes())
def test_violating_covers_every_enforced_code(code):
    pf = Preflight(MARKETS, clock=lambda: NOW)

    @settings(max_examples=10, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(violating(code, markets=MARKETS, now=NOW))
    def check(frame):
        assert pf.check(frame).code == code

    check()


@pytest.mark.parametrize("code, op", [("20029", "placeorders"), ("20019", "cancelorder"),
                                      ("20016", "modifyorders"), ("20009", "subscribe"),
                                      ("20000", "login")])
def test_violating_restricted_to_one_op(code, op):
    pf = Preflight(MARKETS, clock=lambda: NOW)

    @settings(max_examples=10, deadline=None)
    @given(violating(code, op=op, markets=MARKETS, now=NOW))
    def check(frame):
        if isinstance(frame, dict):
            assert frame.get("op") == op
        assert pf.check(frame).code == code

    check()


@pytest.mark.parametrize("call, words", [
    (lambda: frames("placeOrder"), "op="),
    (lambda: frames("placeorder", markets="/no/such.json"), "markets"),
    (lambda: frames("placeorder", now="today"), "now="),
    (lambda: frames("placeorder", markets=[], now=NOW), "no market"),
    (lambda: violating("99999"), "not enforced"),
    (lambda: violating("20001"), "not enforced"),
    (lambda: violating("W002"), "not enforced"),
    (lambda: violating("710002"), "price bound"),  # the embedded catalogue has no bounds
    (lambda: violating("100015", markets=MARKETS), "now="),
    (lambda: violating("200050", markets=[{"marketCode": "X-USD"}], now=NOW), "inactive"),
    (lambda: violating("20029", op="cancelorder", markets=MARKETS), "20029"),
    (lambda: violating("20022", op="nope"), "op="),
])
def test_bad_arguments_raise_invalid_argument(call, words):
    with pytest.raises(InvalidArgument, match=words):
        call()


@pytest.mark.parametrize("model", [PlaceOrder, CancelOrder, ModifyOrder, Login])
def test_from_type_generates_valid_models(model):
    pf = Preflight(clock=None)

    @QUICK
    @given(st.from_type(model))
    def check(instance):
        assert isinstance(instance, model)
        frame = instance.frame(tag=1)
        assert frame["op"] == model.op
        assert pf.check(frame).ok, (pf.check(frame), frame)
        assert model.model_validate(frame["data"]) == instance

    check()


def test_models_export_json_schema_and_reject_what_the_exchange_rejects():
    schema = PlaceOrder.model_json_schema()
    assert {"marketCode", "side", "orderType"} <= set(schema["required"])
    assert schema["properties"]["side"]["enum"] == ["BUY", "SELL"]
    assert schema["additionalProperties"] is False
    base = {"marketCode": "BTC-USD-SWAP-LIN", "side": "BUY", "orderType": "LIMIT",
            "quantity": "0.001", "price": "68000"}
    PlaceOrder.model_validate(base)
    for change in ({"side": "buy"}, {"price": None}, {"clientOrderId": 1.5},
                   {"clientOrderId": True}, {"clientOrderId": 2**63}, {"quantity": "0"},
                   {"timeInForce": "ioc"}, {"clientOrderID": 1}, {"quantity": " 1"}):
        with pytest.raises(ValueError):
            PlaceOrder.model_validate({**base, **change})
    with pytest.raises(ValueError):
        CancelOrder(marketCode="BTC-USD-SWAP-LIN")
    assert Login.signed("key", "secret", 1).signature == \
        "MnvSBUZd9qGSbMVrry7Gl6KdHpuk6+SRCOieBD2MPRU="


def test_importing_the_package_loads_neither_hypothesis_nor_pytest():
    code = ("import sys, oxpreflight, oxpreflight.models; "
            "print('hypothesis' in sys.modules, 'pytest' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False"]


def _numbers(value):
    if isinstance(value, dict):
        return [n for v in value.values() for n in _numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in _numbers(v)]
    return [value]


@pytest.mark.parametrize("op", COMMANDS)
@QUICK
@given(data=st.data())
def test_frames_by_default_round_trip_through_json(op, data):
    pf = Preflight(MARKETS, clock=lambda: NOW)
    frame = data.draw(frames(op, markets=MARKETS, now=NOW))
    text = json.dumps(frame)  # no default=: a JSON client's own encoder
    assert json.loads(text) == frame
    assert pf.check(text).ok and pf.check(frame).ok
    decimals = [v for v in _numbers(frame) if type(v).__name__ == "Decimal"]
    assert not decimals, decimals


@pytest.mark.parametrize("code", ["20028", "20029", "100008", "710003", "20002", "20015"])
@QUICK
@given(data=st.data())
def test_violating_by_default_round_trips_through_json(code, data):
    pf = Preflight(MARKETS, clock=lambda: NOW)
    frame = data.draw(violating(code, markets=MARKETS, now=NOW))
    if not isinstance(frame, dict):
        return
    text = json.dumps(frame)
    assert json.loads(text) == frame
    assert pf.check(text).code == code


def test_decimals_on_request_in_violating_too():
    find(violating("20028", markets=MARKETS, now=NOW, decimals=True),
         lambda f: any(type(v).__name__ == "Decimal" for v in _numbers(f)),
         settings=settings(database=None, derandomize=True, max_examples=2000))


def test_decimals_must_be_a_bool():
    with pytest.raises(InvalidArgument, match="decimals="):
        frames("placeorder", decimals="yes")


@pytest.mark.parametrize("code", [
    "from oxpreflight.strategies import frames, violating",  # hypothesis not imported yet
    "import oxpreflight.testing.strategies",
    "import hypothesis; from oxpreflight.strategies import *; frames, violating",
    "import oxpreflight.strategies; from hypothesis import strategies as st; "
    "from oxpreflight.models import PlaceOrder; st.from_type(PlaceOrder).example()",
], ids=["strategies-first", "testing-module-first", "hypothesis-first", "from-type-via-hook"])
def test_strategies_import_in_a_fresh_process_in_any_order(code):
    # importing the strategies imports hypothesis, which runs our hypothesis entry point
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_violating_when_embedded_catalogue_cannot_reach_code_then_message_points_at_markets():
    from hypothesis.errors import InvalidArgument

    from oxpreflight.strategies import violating

    with pytest.raises(InvalidArgument, match="pass markets="):
        violating("710003")
