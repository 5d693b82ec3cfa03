"""Frames real clients send stay on the fast paths (JSON ints, 19-digit ids, explicit nulls,
text floats, warnings, batches) and get the general plan's verdicts there, exactly."""
from __future__ import annotations

import json
import pickle

import orjson
import pytest

from oxpreflight import Preflight
from oxpreflight.validators import decoder

NOW = 1717348160000
MARKETS = {"data": [{
    "marketCode": "BTC-USD-SWAP-LIN", "base": "BTC", "counter": "USD", "type": "FUTURE",
    "tickSize": "1", "minSize": "0.0001", "listedAt": "1704686640000",
    "upperPriceBound": "75026", "lowerPriceBound": "61384"}]}
LIMIT = {"timestamp": NOW - 100, "recvWindow": 500, "clientOrderId": 1,
         "marketCode": "BTC-USD-SWAP-LIN", "side": "BUY", "orderType": "LIMIT",
         "quantity": 1.5, "timeInForce": "GTC", "price": 68000.0}
STOP = dict(LIMIT, orderType="STOP_LIMIT", stopPrice=68000, limitPrice=68100)
del STOP["price"]
MODIFY = {"marketCode": "BTC-USD-SWAP-LIN", "orderId": 1000001, "side": "BUY", "price": 68001,
          "quantity": 2}
NULLS = dict.fromkeys(("amount", "stopPrice", "limitPrice", "displayQuantity",
                       "selfTradePreventionMode", "triggerType"))


@pytest.fixture(scope="module")
def pf():
    return Preflight(markets=MARKETS, clock=lambda: NOW)


@pytest.fixture
def general_calls(pf):
    """How often each plan's general item function ran."""
    calls = {"n": 0}
    saved = {}
    for op, plan in pf.plans.items():
        namespace = plan.run.__globals__
        if "item_general" in namespace:
            original = namespace["item_general"]
            saved[op] = (namespace, original)

            def counting(*args, original=original):
                calls["n"] += 1
                return original(*args)

            namespace["item_general"] = counting
    yield calls
    for namespace, original in saved.values():
        namespace["item_general"] = original


def place(data: dict) -> dict:
    return {"op": "placeorder", "tag": 1, "data": data}


def summary(verdict):
    return (verdict.ok, verdict.code, verdict.rule, verdict.field, verdict.message,
            [(w.code, w.message) for w in verdict.warnings])


HOLES = {
    "limit json int price": place(dict(LIMIT, price=68000)),
    "limit json int quantity": place(dict(LIMIT, quantity=2, price=68000)),
    "stop-limit json ints": place(STOP),
    "modify json ints": {"op": "modifyorder", "tag": 1, "data": MODIFY},
    "19-digit id string": place(dict(LIMIT, clientOrderId="1717348159900123456")),
    "19-digit id int": place(dict(LIMIT, clientOrderId=1717348159900123456)),
    "64-bit max id string": place(dict(LIMIT, clientOrderId="9223372036854775807")),
    "model_dump nulls": place(dict(LIMIT, **NULLS)),
    "stopPrice null": place(dict(LIMIT, stopPrice=None)),
}


@pytest.mark.parametrize("name", sorted(HOLES))
def test_when_a_client_form_then_the_fast_path_answers_as_the_general_plan(
        pf, general_calls, name):
    frame = HOLES[name]
    verdict = pf.check(frame)
    assert general_calls["n"] == 0, f"{name}: fell off the fast path"
    assert verdict.ok
    assert summary(verdict) == summary(pf._general(frame))
    assert summary(pf.check(json.dumps(frame))) == summary(verdict)


@pytest.mark.parametrize("data, code", [
    (dict(LIMIT, clientOrderId="9223372036854775808"), "20014"),   # 2**63: not 64-bit
    (dict(LIMIT, clientOrderId=2**63), "20014"),
    (dict(LIMIT, clientOrderId="0000000000000000000"), "20008"),
    (dict(LIMIT, price=61383), "710002"),
    (dict(LIMIT, price=75027), "710003"),
    (dict(LIMIT, price=0), "20028"),
    (dict(LIMIT, quantity=0), "20006"),
    (dict(LIMIT, stopPrice=0.0), None),          # a non-null foreign field: general plan
    (dict(STOP, stopPrice=68200, limitPrice=68100), "20029"),
])
def test_when_a_client_form_is_rejected_then_same_code_as_general(pf, data, code):
    frame = place(data)
    verdict = pf.check(frame)
    assert verdict.code == code
    assert summary(verdict) == summary(pf._general(frame))
    assert summary(pf.check(json.dumps(frame))) == summary(verdict)


@pytest.mark.parametrize("price", [2**53 - 1, 2**53, 2**53 + 1, -(2**53) - 1, 10**18 + 1])
def test_when_an_int_at_the_edge_of_a_float_then_exact(pf, price):
    # beyond 2**53 an int is no float: the general plan compares it exactly
    market = {"data": [dict(MARKETS["data"][0], upperPriceBound=str(2**53 + 1),
                            lowerPriceBound="1")]}
    checker = Preflight(markets=market, clock=lambda: NOW)
    frame = place(dict(LIMIT, price=price))
    verdict = checker.check(frame)
    assert verdict.code == (None if 1 <= price <= 2**53 + 1 else
                            "20028" if price <= 0 else "710003")
    assert summary(verdict) == summary(checker._general(frame))


def test_when_text_floats_are_their_shortest_text_then_no_exact_reread(pf, monkeypatch):
    reread = []
    monkeypatch.setattr(json.JSONDecoder, "raw_decode",
                        lambda self, *a, **k: reread.append(1) or (None, 0))
    text = orjson.dumps(place(LIMIT))
    assert decoder.written_by_orjson(orjson.loads(text), text)
    assert pf.check(text).ok and pf.check(text.decode()).ok
    assert reread == []


@pytest.mark.parametrize("price, code", [
    ("68000.0000000000000001", "W002"),   # off the tick as written, on it as a float
    ("75026.0000000000000001", "710003"),  # above the bound as written, a tie as a float
])
def test_when_a_text_float_lost_digits_then_decided_on_the_text(pf, price, code):
    text = '{"op":"placeorder","tag":1,"data":%s}' % json.dumps(
        dict(LIMIT, price="PRICE"), separators=(",", ":")).replace('"PRICE"', price)
    verdict = pf.check(text)
    assert code in [verdict.code] + [w.code for w in verdict.warnings]
    as_string = pf.check(place(dict(LIMIT, price=price)))
    assert summary(verdict) == summary(as_string)


def test_when_a_warning_then_notices_built_on_read_and_equal_everywhere(pf):
    frame = place(dict(LIMIT, price="68000.5"))
    verdict = pf.check(frame)
    assert verdict.ok and repr(verdict) == "Verdict(ok=True, warnings=1)"
    (notice,) = verdict.warnings
    assert (notice.code, notice.rule, notice.value) == ("W002", "price-off-tick", "68000.5")
    assert "68000.5" in notice.message
    assert verdict.warnings is verdict.warnings  # built once
    again = pickle.loads(pickle.dumps(pf.check(frame)))
    assert again.warnings == verdict.warnings
    assert pf.check(frame).as_dict()["warnings"][0]["code"] == "W002"
    assert summary(pf._general(frame)) == summary(verdict)


def test_when_an_accepted_batch_nests_too_deep_in_a_field_then_20009(pf):
    deep: list = []
    for _ in range(130):
        deep = [deep]
    items = [dict(LIMIT, clientOrderId=i) for i in range(1, 21)]
    items[3] = dict(items[3], source=deep)
    frame = {"op": "placeorders", "tag": 1, "dataArray": items}
    assert pf.check(frame).code == "20009"
    items[3] = dict(items[3], source=[[[1]]])
    assert pf.check(frame).ok
