"""The exchange double driven with a plain ``websockets`` client: login, replies (each
rejection the library's own), every push, batches, rate, faults, garbage, many connections."""
from __future__ import annotations

import asyncio
import json

import pytest
import websockets

from oxpreflight import Preflight
from oxpreflight.rules import RULES
from oxpreflight.rules.catalogue import CODES
from oxpreflight.rules.examples import MARKETS, NOW
from oxpreflight.rules.markets import Unlisted
from oxpreflight.rules import SERVER_CODES
from oxpreflight.testing import Exchange

PF = Preflight(MARKETS, clock=lambda: NOW)
BTC = "BTC-USD-SWAP-LIN"


def _frame(rule, example):
    if isinstance(example, (str, bytes)) or "op" in example:
        return example
    return {"op": rule.commands[0], "tag": 1, "data": example}


def _text(frame):
    return frame if isinstance(frame, (str, bytes)) else json.dumps(frame)


def test_url_is_the_v2_websocket_path_and_other_paths_are_404(ex, wire):
    assert ex.url == f"ws://127.0.0.1:{ex.port}/v2/websocket" and ex.port > 0

    async def go():
        with pytest.raises(websockets.InvalidStatus) as info:
            async with wire.connect(ex.url.replace("/v2/websocket", "/v3/websocket")):
                pass
        assert info.value.response.status_code == 404

    wire.run(go())


def test_login_answers_success_then_the_sessions_own_failures(ex, wire):
    local = PF.session(api_key=wire.KEY, api_secret=wire.SECRET)
    bad_signature = wire.login_frame(secret="not-the-secret")
    wrong_key = wire.login_frame(key="other-key")

    async def go():
        async with wire.connect(ex.url) as ws:
            c = wire.Client(ws)
            for frame in (bad_signature, wrong_key):
                (reply,) = await c.ask(frame)
                assert wire.untimed(reply) == wire.untimed(local.submit(frame).response)
            assert await c.login() == {"event": "login", "success": True, "tag": "1",
                                       "timestamp": str(NOW)}
            local.observe({"event": "login", "success": True})
            again = wire.login_frame()
            (reply,) = await c.ask(again)
            assert reply["code"] == "20005"
            assert wire.untimed(reply) == wire.untimed(local.submit(again).response)

    wire.run(go())


def test_without_credentials_any_login_succeeds(wire):
    frame = {"op": "login", "tag": "a", "data": {"apiKey": "anything", "timestamp": NOW,
                                                 "signature": "not-checked"}}

    async def go(url):
        async with wire.connect(url) as ws:
            (reply,) = await wire.Client(ws).ask(frame)
            assert reply["success"] is True and reply["tag"] == "a"

    with Exchange(MARKETS, clock=lambda: NOW) as ex:
        wire.run(go(ex.url))


def test_order_before_login_is_answered_05001_as_the_session(ex, wire):
    frame = wire.place(wire.limit())

    async def go():
        async with wire.connect(ex.url) as ws:
            (reply,) = await wire.Client(ws).ask(frame)
        assert reply["code"] == "05001"
        assert wire.untimed(reply) == wire.untimed(PF.session().submit(frame).response)

    wire.run(go())


def test_every_rule_rows_bad_example_is_answered_with_checks_own_reply(ex, wire):
    rows = [r for r in RULES if not r.is_warning and not isinstance(r.fails, Unlisted)]
    frames = [_text(_frame(r, r.bad)) for r in rows]

    async def go():
        async with wire.connect(ex.url) as ws:
            c = wire.Client(ws)
            await c.login()
            for rule, text in zip(rows, frames):
                expected = PF.check(text)
                replies = await c.until_pong()
                assert replies == []
                got = await c.ask(text, replies=max(1, sum(not i.ok for i in expected.items)))
                want = [i.response for i in expected.items if not i.ok] or [expected.response]
                assert [wire.untimed(r) for r in got] == [wire.untimed(w) for w in want], rule.name
                assert got[0]["code"] == rule.code

    wire.run(go())
    assert len(ex.received) >= len(rows)


def test_resting_limit_order_is_submitted_then_opened_and_listed(ex, wire):
    async def go():
        async with wire.connect(ex.url) as ws:
            c = wire.Client(ws)
            await c.login()
            await c.ask({"op": "subscribe", "tag": 2, "args": ["order:all"]})
            reply, push = await c.ask(wire.place(wire.limit(clientOrderId=7, timeInForce="GTC"),
                                                 tag=123), replies=2)
            return reply, push

    reply, push = wire.run(go())
    order_id = reply["data"]["orderId"]
    assert reply == {"event": "placeorder", "submitted": True, "tag": "123",
                     "timestamp": str(NOW), "data": {
                         "clientOrderId": "7", "marketCode": BTC, "side": "BUY",
                         "orderType": "LIMIT", "quantity": "0.001", "timeInForce": "GTC",
                         "price": "68000", "limitPrice": "68000", "orderId": order_id,
                         "source": 0}}
    row = push["data"][0]
    assert push["table"] == "order" and row["notice"] == "OrderOpened"
    assert (row["orderId"], row["status"], row["remainQuantity"], row["clientOrderId"]) == (
        order_id, "OPEN", "0.001", "7")
    assert list(ex.orders) == [order_id] and ex.orders[order_id]["price"] == "68000"


def test_market_order_fills_at_the_mark_price_and_buy_limit_above_it_takes(ex, wire):
    async def go():
        async with wire.connect(ex.url) as ws:
            c = wire.Client(ws)
            await c.login()
            await c.ask({"op": "subscribe", "args": ["order:all"]})
            market = {"marketCode": BTC, "side": "SELL", "orderType": "MARKET",
                      "quantity": "0.002"}
            first = await c.ask(wire.place(market), replies=2)
            second = await c.ask(wire.place(wire.limit(price="68300")), replies=2)
            return first, second

    (reply, matched), (limit_reply, taken) = wire.run(go())
    assert reply["data"]["limitPrice"] == "68205" and "price" not in reply["data"]
    row = matched["data"][0]
    assert (row["notice"], row["status"], row["matchPrice"], row["matchQuantity"],
            row["orderMatchType"], row["remainQuantity"]) == (
        "OrderMatched", "FILLED", "68205", "0.002", "TAKER", "0")
    assert limit_reply["submitted"] is True
    assert (taken["data"][0]["matchPrice"], taken["data"][0]["orderMatchType"]) == (
        "68205", "TAKER")
    assert ex.orders == {}


def test_set_price_fills_a_resting_order_at_its_price_and_triggers_stops(ex, wire):
    stop = {"marketCode": BTC, "side": "SELL", "orderType": "STOP_LIMIT", "quantity": "0.001",
            "stopPrice": "68000", "limitPrice": "67900"}

    async def go():
        async with wire.connect(ex.url) as ws:
            c = wire.Client(ws)
            await c.login()
            await c.ask({"op": "subscribe", "args": [f"order:{BTC}"]})
            resting = await c.ask(wire.place(wire.limit(price="68100")), replies=2)
            stopped = await c.ask(wire.place(stop), replies=2)
            await asyncio.to_thread(ex.set_price, BTC, "68050")
            filled = await c.until_pong()
            await asyncio.to_thread(ex.set_price, BTC, "67950")
            triggered = await c.until_pong()
            return resting, stopped, filled, triggered

    resting, stopped, filled, triggered = wire.run(go())
    assert resting[1]["data"][0]["notice"] == "OrderOpened"
    opened = stopped[1]["data"][0]
    assert (opened["notice"], opened["orderType"], opened["isTriggered"], opened["stopPrice"],
            opened["triggerType"]) == ("OrderOpened", "STOP_LIMIT", "false", "68000",
                                       "MARK_PRICE")
    (maker,) = [m["data"][0] for m in filled]
    assert (maker["notice"], maker["orderMatchType"], maker["matchPrice"]) == (
        "OrderMatched", "MAKER", "68100")
    (fired,) = [m["data"][0] for m in triggered]
    assert (fired["orderId"], fired["orderType"], fired["isTriggered"], fired["matchPrice"]) == (
        opened["orderId"], "LIMIT", "true", "67950")
    assert ex.orders == {} and ex.prices[BTC] == 67950


def test_cancel_closes_the_order_and_a_second_cancel_gets_the_100004_push(ex, wire):
    async def go():
        async with wire.connect(ex.url) as ws:
            c = wire.Client(ws)
            await c.login()
            await c.ask({"op": "subscribe", "args": ["order:all"]})
            placed, _ = await c.ask(wire.place(wire.limit(clientOrderId=9)), replies=2)
            cancel = {"op": "cancelorder", "tag": 456, "data": {
                "marketCode": BTC, "orderId": int(placed["data"]["orderId"])}}
            first = await c.ask(cancel, replies=2)
            second = await c.ask(cancel, replies=2)
            return placed["data"]["orderId"], first, second

    order_id, (reply, closed), (again, gone) = wire.run(go())
    assert wire.untimed(reply) == {"event": "cancelorder", "submitted": True, "tag": "456",
                                   "data": {"marketCode": BTC, "clientOrderId": "9",
                                            "orderId": order_id}}
    row = closed["data"][0]
    assert (row["notice"], row["status"]) == ("OrderClosed", "CANCELED_BY_USER")
    assert again["submitted"] is True
    assert (gone["event"], gone["submitted"], gone["code"], gone["message"]) == (
        "CANCEL", False, "100004",
        "Order request was rejected : REJECT_CANCEL_ORDER_ID_NOT_FOUND")
    assert gone["data"]["orderId"] == int(order_id) and gone["data"]["clientOrderId"] == 9
    assert gone["data"]["status"] == "REJECT_CANCEL_ORDER_ID_NOT_FOUND"


def test_cancel_of_an_id_never_seen_is_the_sessions_100005(ex, wire):
    frame = {"op": "cancelorder", "tag": 1, "data": {"marketCode": BTC, "orderId": 42}}

    async def go():
        async with wire.connect(ex.url) as ws:
            c = wire.Client(ws)
            await c.login()
            return (await c.ask(frame))[0]

    reply = wire.run(go())
    local = PF.session()
    local.observe({"event": "login", "success": True})
    assert reply["code"] == "100005"
    assert wire.untimed(reply) == wire.untimed(local.submit(frame).response)


def test_modify_pushes_order_modified_a_crossing_modify_fills_a_closed_one_gets_amend_100004(
        ex, wire):
    async def go():
        async with wire.connect(ex.url) as ws:
            c = wire.Client(ws)
            await c.login()
            await c.ask({"op": "subscribe", "args": ["order:all"]})
            placed, _ = await c.ask(wire.place(wire.limit(price="68000")), replies=2)
            order_id = int(placed["data"]["orderId"])
            modify = {"op": "modifyorder", "tag": 1, "data": {
                "marketCode": BTC, "orderId": order_id, "price": "68100", "quantity": "0.002"}}
            changed = await c.ask(modify, replies=2)
            crossing = dict(modify, data=dict(modify["data"], price="68300"))
            filled = await c.ask(crossing, replies=3)
            late = await c.ask(modify, replies=2)
            return changed, filled, late

    (reply, modified), filled, (late_reply, amend) = wire.run(go())
    assert reply["event"] == "modifyorder" and reply["submitted"] is True
    assert {k: reply["data"][k] for k in ("price", "limitPrice", "quantity", "orderType")} == {
        "price": "68100", "limitPrice": "68100", "quantity": "0.002", "orderType": "LIMIT"}
    row = modified["data"][0]
    assert (row["notice"], row["price"], row["quantity"]) == ("OrderModified", "68100", "0.002")
    assert [m.get("data", [{}])[0].get("notice") for m in filled[1:]] == [
        "OrderModified", "OrderMatched"]
    assert filled[2]["data"][0]["matchPrice"] == "68205"
    assert late_reply["submitted"] is True
    assert (amend["event"], amend["code"], amend["data"]["status"]) == (
        "AMEND", "100004", "REJECT_AMEND_ORDER_ID_NOT_FOUND")


def test_batch_items_are_answered_one_by_one_in_item_order(ex, wire):
    bad = wire.limit(side="BOO")
    frame = {"op": "placeorders", "tag": 5, "dataArray": [wire.limit(), bad,
                                                         wire.limit(price="68001")]}
    expected = PF.check(frame).items[1].response

    async def go():
        async with wire.connect(ex.url) as ws:
            c = wire.Client(ws)
            await c.login()
            return await c.ask(frame, replies=3)

    first, second, third = wire.run(go())
    assert first["event"] == third["event"] == "placeorder"
    assert first["submitted"] is True and third["submitted"] is True
    assert (first["data"]["price"], third["data"]["price"]) == ("68000", "68001")
    assert wire.untimed(second) == wire.untimed(expected) and second["code"] == "20016"
    assert len(ex.orders) == 2


def test_cancel_all_closes_every_open_order_and_pushes_cancel(ex, wire):
    no_ids = {"op": "cancelorders", "tag": 1, "dataArray": [{"marketCode": BTC}]}

    async def go():
        async with wire.connect(ex.url) as ws:
            c = wire.Client(ws)
            await c.login()
            await c.ask({"op": "subscribe", "args": ["order:all"]})
            for price in ("68000", "68001"):
                await c.ask(wire.place(wire.limit(price=price)), replies=2)
            (refused,) = await c.ask(no_ids)
            count = await asyncio.to_thread(ex.cancel_all)
            return refused, count, await c.until_pong()

    refused, count, pushed = wire.run(go())
    assert wire.untimed(refused) == wire.untimed(PF.check(no_ids).items[0].response)
    assert count == 2 and ex.orders == {}
    assert [m["data"][0]["status"] for m in pushed[:2]] == ["CANCELED_BY_USER"] * 2
    assert wire.untimed(pushed[2]) == {"event": "CANCEL", "submitted": True}


def test_more_than_rate_limit_orders_in_a_second_are_answered_20007(wire):
    frames = [wire.place(wire.limit(price=str(68000 + i))) for i in range(4)]

    async def go(url):
        async with wire.connect(url) as ws:
            c = wire.Client(ws)
            await c.login()
            return [(await c.ask(f))[0] for f in frames]

    with Exchange(MARKETS, clock=lambda: NOW, rate_limit=3) as ex:
        replies = wire.run(go(ex.url))
    local = PF.session(rate_limit=3)
    local.observe({"event": "login", "success": True})
    expected = [local.submit(f) for f in frames]
    assert [r["submitted"] for r in replies] == [True, True, True, False]
    assert replies[3]["code"] == "20007"
    assert wire.untimed(replies[3]) == wire.untimed(expected[3].response)


@pytest.mark.parametrize("code", sorted(SERVER_CODES))
def test_fail_next_answers_a_server_only_code_with_the_tables_message(ex, wire, code):
    frame = wire.place(wire.limit(), tag=3)
    ex.fail_next(code, op="placeorder")

    async def go():
        async with wire.connect(ex.url) as ws:
            c = wire.Client(ws)
            await c.login()
            await c.ask({"op": "subscribe", "args": ["order:all"]})
            failed = (await c.ask(frame))[0]
            after = await c.ask(frame, replies=2)
            return failed, after

    failed, after = wire.run(go())
    message = CODES[code].message.replace("xxx", "null")
    assert (failed["code"], failed["message"], failed["submitted"], failed["tag"]) == (
        code, message, False, "3")
    assert failed["data"]["marketCode"] == BTC
    assert after[0]["submitted"] is True  # one command only


def test_fail_next_matches_its_op_counts_and_answers_each_batch_item(ex, wire):
    ex.fail_next("000201", op="placeorder", count=2)
    batch = {"op": "placeorders", "dataArray": [wire.limit(), wire.limit(price="68001")]}

    async def go():
        async with wire.connect(ex.url) as ws:
            c = wire.Client(ws)
            login = await c.login()  # not a placeorder: not failed
            items = await c.ask(batch, replies=2)
            single = (await c.ask(wire.place(wire.limit())))[0]
            normal = (await c.ask(wire.place(wire.limit())))[0]
            return login, items, single, normal

    login, items, single, normal = wire.run(go())
    assert login["success"] is True
    assert [i["code"] for i in items] == ["000201", "000201"]
    assert [i["data"]["price"] for i in items] == ["68000", "68001"]
    assert single["code"] == "000201" and normal["submitted"] is True


def test_fail_next_refuses_a_code_outside_the_table(ex):
    with pytest.raises(ValueError, match="not a code"):
        ex.fail_next("99999")
    with pytest.raises(ValueError):
        ex.fail_next("20001", count=0)


def test_drop_closes_every_connection_and_a_reconnect_must_log_in_again(ex, wire):
    async def go():
        async with wire.connect(ex.url) as one, wire.connect(ex.url) as two:
            c = wire.Client(one)
            await c.login()
            placed = (await c.ask(wire.place(wire.limit())))[0]
            await asyncio.to_thread(ex.drop, 1011)
            for ws in (one, two):
                with pytest.raises(websockets.ConnectionClosedError):
                    await asyncio.wait_for(ws.recv(), 10)
                assert ws.close_code == 1011
        async with wire.connect(ex.url) as again:
            c = wire.Client(again)
            cancel = {"op": "cancelorder", "tag": 2, "data": {
                "marketCode": BTC, "orderId": int(placed["data"]["orderId"])}}
            before = (await c.ask(cancel))[0]
            await c.login()
            after = (await c.ask(cancel))[0]
            return before, after

    before, after = wire.run(go())
    assert before["code"] == "05001"
    assert after["submitted"] is True and ex.orders == {}


def test_delay_holds_each_reply_back_and_keeps_their_order(ex, wire):
    ex.delay(0.2)

    async def go():
        async with wire.connect(ex.url) as ws:
            c = wire.Client(ws)
            loop = asyncio.get_running_loop()
            start = loop.time()
            await c.send(wire.login_frame())
            await c.send("ping")
            first, second = await c.recv(), await c.recv()
            return first, second, loop.time() - start

    first, second, waited = wire.run(go())
    assert first["event"] == "login" and second == "pong"
    assert waited >= 0.4  # two commands, each answered after 0.2 s: a lower bound only
    ex.delay(0)
    with pytest.raises(ValueError):
        ex.delay(-1)


def test_garbage_is_answered_as_the_exchange_answers_and_the_server_lives_on(ex, wire):
    frames = [b"\xff\xfe\x00", "not json", "[1, 2]", '{"op": "placeorder", "data": ' * 3,
              json.dumps(wire.place(wire.limit(), tag="x" * 5000))]

    async def go():
        async with wire.connect(ex.url) as ws:
            c = wire.Client(ws)
            got = [(await c.ask(f))[0] for f in frames]
            assert await c.until_pong() == []
            return got

    replies = wire.run(go())
    assert [r["code"] for r in replies] == ["20009", "20009", "20009", "20009", "20027"]
    for frame, reply in zip(frames, replies):
        assert wire.untimed(reply) == wire.untimed(PF.check(frame).response)
    assert ex.received[0] == b"\xff\xfe\x00" and ex.received[1] == "not json"


def test_a_frame_beyond_the_servers_limit_closes_only_its_connection(ex, wire):
    async def go():
        ws = await wire.connect(ex.url)  # no `async with`: websockets' own close fails on
        await ws.send("x" * (17 * 2**20))  # a transport the server already closed
        with pytest.raises(websockets.ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 10)
        assert ws.close_code == 1009
        async with wire.connect(ex.url) as ws:
            assert await wire.Client(ws).ask("ping") == ["pong"]

    wire.run(go())


def test_subscriptions_reply_per_channel_push_markets_and_unsubscribe_stops_pushes(ex, wire):
    async def go():
        async with wire.connect(ex.url) as ws:
            c = wire.Client(ws)
            await c.login()
            subscribed = await c.ask({"op": "subscribe", "tag": 102,
                                      "args": ["order:all", "market:all"]}, replies=3)
            await asyncio.to_thread(ex.set_price, "ETH-USD-SWAP-LIN", "3800")
            moved = await c.until_pong()
            gone = await c.ask({"op": "unsubscribe", "tag": 103, "args": ["order:all"]})
            await c.ask(wire.place(wire.limit()))
            quiet = await c.until_pong()
            return subscribed, moved, gone, quiet

    subscribed, moved, gone, quiet = wire.run(go())
    assert [wire.untimed(s) for s in subscribed[:2]] == [
        {"success": True, "tag": "102", "event": "subscribe", "channel": "order:all"},
        {"success": True, "tag": "102", "event": "subscribe", "channel": "market:all"}]
    table = subscribed[2]
    assert table["table"] == "market" and len(table["data"]) == len(MARKETS)
    assert {"marketCode": BTC, "marketPrice": "68205", "qtyIncrement": "0.0001"}.items() <= \
        next(r for r in table["data"] if r["marketCode"] == BTC).items()
    assert moved == [{"table": "market", "data": [
        next(dict(r, marketPrice="3800") for r in table["data"]
             if r["marketCode"] == "ETH-USD-SWAP-LIN")]}]
    assert gone[0]["event"] == "unsubscribe" and gone[0]["channel"] == "order:all"
    assert quiet == []


def test_many_connections_at_once_each_gets_its_replies_and_every_subscriber_the_pushes(
        ex, wire):
    count = 12

    async def one(i, ready, done):
        async with wire.connect(ex.url) as ws:
            c = wire.Client(ws)
            await c.login()
            await c.ask({"op": "subscribe", "args": ["order:all"]})
            await ready.wait()
            await c.send(wire.place(wire.limit(price=str(68000 + i), clientOrderId=i + 1)))
            mine, opened = None, set()
            while mine is None or len(opened) < count:
                message = await c.recv()
                if message.get("event") == "placeorder":
                    mine = message
                else:
                    opened.add(message["data"][0]["orderId"])
            await done.wait()
            assert mine["data"]["clientOrderId"] == str(i + 1)
            assert mine["data"]["orderId"] in opened
            return mine["data"]["orderId"], opened

    async def go():
        ready, done = asyncio.Barrier(count), asyncio.Barrier(count)
        return await asyncio.gather(*(one(i, ready, done) for i in range(count)))

    results = wire.run(go())
    ids = {order_id for order_id, _ in results}
    assert len(ids) == count and set(ex.orders) == ids
    assert all(opened == ids for _, opened in results)  # every subscriber heard every order


def test_thousands_of_orders_over_one_connection_are_all_answered(wire):
    total = 3000

    async def go(url):
        async with wire.connect(url) as ws:
            c = wire.Client(ws)
            await c.login()

            async def sender():
                for i in range(total):
                    await c.send(wire.place(wire.limit(price=str(61400 + i % 6000))))

            task = asyncio.create_task(sender())
            replies = [await c.recv() for _ in range(total)]
            await task
            return replies

    with Exchange(MARKETS, clock=lambda: NOW, rate_limit=10**6) as ex:
        replies = wire.run(go(ex.url))
        assert len(ex.orders) == total
    assert all(r["submitted"] is True for r in replies)
    assert len({r["data"]["orderId"] for r in replies}) == total


def test_received_and_sent_record_the_conversation(ex, wire):
    async def go():
        async with wire.connect(ex.url) as ws:
            c = wire.Client(ws)
            await c.login()
            await c.ask("ping")

    wire.run(go())
    assert ex.received == [wire.login_frame(), "ping"]
    assert [m if m == "pong" else m["event"] for m in ex.sent] == ["login", "pong"]


def test_a_batch_with_a_tag_beyond_64_bits_carries_out_its_passing_item_with_that_tag(ex, wire):
    tag = 2**70
    frame = {"op": "placeorders", "tag": tag, "dataArray": [
        wire.limit(), wire.limit(clientOrderId=2**70)]}

    async def go():
        async with wire.connect(ex.url) as ws:
            c = wire.Client(ws)
            await c.login()
            return await c.ask(frame, replies=2)

    placed, refused = wire.run(go())
    assert (placed["submitted"], placed["tag"]) == (True, str(tag))
    assert wire.untimed(refused) == wire.untimed(PF.check(json.dumps(frame)).items[1].response)
    assert ex.received[1]["tag"] == tag  # received as json.loads gives it: the exact integer


def test_sync_calls_from_inside_an_async_test_do_not_stall_on_the_clients_loop(ex, wire):
    async def go():
        async with wire.connect(ex.url) as ws:
            c = wire.Client(ws)
            await c.login()
            await c.ask({"op": "subscribe", "args": ["order:all"]})
            await c.ask(wire.place(wire.limit(price="68100")), replies=2)
            ex.set_price(BTC, "68000")  # called on this loop's thread: waits for the server only
            (filled,) = await c.until_pong()
            ex.drop(4000)               # returns before the client could answer the close
            with pytest.raises(websockets.ConnectionClosed):
                await asyncio.wait_for(ws.recv(), 10)
            return filled, ws.close_code

    filled, code = wire.run(go())
    assert filled["data"][0]["notice"] == "OrderMatched" and code == 4000
