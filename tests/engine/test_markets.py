"""Markets: the embedded catalogue is open-world, a given one is
complete; what could not be checked is said; a bad catalogue is one clear MarketError."""
import json

import pytest

from oxpreflight import Preflight
from oxpreflight.cli import main
from oxpreflight.rules.examples import MARKETS, NOW, order
from oxpreflight.rules.markets import market_type
from oxpreflight.validators.markets import MarketError, parse_markets

EMBEDDED = Preflight(clock=lambda: NOW)
GIVEN = Preflight(MARKETS, clock=lambda: NOW)


def place(**changes):
    return {"op": "placeorder", "tag": 1, "data": order(**changes)}


def codes(verdict):
    return [w.code for w in verdict.warnings]


# -- the grammar -------------------------------------------------------------------------------
@pytest.mark.parametrize("code, kind", [
    ("XRP-USD-SWAP-LIN", "FUTURE"), ("BTC-oUSD-SWAP-LIN", "FUTURE"), ("1INCH-USDT", "SPOT"),
    ("PEPE-OX", "SPOT"), ("BTC-USD-240628-LIN", "FUTURE"), ("BTC-USDT-200626-LIN", "FUTURE"),
    ("COMP-USDT-REPO-LIN", "REPO"), ("ETH-USD-SPR-QP-LIN", "SPREAD"),
])
def test_well_formed_codes_and_their_types(code, kind):
    assert market_type(code) == kind


@pytest.mark.parametrize("code", [
    "btcUSD", "btc-usd", "btc-usd-swap-lin", "BTC USD", "BTC-USD SWAP-LIN", "BTC--USD", "BTC-",
    "-USD", "BTC", "", "BTC-USD-SWAP", "BTC-USD-SWAP-LIN-", "BTC-USD-2406-LIN", "NOPE-0",
    "BTC-USD-SWAP-LIN\n", "A" * 30 + "-USD",
])
def test_malformed_codes(code):
    assert market_type(code) is None


# -- open world (embedded) -------------------------------------------------------------------
@pytest.mark.parametrize("code", ["XRP-USD-SWAP-LIN", "BTC-oUSD-SWAP-LIN", "PEPE-USDT",
                                  "BTC-USD-250328-LIN"])
def test_embedded_unlisted_well_formed_market_passes_with_a_skipped_warning(code):
    verdict = EMBEDDED.check(place(marketCode=code, price="0.37", quantity="0.0000001"))
    assert verdict.ok, verdict
    assert codes(verdict) == ["W007"]
    assert verdict.warnings[0].field == "marketCode" and verdict.warnings[0].value == code
    assert code in verdict.warnings[0].message and "skipped" in verdict.warnings[0].message
    assert EMBEDDED.check(json.dumps(place(marketCode=code, price="0.37"))).ok


@pytest.mark.parametrize("code", ["btcUSD", "btc-usd-swap-lin", "BTC USD", "BTC--USD", "-USD"])
def test_embedded_malformed_market_is_still_20015(code):
    verdict = EMBEDDED.check(place(marketCode=code))
    assert (verdict.code, verdict.message) == ("20015", "marketCode is invalid")


def test_given_catalogue_is_complete():
    assert GIVEN.check(place(marketCode="XRP-USD-SWAP-LIN")).code == "20015"
    frame = {"op": "modifyorder", "data": {"marketCode": "XRP-USD-SWAP-LIN", "orderId": 5}}
    assert GIVEN.check(frame).code == "20015" and EMBEDDED.check(frame).ok


def test_unlisted_market_rules_follow_the_type_its_name_gives():
    # a repo's price is a rate and may be negative; a spot market takes no STOP_MARKET
    assert EMBEDDED.check(place(marketCode="ETH-USD-REPO-LIN", price="-0.0001")).ok
    assert EMBEDDED.check(place(marketCode="ETH-USD-SWAP-LIN-X", price="1")).code == "20015"
    stop = place(marketCode="PEPE-USDT", orderType="STOP_MARKET", price=None, stopPrice="1")
    assert EMBEDDED.check(stop).code == "20017"


def test_unlisted_market_in_a_batch_and_a_cancel():
    verdict = EMBEDDED.check({"op": "placeorders", "dataArray": [
        order(), order(marketCode="XRP-USD-SWAP-LIN", price="0.5")]})
    assert verdict.ok and codes(verdict.items[1]) == ["W007"]
    cancel = {"op": "cancelorder", "data": {"marketCode": "XRP-USD-SWAP-LIN", "orderId": 1}}
    assert EMBEDDED.check(cancel).ok and GIVEN.check(cancel).code == "20015"


def test_session_of_the_embedded_catalogue_is_open_world_too():
    session = EMBEDDED.session()
    session.submit({"op": "login", "data": {"apiKey": "k", "timestamp": NOW, "signature": "s"}})
    session.observe({"event": "login", "success": True})
    verdict = session.submit(place(marketCode="XRP-USD-SWAP-LIN", price="0.5"))
    assert verdict.ok and "W007" in codes(verdict)


# -- saying what was not checked -----------------------------------------------------------------
def test_bounds_not_checked_is_said_for_a_market_without_bounds():
    verdict = EMBEDDED.check(place())  # the embedded catalogue carries no (live) bounds
    assert codes(verdict) == ["W008"] and "710002/710003" in verdict.warnings[0].message
    assert codes(GIVEN.check(place())) == []  # bounds known: checked, nothing to say
    stop = place(orderType="STOP_LIMIT", price=None, stopPrice="68000", limitPrice="68100")
    assert [(w.code, w.field) for w in EMBEDDED.check(stop).warnings] == [("W008", "limitPrice")]
    modify = {"op": "modifyorder", "data": {"marketCode": "BTC-USD-SWAP-LIN", "orderId": 1,
                                            "price": "68000"}}
    assert codes(EMBEDDED.check(modify)) == ["W008"]
    assert codes(EMBEDDED.check(place(orderType="MARKET", price=None))) == []  # no price rule


def test_minimum_size_not_checked_is_said_for_a_market_without_min_size():
    verdict = GIVEN.check(place(marketCode="BTC-USD-SWAP-LIN-BARE", quantity="0.0000001"))
    assert verdict.ok and codes(verdict) == ["W008", "W009"]
    assert "100008" in verdict.warnings[1].message


# -- catalogues that cannot be used ----------------------------------------------------------
BTC = {"marketCode": "BTC-USD-SWAP-LIN", "type": "FUTURE", "tickSize": "1", "minSize": "0.0001",
       "upperPriceBound": "75026", "lowerPriceBound": "61384"}


@pytest.mark.parametrize("change, field", [
    ({"tickSize": "1e999999"}, "tickSize"), ({"minSize": "1e-999999"}, "minSize"),
    ({"upperPriceBound": "1e999999"}, "upperPriceBound"), ({"tickSize": "0"}, "tickSize"),
    ({"tickSize": "-1"}, "tickSize"), ({"minSize": "0"}, "minSize"),
    ({"qtyIncrement": "-0.1", "minSize": None}, "qtyIncrement"),  # named as written
    ({"lowerPriceBound": "80000"}, "lowerPriceBound"), ({"tickSize": "NaN"}, "tickSize"),
    ({"tickSize": "0.0" + "1" * 100_000}, "tickSize"),  # digits the exact ratio chokes on
])
def test_bad_market_entry_is_a_market_error_naming_market_and_field(change, field):
    entry = {k: v for k, v in dict(BTC, **change).items() if v is not None}
    with pytest.raises(MarketError) as err:
        Preflight([dict(BTC, marketCode="ETH-USD-SWAP-LIN"), entry])
    message = str(err.value)
    assert "BTC-USD-SWAP-LIN" in message and field in message and "\n" not in message


def test_duplicate_market_code_is_a_market_error():
    with pytest.raises(MarketError, match=r"market BTC-USD-SWAP-LIN: marketCode listed twice"):
        parse_markets({"data": [BTC, dict(BTC, tickSize="0.5")]})


def test_equal_bounds_are_allowed():
    assert parse_markets([dict(BTC, lowerPriceBound="70000", upperPriceBound="70000")])


@pytest.mark.parametrize("entry", [dict(BTC, tickSize="1e999999"), dict(BTC, tickSize="0"),
                                   dict(BTC, lowerPriceBound="99999")])
def test_cli_with_a_bad_catalogue_prints_one_line_and_exits_2(tmp_path, capsys, entry):
    markets = tmp_path / "markets.json"
    markets.write_text(json.dumps({"data": [BTC, entry] if entry["tickSize"] != "1" else [entry]}))
    frames = tmp_path / "frames.jsonl"
    frames.write_text(json.dumps(place()) + "\n")
    assert main(["check", str(frames), "--markets", str(markets)]) == 2
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "BTC-USD-SWAP-LIN" in lines[0] and "Traceback" not in err


def test_market_code_dates_are_ascii_digits_only():
    # the grammar's dated form is six ASCII digits: Arabic-Indic digits are malformed (20015)
    from oxpreflight import Preflight
    from oxpreflight.rules.examples import LIMIT
    pf = Preflight()
    dated = {"op": "placeorder", "data": dict(LIMIT, marketCode="BTC-USD-240628-LIN")}
    arabic = {"op": "placeorder", "data": dict(LIMIT, marketCode="BTC-USD-٢٤٠٦٢٨-LIN")}
    assert pf.check(dated).code is None
    assert pf.check(arabic).code == "20015"
