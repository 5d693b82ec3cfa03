"""Preflight.market: the public, typed, frozen view of a market, with fix's own rounding."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from oxpreflight import Market, Preflight
from oxpreflight.rules.examples import MARKETS, NOW


@pytest.fixture(scope="module")
def pf() -> Preflight:
    return Preflight(MARKETS, clock=lambda: NOW)


def test_market_when_listed_then_exact_decimals_and_ints(pf):
    m = pf.market("BTC-USD-SWAP-LIN")
    assert isinstance(m, Market)
    assert (m.code, m.type, m.base, m.counter) == ("BTC-USD-SWAP-LIN", "FUTURE", "BTC", "USD")
    assert (m.tick_size, m.increment, m.min_size) == (Decimal("1"), Decimal("0.0001"),
                                                      Decimal("0.0001"))
    assert (m.lower_price_bound, m.upper_price_bound, m.mark_price) == (
        Decimal("61384"), Decimal("75026"), Decimal("68205"))
    assert m.listed_at == 1704686640000 and m.settlement_at is None
    assert all(type(v) in (Decimal, int, str, type(None))
               for v in dataclasses.asdict(m).values())


def test_market_is_frozen(pf):
    with pytest.raises(dataclasses.FrozenInstanceError):
        pf.market("BTC-USDT").tick_size = Decimal("1")  # type: ignore[misc]


@pytest.mark.parametrize("code", ["NOPE-USD", "btcUSD", None, 1])
def test_market_when_unknown_then_key_error_naming_it(pf, code):
    with pytest.raises(KeyError, match=repr(code).replace("'", "")):
        pf.market(code)


def test_market_when_embedded_catalogue_lists_it_not_then_key_error():
    with pytest.raises(KeyError, match="XRP-USD-SWAP-LIN"):
        Preflight().market("XRP-USD-SWAP-LIN")


@pytest.mark.parametrize("code, price, side, out", [
    ("BTC-USD-SWAP-LIN", "68000.7", "BUY", "68000"),
    ("BTC-USD-SWAP-LIN", "68000.2", "SELL", "68001"),
    ("BTC-USD-SWAP-LIN", 68000, "BUY", "68000"),
    ("ETH-USD-SWAP-LIN", 0.1 + 0.2 + 3800, "BUY", "3800.3"),
    ("ETH-USD-SWAP-LIN", "3800.3000000000000001", "SELL", "3800.4"),
    ("BTC-USD-REPO-LIN", "-0.0000005", "BUY", "-0.000001"),
    ("BTC-USD-REPO-LIN", "-0.0000005", "SELL", "0"),
    ("BTC-USD-SPR-QP-LIN", Decimal("-20.2"), "SELL", "-20"),
    ("BTC-USDT", "6.34139e4", "BUY", "63413.9")])
def test_round_price_when_off_tick_then_passive_and_exact(pf, code, price, side, out):
    assert pf.market(code).round_price(price, side) == out


@pytest.mark.parametrize("quantity, out", [("0.00159", "0.0015"), (0.0001, "0.0001"),
                                           (1, "1"), ("2.00019999999999999999", "2.0001")])
def test_round_quantity_rounds_down_to_the_increment(pf, quantity, out):
    assert pf.market("BTC-USD-SWAP-LIN").round_quantity(quantity) == out


@pytest.mark.parametrize("quantity", ["0.00009", "0", -1, "abc", None, True])
def test_round_quantity_never_zero_nor_below_minimum(pf, quantity):
    with pytest.raises(ValueError):
        pf.market("BTC-USD-SWAP-LIN").round_quantity(quantity)


@pytest.mark.parametrize("price, side", [("abc", "BUY"), ("1", "buy"), ("1", None),
                                         (float("nan"), "SELL")])
def test_round_price_when_bad_input_then_value_error(pf, price, side):
    with pytest.raises(ValueError):
        pf.market("BTC-USD-SWAP-LIN").round_price(price, side)


def test_round_price_when_no_tick_then_value_error_naming_the_market():
    pf = Preflight([{"marketCode": "NOTICK-USD", "type": "SPOT"}])
    with pytest.raises(ValueError, match="NOTICK-USD"):
        pf.market("NOTICK-USD").round_price("1", "BUY")


def test_round_price_is_what_fix_does(pf):
    m = pf.market("ETH-USD-SWAP-LIN")
    for side, price in (("BUY", "3800.07"), ("SELL", "3800.01")):
        frame = {"op": "placeorder", "data": {"marketCode": m.code, "side": side,
                                              "orderType": "LIMIT", "quantity": "0.0019",
                                              "price": price}}
        data = pf.fix(frame).frame["data"]
        assert data["price"] == m.round_price(price, side)
        assert data["quantity"] == m.round_quantity("0.0019")
