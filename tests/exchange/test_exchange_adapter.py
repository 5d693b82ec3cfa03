"""The exchange double with the library's own adapter (``oxpreflight.websocket.connect``):
login, replies, pushes, batches, rate, faults and the reconnect loop after ``drop``."""
from __future__ import annotations

import asyncio
import json

import websockets

from oxpreflight import Preflight
from oxpreflight.rules.examples import MARKETS, NOW
from oxpreflight.testing import Exchange
from oxpreflight.websocket import connect

PF = Preflight(MARKETS, clock=lambda: NOW)
BTC = "BTC-USD-SWAP-LIN"


async def _recv(ws):
    return json.loads(await asyncio.wait_for(ws.recv(), 10))


def test_adapter_logs_in_places_and_learns_the_order_from_the_pushes(ex, wire):
    s = PF.session(api_key=wire.KEY, api_secret=wire.SECRET)

    async def go():
        async with connect(ex.url, session=s) as ws:
            await ws.send(json.dumps(wire.login_frame()))
            login = await _recv(ws)
            await ws.send(json.dumps({"op": "subscribe", "args": ["order:all"]}))
            await _recv(ws)
            await ws.send(json.dumps(wire.place(wire.limit())))
            reply, opened = await _recv(ws), await _recv(ws)
            return login, reply, opened

    login, reply, opened = wire.run(go())
    assert login["success"] is True and s.logged_in
    assert reply["submitted"] is True and opened["data"][0]["notice"] == "OrderOpened"
    assert s.open_orders == frozenset(ex.orders) == {reply["data"]["orderId"]}


def test_a_frame_the_adapter_blocks_gets_the_reply_the_double_would_send(ex, wire):
    bad = json.dumps(wire.place(wire.limit(price="100")))  # below the lower bound: 710002

    async def go():
        async with connect(ex.url, session=PF.session()) as ws:
            await ws.send(json.dumps(wire.login_frame()))
            await _recv(ws)
            verdict = await ws.send(bad)
            local = await _recv(ws)
        async with wire.connect(ex.url) as plain:
            c = wire.Client(plain)
            await c.login()
            (remote,) = await c.ask(bad)
        return verdict, local, remote

    verdict, local, remote = wire.run(go())
    assert verdict.code == "710002"
    assert wire.untimed(local) == wire.untimed(remote)
    assert bad not in [json.dumps(f) for f in ex.received[:2]]  # the adapter never sent it


def test_batches_pass_whole_through_the_adapter_and_are_answered_item_by_item(ex, wire):
    good = {"op": "placeorders", "tag": 9, "dataArray": [wire.limit(), wire.limit(price="68002")]}
    mixed = {"op": "placeorders", "tag": 10, "dataArray": [wire.limit(), wire.limit(side="BOO")]}
    s = PF.session()

    async def go():
        async with connect(ex.url, session=s) as ws:
            await ws.send(json.dumps(wire.login_frame()))
            await _recv(ws)
            await ws.send(json.dumps(good))
            items = [await _recv(ws), await _recv(ws)]
            await ws.send(json.dumps(mixed))  # held back whole: a local reply per item
            held = [await _recv(ws), await _recv(ws)]
            return items, held

    items, held = wire.run(go())
    assert [i["data"]["price"] for i in items] == ["68000", "68002"]
    assert all(i["submitted"] for i in items) and len(ex.orders) == 2
    assert [h["code"] for h in held] == ["W201", "20016"] and len(ex.received) == 2
    assert s.open_orders == frozenset(ex.orders)


def test_rate_limit_blocks_locally_or_on_the_double_with_the_same_reply(wire):
    frames = [json.dumps(wire.place(wire.limit(price=str(68000 + i)))) for i in range(4)]

    async def go(url, session):
        async with connect(url, session=session) as ws:
            await ws.send(json.dumps(wire.login_frame()))
            await _recv(ws)
            out = []
            for frame in frames:
                await ws.send(frame)
                out.append(await _recv(ws))
            return out

    with Exchange(MARKETS, clock=lambda: NOW, rate_limit=3) as ex:
        local = wire.run(go(ex.url, PF.session(rate_limit=3)))
        sent_locally = len(ex.received)
        remote = wire.run(go(ex.url, PF.session(rate_limit=1000)))
    assert [r["submitted"] for r in local] == [True, True, True, False]
    assert sent_locally == 4  # login and three orders: the fourth never left the client
    assert local[3]["code"] == remote[3]["code"] == "20007"
    assert wire.untimed(local[3]) == wire.untimed(remote[3])


def test_an_injected_failure_reaches_the_adapter_and_the_order_is_not_opened(ex, wire):
    s = PF.session()
    ex.fail_next("20032", op="placeorder")

    async def go():
        async with connect(ex.url, session=s) as ws:
            await ws.send(json.dumps(wire.login_frame()))
            await _recv(ws)
            await ws.send(json.dumps(wire.place(wire.limit(clientOrderId=5))))
            return await _recv(ws)

    reply = wire.run(go())
    assert (reply["code"], reply["message"]) == ("20032", "Failed to submit due to timeout in "
                                                 "server side")
    assert s.open_orders == frozenset() and ex.orders == {}


def test_reconnect_loop_after_drop_starts_logged_out_and_still_knows_the_open_order(ex, wire):
    s = PF.session()

    async def go():
        rounds = []
        async for ws in connect(ex.url, session=s, open_timeout=10):
            try:
                if not rounds:
                    await ws.send(json.dumps(wire.login_frame()))
                    await _recv(ws)
                    await ws.send(json.dumps(wire.place(wire.limit())))
                    placed = await _recv(ws)
                    rounds.append(placed)
                    await asyncio.to_thread(ex.drop)
                    await asyncio.wait_for(ws.recv(), 10)
                else:
                    cancel = {"op": "cancelorder", "tag": 2, "data": {
                        "marketCode": BTC, "orderId": int(rounds[0]["data"]["orderId"])}}
                    await ws.send(json.dumps(cancel))
                    blocked = await _recv(ws)  # logged out again: the adapter answers 05001
                    await ws.send(json.dumps(wire.login_frame()))
                    await _recv(ws)
                    await ws.send(json.dumps(cancel))
                    rounds += [blocked, await _recv(ws)]
                    return rounds
            except websockets.ConnectionClosed as exc:
                assert exc.rcvd.code == 1011
                continue

    placed, blocked, cancelled = wire.run(go())
    assert blocked["code"] == "05001"
    assert cancelled["event"] == "cancelorder" and cancelled["submitted"] is True
    assert cancelled["data"]["orderId"] == placed["data"]["orderId"] and ex.orders == {}


def test_adapter_requests_get_the_doubles_replies_matched_by_event_and_tag(ex, wire):
    batch = {"op": "placeorders", "tag": 7, "dataArray": [wire.limit(), wire.limit(price="68001")]}

    async def go():
        async with connect(ex.url, session=PF.session()) as ws:
            login = await ws.request(wire.login_frame(), timeout=10)
            subscribed = await ws.request(
                {"op": "subscribe", "tag": 8, "args": ["order:all", "market:all"]}, timeout=10)
            placed = await ws.request(batch, timeout=10)
            return login, subscribed, placed

    login, subscribed, placed = wire.run(go())
    assert login["success"] is True
    assert [s["channel"] for s in subscribed] == ["order:all", "market:all"]
    assert [p["data"]["price"] for p in placed] == ["68000", "68001"]
    assert set(ex.orders) == {p["data"]["orderId"] for p in placed}


def test_every_push_reaches_the_adapter_and_its_session_follows_the_orders(ex, wire):
    s = PF.session()

    async def go():
        seen = []
        async with connect(ex.url, session=s) as ws:
            async def ask(frame, n):
                await ws.send(json.dumps(frame))
                got = [await _recv(ws) for _ in range(n)]
                seen.extend(got)
                return got

            await ask(wire.login_frame(), 1)
            await ask({"op": "subscribe", "tag": 1, "args": ["order:all"]}, 1)
            first = (await ask(wire.place(wire.limit(price="68000")), 2))[0]["data"]["orderId"]
            second = (await ask(wire.place(wire.limit(price="67000")), 2))[0]["data"]["orderId"]
            await ask({"op": "modifyorder", "tag": 2, "data": {
                "marketCode": BTC, "orderId": int(first), "price": "68100"}}, 2)
            await asyncio.to_thread(ex.set_price, BTC, "68050")        # fills the first
            seen.append(await _recv(ws))
            after_fill = s.open_orders
            cancel = {"op": "cancelorder", "tag": 3, "data": {"marketCode": BTC,
                                                              "orderId": int(first)}}
            verdict_gone = await ws.send(json.dumps(cancel))         # W104: sent, then 100004
            seen.extend([await _recv(ws), await _recv(ws)])
            third = (await ask(wire.place(wire.limit(price="66000")), 2))[0]["data"]["orderId"]
            await asyncio.to_thread(ex.cancel_all)
            seen.extend([await _recv(ws) for _ in range(3)])
            return seen, after_fill, verdict_gone, (first, second, third)

    seen, after_fill, verdict_gone, (first, second, third) = wire.run(go())
    notices = [m["data"][0]["notice"] for m in seen if m.get("table") == "order"]
    assert notices == ["OrderOpened", "OrderOpened", "OrderModified", "OrderMatched",
                       "OrderOpened", "OrderClosed", "OrderClosed"]
    assert after_fill == {second}
    assert verdict_gone is None  # the adapter sent it (the session passes it with W104)
    gone = next(m for m in seen if m.get("code") == "100004")
    assert gone["event"] == "CANCEL" and gone["data"]["orderId"] == int(first)
    assert any(m.get("event") == "CANCEL" and m.get("submitted") is True for m in seen)
    assert s.open_orders == frozenset() and ex.orders == {}
