"""``request`` (the reply to one frame), ``raise_replies`` and ``batches="valid"`` on the
websocket adapter and the guard, against a ``websockets`` server on 127.0.0.1."""
from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any, AsyncIterator

import pytest

websockets = pytest.importorskip("websockets", minversion="13")
from websockets.asyncio.server import serve  # noqa: E402
from websockets.exceptions import ConnectionClosed  # noqa: E402

from oxpreflight import BadSymbol, OrderNotFound, Preflight  # noqa: E402
from oxpreflight.websocket import connect  # noqa: E402

MARKET = {"marketCode": "BTC-USD-SWAP-LIN", "side": "BUY", "orderType": "MARKET",
          "quantity": "0.001"}
BAD = dict(MARKET, marketCode="NOPE")
CANCEL = {"op": "cancelorder", "tag": "c1",
          "data": {"marketCode": "BTC-USD-SWAP-LIN", "orderId": 5}}


def run(coro: Any, seconds: float = 20.0) -> Any:
    async def bounded() -> Any:
        async with asyncio.timeout(seconds):
            return await coro
    return asyncio.run(bounded())


class Venue:
    """Answers every order command, batch items one reply each (numbered ``orderId``), a
    cancel with 100005, nothing for tag ``"silent"``; a push before each reply when asked."""

    def __init__(self, push: bool = False, hold: float = 0.0) -> None:
        self.received: list[Any] = []
        self.push = push
        self.hold = hold

    async def handler(self, connection: Any) -> None:
        async for message in connection:
            self.received.append(message)
            command = json.loads(message)
            tag = command.get("tag")
            if tag == "silent":
                continue
            if self.hold:
                await asyncio.sleep(self.hold)
            if self.push:
                await connection.send(json.dumps({"table": "order", "data": [{}]}))
            op = command["op"]
            items = command.get("dataArray") or [command.get("data")]
            for n, item in enumerate(items):
                event = op.rstrip("s") if op.endswith("orders") else op
                if op.startswith("cancel"):
                    reply = {"event": event, "submitted": False, "tag": str(tag),
                             "message": "Open order not found", "code": "100005"}
                else:
                    reply = {"event": event, "submitted": True, "tag": str(tag),
                             "data": dict(item, orderId=str(1000 + n))}
                await connection.send(json.dumps(reply))

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[str]:
        async with serve(self.handler, "127.0.0.1", 0) as server:
            port = server.sockets[0].getsockname()[1]
            yield f"ws://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def pf() -> Preflight:
    return Preflight()


def place(tag: Any, data: dict[str, Any] = MARKET) -> dict[str, Any]:
    return {"op": "placeorder", "tag": tag, "data": data}


def test_request_when_accepted_then_exchange_reply_returned_and_not_queued_for_recv(pf):
    venue = Venue(push=True)

    async def main() -> Any:
        async with venue.running() as url, connect(url, preflight=pf) as ws:
            reply = await ws.request(place(7), timeout=5)
            push = json.loads(await asyncio.wait_for(ws.recv(), 5))
            return reply, push

    reply, push = run(main())
    assert reply["event"] == "placeorder" and reply["submitted"] is True and reply["tag"] == "7"
    assert push["table"] == "order"  # the push stays for recv; the reply went to request
    assert [json.loads(m)["tag"] for m in venue.received] == [7]


def test_request_when_rejected_locally_then_failure_reply_and_nothing_sent(pf):
    venue = Venue()

    async def main() -> Any:
        async with venue.running() as url, connect(url, preflight=pf) as ws:
            return await ws.request(json.dumps(place("x", BAD)), timeout=5)

    reply = run(main())
    assert (reply["code"], reply["tag"], reply["submitted"]) == ("20015", "x", False)
    assert venue.received == []


def test_request_batch_then_one_reply_per_item_in_item_order(pf):
    venue = Venue()
    batch = {"op": "placeorders", "tag": 3, "dataArray": [MARKET, dict(MARKET, side="SELL")]}

    async def main() -> Any:
        async with venue.running() as url, connect(url, preflight=pf) as ws:
            return await ws.request(batch, timeout=5)

    replies = run(main())
    assert [(r["submitted"], r["data"]["side"], r["data"]["orderId"]) for r in replies] == [
        (True, "BUY", "1000"), (True, "SELL", "1001")]


def test_request_when_batch_held_then_every_item_answered_locally(pf):
    venue = Venue()
    batch = {"op": "placeorders", "tag": 4, "dataArray": [MARKET, BAD, MARKET]}

    async def main() -> Any:
        async with venue.running() as url, connect(url, preflight=pf) as ws:
            return await ws.request(batch, timeout=5)

    replies = run(main())
    assert [r["code"] for r in replies] == ["W201", "20015", "W201"]
    assert venue.received == []


def test_request_when_batches_valid_then_passing_items_sent_and_replies_in_item_order(pf):
    venue = Venue()
    batch = {"op": "placeorders", "tag": 5,
             "dataArray": [MARKET, BAD, dict(MARKET, side="SELL", quantity="0.10")]}

    async def main() -> Any:
        async with venue.running() as url, connect(url, preflight=pf, batches="valid") as ws:
            return await ws.request(batch, timeout=5)

    replies = run(main())
    sent = json.loads(venue.received[0])
    assert sent["tag"] == 5 and sent["dataArray"] == [batch["dataArray"][0],
                                                      batch["dataArray"][2]]
    assert [r.get("code") for r in replies] == [None, "20015", None]
    assert [r["submitted"] for r in replies] == [True, False, True]
    assert replies[2]["data"]["side"] == "SELL"


def test_batches_valid_text_frame_keeps_every_number_exactly(pf):
    venue = Venue()
    text = ('{"op":"placeorders","tag":6,"dataArray":[{"marketCode":"NOPE","side":"BUY",'
            '"orderType":"MARKET","quantity":1},{"marketCode":"BTC-USD-SWAP-LIN","side":"BUY",'
            '"orderType":"LIMIT","quantity":0.0010,"price":68000.0000000000000001}]}')

    async def main() -> Any:
        async with venue.running() as url, connect(url, preflight=pf, batches="valid") as ws:
            verdict = await ws.send(text)
            local = json.loads(await asyncio.wait_for(ws.recv(), 5))
            answer = json.loads(await asyncio.wait_for(ws.recv(), 5))
            return verdict, local, answer

    verdict, local, answer = run(main())
    assert verdict.code == "20015" and local["code"] == "20015"
    assert answer["submitted"] is True
    assert venue.received == ['{"op":"placeorders","tag":6,"dataArray":[{"marketCode":'
                              '"BTC-USD-SWAP-LIN","side":"BUY","orderType":"LIMIT",'
                              '"quantity":0.0010,"price":68000.0000000000000001}]}']


def test_request_when_no_reply_then_timeout_and_late_reply_goes_to_recv(pf):
    venue = Venue(hold=0.3)

    async def main() -> Any:
        async with venue.running() as url, connect(url, preflight=pf) as ws:
            with pytest.raises(asyncio.TimeoutError):
                await ws.request(place(8), timeout=0.05)
            return json.loads(await asyncio.wait_for(ws.recv(), 5))

    late = run(main())
    assert late["tag"] == "8" and late["submitted"] is True


def test_request_when_tags_repeat_then_replies_matched_in_send_order(pf):
    venue = Venue()

    async def main() -> Any:
        async with venue.running() as url, connect(url, preflight=pf) as ws:
            first = ws.request(place(9, MARKET), timeout=5)
            second = ws.request(place(9, dict(MARKET, side="SELL")), timeout=5)
            return await asyncio.gather(first, second)

    first, second = run(main())
    assert (first["data"]["side"], second["data"]["side"]) == ("BUY", "SELL")


def test_request_without_tag_then_value_error_and_nothing_sent(pf):
    venue = Venue()

    async def main() -> Any:
        async with venue.running() as url, connect(url, preflight=pf) as ws:
            with pytest.raises(ValueError, match="tag"):
                await ws.request({"op": "placeorder", "data": MARKET}, timeout=1)

    run(main())
    assert venue.received == []


def test_request_when_connection_closes_then_connection_closed_raised(pf):
    async def handler(connection: Any) -> None:
        await connection.recv()
        await connection.close()

    async def main() -> None:
        async with serve(handler, "127.0.0.1", 0) as server:
            url = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"
            async with connect(url, preflight=pf) as ws:
                with pytest.raises(ConnectionClosed):
                    await ws.request(place(10), timeout=5)

    run(main())


def test_raise_replies_when_exchange_refuses_then_recv_and_request_raise_its_class(pf):
    venue = Venue()

    async def main() -> Any:
        async with venue.running() as url, connect(url, preflight=pf, on_reject="raise",
                                                   raise_replies=True) as ws:
            with pytest.raises(OrderNotFound) as from_request:
                await ws.request(CANCEL, timeout=5)
            await ws.send(json.dumps(dict(CANCEL, tag="c2")))
            with pytest.raises(OrderNotFound) as from_recv:
                await asyncio.wait_for(ws.recv(), 5)
            return from_request.value, from_recv.value

    by_request, by_recv = run(main())
    assert (by_request.code, by_request.message) == ("100005", "Open order not found")
    assert by_recv.response["tag"] == "c2" and by_recv.field == "orderId"


def test_on_reject_raise_when_batch_item_fails_then_field_names_the_item(pf):
    venue = Venue()
    batch = json.dumps({"op": "placeorders", "tag": 11, "dataArray": [MARKET, BAD]})

    async def main() -> Any:
        async with venue.running() as url, connect(url, preflight=pf, on_reject="raise") as ws:
            with pytest.raises(BadSymbol) as caught:
                await ws.send(batch)
            return caught.value

    exc = run(main())
    assert exc.field == "dataArray[1].marketCode" and exc.sent == ()
    assert venue.received == []


def test_guard_batches_valid_sync_then_valid_items_sent_and_failing_refused(pf):
    sent: list[Any] = []
    refused: list[dict[str, Any]] = []
    batch = {"op": "placeorders", "tag": 12, "dataArray": [BAD, MARKET]}
    send = pf.guard(sent.append, on_reject=refused.append, batches="valid")
    send(batch)
    assert sent == [{"op": "placeorders", "tag": 12, "dataArray": [MARKET]}]
    assert [r["code"] for r in refused] == ["20015"]


def test_guard_batches_valid_raise_then_sent_first_and_exception_names_sent_items(pf):
    sent: list[Any] = []
    batch = {"op": "placeorders", "tag": 13, "dataArray": [MARKET, BAD, MARKET]}
    with pytest.raises(BadSymbol) as caught:
        pf.guard(sent.append, batches="valid")(batch)
    assert sent == [{"op": "placeorders", "tag": 13, "dataArray": [MARKET, MARKET]}]
    assert caught.value.sent == (0, 2) and caught.value.field == "dataArray[1].marketCode"


def test_guard_batches_valid_async_with_session_then_only_sent_items_counted(pf):
    session = Preflight(clock=None).session(rate_limit=50)
    session.observe({"event": "login", "success": True})
    sent: list[Any] = []

    async def send(frame: Any) -> str:
        sent.append(frame)
        return "ok"

    guarded = pf.guard(send, session=session, on_reject=lambda reply: reply["code"],
                       batches="valid")
    batch = {"op": "placeorders", "tag": 14, "dataArray": [MARKET, BAD]}
    assert run(guarded(batch)) == "ok"
    assert sent == [{"op": "placeorders", "tag": 14, "dataArray": [MARKET]}]


def test_guard_batches_must_be_hold_or_valid(pf):
    with pytest.raises(ValueError, match="batches"):
        pf.guard(print, batches="some")




def test_request_when_dict_frame_has_decimals_then_sent_as_exact_json_numbers(pf):
    from decimal import Decimal

    venue = Venue()
    data = dict(MARKET, orderType="LIMIT", quantity=Decimal("0.0010"),
                price=Decimal("68000.0000000000000001"))

    async def main() -> Any:
        async with venue.running() as url, connect(url, preflight=pf) as ws:
            return await ws.request(place(15, data), timeout=5)

    assert run(main())["submitted"] is True
    assert '"quantity":0.0010,"price":68000.0000000000000001' in venue.received[0]
