"""guard(send, fix=True): safe fixes applied before sending, each change logged at INFO."""
from __future__ import annotations

import asyncio
import json
import logging

import pytest

from oxpreflight import Preflight, Rejected
from oxpreflight.rules.examples import MARKETS, NOW

OFF_TICK = {"op": "placeorder", "tag": 1, "data": {
    "marketCode": "BTC-USD-SWAP-LIN", "side": "SELL", "orderType": "LIMIT",
    "quantity": "0.00015", "price": "68000.5"}}


@pytest.fixture(scope="module")
def pf() -> Preflight:
    return Preflight(MARKETS, clock=lambda: NOW)


def test_guard_fix_when_off_tick_then_the_fixed_frame_is_sent_and_logged(pf, caplog):
    sent = []
    send = pf.guard(sent.append, fix=True)
    with caplog.at_level(logging.INFO, logger="oxpreflight"):
        send(OFF_TICK)
    (frame,) = sent
    assert frame["data"]["price"] == "68001" and frame["data"]["quantity"] == "0.0001"
    assert OFF_TICK["data"]["price"] == "68000.5"  # the caller's frame is not touched
    records = [r for r in caplog.records if r.levelno == logging.INFO]
    assert [r.getMessage() for r in records] == [
        "fixed price: 68000.5 -> 68001 (W002 price-off-tick, safe)",
        "fixed quantity: 0.00015 -> 0.0001 (W003 quantity-off-increment, safe)"]
    assert (records[0].code, records[0].rule, records[0].field, records[0].item,
            records[0].safe) == ("W002", "price-off-tick", "price", None, True)


def test_guard_fix_is_off_by_default(pf):
    sent = []
    pf.guard(sent.append)(OFF_TICK)
    assert sent == [OFF_TICK] and sent[0] is OFF_TICK


def test_guard_fix_when_clean_then_the_same_object_is_sent(pf):
    sent = []
    clean = {"op": "placeorder", "data": dict(OFF_TICK["data"], price="68000",
                                              quantity="0.001")}
    pf.guard(sent.append, fix=True)(clean)
    assert sent[0] is clean


def test_guard_fix_applies_safe_fixes_only(pf):
    sent = []
    send = pf.guard(sent.append, fix=True)
    with pytest.raises(Rejected) as caught:
        send({"op": "placeorder", "data": dict(OFF_TICK["data"], side="sell")})
    assert caught.value.code == "20016" and sent == []
    with pytest.raises(Rejected) as caught:
        send({"op": "placeorder", "data": dict(OFF_TICK["data"], quantity="0.00001")})
    assert caught.value.code == "100008"
    assert sent == []


def test_guard_fix_when_text_then_fixed_text_sent(pf):
    sent = []
    pf.guard(sent.append, fix=True)(json.dumps(OFF_TICK))
    assert isinstance(sent[0], str) and json.loads(sent[0])["data"]["price"] == "68001"


def test_guard_fix_when_async_send_then_fixed_frame_awaited(pf):
    sent = []

    async def send(frame):
        sent.append(frame)
        return "done"

    guarded = pf.guard(send, fix=True)
    assert asyncio.run(guarded(OFF_TICK)) == "done"
    assert sent[0]["data"]["price"] == "68001"


def test_guard_fix_with_session_then_fixed_against_the_live_markets(pf):
    session = pf.session(track_orders=False)
    session.observe({"op": "login", "success": True, "event": "login", "data": {}})
    session.update_markets({"data": [dict(MARKETS[0], tickSize="5")]})
    sent = []
    send = pf.guard(sent.append, session=session, fix=True)
    frame = {"op": "placeorder", "data": dict(OFF_TICK["data"], price="68001",
                                              quantity="0.001")}
    send(frame)
    assert sent[0]["data"]["price"] == "68005"
