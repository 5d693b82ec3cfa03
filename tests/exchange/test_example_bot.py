"""``examples/bot.py`` tested as a trader would: against the ``ox_exchange`` fixture."""
from __future__ import annotations

import asyncio
import importlib.util
import inspect
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BTC = "BTC-USD-SWAP-LIN"


def _bot_module():
    spec = importlib.util.spec_from_file_location("example_bot", ROOT / "examples" / "bot.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def _until(condition, tries: int = 1000) -> None:
    """Wait for ``condition()`` (bounded: at most ``tries`` short sleeps)."""
    for _ in range(tries):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never happened: {inspect.getsource(condition).strip()}")


def _orders_at(ex) -> list:
    return sorted(o["price"] for o in ex.orders.values())


@pytest.mark.ox_exchange(api_key="key", api_secret="secret", prices={BTC: "68205"})
def test_bot_quotes_requotes_after_a_fill_survives_a_drop_and_cancels_on_stop(ox_exchange):
    ex, bot = ox_exchange, _bot_module().QuoteBot(ox_exchange.url, "key", "secret")

    async def scenario():
        stop = asyncio.Event()
        task = asyncio.create_task(bot.run(stop))
        await _until(lambda: _orders_at(ex) == ["68105"])        # quotes 100 below 68205
        await asyncio.to_thread(ex.set_price, BTC, "68100")    # trades through the quote
        await _until(lambda: len(bot.fills) == 1 and _orders_at(ex) == ["68000"])
        await asyncio.to_thread(ex.drop)                       # the venue drops everyone
        await _until(lambda: bot.reconnects == 1 and bot.logins == 2)
        stop.set()
        await asyncio.wait_for(task, 10)

    asyncio.run(scenario())
    assert ex.orders == {}                                     # cancelled on the way out
    assert bot.fills[0]["orderMatchType"] == "MAKER" and bot.fills[0]["matchPrice"] == "68105"
    assert bot.rejections == []
    logins = [f for f in ex.received if isinstance(f, dict) and f.get("op") == "login"]
    assert len(logins) == 2
    assert [f["data"]["price"] for f in ex.received
            if isinstance(f, dict) and f.get("op") == "placeorder"] == ["68105", "68000"]


@pytest.mark.ox_exchange(api_key="key", api_secret="secret", prices={BTC: "68205"})
def test_bot_records_a_server_rejection_and_quotes_again(ox_exchange):
    ex, bot = ox_exchange, _bot_module().QuoteBot(ox_exchange.url, "key", "secret")
    ex.fail_next("000201", op="placeorder")

    async def scenario():
        stop = asyncio.Event()
        task = asyncio.create_task(bot.run(stop))
        await _until(lambda: bot.rejections and _orders_at(ex) == ["68105"])
        stop.set()
        await asyncio.wait_for(task, 10)

    asyncio.run(scenario())
    assert bot.rejections[0]["code"] == "000201" and ex.orders == {}
