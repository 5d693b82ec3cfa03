"""Pushes from a hostile or broken server: a market entry is checked like a catalogue's (a bad
one is skipped and logged, the old record kept), only a well-formed accountId is adopted, and
mutated pushes of every table the session reads never raise or freeze ``observe``."""
from __future__ import annotations

import logging
import threading

import pytest

from oxpreflight import Preflight
from oxpreflight.rules.examples import MARKETS, NOW

SWAP = "BTC-USD-SWAP-LIN"
LOGIN_OK = {"event": "login", "success": True, "tag": "1", "timestamp": str(NOW)}


def _session(**options):
    s = Preflight(markets=MARKETS, clock=lambda: NOW).session(**options)
    s.observe(LOGIN_OK)
    return s


def _limit(price: str) -> dict:
    return {"op": "placeorder", "tag": 1, "data": {
        "marketCode": SWAP, "side": "BUY", "orderType": "LIMIT", "quantity": "0.001",
        "price": price}}


def _bounded(call, seconds: float = 30.0) -> None:
    """Run ``call`` in a thread; a call still running after ``seconds`` fails the test."""
    errors: list = []

    def run():
        try:
            call()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "observe did not return"
    assert not errors, errors


@pytest.mark.parametrize("entry", [
    {"tickSize": "1e-999999999"},
    {"tickSize": "1e-40"},
    {"minSize": "1e-999999999"},
    {"upperPriceBound": "1", "lowerPriceBound": "2"},
    {"lowerPriceBound": "999999"},  # above the record's upper bound: inverted once merged
    {"markPrice": "1e999999999"},
    {"tickSize": "-1"},
    {"tickSize": "NaN"},
], ids=["tick-1e-999999999", "tick-1e-40", "step-1e-999999999", "inverted", "inverted-merged",
        "mark-huge", "tick-negative", "tick-nan"])
def test_hostile_market_push_is_skipped_and_logged_and_the_old_record_kept(entry, caplog):
    s = _session()
    before = s.markets[SWAP]
    assert s.submit(_limit("65000")).ok
    caplog.set_level(logging.WARNING, "oxpreflight.session")
    _bounded(lambda: s.observe({"table": "market", "data": [dict(entry, marketCode=SWAP)]}))
    assert s.markets[SWAP] is before
    assert s.submit(_limit("65000")).ok
    assert any(SWAP in r.getMessage() and "skipped" in r.getMessage() for r in caplog.records)


def test_a_bad_entry_does_not_stop_the_good_ones_of_the_same_push():
    s = _session()
    s.observe({"table": "market", "data": [
        {"marketCode": SWAP, "tickSize": "1e-40"},
        {"marketCode": "ETH-USD-SWAP-LIN", "upperPriceBound": "5000", "lowerPriceBound": "100"}]})
    assert s.markets["ETH-USD-SWAP-LIN"].market.upperPriceBound == 5000
    assert s.markets[SWAP].market.tickSize != 0 and s.markets[SWAP].tick.adjusted() > -30
