"""Findings of the fuzz and differential runs, each pinned by a test that failed before its fix."""
import json
from decimal import Decimal

import pytest

import oxpreflight.websocket
from oxpreflight import Preflight
from oxpreflight.rules.examples import LIMIT, MARKETS, NOW
from oxpreflight.validators.decoder import decode_exact

PF = Preflight(MARKETS, clock=lambda: NOW)


def _forms(frame: dict) -> list:
    text = json.dumps(frame, separators=(",", ":"), ensure_ascii=False)
    return [frame, text, text.encode("utf-8")]


# -- 20027: one reply shape for a frame held as dict or as text -----------------------------------
@pytest.mark.parametrize("frame", [
    {"op": "placeorder", "tag": 7, "data": dict(LIMIT, note="x" * 4000)},
    {"op": "placeorders", "tag": "a", "dataArray": [dict(LIMIT, note="x" * 4000)]},
    {"op": "nope", "tag": -(2**63) - 1, "x": "y" * 5000},
    {"op": 3, "tag": [1], "x": "y" * 5000},
])
def test_an_over_long_frame_gets_one_reply_as_dict_or_text(frame):
    replies = [PF.check(form).response for form in _forms(frame)]
    assert replies[0]["code"] == "20027"
    assert replies[0] == replies[1] == replies[2]
    assert ("event" in replies[0]) is isinstance(frame["op"], str)


def test_an_over_long_text_that_is_not_json_gets_the_plain_reply():
    reply = PF.check("x" * 5000).response
    assert reply["code"] == "20027" and "event" not in reply and reply["success"] is False


# -- a float reads the same in messages and echoed data, from a dict or from text -----------------
@pytest.mark.parametrize("value", [1e-07, 1e-05, 1e22, 1.5e-300, 0.30000000000000004])
def test_a_float_is_written_as_its_shortest_text_from_dict_and_text(value):
    frame = {"op": "placeorder", "data": {
        "marketCode": "BTC-USD-240628-LIN", "side": "BUY", "orderType": "STOP_LIMIT",
        "quantity": value, "limitPrice": "61384", "stopPrice": value}}
    verdicts = [PF.check(form) for form in _forms(frame)]
    seen = {(v.code, v.message, tuple(w.message for w in v.warnings),
             json.dumps(v.response and {**v.response, "timestamp": 0})) for v in verdicts}
    assert len(seen) == 1, seen
    said = json.dumps([verdicts[1].message, [w.message for w in verdicts[1].warnings],
                       verdicts[1].response])
    assert repr(value) in said, said


def test_the_exact_reread_keeps_a_decimal_no_float_holds():
    frame = decode_exact('{"a":1e-07,"b":68000.0000000000000001,"c":1E400,"d":7.50}')
    assert frame == {"a": 1e-07, "b": Decimal("68000.0000000000000001"), "c": Decimal("1E400"),
                     "d": 7.5}
    assert frame["a"].__class__ is float and frame["b"].__class__ is Decimal


# -- replies that cannot fail ---------------------------------------------------------------------
def test_a_tag_of_5000_digits_is_echoed_exactly():
    reply = Preflight().check({"op": "nope", "tag": 10**5000}).response
    assert reply["tag"] == "1" + "0" * 5000 and reply["timestamp"]


def test_the_reply_text_of_an_echoed_infinity_is_json():
    verdict = Preflight().check({"op": "cancelorder", "data": {"marketCode": float("inf"),
                                                              "orderId": 2**65}})
    text = oxpreflight.websocket.reply_text(verdict.response)
    assert "Infinity" not in text and "NaN" not in text
    json.loads(text, parse_constant=lambda name: pytest.fail(name))


# -- JSON numbers are ASCII: other digits are not numbers -----------------------------------------
NON_ASCII = ["١٢٣", "１", "12３", "٠.٥", "１.５"]
PLACE_FIELDS = ["quantity", "price", "clientOrderId", "timestamp", "recvWindow",
                "displayQuantity"]


@pytest.mark.parametrize("digits", NON_ASCII)
@pytest.mark.parametrize("field", PLACE_FIELDS)
def test_non_ascii_digits_get_the_fields_code_for_a_non_number(field, digits):
    expected = PF.check({"op": "placeorder", "data": dict(LIMIT, **{field: "abc"})})
    for form in _forms({"op": "placeorder", "data": dict(LIMIT, **{field: digits})}):
        verdict = PF.check(form)
        assert not verdict.ok
        assert (verdict.code, verdict.field) == (expected.code, expected.field), verdict


@pytest.mark.parametrize("digits", NON_ASCII)
@pytest.mark.parametrize("op, field", [
    ("cancelorder", "orderId"), ("cancelorder", "clientOrderId"), ("modifyorder", "orderId"),
    ("modifyorder", "clientOrderId"), ("modifyorder", "quantity"), ("modifyorder", "price")])
def test_non_ascii_digits_are_not_ids_or_quantities(op, field, digits):
    data = {"marketCode": "BTC-USD-SWAP-LIN", "orderId": "1", "quantity": "1"}
    expected = PF.check({"op": op, "data": {**data, field: "abc"}})
    verdict = PF.check({"op": op, "data": {**data, field: digits}})
    assert not expected.ok and (verdict.ok, verdict.code, verdict.field) == (
        False, expected.code, expected.field)


def test_ascii_digit_strings_still_pass():
    assert PF.check({"op": "placeorder", "data": dict(LIMIT, quantity="123",
                                                      clientOrderId="123")}).ok


def test_an_over_long_frame_nested_too_deep_gets_the_plain_reply_as_dict_or_text():
    nested: list = []
    for _ in range(140):  # deeper than MAX_DEPTH (128): the exchange cannot read its op
        nested = [nested]
    frame = {"op": "login", "tag": 3007, "nested": nested, "note": "x" * 4000}
    replies = [PF.check(form).response for form in _forms(frame)]
    assert replies[0]["code"] == "20027" and "event" not in replies[0] and "tag" not in replies[0]
    assert replies[0] == replies[1] == replies[2]


# -- exponents beyond decimal's range (found by fuzzing: InvalidOperation, an internal error) -----
@pytest.mark.parametrize("literal", ["2e43178498099083018240", "-2E-43178498099083018240",
                                     "1e+" + "9" * 30])
@pytest.mark.parametrize("field", ["quantity", "price", "clientOrderId", "timestamp"])
def test_an_exponent_beyond_decimals_range_is_not_an_internal_error(field, literal):
    as_string = {"op": "placeorder", "data": dict(LIMIT, **{field: literal})}
    as_number = json.dumps(as_string).replace(f'"{literal}"', literal)
    verdicts = [PF.check(as_string), PF.check(as_number)]
    internal = [w.message for v in verdicts for w in v.warnings if w.code == "W000"]
    assert not internal, (internal, as_string, as_number)
    assert (verdicts[0].ok, verdicts[0].code) == (verdicts[1].ok, verdicts[1].code)


# -- submit never raises (found while checking the finding above) ---------------------------------
def _session():
    session = PF.session()
    session.observe({"event": "login", "success": True, "tag": "1", "timestamp": str(NOW)})
    return session


@pytest.mark.parametrize("literal", ["2e43178498099083018240", "2e-43178498099083018240"])
def test_submit_reads_an_exponent_beyond_decimals_range_as_check_does(literal):
    text = json.dumps({"op": "placeorder", "data": dict(LIMIT, quantity="Q")}).replace(
        '"Q"', literal)
    checked, submitted = PF.check(text), _session().submit(text)
    assert (submitted.ok, submitted.code, submitted.warnings) == (
        checked.ok, checked.code, checked.warnings)


def test_a_failure_inside_submit_is_answered_not_raised(monkeypatch):
    import oxpreflight.session.pipeline as pipeline

    def broken(*args):
        raise ZeroDivisionError

    monkeypatch.setattr(pipeline, "_stateful", broken)
    verdict = _session().submit({"op": "placeorder", "data": LIMIT})
    assert not verdict.ok and [w.code for w in verdict.warnings] == ["W000"]
    assert verdict.response["code"] == verdict.code


@pytest.mark.parametrize("data", [
    {"marketCode": "ETH-USD-SWAP-LIN", "orderId": 23963019, "quantity": "1.2540",
     "side": float("inf"), "timestamp": 2**70 - 1},                  # found by the 1M fuzz run
    {"marketCode": "BTC-USD-SWAP-LIN", "orderId": 1, "price": "1", "recvWindow": 2**64,
     "side": [float("nan"), {"x": float("-inf")}]},
])
def test_an_echoed_non_finite_float_beside_a_huge_integer_is_written_as_json(data):
    verdict = PF.check({"op": "modifyorder", "data": data})
    text = oxpreflight.websocket.reply_text(verdict.response)
    json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in {text}"))
