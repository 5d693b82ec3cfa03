"""Starting and stopping the double: sync (background thread) and async (running loop); after
exit no thread, task, listening socket or connection is left; imports stay light."""
from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading

import pytest
import websockets

from oxpreflight.rules.examples import MARKETS, NOW
from oxpreflight.testing import Exchange


def _refused(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(5)
        return probe.connect_ex(("127.0.0.1", port)) != 0


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts open files on Linux")
def test_sync_exit_leaves_no_thread_socket_or_connection_behind(wire):
    threads, fds = set(threading.enumerate()), _fds()
    closed = []

    async def client(url):
        async with wire.connect(url) as ws:
            await wire.Client(ws).login()
            closed.append(ws)
            return ws

    exchange = Exchange(MARKETS, clock=lambda: NOW)
    with exchange as ex:
        port = ex.port
        assert any(t.name == "oxpreflight-exchange" for t in threading.enumerate())
        ws = wire.run(client(ex.url))
        assert ws.close_code == 1000
    assert set(threading.enumerate()) == threads
    assert _refused(port)
    assert _fds() == fds
    with pytest.raises(RuntimeError, match="not running"):
        exchange.url


def test_open_connections_are_closed_when_the_exchange_stops(wire):
    async def go():
        async with Exchange(MARKETS, clock=lambda: NOW) as ex:
            ws = await wire.connect(ex.url)
            assert await wire.Client(ws).ask("ping") == ["pong"]
        with pytest.raises(websockets.ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 10)
        assert ws.close_code == 1001
        return ex.port

    assert _refused(wire.run(go()))


def test_async_exit_leaves_no_task_behind_and_a_failure_inside_still_stops_it(wire):
    async def go():
        with pytest.raises(KeyError):
            async with Exchange(MARKETS, clock=lambda: NOW) as ex:
                async with wire.connect(ex.url) as ws:
                    await wire.Client(ws).login()
                    raise KeyError("the test's own failure")
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        return ex.port, others

    port, others = asyncio.run(go())  # no wait_for around it: its task would be counted
    assert others == [] and _refused(port)


def test_a_sync_exchange_stops_after_a_failure_inside_the_block():
    threads = set(threading.enumerate())
    with pytest.raises(ZeroDivisionError):
        with Exchange() as ex:
            port = ex.port
            1 / 0
    assert set(threading.enumerate()) == threads and _refused(port)


def test_a_taken_port_fails_at_start_with_nothing_left():
    threads = set(threading.enumerate())
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(OSError):
            with Exchange(port=taken.getsockname()[1]):
                pass
    assert set(threading.enumerate()) == threads


def test_bad_options_fail_at_construction():
    with pytest.raises(ValueError):
        Exchange(rate_limit=0)
    with pytest.raises(ValueError):
        Exchange(port=70000)
    with pytest.raises(ValueError, match="price"):
        Exchange(prices={"BTC-USD-SWAP-LIN": "cheap"})


def test_prices_default_to_the_catalogue_mark_price_and_can_be_given():
    ex = Exchange(MARKETS, prices={"BTC-USDT": "63000.5", "NEW-USDT": 2})
    assert ex.prices["BTC-USD-SWAP-LIN"] == 68205
    assert str(ex.prices["BTC-USDT"]) == "63000.5" and ex.prices["NEW-USDT"] == 2
    ex.set_price("BTC-USDT", 0.1)  # not running: the price simply moves
    assert str(ex.prices["BTC-USDT"]) == "0.1"


def test_importing_the_library_and_its_testing_package_loads_no_websockets():
    code = ("import sys, oxpreflight, oxpreflight.testing, oxpreflight.cli\n"
            "loaded = {m.split('.')[0] for m in sys.modules}\n"
            "print(sorted(loaded & {'websockets', 'pytest', 'hypothesis'}))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True)
    assert out.stdout.strip() == "[]"


def test_the_secret_appears_in_no_repr_reply_or_record(wire):
    secret = "s3cr3t-value-never-shown"

    async def go(url):
        async with wire.connect(url) as ws:
            c = wire.Client(ws)
            return [await c.login(), (await c.ask(wire.login_frame(secret="wrong")))[0]]

    with Exchange(MARKETS, api_key=wire.KEY, api_secret=secret, clock=lambda: NOW) as ex:
        replies = wire.run(go(ex.url))
        shown = repr(ex) + repr(vars(ex)) + repr(ex.sent) + repr(vars(ex._venue))
    assert secret not in shown and secret not in repr(replies)
    with pytest.raises(ValueError) as info:
        Exchange(api_secret=secret, rate_limit=0)
    assert secret not in repr(info.value)
    library = [e for e in info.traceback if "/oxpreflight/" in str(e.path)]
    assert library and all(secret not in repr(e.locals) for e in library)  # no frame holds it
