"""Seeded mutated frames through the double, beside a local session fed the same messages: each
rejection the double sends is the local session's own reply, and the server never fails."""
from __future__ import annotations

import copy
import json
import logging
import random

from oxpreflight import Preflight
from oxpreflight.rules.catalogue import CODES
from oxpreflight.rules.examples import MARKETS, NOW
from oxpreflight.rules.venue import ORDER_GONE_CODE
from oxpreflight.testing import Exchange

BTC = "BTC-USD-SWAP-LIN"
FRAMES = 400
VALUES = [None, "", "x", -1, 0, 1, 1.5, "0.001", "68000", "1e999", [], {}, True, 2**70,
          "BUY", "SELL", "LIMIT", "MARKET", "STOP_LIMIT", "IOC", BTC, "BTC-USDT", 1000000000001]
BASES = [
    {"op": "placeorder", "tag": 1, "data": {"marketCode": BTC, "side": "BUY",
                                            "orderType": "LIMIT", "quantity": "0.001",
                                            "price": "68000"}},
    {"op": "placeorder", "tag": 2, "data": {"marketCode": BTC, "side": "SELL",
                                            "orderType": "MARKET", "quantity": "0.001"}},
    {"op": "placeorder", "data": {"marketCode": BTC, "side": "BUY", "orderType": "STOP_LIMIT",
                                  "quantity": "0.001", "stopPrice": "68300",
                                  "limitPrice": "68400", "clientOrderId": 5}},
    {"op": "placeorders", "tag": "b", "dataArray": [
        {"marketCode": BTC, "side": "BUY", "orderType": "LIMIT", "quantity": "0.001",
         "price": "67000"},
        {"marketCode": "BTC-USDT", "side": "SELL", "orderType": "LIMIT", "quantity": "0.001",
         "price": "64000"}]},
    {"op": "cancelorder", "tag": 3, "data": {"marketCode": BTC, "orderId": 1000000000001}},
    {"op": "cancelorder", "tag": 3, "data": {"marketCode": BTC, "clientOrderId": 5}},
    {"op": "modifyorder", "tag": 4, "data": {"marketCode": BTC, "orderId": 1000000000002,
                                             "price": "68100"}},
    {"op": "cancelorders", "dataArray": [{"marketCode": BTC, "orderId": 1000000000003}]},
]


def _mutate(rng: random.Random, frame: dict) -> dict:
    frame = copy.deepcopy(frame)
    items = frame.get("dataArray") or [frame.get("data")]
    for _ in range(rng.randrange(3)):
        target = rng.choice(items) if rng.random() < 0.8 else frame
        if not isinstance(target, dict):
            continue
        key = rng.choice(sorted(target) + ["extra", "price", "quantity", "orderId"])
        if key == "op":
            continue  # subscriptions and logins stay out: the connection's state is the point
        if rng.random() < 0.25:
            target.pop(key, None)
        else:
            target[key] = copy.deepcopy(rng.choice(VALUES))
    return frame


def test_mutated_frames_get_the_local_sessions_replies_and_the_server_never_fails(wire, caplog):
    rng = random.Random(20260601)
    frames = [_mutate(rng, rng.choice(BASES)) for _ in range(FRAMES)]
    mirror = Preflight(MARKETS, clock=lambda: NOW).session(rate_limit=10**6)
    compared = 0

    async def go(url):
        nonlocal compared
        async with wire.connect(url) as ws:
            c = wire.Client(ws)
            for setup in (wire.login_frame(), {"op": "subscribe", "args": ["order:all"]}):
                mirror.submit(setup)
                for message in await c.ask(setup):
                    mirror.observe(message)
            for frame in frames:
                text = json.dumps(frame)
                verdict = mirror.submit(text)
                await c.send(text)
                messages = await c.until_pong()
                expected = [i.response for i in verdict.items if not i.ok] or (
                    [] if verdict.ok else [verdict.response])
                failures = [m for m in messages if m.get("submitted") is False
                            and m.get("code") != ORDER_GONE_CODE]
                if not verdict.items or verdict.ok:
                    assert [wire.untimed(m) for m in failures] == [
                        wire.untimed(e) for e in expected], frame
                    compared += bool(expected)
                else:  # a batch with failing items: those replies, in item order, among others
                    got = [wire.untimed(m) for m in failures]
                    assert [wire.untimed(e) for e in expected] == [
                        g for g in got if g in [wire.untimed(e) for e in expected]], frame
                for message in messages:
                    assert message.get("code") in (None, ORDER_GONE_CODE) or \
                        message["code"] in CODES, message
                    mirror.observe(message)

    with caplog.at_level(logging.ERROR, logger="oxpreflight.exchange"):
        with Exchange(MARKETS, clock=lambda: NOW, rate_limit=10**6) as ex:
            wire.run(go(ex.url))
    assert not [r for r in caplog.records if r.name == "oxpreflight.exchange"]
    assert compared > FRAMES // 4  # most mutations are rejected: the comparison is not empty
