"""The core's contract: check order, batch verdicts, failure replies, inputs, markets, exactness.

Run on the rule examples' catalogue and clock (``oxpreflight.rules.examples``: mid-2024 bounds,
a repo, a spread, a market listed in the future) unless a test says otherwise.
"""
import copy
import json
from decimal import Decimal

import pytest

from oxpreflight import Preflight, Verdict
from oxpreflight.rules.examples import MARKETS, NOW, order
from oxpreflight.validators.markets import MarketError

SHARED = "/work/shared/data/markets-v3.json"


@pytest.fixture(scope="module")
def pf():
    return Preflight(MARKETS, clock=lambda: NOW)


def place(**changes):
    return {"op": "placeorder", "tag": 1, "data": order(**changes)}


def code(pf, frame):
    return pf.check(frame).code


# -- precedence --------------------------------------------------------------------------------
def test_frame_when_too_long_and_not_json_then_20027(pf):
    assert code(pf, '{"op": "placeorder", "data": {' + "x" * 4000) == "20027"


def test_frame_when_not_json_then_20009(pf):
    assert code(pf, '{"op": "placeorder", "data": {') == "20009"
    assert code(pf, "[1, 2]") == "20009"
    assert code(pf, '"placeorder"') == "20009"
    assert code(pf, "") == "20009"
    assert code(pf, '{"price": NaN}') == "20009"


def test_frame_when_unknown_op_and_bad_tag_then_20003(pf):
    assert code(pf, {"op": "placeOrder", "tag": "t" * 40, "data": {}}) == "20003"
    assert code(pf, {"op": "place", "tag": [1]}) == "20003"


def test_frame_when_op_missing_or_not_a_string_then_20003(pf):
    assert code(pf, {"data": order()}) == "20003"
    assert code(pf, {"op": None, "data": order()}) == "20003"
    assert code(pf, {"op": ["placeorder"], "data": order()}) == "20003"


def test_envelope_when_tag_too_long_and_data_missing_then_20034(pf):
    assert code(pf, {"op": "placeorder", "tag": "t" * 33}) == "20034"


@pytest.mark.parametrize("tag, expected", [
    ("t" * 32, None), ("t" * 33, "20034"), (10**31, None), (10**32, "20034"),
    (-(10**30), None), (1.5, "20002"), (True, "20002"), ([1], "20002"), (None, None),
])
def test_envelope_tag(pf, tag, expected):
    assert code(pf, {"op": "subscribe", "tag": tag, "args": ["order:all"]}) == expected


@pytest.mark.parametrize("frame", [
    {"op": "placeorder"}, {"op": "placeorder", "data": [order()]},
    {"op": "placeorder", "data": None}, {"op": "placeorders"},
    {"op": "placeorders", "dataArray": []}, {"op": "cancelorders", "dataArray": {}},
    {"op": "subscribe"}, {"op": "unsubscribe", "args": "order:all"},
    {"op": "subscribe", "args": [1]}, {"op": "login", "data": "k"},
])
def test_envelope_when_payload_missing_or_wrong_shape_then_20002(pf, frame):
    verdict = pf.check(frame)
    assert verdict.code == "20002"
    assert verdict.items == ()


def test_login_order_of_checks(pf):
    assert code(pf, {"op": "login", "data": {}}) == "20025"
    assert code(pf, {"op": "login", "data": {"apiKey": "k"}}) == "20023"
    assert code(pf, {"op": "login", "data": {"apiKey": "k", "timestamp": NOW}}) == "20000"
    assert code(pf, {"op": "login", "data": {"apiKey": "k", "timestamp": NOW,
                                             "signature": "s"}}) is None


# placeorder step 4, in the order: (code, field, breaking value, good value).
_STEP_4 = [
    ("20011", "marketCode", "", "BTC-USD-SWAP-LIN"),
    ("20012", "side", None, "BUY"),
    ("20013", "orderType", None, "LIMIT"),
    ("20014", "clientOrderId", "abc", 5),
    ("20008", "clientOrderId", 0, 5),
    ("20015", "marketCode", "nope", "BTC-USD-SWAP-LIN"),
    ("20016", "side", "buy", "BUY"),
    ("20017", "orderType", "limit", "LIMIT"),
    ("20018", "timeInForce", "gtc", "GTC"),
    ("20033", "triggerType", "LAST", "MARK_PRICE"),
    ("20050", "selfTradePreventionMode", "X", "NONE"),
    ("20006", "quantity", "-1", "0.001"),
    ("20022", "price", None, "68000"),
]


@pytest.mark.parametrize("position", range(len(_STEP_4)), ids=[r[0] for r in _STEP_4])
def test_placeorder_when_every_later_field_is_also_wrong_then_first_in_documented_order(
        pf, position):
    data = {}
    for index, (_, field, bad, good) in enumerate(_STEP_4):
        if index < position:
            data[field] = good
        elif field not in data or index == position:
            data[field] = bad
    assert code(pf, {"op": "placeorder", "data": data}) == _STEP_4[position][0]


def test_placeorder_when_quantity_then_price_then_market_then_time(pf):
    # quantity before price, price before the market rules, market rules before time
    assert code(pf, place(quantity="x", price="x")) == "20002"
    assert code(pf, place(quantity="0.00001", price="x")) == "20021"
    assert code(pf, place(price="0", quantity="0.00001")) == "20028"
    assert code(pf, place(marketCode="ETH-USD-SWAP-LIN-NEW", price="1", quantity="0.00001"))\
        == "200050"
    assert code(pf, place(quantity="0.00001", price="1")) == "100008"
    assert code(pf, place(price="1", timestamp=NOW - 5000)) == "710002"
    assert code(pf, place(timestamp=NOW - 5000)) == "100015"


def test_placeorder_when_limit_price_missing_then_20022_and_not_a_number_then_20021(pf):
    assert code(pf, place(price=None)) == "20022"
    assert code(pf, place(price="market")) == "20021"
    assert code(pf, place(price="")) == "20021"
    assert code(pf, place(price=[68000])) == "20021"


def test_stop_limit_order_of_checks(pf):
    stop = dict(order(orderType="STOP_LIMIT", price=None), stopPrice="68000",
                limitPrice="68100")
    assert code(pf, {"op": "placeorder", "data": dict(stop, stopPrice=None)}) == "20020"
    assert code(pf, {"op": "placeorder", "data": dict(stop, limitPrice="x")}) == "20020"
    assert code(pf, {"op": "placeorder", "data": dict(stop, limitPrice="-1")}) == "20028"
    assert code(pf, {"op": "placeorder", "data": dict(stop, stopPrice="68200")}) == "20029"
    assert code(pf, {"op": "placeorder", "data": dict(stop, side="SELL")}) == "20030"
    assert code(pf, {"op": "placeorder", "data": dict(stop, stopPrice="68100")}) is None
    assert code(pf, {"op": "placeorder", "data": dict(stop, side="SELL",
                                                      limitPrice="68000")}) is None


def test_stop_market_when_stop_price_missing_then_20020(pf):
    data = dict(order(orderType="STOP_MARKET", price=None))
    assert code(pf, {"op": "placeorder", "data": data}) == "20020"
    assert code(pf, {"op": "placeorder", "data": dict(data, stopPrice=0)}) == "20028"
    assert code(pf, {"op": "placeorder", "data": dict(data, stopPrice=60000)}) is None


def test_market_order_by_amount_needs_no_quantity(pf):
    data = order(orderType="MARKET", price=None, quantity=None, marketCode="BTC-USDT",
                 amount="100")
    assert pf.check({"op": "placeorder", "data": data}).ok
    assert code(pf, {"op": "placeorder", "data": dict(data, amount="0")}) == "20006"
    assert code(pf, {"op": "placeorder", "data": order(quantity=None)}) == "20006"


def test_cancelorder_order_of_checks(pf):
    assert code(pf, {"op": "cancelorder", "data": {"orderId": 1}}) == "20011"
    assert code(pf, {"op": "cancelorder", "data": {"marketCode": "x"}}) == "20010"
    assert code(pf, {"op": "cancelorder", "data": {"marketCode": "x", "orderId": 0}}) \
        == "20019"
    assert code(pf, {"op": "cancelorder", "data": {"marketCode": "x", "orderId": "12",
                                                   "clientOrderId": 1.5}}) == "20014"
    assert code(pf, {"op": "cancelorder", "data": {"marketCode": "x", "orderId": "12",
                                                   "clientOrderId": -1}}) == "20008"
    assert code(pf, {"op": "cancelorder", "data": {"marketCode": "x", "orderId": "12"}}) \
        == "20015"
    assert pf.check({"op": "cancelorder", "data": {"marketCode": "BTC-USD-SWAP-LIN",
                                                   "orderId": "12"}}).ok


def test_modifyorder_order_of_checks(pf):
    base = {"marketCode": "BTC-USD-SWAP-LIN", "orderId": 1}
    assert code(pf, {"op": "modifyorder", "data": {"orderId": 1}}) == "20011"
    assert code(pf, {"op": "modifyorder", "data": {"marketCode": "BTC"}}) == "20010"
    assert code(pf, {"op": "modifyorder", "data": dict(base, orderId=-3, marketCode="B")}) \
        == "20019"
    assert code(pf, {"op": "modifyorder", "data": dict(base, marketCode="B", side="x")}) \
        == "20015"
    assert code(pf, {"op": "modifyorder", "data": dict(base, side="buy", quantity=0)}) \
        == "20016"
    assert code(pf, {"op": "modifyorder", "data": dict(base, quantity=0, price="x")}) \
        == "20006"
    assert code(pf, {"op": "modifyorder", "data": dict(base, price="x")}) == "20021"
    assert code(pf, {"op": "modifyorder", "data": dict(base, price="0")}) == "20028"
    assert code(pf, {"op": "modifyorder", "data": dict(base, price="60000")}) == "710002"
    assert code(pf, {"op": "modifyorder", "data": dict(base, price="80000")}) == "710003"
    assert pf.check({"op": "modifyorder", "data": dict(base, price="68000")}).ok
    assert pf.check({"op": "modifyorder", "data": base}).ok


# -- batches ---------------------------------------------------------------------------------
def test_placeorders_when_all_items_pass_then_ok_with_one_verdict_each(pf):
    verdict = pf.check({"op": "placeorders", "dataArray": [order(), order(side="SELL")]})
    assert verdict.ok and verdict.code is None
    assert len(verdict.items) == 2 and all(v.ok for v in verdict.items)


def test_placeorders_when_second_and_third_fail_then_code_of_second(pf):
    verdict = pf.check({"op": "placeorders", "tag": "b", "dataArray": [
        order(), order(price=None), order(side="buy")]})
    assert not verdict.ok
    assert [v.code for v in verdict.items] == [None, "20022", "20016"]
    assert (verdict.code, verdict.message) == ("20022", "price is required for LIMIT order")
    assert verdict.index == 1
    assert verdict.response["event"] == "placeorder"
    assert verdict.response["data"]["side"] == "BUY" and "price" not in verdict.response["data"]


def test_batch_item_that_is_not_an_object_then_20002_for_that_item(pf):
    verdict = pf.check({"op": "cancelorders", "dataArray": [
        {"marketCode": "BTC-USD-SWAP-LIN", "orderId": 1}, "oops"]})
    assert [v.code for v in verdict.items] == [None, "20002"]
    assert verdict.code == "20002"


def test_batch_frame_level_failure_has_no_items(pf):
    for frame in ({"op": "placeorders", "dataArray": []}, '{"op": "placeorders", ',
                  {"op": "modifyorders"}):
        verdict = pf.check(frame)
        assert not verdict.ok and verdict.items == ()


def test_single_command_has_no_items(pf):
    assert pf.check(place()).items == ()
    assert pf.check(place(price=None)).items == ()


# -- failure replies ---------------------------------------------------------------------------
def test_placeorder_failure_reply_shape(pf):
    data = order(marketCode="btcUSD", quantity=0.001, price=44000, clientOrderId=1,
                 stopPrice=Decimal("1.50"), limitPrice=2.5)
    reply = pf.check({"op": "placeorder", "tag": 123, "data": data}).response
    assert reply == {
        "event": "placeorder", "submitted": False, "tag": "123",
        "message": "marketCode is invalid", "code": "20015", "timestamp": str(NOW),
        "data": dict(data, quantity="0.001", price="44000", clientOrderId="1",
                     stopPrice="1.50", limitPrice="2.5", source=0),
    }


def test_batch_item_reply_names_the_singular_event(pf):
    for op, item in (("placeorders", order(side="x")),
                     ("cancelorders", {"marketCode": "BTC-USD-SWAP-LIN"}),
                     ("modifyorders", {"marketCode": "BTC-USD-SWAP-LIN"})):
        reply = pf.check({"op": op, "tag": "abc", "dataArray": [item]}).response
        assert reply["event"] == op[:-1]
        assert reply["submitted"] is False and "success" not in reply
        assert reply["tag"] == "abc"


@pytest.mark.parametrize("frame", [
    {"op": "login", "tag": 7, "data": {"timestamp": NOW, "signature": "s"}},
    {"op": "subscribe", "tag": 7, "args": [1]},
    {"op": "unsubscribe", "tag": 7},
])
def test_login_and_subscription_replies_say_success_false(pf, frame):
    reply = pf.check(frame).response
    assert reply["success"] is False and "submitted" not in reply
    assert reply["event"] == frame["op"] and reply["tag"] == "7"
    assert reply["timestamp"] == str(NOW)


def test_reply_without_tag_has_no_tag(pf):
    assert "tag" not in pf.check({"op": "placeorder", "data": order(price=None)}).response


def test_reply_message_fills_the_exchange_placeholder(pf):
    verdict = pf.check(place(quantity="0.00001"))
    assert verdict.message == "Quantity cannot be less than the quantity increment 0.0001"
    verdict = pf.check(place(timestamp=NOW - 600, recvWindow=500))
    assert verdict.message == "recvWindow 500 has expired"
    verdict = pf.check(place(timestamp=NOW - 1001))
    assert verdict.message == "recvWindow 1000 has expired"


def test_verdict_names_field_and_value(pf):
    verdict = pf.check(place(side="buy"))
    assert (verdict.field, verdict.value) == ("side", "buy")


# -- inputs ------------------------------------------------------------------------------------
def _compact(frame):
    return json.dumps(frame, separators=(",", ":"))


def test_max_message_length_for_text_and_dict_exactly_at_limit_passes():
    frame = {"op": "placeorder", "tag": "", "data": order()}
    base = len(_compact(frame))
    for limit in (base + 10, 4000):
        frame["tag"] = ""
        frame["data"]["note"] = ""
        frame["data"]["note"] = "n" * (limit - len(_compact(frame)))
        text = _compact(frame)
        assert len(text) == limit
        pf = Preflight(MARKETS, clock=None, max_message_length=limit)
        assert pf.check(text).ok and pf.check(frame).ok
        assert pf.check(text.encode()).ok
        frame["data"]["note"] += "n"
        assert pf.check(_compact(frame)).code == "20027"
        assert pf.check(frame).code == "20027"


def test_max_message_length_counts_characters_not_bytes():
    frame = {"op": "placeorder", "data": order(note="é" * 100)}
    text = json.dumps(frame, separators=(",", ":"), ensure_ascii=False)
    pf = Preflight(MARKETS, clock=None, max_message_length=len(text))
    assert pf.check(text).ok and pf.check(text.encode()).ok and pf.check(frame).ok


def test_bytes_bytearray_and_str_are_judged_alike(pf):
    text = _compact(place(price=None))
    for form in (text, text.encode(), bytearray(text.encode()), memoryview(text.encode())):
        assert pf.check(form).code == "20022"


def test_ping_is_the_keep_alive(pf):
    assert pf.check("ping").ok and pf.check(b"ping").ok
    assert pf.check("pong").code == "20009"
    assert pf.check({"op": "ping"}).code == "20003"


def test_non_frame_inputs_get_20009(pf):
    for value in (None, 42, 1.5, [place()], object(), {1, 2}):
        assert pf.check(value).code == "20009"


def test_invalid_utf8_bytes_get_20009(pf):
    assert pf.check(b'{"op": "\xff"}').code == "20009"


# -- clock -------------------------------------------------------------------------------------
def test_clock_none_disables_time_rules():
    pf = Preflight(MARKETS, clock=None)
    assert pf.check(place(timestamp=1, recvWindow=1)).ok
    assert pf.check(place(marketCode="ETH-USD-SWAP-LIN-NEW", price="3800")).ok
    reply = pf.check(place(price=None)).response
    assert reply["timestamp"].isdigit()


def test_clock_decides_expiry_at_the_boundary():
    pf = Preflight(MARKETS, clock=lambda: NOW)
    assert pf.check(place(timestamp=NOW - 500, recvWindow=500)).ok
    assert pf.check(place(timestamp=NOW - 501, recvWindow=500)).code == "100015"
    assert pf.check(place(timestamp=NOW - 1000)).ok
    assert pf.check(place(timestamp=str(NOW - 1001))).code == "100015"


def test_market_active_by_the_clock():
    settled = order(marketCode="BTC-USD-240531-LIN", price="68000")
    assert Preflight(MARKETS, clock=lambda: 1717142399999).check(
        {"op": "placeorder", "data": settled}).ok
    assert Preflight(MARKETS, clock=lambda: 1717142400000).check(
        {"op": "placeorder", "data": settled}).code == "200050"


# -- market catalogues -------------------------------------------------------------------------
def test_markets_from_path_list_data_object_and_channel_entries():
    raw = json.load(open(SHARED))
    channel = [dict({k: v for k, v in m.items() if k not in ("minSize", "markPrice")},
                    qtyIncrement=m["minSize"], marketPrice=m.get("markPrice"))
               for m in raw["data"]]
    for markets in (SHARED, raw, raw["data"], channel):
        pf = Preflight(markets, clock=lambda: NOW)
        assert set(pf.markets) >= {"BTC-USD-SWAP-LIN", "OX-USDT", "BTC-USD-REPO-LIN"}
        assert pf.check(place(quantity="0.00001")).code == "100008"
        assert pf.check(place(price="61383")).code == "710002"
        assert pf.check(place(price="75027")).code == "710003"
        assert pf.check(place(price="61384")).ok


def test_bad_catalogue_is_a_clear_error():
    with pytest.raises(MarketError):
        Preflight("/no/such/file.json")
    with pytest.raises(MarketError):
        Preflight({"markets": []})
    with pytest.raises(MarketError):
        Preflight([{"marketCode": "X", "tickSize": "-1"}])


def test_embedded_catalogue_has_no_bounds_so_bound_rules_skip():
    pf = Preflight(clock=None)
    assert pf.markets and all(r.lo is None and r.hi is None for r in pf.markets.values())
    assert pf.check(place(price="1")).ok
    assert pf.check(place(price="99999999")).ok
    assert pf.check(place(quantity="0.00001")).code == "100008"  # minSize is embedded


def test_repo_and_spread_prices_may_be_zero_or_negative(pf):
    assert pf.check(place(marketCode="BTC-USD-REPO-LIN", price="-0.0001")).ok
    assert pf.check(place(marketCode="BTC-USD-REPO-LIN", price="0")).ok
    assert pf.check(place(marketCode="BTC-USD-SPR-QP-LIN", price="-20")).ok
    assert pf.check(place(marketCode="BTC-USD-SPR-QP-LIN", price="-501")).code == "710002"
    assert pf.check(place(price="-1")).code == "20028"


def test_stop_market_only_on_perpetuals(pf):
    data = order(orderType="STOP_MARKET", price=None, stopPrice="63000",
                 marketCode="BTC-USDT")
    assert pf.check({"op": "placeorder", "data": data}).code == "20017"


# -- exactness ---------------------------------------------------------------------------------
def test_float_noise_never_flips_a_verdict():
    pf = Preflight([{"marketCode": "X-USD", "type": "SPOT", "tickSize": "0.1",
                     "minSize": "0.3", "lowerPriceBound": "0.3", "upperPriceBound": "0.6"}],
                   clock=None)
    assert 0.1 + 0.2 != 0.3
    # 0.1 + 0.2 is the float 0.30000000000000004, above 0.3: it passes the lower bound
    assert pf.check({"op": "placeorder", "data": {
        "marketCode": "X-USD", "side": "BUY", "orderType": "LIMIT", "quantity": 0.3,
        "price": 0.1 + 0.2}}).ok
    # and 0.3 exactly equals the bound
    assert pf.check({"op": "placeorder", "data": {
        "marketCode": "X-USD", "side": "BUY", "orderType": "LIMIT", "quantity": 0.3,
        "price": 0.3}}).ok
    assert pf.check({"op": "placeorder", "data": {
        "marketCode": "X-USD", "side": "BUY", "orderType": "LIMIT", "quantity": 0.3,
        "price": 0.6 + 1e-15}}).code == "710003"


@pytest.mark.parametrize("price", [3414.5, "3414.5", Decimal("3414.5"), "3414.50000",
                                   4173.3, "4173.3", Decimal("4173.30")])
def test_price_equal_to_a_bound_passes(pf, price):
    assert pf.check(place(marketCode="ETH-USD-SWAP-LIN", price=price, quantity="0.01")).ok


def test_text_with_a_float_tied_to_the_bound_passes(pf):
    text = ('{"op":"placeorder","data":{"marketCode":"ETH-USD-SWAP-LIN","side":"BUY",'
            '"orderType":"LIMIT","quantity":0.01,"price": 3414.5}}')
    assert pf.check(text).ok
    assert pf.check(text.replace("3414.5", "3414.49999999999999999")).code == "710002"
    assert pf.check(text.replace("3414.5", "3414.50000000000000001")).ok


def test_twenty_digit_decimal_just_below_the_bound_fails(pf):
    assert pf.check(place(marketCode="ETH-USD-SWAP-LIN", quantity="0.01",
                          price="3414.4999999999999999")).code == "710002"
    # the same digits as a JSON float round to 3414.5 in binary, but the text is exact
    text = _compact({"op": "placeorder", "data": order(
        marketCode="ETH-USD-SWAP-LIN", quantity="0.01")}).replace(
        '"price":"68000"', '"price":3414.4999999999999999')
    assert pf.check(text).code == "710002"


def test_quantity_at_min_size_passes_and_just_below_fails(pf):
    assert pf.check(place(quantity=0.0001)).ok
    assert pf.check(place(quantity="0.0001")).ok
    assert pf.check(place(quantity="0.00009999999999999999999")).code == "100008"


def test_stop_limit_prices_compared_exactly(pf):
    stop = dict(order(orderType="STOP_LIMIT", price=None), stopPrice=68000.1,
                limitPrice="68000.1")
    assert pf.check({"op": "placeorder", "data": stop}).ok
    stop["stopPrice"] = "68000.100000000000000000001"
    assert pf.check({"op": "placeorder", "data": stop}).code == "20029"


# -- enumerations, nulls, clientOrderId --------------------------------------------------------
@pytest.mark.parametrize("field, value, expected", [
    ("side", "Buy", "20016"), ("side", "buy", "20016"), ("orderType", "Limit", "20017"),
    ("timeInForce", "ioc", "20018"), ("timeInForce", "IOC", None),
    ("selfTradePreventionMode", "expire_maker", "20050"),
    ("triggerType", "mark_price", "20033"),
])
def test_enumerations_are_case_sensitive(pf, field, value, expected):
    assert code(pf, place(**{field: value})) == expected


def test_json_null_counts_as_absent(pf):
    frame = place()
    frame["data"].update(clientOrderId=None, timeInForce=None, timestamp=None,
                         selfTradePreventionMode=None, triggerType=None, stopPrice=None)
    assert pf.check(frame).ok
    frame["data"]["price"] = None
    assert pf.check(frame).code == "20022"
    frame["data"]["side"] = None
    assert pf.check(frame).code == "20012"
    assert code(pf, '{"op":"login","data":{"apiKey":"k","timestamp":null,"signature":"s"}}')\
        == "20023"


@pytest.mark.parametrize("value, expected", [
    (1.5, "20014"), ("abc", "20014"), (True, "20014"), (2**63, "20014"), ("1.0", "20014"),
    (1.0, "20014"), (-(2**63) - 1, "20014"), (str(2**63), "20014"), ([1], "20014"),
    (2**63 - 1, None), (str(2**63 - 1), None), ("42", None), (42, None),
    (0, "20008"), (-1, "20008"), ("-7", "20008"), (-(2**63), "20008"),
])
def test_placeorder_client_order_id(pf, value, expected):
    assert code(pf, place(clientOrderId=value)) == expected


def test_client_order_id_beyond_64_bits_in_text(pf):
    text = _compact(place()).replace('"tag":1,', "").replace(
        '"timeInForce":"GTC"', '"timeInForce":"GTC","clientOrderId":9223372036854775808')
    assert pf.check(text).code == "20014"
    assert pf.check(text.replace("808", "807")).ok


# -- warnings ----------------------------------------------------------------------------------
@pytest.mark.parametrize("changes, warning", [
    ({"clientOrderID": 1}, "W001"), ({"price": "68000.5"}, "W002"),
    ({"quantity": "0.00015"}, "W003"), ({"recvWindow": 500}, "W006"),
])
def test_warnings_never_reject(pf, changes, warning):
    verdict = pf.check(place(**changes))
    assert verdict.ok and verdict.code is None
    assert warning in [w.code for w in verdict.warnings]


def test_warnings_are_kept_on_batch_verdicts(pf):
    verdict = pf.check({"op": "placeorders", "dataArray": [order(), order(price="68000.5")]})
    assert verdict.ok and [w.code for w in verdict.warnings] == ["W002"]


# -- purity ------------------------------------------------------------------------------------
def test_check_never_mutates_the_frame(pf):
    frames = [place(), place(price=None, clientOrderId=5, quantity=0.5),
              {"op": "placeorders", "dataArray": [order(), order(side="x"), "junk"]},
              {"op": "modifyorder", "data": {"marketCode": "BTC-USD-SWAP-LIN", "orderId": 1,
                                             "price": Decimal("68000")}}]
    for frame in frames:
        before = copy.deepcopy(frame)
        pf.check(frame)
        assert frame == before


def test_check_never_raises_even_on_hostile_values(pf):
    class Weird(dict):
        def get(self, *args):
            raise RuntimeError("boom")

    deep = []
    for _ in range(100_000):
        deep = [deep]
    for value in (Weird(op="placeorder"), {"op": "placeorder", "data": Weird(a=1)},
                  {"op": "placeorder", "data": {"marketCode": deep}}, "[" * 100_000,
                  {"op": "placeorder", "data": order(price=float("nan"))},
                  {"op": "placeorder", "data": order(quantity=float("inf"))},
                  {1: 2}, {"op": "placeorder", "data": {("t",): 1}}):
        verdict = pf.check(value)
        assert isinstance(verdict, Verdict) and (verdict.ok or verdict.code)


def test_verdict_for_a_clean_pass(pf):
    verdict = pf.check(place())
    assert verdict.ok and bool(verdict)
    assert (verdict.code, verdict.message, verdict.response, verdict.items) == (
        None, None, None, ())


# -- integers beyond 64 bits in text (orjson decodes them as floats) ---------------------------
def test_text_with_a_tag_beyond_64_bits_then_20034(pf):
    text = '{"op":"subscribe","tag":100000000000000000000000000000000,"args":["order:all"]}'
    assert pf.check(text).code == "20034"
    assert pf.check(text.replace("100000000000000000000000000000000", "1" * 32)).ok


def test_text_with_an_op_that_is_a_list_then_20003(pf):
    verdict = pf.check('{"op":[],"data":{}}')
    assert verdict.code == "20003" and verdict.response["success"] is False


def test_text_reply_echoes_big_integers_with_their_digits(pf):
    text = ('{"op":"placeorder","tag":5,"data":{"marketCode":"x","side":"BUY",'
            '"orderType":"LIMIT","quantity":100000000000000000000001,"price":1}}')
    verdict = pf.check(text)
    assert verdict.code == "20015"
    assert verdict.response["data"]["quantity"] == "100000000000000000000001"
