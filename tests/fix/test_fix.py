"""Preflight.fix: safe and unsafe fixes, re-checked; what is never fixed stays as given."""
from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest

from oxpreflight import Change, Fix, Preflight
from oxpreflight.rules.examples import MARKETS, NOW

#: The examples' catalogue plus two markets for rounding cases the real figures cannot show.
EXTRA = [
    {"marketCode": "XYZ-USD", "type": "SPOT", "tickSize": "0.1", "minSize": "0.1",
     "listedAt": "1593345600000"},
    {"marketCode": "ABC-USD", "type": "SPOT", "tickSize": "1", "minSize": "1",
     "listedAt": "1593345600000", "lowerPriceBound": "100.5", "upperPriceBound": "200"},
]


@pytest.fixture(scope="module")
def pf() -> Preflight:
    return Preflight(MARKETS + EXTRA, clock=lambda: NOW)


def place(**fields):
    data = {"marketCode": "BTC-USD-SWAP-LIN", "side": "BUY", "orderType": "LIMIT",
            "quantity": "0.001", "price": "68000"}
    for key, value in fields.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return {"op": "placeorder", "tag": 1, "data": data}


def stop_limit(side, stop, limit):
    return place(orderType="STOP_LIMIT", side=side, price=None, stopPrice=stop,
                 limitPrice=limit)


# -- a clean frame ------------------------------------------------------------------------------
def test_fix_when_frame_is_clean_then_equal_new_object_no_changes(pf):
    frame = place()
    result = pf.fix(frame)
    assert isinstance(result, Fix)
    assert result.frame == frame and result.frame is not frame
    assert result.changes == () and result.ok and result.verdict.ok


def test_fix_when_text_is_clean_then_the_same_text(pf):
    text = json.dumps(place())
    assert pf.fix(text).frame == text
    assert pf.fix(text.encode()).frame == text.encode()


def test_fix_never_mutates_the_frame(pf):
    frame = {"op": "placeorders", "dataArray": [
        place(price=68000.7, side="buy")["data"], place(quantity=0.00015)["data"]]}
    before = copy.deepcopy(frame)
    pf.fix(frame, unsafe=True)
    assert frame == before


# -- safe fixes: price on the tick, passive direction -----------------------------------------
@pytest.mark.parametrize("side, price, after", [
    ("BUY", "68000.7", "68000"), ("SELL", "68000.2", "68001"),
    ("BUY", 68000.5, "68000"), ("SELL", 68000.5, "68001")])
def test_fix_when_price_off_tick_then_passive_direction(pf, side, price, after):
    result = pf.fix(place(side=side, price=price))
    assert result.frame["data"]["price"] == after
    assert result.changes == (Change("price", price, after, "W002", "price-off-tick", True,
                                     None),)
    assert result.ok and not result.verdict.warnings


def test_fix_when_float_sum_then_exact_string_on_the_grid(pf):
    result = pf.fix(place(marketCode="XYZ-USD", price=0.1 + 0.2, quantity=0.1 + 0.2))
    assert result.frame["data"]["price"] == "0.3"
    assert result.frame["data"]["quantity"] == "0.3"
    assert [c.code for c in result.changes] == ["W002", "W003"] and result.ok


@pytest.mark.parametrize("side, stop, limit, stop_after, limit_after", [
    ("BUY", "68000.2", "68000.7", "68000", "68000"),     # both down: stop <= limit holds
    ("BUY", "68000.2", "68001", "68000", "68001"),
    ("SELL", "68000.7", "68000.2", "68001", "68001"),    # both up: limit <= stop holds
    ("SELL", "68001", "68000.2", "68001", "68001")])
def test_fix_when_stop_limit_off_tick_then_both_rounded_and_order_still_holds(
        pf, side, stop, limit, stop_after, limit_after):
    result = pf.fix(stop_limit(side, stop, limit))
    data = result.frame["data"]
    assert (data["stopPrice"], data["limitPrice"]) == (stop_after, limit_after)
    assert result.ok and not result.verdict.warnings
    assert {c.rule for c in result.changes} <= {"stop-price-off-tick", "limit-price-off-tick"}


def test_fix_when_stop_limit_already_rejected_then_unchanged(pf):
    frame = stop_limit("BUY", "68200.5", "68100")  # 20029 before any rounding
    result = pf.fix(frame)
    assert result.frame == frame and result.changes == ()
    assert result.verdict.code == "20029"


def test_fix_when_rounding_would_cross_a_bound_then_price_kept(pf):
    # 100.7 rounds down (BUY) to 100, below the bound 100.5: the W002 stays, no 710002 made
    frame = place(marketCode="ABC-USD", price="100.7", quantity="1")
    result = pf.fix(frame)
    assert result.frame == frame and result.changes == () and result.ok
    assert [w.code for w in result.verdict.warnings] == ["W002"]


def test_fix_when_rounding_would_make_price_zero_then_price_kept(pf):
    frame = place(marketCode="BTC-USD-SWAP-LIN-BARE", price="0.3")
    result = pf.fix(frame)
    assert result.frame == frame and result.changes == () and result.ok


def test_fix_when_modify_has_no_side_then_price_not_rounded(pf):
    frame = {"op": "modifyorder", "data": {"marketCode": "BTC-USD-SWAP-LIN", "orderId": 1,
                                           "price": "68000.5", "quantity": "0.001"}}
    assert pf.fix(frame).changes == ()
    sided = dict(frame, data=dict(frame["data"], side="SELL"))
    assert pf.fix(sided).frame["data"]["price"] == "68001"


# -- quantity ---------------------------------------------------------------------------------
def test_fix_when_quantity_off_increment_then_rounded_down(pf):
    result = pf.fix(place(quantity="0.00159"))
    assert result.frame["data"]["quantity"] == "0.0015"
    assert result.changes[0].rule == "quantity-off-increment" and result.changes[0].safe


def test_fix_when_quantity_below_minimum_then_rejected_and_unfixed(pf):
    frame = place(quantity="0.00005")
    result = pf.fix(frame)
    assert result.frame == frame and result.changes == ()
    assert not result.ok and result.verdict.code == "100008"


def test_fix_unsafe_when_quantity_below_minimum_then_raised_to_it(pf):
    result = pf.fix(place(quantity="0.00005"), unsafe=True)
    assert result.frame["data"]["quantity"] == "0.0001" and result.ok
    assert result.changes == (Change("quantity", "0.00005", "0.0001", "100008",
                                     "quantity-increment", False, None),)


@pytest.mark.parametrize("quantity", ["0", "-1", 0])
def test_fix_never_invents_a_quantity(pf, quantity):
    result = pf.fix(place(quantity=quantity), unsafe=True)
    assert result.changes == () and result.verdict.code == "20006"


# -- unsafe fixes -----------------------------------------------------------------------------
@pytest.mark.parametrize("field, given, accepted, code", [
    ("side", "buy", "BUY", "20016"), ("orderType", "limit", "LIMIT", "20017"),
    ("timeInForce", "ioc", "IOC", "20018"),
    ("selfTradePreventionMode", "expire_maker", "EXPIRE_MAKER", "20050")])
def test_fix_when_enumeration_case_then_unsafe_only(pf, field, given, accepted, code):
    frame = place(**{field: given})
    safe = pf.fix(frame)
    assert safe.frame == frame and safe.verdict.code == code and not safe.ok
    result = pf.fix(frame, unsafe=True)
    assert result.frame["data"][field] == accepted and result.ok
    assert [(c.field, c.code, c.safe) for c in result.changes] == [(field, code, False)]


def test_fix_when_enumeration_is_not_a_case_variant_then_unfixed(pf):
    frame = place(side="BOO")
    assert pf.fix(frame, unsafe=True).changes == ()


@pytest.mark.parametrize("price, after, code", [("50000.5", "61384", "710002"),
                                                ("80000", "75026", "710003")])
def test_fix_unsafe_when_price_outside_bounds_then_moved_to_the_bound(pf, price, after, code):
    assert pf.fix(place(price=price)).verdict.code == code
    result = pf.fix(place(price=price), unsafe=True)
    assert result.frame["data"]["price"] == after and result.ok
    assert result.changes[0].code == code and not result.changes[0].safe


def test_fix_unsafe_when_bound_is_off_tick_then_moved_inside_on_the_tick(pf):
    result = pf.fix(place(marketCode="ABC-USD", price="90", quantity="1"), unsafe=True)
    assert result.frame["data"]["price"] == "101" and result.ok


def test_fix_unsafe_when_several_fields_then_each_fixed_in_turn(pf):
    result = pf.fix(place(side="buy", orderType="limit", quantity="0.00005",
                          price="68000.5"), unsafe=True)
    assert result.ok
    assert [c.field for c in result.changes] == ["side", "orderType", "quantity", "price"]
    assert [c.safe for c in result.changes] == [False, False, False, True]


# -- batches ----------------------------------------------------------------------------------
def test_fix_when_batch_then_items_fixed_one_by_one_and_the_rest_reported(pf):
    frame = {"op": "placeorders", "tag": 3, "dataArray": [
        place(price="68000.5")["data"], place(quantity="0")["data"],
        place(side="SELL", price=68000.2)["data"]]}
    result = pf.fix(frame)
    items = result.frame["dataArray"]
    assert items[0]["price"] == "68000" and items[2]["price"] == "68001"
    assert items[1] == frame["dataArray"][1]
    assert [(c.item, c.field) for c in result.changes] == [(0, "price"), (2, "price")]
    assert not result.ok and result.verdict.code == "20006" and result.verdict.index == 1
    assert result.verdict.items[0].ok and result.verdict.items[2].ok


# -- text -------------------------------------------------------------------------------------
def test_fix_when_text_then_text_with_exact_numbers(pf):
    text = ('{"op":"placeorder","tag":1,"data":{"marketCode":"BTC-USD-SWAP-LIN","side":"BUY",'
            '"orderType":"LIMIT","quantity":0.0010000000000000000001,"price":68000.9}}')
    result = pf.fix(text)
    assert isinstance(result.frame, str)
    data = json.loads(result.frame, parse_float=Decimal)["data"]
    assert data["price"] == "68000" and data["quantity"] == "0.001"
    assert result.changes[1].before == Decimal("0.0010000000000000000001")
    assert result.verdict.ok and pf.check(result.frame).ok
    assert isinstance(pf.fix(text.encode()).frame, bytes)


def test_fix_when_the_fixed_frame_would_be_too_long_then_unchanged():
    frame = place(quantity=0.00015)  # 0.00015 -> "0.0001": one character longer
    limit = len(json.dumps(frame, separators=(",", ":")))
    tight = Preflight(MARKETS, clock=lambda: NOW, max_message_length=limit)
    assert tight.check(frame).ok
    result = tight.fix(frame)
    assert result.frame == frame and result.changes == () and result.ok


@pytest.mark.parametrize("frame", [None, 42, "not json", b"\xff\xfe", "ping", [], {"op": 1},
                                   {"op": "placeorder", "data": []},
                                   {"op": "placeorders", "dataArray": [1, None]},
                                   {"op": "cancelorder", "data": {"marketCode": "x"}}])
def test_fix_when_frame_is_anything_then_a_fix_never_an_exception(pf, frame):
    result = pf.fix(frame, unsafe=True)
    assert result.changes == ()
    assert result.verdict.code == pf.check(frame).code


def test_fix_verdict_is_the_verdict_on_the_fixed_frame(pf):
    result = pf.fix(place(price="68000.5", side="sell"), unsafe=True)
    again = pf.check(result.frame)
    assert (result.verdict.ok, result.verdict.code) == (again.ok, again.code)
    with pytest.raises(AttributeError):
        result.frame = None  # type: ignore[misc]


# -- messages and explain ---------------------------------------------------------------------
def test_w002_w003_messages_say_the_tick_and_the_increment(pf):
    notes = {w.field: w.message for w in pf.check(place(price="68000.5",
                                                        quantity="0.00015")).warnings}
    assert notes["price"] == "price 68000.5 is not a multiple of the tick size 1"
    assert notes["quantity"] == ("quantity 0.00015 is not a multiple of the quantity "
                                 "increment 0.0001")
    limit = pf.check(stop_limit("BUY", "68000", "68100.25")).warnings[0].message
    assert limit == "limitPrice 68100.25 is not a multiple of the tick size 1"


def test_explain_says_whether_and_how_a_code_is_fixable():
    from oxpreflight.docs import explain, explain_data

    assert "fix:        safe: rounded to the tick in the passive direction" in explain("W002")
    assert "fix:        not fixable" in explain("20029")
    rows = {r["name"]: r["fix"] for r in explain_data("20016")["rules"]}
    assert rows["order-side-enum"].startswith("unsafe:")
