"""The engine under hostile input: nesting, encodings, huge integers,
unpaired surrogates, immutable verdicts, oversized batches, implausible clocks."""
import json
import typing
from decimal import Decimal

import pytest

from oxpreflight import Notice, Preflight, Verdict
from oxpreflight.rules.examples import MARKETS, NOW, order
from oxpreflight.rules.frame import MAX_DEPTH
from oxpreflight.validators import engine as engine_module
from oxpreflight.validators.verdict import ACCEPTED


@pytest.fixture(scope="module")
def pf():
    return Preflight(MARKETS, clock=lambda: NOW)


@pytest.fixture(scope="module")
def wide():
    """Frames far beyond 4000 characters are refused as too long first; this one reads them."""
    return Preflight(MARKETS, clock=lambda: NOW, max_message_length=1_000_000)


def place(**changes):
    return {"op": "placeorder", "tag": 1, "data": order(**changes)}


def nested(depth):
    value = []
    for _ in range(depth - 1):
        value = [value]
    return value


def _text_with_source(depth):
    """A valid order whose `source` holds arrays nested so the frame is `depth` levels deep."""
    inner = depth - 2  # frame and data are levels 1 and 2
    return json.dumps(place(), separators=(",", ":"))[:-2] + ',"source":' + "[" * inner \
        + "]" * inner + "}}"


# -- 1. nesting ----------------------------------------------------------------------------------
def test_text_nested_1000_deep_then_20009_and_response_readable(pf):
    text = '{"op":"placeorder","tag":1,"data":{"source":' + "[" * 1000 + "]" * 1000 + "}}"
    verdict = pf.check(text)
    assert verdict.code == "20009"
    assert verdict.response["code"] == "20009"
    json.dumps(verdict.response)


def test_text_at_the_nesting_limit_passes_and_one_deeper_is_20009(pf):
    assert pf.check(_text_with_source(MAX_DEPTH)).ok
    assert pf.check(_text_with_source(MAX_DEPTH + 1)).code == "20009"


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 300, 1000, 5000])
def test_dict_nested_deep_then_20009_like_its_text_and_response_readable(wide, depth):
    frame = place(source=nested(depth - 2))
    verdict = wide.check(frame)
    assert verdict.code == "20009", verdict
    assert verdict.response["code"] == "20009"
    assert wide.check(_text_with_source(depth)).code == "20009"
    assert wide.check(place(source=nested(MAX_DEPTH - 2))).ok


def test_dict_nested_deep_and_long_then_20027_like_its_text(pf):
    assert pf.check(place(source=nested(5000))).code == "20027"


def test_response_never_raises_even_when_the_reply_cannot_be_built():
    def broken():
        raise RecursionError("deep")

    verdict = Verdict(False, "20002", "Unexpected error", reply=broken)
    assert verdict.response["code"] == "20002"
    assert verdict.response is verdict.response


# -- 2. encodings --------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"])
def test_bytes_not_utf8_or_with_a_bom_then_20009(pf, encoding):
    text = json.dumps(place())
    assert pf.check(text.encode("utf-8")).ok
    verdict = pf.check(text.encode(encoding))
    assert verdict.code == "20009" and not verdict.ok


def test_str_with_a_bom_then_20009(pf):
    assert pf.check("\ufeff" + json.dumps(place())).code == "20009"


def test_cli_agrees_on_encodings(tmp_path, capsys):
    from oxpreflight import cli

    text = json.dumps(place())
    path = tmp_path / "frames.jsonl"
    path.write_bytes(text.encode("utf-8") + b"\n" + text.encode("utf-8-sig") + b"\n"
                     + text.encode("utf-16-le") + b"\n")
    assert cli.main(["check", str(path), "--now", str(NOW)]) == 1
    out = capsys.readouterr().out
    assert "line 1" not in out and "line 2: 20009" in out and "line 3: 20009" in out


# -- 5. integers beyond CPython's digit limit and deep dicts get their rule's code ---------------
@pytest.mark.parametrize("order_id", ["1" * 5000, 10**5000], ids=["digits", "int"])
def test_order_id_of_5000_digits_then_20019(pf, wide, order_id):
    frame = {"op": "cancelorder", "tag": 1,
             "data": {"marketCode": "BTC-USD-SWAP-LIN", "orderId": order_id}}
    text = '{"op":"cancelorder","tag":1,"data":{"marketCode":"BTC-USD-SWAP-LIN","orderId":%s}}'
    for text in (frame, text % (json.dumps(order_id) if isinstance(order_id, str) else "1" + "0" * 5000)):
        verdict = wide.check(text)
        assert verdict.code == "20019" and verdict.warnings == ()
        assert verdict.response["code"] == "20019"
        assert pf.check(text).code == "20027"  # 5000 digits are over 4000 characters


def test_client_order_id_of_5000_digits_then_20014(wide):
    assert wide.check(place(clientOrderId="9" * 5000)).code == "20014"
    assert wide.check(place(clientOrderId="0" * 5000 + "7")).ok


def test_quantity_of_10_to_the_5000_is_a_number(pf, wide):
    verdict = wide.check(place(quantity=10**5000))
    assert verdict.ok and verdict.warnings == ()
    text = json.dumps(place()).replace('"quantity": "0.001"', '"quantity": 1' + "0" * 5000)
    assert wide.check(text).ok
    assert pf.check(place(quantity=10**5000)).code == "20027"
    rejected = wide.check(place(quantity=10**5000, side="buy"))
    assert rejected.code == "20016"
    assert rejected.response["data"]["quantity"] == "1" + "0" * 5000


def test_huge_integer_tag_then_20034(wide):
    verdict = wide.check({"op": "subscribe", "tag": 10**5000, "args": ["order:all"]})
    assert verdict.code == "20034"
    assert verdict.response["code"] == "20034"


# -- 6. unpaired surrogates ----------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    '{"op":"placeorder","tag":"\\ud800","data":{}}',
    '{"op":"subscribe","tag":1,"args":["order:\\udfff"]}',
    json.dumps(place(source="\ud800")),
    json.dumps(place(side="\udc00")),
    '{"op":"placeorder","tag":"\ud800","data":{}}',
])
def test_unpaired_surrogate_then_20009_from_check_judge_and_session(pf, text):
    assert pf.check(text).code == "20009"
    verdict, decoded = pf.judge(text)
    assert verdict.code == "20009" and decoded is None
    session = pf.session()
    assert session.submit(text).code == "20009"


def test_dict_with_an_unpaired_surrogate_then_20009_like_its_text(pf):
    for frame in (place(source="\ud800"), place(side="\ud800"), place(**{"\udfff": 1}),
                  {"op": "subscribe", "tag": "\ud800", "args": ["order:all"]}):
        assert pf.check(frame).code == "20009", frame
        assert pf.check(json.dumps(frame)).code == "20009", frame


def test_paired_surrogate_escape_is_fine(pf):
    assert pf.check(json.dumps(place(source="\U0001F600"))).ok


# -- 8. immutable verdicts -----------------------------------------------------------------------
@pytest.mark.parametrize("name", ["ok", "code", "message", "field", "value", "items", "warnings",
                                  "index", "response", "extra"])
def test_verdict_attributes_cannot_be_set_or_deleted(pf, name):
    rejected = pf.check(place(price=None))
    for verdict in (ACCEPTED, rejected, pf.check(place())):
        with pytest.raises(AttributeError):
            setattr(verdict, name, None)
        with pytest.raises(AttributeError):
            delattr(verdict, name)
    assert ACCEPTED.ok is True and ACCEPTED.code is None and pf.check(place()).ok


def test_notice_is_immutable(pf):
    notice = pf.check(place(price="68000.5")).warnings[0]
    with pytest.raises(AttributeError):
        notice.code = "W999"
    assert isinstance(notice, Notice) and notice.code == "W002"


def test_verdict_public_types_are_precise():
    def hint(name):
        return typing.get_type_hints(getattr(Verdict, name).fget)["return"]

    assert hint("items") == tuple[Verdict, ...]
    assert hint("warnings") == tuple[Notice, ...]
    assert hint("ok") is bool
    assert hint("code") == typing.Optional[str]
    assert hint("index") == typing.Optional[int]
    assert hint("response") == typing.Optional[dict[str, typing.Any]]
    assert typing.get_type_hints(Notice.code.fget)["return"] is str


# -- 10. oversized batches are refused from a bound ----------------------------------------------
def test_64000_item_batch_dict_is_20027_without_encoding(pf, monkeypatch):
    def no_encoding(*args):
        raise AssertionError("the frame was encoded")

    monkeypatch.setattr(engine_module, "measure", no_encoding)
    frame = {"op": "placeorders", "tag": 1, "dataArray": [order() for _ in range(64_000)]}
    verdict = pf.check(frame)
    assert verdict.code == "20027", verdict
    assert pf.check({"op": "cancelorders", "dataArray": [{}] * 1400}).code == "20027"


def test_batch_just_under_the_bound_is_still_checked_item_by_item(pf):
    verdict = pf.check({"op": "cancelorders", "dataArray": [{}] * 1330})
    assert verdict.code == "20027"  # 1330 x "{}," + envelope > 4000, found by measuring
    assert pf.check({"op": "cancelorders", "dataArray": [{}] * 1300}).code == "20011"
    small = pf.check({"op": "cancelorders", "dataArray": [{}] * 3})
    assert small.code == "20011" and len(small.items) == 3


# -- 11. clocks ----------------------------------------------------------------------------------
@pytest.mark.parametrize("reading, unit", [
    (1717348160, "seconds"), (1717348160.5, "seconds"), (1717348160000000, "microseconds"),
    (1717348160000000000, "nanoseconds"),
])
def test_clock_in_another_unit_fails_at_construction_naming_it(reading, unit):
    with pytest.raises(ValueError, match=unit):
        Preflight(MARKETS, clock=lambda: reading)


@pytest.mark.parametrize("reading", [0, -1, "1717348160000", None, True, float("nan")])
def test_clock_not_epoch_milliseconds_fails_at_construction(reading):
    with pytest.raises(ValueError, match="epoch milliseconds"):
        Preflight(MARKETS, clock=lambda: reading)


def test_clock_set_later_is_checked_and_used():
    pf = Preflight(MARKETS, clock=None)
    frame = place(timestamp=NOW - 2000)
    assert pf.check(frame).ok
    pf.clock = lambda: NOW
    assert pf.check(frame).code == "100015"
    with pytest.raises(ValueError, match="seconds"):
        pf.clock = lambda: NOW // 1000


def test_clock_in_epoch_milliseconds_is_taken():
    assert Preflight(MARKETS, clock=lambda: NOW).clock() == NOW
    assert Preflight(MARKETS, clock=lambda: float(NOW)).check(place()).ok
    assert Preflight(MARKETS, clock=None).clock is None


# -- judge ---------------------------------------------------------------------------------------
def test_judge_returns_the_verdict_and_the_decoded_object(pf):
    text = json.dumps(place())
    verdict, decoded = pf.judge(text)
    assert verdict.ok and decoded == place()
    frame = place(price=None)
    verdict, decoded = pf.judge(frame)
    assert verdict.code == "20022" and decoded is frame
    assert pf.judge("[1]")[1] is None and pf.judge("ping") == (ACCEPTED, None)


def test_judge_reads_long_decimals_exactly(pf):
    text = json.dumps(place(price="68000.5")).replace('"68000.5"', "68000.0000000000000001")
    verdict, decoded = pf.judge(text)
    assert decoded["data"]["price"] == Decimal("68000.0000000000000001")
    assert [w.code for w in verdict.warnings] == ["W002"]
