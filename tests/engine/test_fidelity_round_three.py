"""Fidelity, round three: each point against its source (the README's decisions cite them)."""
from __future__ import annotations

import json

import pytest

from oxpreflight import (
    ArgumentsRequired, InsufficientFunds, MarketClosed, NetworkError, Preflight,
    RateLimitExceeded, errors,
)
from oxpreflight.rules.catalogue import CODES, KNOWN
from oxpreflight.rules.examples import MARKETS, NOW
from oxpreflight.validators.readable import readable_op

PF = Preflight(markets=MARKETS, clock=lambda: NOW)
EMBEDDED = Preflight(clock=lambda: NOW)
ITEM = {"marketCode": "BTC-USD-SWAP-LIN", "side": "BUY", "orderType": "MARKET",
        "quantity": "0.001"}
#: ccxt 4.4 js/src/pro/oxfun.js handlePlaceOrders, the one recorded 20009 reply.
RECORDED_20009 = {"event": "placeorder", "submitted": False,
                  "message": "JSON data format is invalid", "code": "20009",
                  "timestamp": "1716932877381"}


# -- 1. 20009 in the command's failure shape when its op can be read -----------------------------
def test_20009_when_op_readable_before_deep_nesting_then_recorded_shape_without_tag_or_data():
    text = '{"op":"placeorder","tag":"5","data":' + "[" * 200 + "]" * 200 + "}"
    reply = PF.check(text).response
    assert list(reply) == list(RECORDED_20009)  # event, submitted, message, code, timestamp
    assert {k: v for k, v in reply.items() if k != "timestamp"} == {
        k: v for k, v in RECORDED_20009.items() if k != "timestamp"}


@pytest.mark.parametrize("text, event", [
    ('{"op": "placeorder", "data": {', "placeorder"),
    ('{"tag": 1, "op": "cancelorders", "dataArray": [', "cancelorder"),
    ('{"op":"placeorder","data":{}} trailing', "placeorder"),
    (b'{"op":"modifyorder","data":{"x":"\xff"}}', "modifyorder"),
    ('{"op":"placeorder","tag":"\\ud800","data":{}}', "placeorder"),
    ('{"op":"placeorder" "data":{}}', "placeorder"),  # op read whole, then the comma missing
])
def test_20009_when_op_read_before_the_break_then_that_commands_shape(text, event):
    verdict = PF.check(text)
    assert verdict.code == "20009"
    assert verdict.response["event"] == event and verdict.response["submitted"] is False
    assert "tag" not in verdict.response and "data" not in verdict.response


def test_20009_when_login_or_subscription_readable_then_success_false_with_event():
    reply = PF.check('{"op":"login","data":{"apiKey":').response
    assert (reply["event"], reply["success"], reply["code"]) == ("login", False, "20009")


@pytest.mark.parametrize("text", [
    '{"data": {',                                            # no op before the break
    '{"data":' + "[" * 200 + "]" * 200 + ',"op":"placeorder"}',  # op after the break
    '\ufeff{"op":"placeorder","data":{}}',                   # breaks at its first character
    '{"op":"placeOrder","data":',                            # not one of the nine
    '{"op":"placeorder',                                     # op value unfinished
    '[{"op":"placeorder"}]', "",
])
def test_20009_when_nothing_readable_then_todays_shape(text):
    reply = PF.check(text).response
    assert reply["success"] is False and "event" not in reply and reply["code"] == "20009"


def test_20009_dict_and_its_text_and_bytes_answer_in_the_same_shape():
    frame = {"op": "placeorder", "tag": 1, "data": {"note": "\ud800"}}
    text = json.dumps(frame)
    shapes = {tuple(PF.check(f).response) for f in (frame, text, text.encode())}
    assert shapes == {("event", "submitted", "message", "code", "timestamp")}
    late = {"data": {"note": "\ud800"}, "op": "placeorder"}  # op after the break
    assert "event" not in PF.check(late).response
    assert readable_op(late) is None and readable_op(json.dumps(late)) is None


# -- 2. batch-level timestamp / recvWindow ----------------------------------------------------------
@pytest.mark.parametrize("op, item", [
    ("placeorders", ITEM),
    ("modifyorders", {"marketCode": "BTC-USD-SWAP-LIN", "orderId": 1, "price": "68000"}),
])
def test_batch_level_stale_timestamp_is_100015_for_the_whole_frame(op, item):
    frame = {"op": op, "tag": 1, "dataArray": [item, item], "timestamp": NOW - 600,
             "recvWindow": 500}
    verdict = PF.check(frame)
    assert (verdict.ok, verdict.code, verdict.field, verdict.items) == (
        False, "100015", "timestamp", ())
    assert verdict.message == "recvWindow 500 has expired"
    assert verdict.rule == "batch-recv-window"
    assert PF.check({**frame, "timestamp": NOW - 500}).ok
    default = PF.check({**frame, "timestamp": NOW - 1001, "recvWindow": None})
    assert default.code == "100015" and default.message == "recvWindow 1000 has expired"


@pytest.mark.parametrize("top, field", [({"timestamp": "now"}, "timestamp"),
                                        ({"timestamp": NOW, "recvWindow": 1.5}, "recvWindow"),
                                        ({"timestamp": 2**63}, "timestamp")])
def test_batch_level_timestamp_or_recv_window_not_integer_is_frame_level_20002(top, field):
    verdict = PF.check({"op": "placeorders", "dataArray": [ITEM], **top})
    assert (verdict.code, verdict.field, verdict.items) == ("20002", field, ())


def test_batch_and_item_deadlines_each_apply_and_are_never_mixed():
    fresh_batch = {"op": "placeorders", "dataArray": [dict(ITEM, timestamp=NOW - 2000)],
                   "timestamp": NOW, "recvWindow": 5000}
    verdict = PF.check(fresh_batch)  # the item's own deadline (1000 by default) has passed
    assert verdict.code == "100015" and verdict.index == 0 and len(verdict.items) == 1
    # the batch's recvWindow does not lend the item a longer window, nor the item the batch
    assert PF.check({**fresh_batch, "dataArray": [dict(ITEM, timestamp=NOW - 500)]}).ok


def test_batch_level_deadline_is_ignored_without_a_clock():
    frame = {"op": "placeorders", "dataArray": [ITEM], "timestamp": 1}
    assert Preflight(markets=MARKETS, clock=None).check(frame).ok


# -- 3. STOP_MARKET on perpetuals only -----------------------------------------------------------------
@pytest.mark.parametrize("pf", [PF, EMBEDDED], ids=["given catalogue", "embedded open-world"])
def test_stop_market_on_dated_future_is_20017_and_on_perpetual_passes(pf):
    stop = {"side": "BUY", "orderType": "STOP_MARKET", "quantity": "0.001", "stopPrice": "68000"}
    dated = pf.check({"op": "placeorder", "data": {**stop, "marketCode": "BTC-USD-240628-LIN"}})
    assert (dated.code, dated.field, dated.rule) == ("20017", "orderType",
                                                     "order-stop-market-perp-only")
    assert pf.check({"op": "placeorder", "data": {**stop, "marketCode": "BTC-USD-SWAP-LIN"}}).ok


def test_perpetual_is_told_by_code_form_not_by_catalogue_type():
    assert PF.markets["BTC-USD-240628-LIN"].type == PF.markets["BTC-USD-SWAP-LIN"].type
    assert PF.markets["BTC-USD-SWAP-LIN"].perpetual
    assert not PF.markets["BTC-USD-240628-LIN"].perpetual
    assert not PF.markets["BTC-USDT"].perpetual


# -- 4. observed codes: 20044 ----------------------------------------------------------------------------
def test_spot_market_sell_by_amount_is_observed_20044_with_ccxts_recorded_message():
    verdict = EMBEDDED.check({"op": "placeorder", "tag": 1, "data": {
        "marketCode": "OX-USDT", "side": "SELL", "orderType": "MARKET", "amount": "200"}})
    assert (verdict.code, verdict.message, verdict.field) == (
        "20044", "Amount is not supported for this order type", "amount")
    assert "20044" in KNOWN and "20044" not in CODES and KNOWN["20044"].observed
    assert verdict.response["submitted"] is False and verdict.response["code"] == "20044"


def test_amount_where_the_evidence_is_silent_keeps_w004():
    perp_sell = EMBEDDED.check({"op": "placeorder", "data": {
        "marketCode": "BTC-USD-SWAP-LIN", "side": "SELL", "orderType": "MARKET",
        "amount": "200"}})
    assert perp_sell.ok and "W004" in {w.code for w in perp_sell.warnings}
    spot_buy = EMBEDDED.check({"op": "placeorder", "data": {
        "marketCode": "OX-USDT", "side": "BUY", "orderType": "MARKET", "amount": "200"}})
    assert spot_buy.ok and not spot_buy.warnings


# -- 6. rejections after acknowledgement ---------------------------------------------------------------
LIMIT = {"marketCode": "BTC-USD-SWAP-LIN", "side": "BUY", "orderType": "LIMIT",
         "quantity": "0.001", "price": "68000"}


@pytest.mark.parametrize("data, rule", [
    (dict(LIMIT, displayQuantity="0.002"), "display-quantity-above-quantity"),
    (dict(LIMIT, displayQuantity="0"), "display-quantity-zero"),
    ({"marketCode": "BTC-USDT", "side": "BUY", "orderType": "MARKET", "quantity": "0.001",
      "amount": "100"}, "quantity-and-amount"),
])
def test_frame_decided_post_acknowledgement_rejection_is_a_w010_warning(data, rule):
    verdict = PF.check({"op": "placeorder", "data": data})
    notes = [w for w in verdict.warnings if w.code == "W010"]
    assert verdict.ok and [w.rule for w in notes] == [rule]
    assert "rejects it on the order channel" in notes[0].message


def test_display_quantity_within_quantity_draws_no_w010():
    verdict = PF.check({"op": "placeorder", "data": dict(LIMIT, displayQuantity="0.001")})
    assert verdict.ok and "W010" not in {w.code for w in verdict.warnings}


def test_last_price_trigger_type_keeps_20033():
    stop = {"marketCode": "BTC-USD-SWAP-LIN", "side": "BUY", "orderType": "STOP_MARKET",
            "quantity": "0.001", "stopPrice": "68000", "triggerType": "LAST_PRICE"}
    assert PF.check({"op": "placeorder", "data": stop}).code == "20033"


# -- 7. exception classes against ccxt's -----------------------------------------------------------------
@pytest.mark.parametrize("code, cls", [
    ("20022", ArgumentsRequired), ("20031", MarketClosed), ("710007", InsufficientFunds),
    ("100015", NetworkError), ("20007", RateLimitExceeded),
])
def test_the_issues_named_codes_get_their_classes(code, cls):
    assert errors.BY_CODE[code] is cls


def test_a_guarded_limit_without_price_raises_ccxts_arguments_required():
    with pytest.raises(ArgumentsRequired) as info:
        PF.guard(lambda frame: None)({"op": "placeorder", "data": dict(LIMIT, price=None)})
    assert info.value.code == "20022"
