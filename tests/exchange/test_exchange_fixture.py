"""The ``ox_exchange`` fixture and marker, through pytest's own ``pytester``."""
from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

HEADER = '''
import asyncio, json, time
import pytest, websockets

async def ask(url, *frames):
    async with websockets.connect(url, open_timeout=10) as ws:
        out = []
        for frame in frames:
            await ws.send(frame if isinstance(frame, str) else json.dumps(frame))
            out.append(json.loads(await asyncio.wait_for(ws.recv(), 10)))
        return out

LOGIN = {"op": "login", "tag": 1, "data": {"apiKey": "k", "timestamp": int(time.time() * 1000),
         "signature": "any: no api_secret given"}}
ORDER = {"op": "placeorder", "tag": 2, "data": {"marketCode": "BTC-USD-SWAP-LIN", "side": "BUY",
         "orderType": "LIMIT", "quantity": "0.001", "price": "68000"}}
'''


def _run(pytester: pytest.Pytester, body: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_user=HEADER + body)
    return pytester.runpytest_inprocess("-p", "no:hypothesispytest", "-p", "no:cacheprovider",
                                        *args)


def test_fixture_gives_a_started_exchange_per_test_and_the_marker_configures_it(pytester):
    result = _run(pytester, '''
MARKETS = [{"marketCode": "BTC-USD-SWAP-LIN", "type": "FUTURE", "tickSize": "1",
            "minSize": "0.0001", "markPrice": "68205"}]

def test_default(ox_exchange):
    assert ox_exchange.url.startswith("ws://127.0.0.1:")
    login, order = asyncio.run(ask(ox_exchange.url, LOGIN, ORDER))
    assert login["success"] is True and order["submitted"] is True
    assert len(ox_exchange.orders) == 1

def test_fresh_each_test(ox_exchange):
    assert ox_exchange.orders == {} and ox_exchange.received == []

@pytest.mark.ox_exchange(markets=MARKETS, api_key="k", api_secret="s",
                         prices={"BTC-USD-SWAP-LIN": "67000"}, clock=lambda: 1717348160000)
def test_marked(ox_exchange):
    assert ox_exchange.prices["BTC-USD-SWAP-LIN"] == 67000
    wrong = dict(LOGIN, data=dict(LOGIN["data"], apiKey="other"))
    (reply,) = asyncio.run(ask(ox_exchange.url, wrong))
    assert reply["code"] == "20025"
''')
    result.assert_outcomes(passed=3)


def test_a_marker_markets_path_is_relative_to_the_test_file(pytester):
    pytester.makefile(".json", markets='[{"marketCode": "ONLY-USDT", "type": "SPOT"}]')
    result = _run(pytester, '''
@pytest.mark.ox_exchange("markets.json")
def test_path(ox_exchange):
    assert set(ox_exchange.preflight.markets) == {"ONLY-USDT"}
''')
    result.assert_outcomes(passed=1)


def test_a_failure_queued_but_never_drawn_fails_the_test_loudly(pytester):
    result = _run(pytester, '''
def test_unused(ox_exchange):
    ox_exchange.fail_next("20001", op="cancelorder")

def test_used(ox_exchange):
    ox_exchange.fail_next("20001", op="placeorder")
    login, order = asyncio.run(ask(ox_exchange.url, LOGIN, ORDER))
    assert order["code"] == "20001"
''')
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*1 failure(s) queued with fail_next were never answered*"])


def test_marker_is_registered(pytester):
    result = pytester.runpytest_inprocess("--markers")
    result.stdout.fnmatch_lines(["*ox_exchange(markets=None, api_key=None*"])
