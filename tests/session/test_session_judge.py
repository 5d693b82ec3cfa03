"""The session reads the frame the engine decoded (one decode per frame) and answers
a failure of its own with the engine's internal-error verdict."""
from __future__ import annotations

import json

import orjson
import pytest

from oxpreflight import Preflight
from oxpreflight.rules.examples import MARKETS, NOW
from oxpreflight.session import Account
from oxpreflight.session.orders import OrderBook
from oxpreflight.validators.internal import INTERNAL_ERROR, WARNING_CODE

LOGIN_OK = {"event": "login", "success": True, "tag": "1", "timestamp": str(NOW)}
SPOT = ('{"op":"placeorder","tag":1,"data":{"marketCode":"BTC-USDT","side":"BUY",'
        '"orderType":"LIMIT","quantity":%s,"price":%s}}')


def logged_in(**options):
    session = Preflight(markets=MARKETS, clock=lambda: NOW).session(**options)
    session.observe(LOGIN_OK)
    return session


@pytest.fixture
def decodes(monkeypatch):
    """How often JSON text is decoded (orjson, and the standard library's exact re-read)."""
    counts = {"orjson": 0, "json": 0}
    loads, raw_decode = orjson.loads, json.JSONDecoder.raw_decode

    def counting_loads(text):
        counts["orjson"] += 1
        return loads(text)

    def counting_raw_decode(self, text, idx=0):
        counts["json"] += 1
        return raw_decode(self, text, idx)

    monkeypatch.setattr(orjson, "loads", counting_loads)
    monkeypatch.setattr(json.JSONDecoder, "raw_decode", counting_raw_decode)
    return counts


@pytest.mark.parametrize("quantity, price", [('"0.01"', '"63000"'), ("0.01", "63000.5")])
def test_submit_text_when_numbers_fit_a_float_then_decoded_once(decodes, quantity, price):
    s = logged_in(account=Account(balances={"USDT": "1000"}))
    assert s.submit(SPOT % (quantity, price)).ok
    assert decodes == {"orjson": 1, "json": 0}


@pytest.mark.parametrize("quantity", ["0.010000000000000000001", "1.0000000000000000001E-2"])
def test_submit_text_when_a_float_lost_digits_then_account_compares_the_decimal_written(
        decodes, quantity):
    s = logged_in(account=Account(balances={"USDT": "630"}))
    assert s.submit(SPOT % ("0.01", "63000")).ok  # cost 630: exactly the balance
    decodes.update(orjson=0, json=0)
    # as a float the quantity is 0.01; as written, the cost is just above the balance
    assert s.submit(SPOT % (quantity, "63000")).code == "710006"
    assert decodes == {"orjson": 1, "json": 1}  # the engine's exact re-read, nothing more


def test_submit_when_a_session_check_fails_then_the_engines_internal_error(monkeypatch):
    s = logged_in()

    def broken(self, *args):
        raise RuntimeError("bug")

    monkeypatch.setattr(OrderBook, "placed", broken)
    frame = {"op": "placeorder", "tag": 1, "data": {
        "marketCode": "BTC-USD-SWAP-LIN", "side": "BUY", "orderType": "MARKET",
        "quantity": "1", "clientOrderId": 5}}
    verdict = s.submit(frame)
    assert (verdict.ok, verdict.code) == (False, INTERNAL_ERROR.code)
    assert [w.code for w in verdict.warnings] == [WARNING_CODE]
    assert "RuntimeError" in verdict.warnings[0].message
    monkeypatch.undo()
    assert s.submit(frame).ok and s._state.orders.pending_count() == 1  # the lock was released
