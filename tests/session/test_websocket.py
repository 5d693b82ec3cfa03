"""The guarded websocket client against a real ``websockets`` server on 127.0.0.1."""
from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import deque
from typing import Any, AsyncIterator, Callable

import pytest

websockets = pytest.importorskip("websockets", minversion="13")
from websockets.asyncio.server import serve  # noqa: E402
from websockets.exceptions import ConnectionClosed, ConnectionClosedOK  # noqa: E402

from oxpreflight import BadSymbol, Preflight, Session, Verdict  # noqa: E402
from oxpreflight.websocket import INBOX_HIGH, LOCAL_HIGH, GuardedConnection, connect  # noqa: E402

BYE = json.dumps({"op": "subscribe", "tag": "bye", "args": ["order:all"]})  # server closes
MARKET = {"marketCode": "BTC-USD-SWAP-LIN", "side": "BUY", "orderType": "MARKET",
          "quantity": 0.001}
BAD = dict(MARKET, marketCode="NOPE")


def frame(tag: int, data: dict = MARKET) -> str:
    return json.dumps({"op": "placeorder", "tag": tag, "data": data})


def tag_of(message: Any) -> str:
    return json.loads(message)["tag"]


@pytest.fixture(scope="module")
def pf() -> Preflight:
    return Preflight()


def run(coro, seconds: float = 20.0) -> Any:
    """Run ``coro`` with a hard time bound, so a bug hangs nothing."""
    async def bounded():
        async with asyncio.timeout(seconds):
            return await coro
    return asyncio.run(bounded())


class Exchange:
    """A fake exchange: records every message byte for byte, acknowledges each JSON frame."""

    def __init__(self, answer: bool = True):
        self.received: list = []
        self.answer = answer

    async def handler(self, connection) -> None:
        async for message in connection:
            self.received.append(message)
            if message == BYE:
                await connection.close()
                return
            if self.answer:
                if message == "ping":
                    await connection.send("pong")
                else:
                    command = json.loads(message)
                    tag = str(command.get("tag"))
                    if command["op"] == "login":
                        await connection.send(json.dumps({"event": "login", "success": True,
                                                          "tag": tag, "data": {}}))
                    else:
                        await connection.send(json.dumps(
                            {"event": "placeorder", "submitted": True, "tag": tag}))

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[str]:
        async with serve(self.handler, "127.0.0.1", 0) as server:
            port = server.sockets[0].getsockname()[1]
            yield f"ws://127.0.0.1:{port}"


class FakeSession:
    """The session interface: ``submit`` answers with the Preflight, ``observe`` records."""

    def __init__(self, pf: Preflight, refuse: Callable[[Any], bool] = lambda f: False):
        self.pf = pf
        self.refuse = refuse
        self.observed: list = []
        self.submitted: list = []

    def submit(self, frame: Any) -> Verdict:
        self.submitted.append(frame)
        if self.refuse(frame):
            return Verdict(False, "05001", "Unauthorized", response={"code": "05001"})
        return self.pf.check(frame)

    def observe(self, message: Any) -> None:
        self.observed.append(message)


def test_connect_when_frames_accepted_then_they_arrive_byte_for_byte(pf):
    exchange = Exchange()
    text = frame(1)
    raw = frame(2).encode()  # bytes go out as a binary frame, unchanged
    spaced = '{ "op" : "placeorder", "tag": 3, "data": %s }' % json.dumps(MARKET, indent=2)

    async def main():
        async with exchange.running() as url:
            async with connect(url, preflight=pf) as ws:
                assert isinstance(ws, GuardedConnection)
                for message in (text, raw, spaced, "ping"):
                    assert await ws.send(message) is None
                replies = [await ws.recv() for _ in range(4)]
        return replies

    replies = run(main())
    assert exchange.received == [text, raw, spaced, "ping"]
    assert [type(m) for m in exchange.received] == [str, bytes, str, str]
    assert [tag_of(r) for r in replies[:3]] == ["1", "2", "3"] and replies[3] == "pong"


def test_connect_when_frame_rejected_then_never_sent_and_reply_comes_through_recv(pf):
    exchange = Exchange()

    async def main():
        async with exchange.running() as url:
            async with connect(url, preflight=pf) as ws:
                await ws.send(frame(1))
                first = await ws.recv()  # the exchange's reply to 1 is in before 2 is sent
                verdict = await ws.send(frame(2, BAD))
                await ws.send(frame(3))
                rest = [await ws.recv(), await ws.recv()]
        return verdict, [first] + rest

    verdict, replies = run(main())
    assert exchange.received == [frame(1), frame(3)]
    assert verdict.code == "20015"
    assert [tag_of(r) for r in replies] == ["1", "2", "3"]
    local = json.loads(replies[1])
    assert (local["event"], local["submitted"], local["code"], local["message"]) == (
        "placeorder", False, "20015", "marketCode is invalid")
    assert local["data"]["marketCode"] == "NOPE"


def test_connect_when_local_replies_queued_then_served_in_send_order(pf):
    exchange = Exchange(answer=False)
    bad = [frame(i, dict(BAD, marketCode=f"NOPE-{i}")) for i in range(5)]

    async def main():
        async with exchange.running() as url:
            async with connect(url, preflight=pf) as ws:
                for message in bad:
                    await ws.send(message)
                return [json.loads(await ws.recv(decode=False)) for _ in bad]

    replies = run(main())
    assert exchange.received == []
    assert [r["data"]["marketCode"] for r in replies] == [f"NOPE-{i}" for i in range(5)]


def test_connect_when_batch_has_two_bad_items_then_whole_batch_held_and_every_item_answered(pf):
    exchange = Exchange(answer=False)
    batch = json.dumps({"op": "placeorders", "tag": 9,
                        "dataArray": [MARKET, BAD, MARKET, dict(MARKET, side="BOO")]})

    async def main():
        async with exchange.running() as url:
            async with connect(url, preflight=pf) as ws:
                await ws.send(batch)
                await ws.send(BYE)  # the server closes: nothing else will come
                return [message async for message in ws]

    replies = [json.loads(m) for m in run(main())]
    assert exchange.received == [BYE]
    assert [(r["event"], r["tag"], r["code"]) for r in replies] == [
        ("placeorder", "9", "W201"), ("placeorder", "9", "20015"),
        ("placeorder", "9", "W201"), ("placeorder", "9", "20016")]


def test_connect_when_server_closes_then_unread_messages_first_then_connection_closed(pf):
    exchange = Exchange()

    async def main():
        ws = await connect(url_box[0], preflight=pf)
        try:
            await ws.send(frame(1))
            await ws.send(frame(2, BAD))
            await ws.send(BYE)
            got = [await ws.recv(), await ws.recv()]
            with pytest.raises(ConnectionClosedOK):
                await ws.recv()
            with pytest.raises(ConnectionClosed):  # a rejected frame on a closed connection
                await ws.send(frame(3, BAD))
            return got
        finally:
            await ws.close()

    url_box: list = []

    async def with_server():
        async with exchange.running() as url:
            url_box.append(url)
            return await main()

    got = run(with_server())
    assert {tag_of(m) for m in got} == {"1", "2"}
    assert exchange.received == [frame(1), BYE]


def test_connect_with_session_then_submit_decides_and_every_received_message_observed(pf):
    exchange = Exchange()
    session = FakeSession(pf, refuse=lambda f: '"tag": 2' in f)

    async def main():
        async with exchange.running() as url:
            async with connect(url, session=session) as ws:
                assert ws.preflight is not None
                for tag in (1, 2, 3):
                    await ws.send(frame(tag))
                return [await ws.recv() for _ in range(3)]

    replies = run(main())
    assert exchange.received == [frame(1), frame(3)]
    assert session.submitted == [frame(1), frame(2), frame(3)]
    assert sorted(tag_of(r) for r in session.observed) == ["1", "3"]
    assert set(session.observed) <= set(replies)
    assert json.loads(next(r for r in replies if r not in session.observed))["code"] == "05001"


def test_connect_with_real_session_then_order_before_login_answered_locally(pf):
    session_module = pytest.importorskip("oxpreflight.session")
    exchange = Exchange()
    session = pf.session()
    assert isinstance(session, session_module.Session)
    login = json.dumps({"op": "login", "tag": 10, "data": {
        "apiKey": "k3y", "timestamp": time.time_ns() // 1_000_000, "signature": "c2ln"}})

    async def main():
        async with exchange.running() as url:
            async with connect(url, preflight=pf, session=session) as ws:
                await ws.send(frame(1))  # not logged in yet
                early = json.loads(await ws.recv())
                await ws.send(login)
                assert tag_of(await ws.recv()) == "10"  # observed by the session on arrival
                await ws.send(frame(2))
                return early, json.loads(await ws.recv())

    early, later = run(main())
    assert (early["tag"], early["code"], early["submitted"]) == ("1", "05001", False)
    assert later == {"event": "placeorder", "submitted": True, "tag": "2"}
    assert exchange.received == [login, frame(2)]
    assert session.logged_in


def test_connect_when_reader_is_full_then_it_waits_and_nothing_is_lost(pf):
    exchange = Exchange()
    count = INBOX_HIGH * 3

    async def main():
        async with exchange.running() as url:
            async with connect(url, preflight=pf) as ws:
                for tag in range(count):  # nobody reads meanwhile
                    await ws.send(frame(tag))
                await asyncio.sleep(0.05)
                assert ws._unread <= INBOX_HIGH
                return [tag_of(await ws.recv()) for _ in range(count)]

    assert run(main()) == [str(tag) for tag in range(count)]


def test_close_when_replies_unread_then_they_stay_readable_then_connection_closed(pf):
    exchange = Exchange()

    async def main():
        async with exchange.running() as url:
            ws = await connect(url, preflight=pf)
            for tag in (1, 2):
                await ws.send(frame(tag))
            await ws.send(frame(3, BAD))
            for _ in range(200):  # bounded wait for both replies to be taken off the socket
                if len(ws._inbox) == 3:
                    break
                await asyncio.sleep(0.01)
            await ws.close()
            got = [tag_of(await ws.recv()) for _ in range(3)]
            with pytest.raises(ConnectionClosedOK):
                await ws.recv()
            return got

    assert sorted(run(main())) == ["1", "2", "3"]


def test_connect_when_message_not_text_then_type_error_and_nothing_sent(pf):
    exchange = Exchange()

    async def main():
        async with exchange.running() as url:
            async with connect(url, preflight=pf) as ws:
                with pytest.raises(TypeError, match="str or bytes"):
                    await ws.send({"op": "placeorder"})
                with pytest.raises(NotImplementedError):
                    ws.recv_streaming()

    run(main())
    assert exchange.received == []


def test_connect_when_10000_mixed_frames_then_nothing_lost_or_reordered(pf):
    exchange = Exchange()
    count = 10_000
    # every third frame is rejected locally, with its tag in the reply
    messages = [frame(i, BAD if i % 3 == 0 else MARKET) for i in range(count)]

    async def main():
        async with exchange.running() as url:
            async with connect(url, preflight=pf) as ws:
                async def consume():
                    return [await ws.recv() for _ in range(count)]

                consumer = asyncio.create_task(consume())
                for message in messages:
                    await ws.send(message)
                return await consumer

    replies = run(main(), seconds=30)
    sent = [m for i, m in enumerate(messages) if i % 3]
    assert exchange.received == sent  # every accepted frame, in order, byte for byte
    tags = [int(tag_of(r)) for r in replies]
    assert sorted(tags) == list(range(count))  # nothing lost, nothing twice
    local = [t for t, r in zip(tags, replies) if '"submitted":false' in r]
    remote = [t for t, r in zip(tags, replies) if '"submitted": true' in r]
    assert local == list(range(0, count, 3))
    assert remote == [i for i in range(count) if i % 3]
    # causality: a reply to a frame sent after a local rejection never comes before it
    latest_remote = -1
    for tag, reply in zip(tags, replies):
        if '"submitted": true' in reply:
            latest_remote = tag
        else:
            assert latest_remote < tag


# -- reconnect idiom, raise mode, bounded local replies, sending ----------------------------------
LOGIN_REPLY = json.dumps({"event": "login", "success": True, "tag": "1", "data": {}})


def test_async_for_connect_reconnects_and_each_connection_starts_logged_out(pf):
    exchange = Exchange()
    session = pf.session()

    async def main():
        seen = []
        async with exchange.running() as url:
            async for ws in connect(url, session=session):
                assert isinstance(ws, GuardedConnection)
                assert not session.logged_in  # reset for every new connection
                seen.append(ws)
                session.observe(LOGIN_REPLY)
                await ws.send(frame(len(seen)))
                assert tag_of(await ws.recv()) == str(len(seen))
                if len(seen) == 3:
                    break
                await ws.send(BYE)  # the server closes this connection...
                with pytest.raises(ConnectionClosed):
                    while True:
                        await ws.recv()
                continue  # ...and the loop opens the next one
        return seen

    seen = run(main())
    assert len({id(ws) for ws in seen}) == 3
    assert exchange.received == [frame(1), BYE, frame(2), BYE, frame(3)]
    assert all(ws.state is not ws.state.OPEN for ws in seen[:2])


def test_connect_on_reject_raise_then_subclass_raised_nothing_sent_nothing_queued(pf, caplog):
    exchange = Exchange()
    caplog.set_level("WARNING", logger="oxpreflight")

    async def main():
        async with exchange.running() as url:
            async with connect(url, preflight=pf, on_reject="raise") as ws:
                with pytest.raises(BadSymbol) as info:
                    await ws.send(frame(2, BAD))
                assert ws._inbox == deque() or all(not local for _, local in ws._inbox)
                await ws.send(frame(3))
                return info.value, await ws.recv()

    exc, reply = run(main())
    assert exchange.received == [frame(3)] and tag_of(reply) == "3"
    assert exc.code == "20015" and exc.response["tag"] == "2"
    assert [(r.code, r.op, r.tag) for r in caplog.records if r.name == "oxpreflight"] == [
        ("20015", "placeorder", "2")]


def test_connect_on_reject_must_be_reply_or_raise(pf):
    with pytest.raises(ValueError, match="reply"):
        connect("ws://127.0.0.1:9", preflight=pf, on_reject="ignore")


def test_connect_when_local_replies_unread_past_bound_then_send_waits_nothing_dropped(pf):
    exchange = Exchange(answer=False)
    bad = [frame(i, BAD) for i in range(LOCAL_HIGH + 2)]

    async def main():
        async with exchange.running() as url:
            async with connect(url, preflight=pf) as ws:
                async def sender():
                    for message in bad:
                        await ws.send(message)

                task = asyncio.create_task(sender())
                for _ in range(5):
                    await asyncio.sleep(0)
                assert not task.done() and ws._local == LOCAL_HIGH  # waits; memory bounded
                first = await ws.recv()
                for _ in range(5):
                    await asyncio.sleep(0)
                assert not task.done() and ws._local == LOCAL_HIGH  # one out, one in
                rest = [await ws.recv() for _ in range(len(bad) - 1)]
                await task
                return [first] + rest

    replies = run(main())
    assert [int(tag_of(r)) for r in replies] == list(range(len(bad)))
    assert exchange.received == []


class SendingSession(FakeSession):
    """FakeSession with the agreed ``sending`` context manager, recording undo."""

    def __init__(self, pf: Preflight):
        super().__init__(pf)
        self.undone: list = []

    @contextlib.contextmanager
    def sending(self, frame):
        verdict = self.submit(frame)
        try:
            yield verdict
        except BaseException as exc:
            self.undone.append((frame, exc))
            raise


def test_connect_send_on_closed_connection_is_undone_through_sending(pf):
    exchange = Exchange()
    session = SendingSession(pf)

    async def main():
        async with exchange.running() as url:
            async with connect(url, session=session) as ws:
                await ws.send(BYE)
                with pytest.raises(ConnectionClosed):
                    while True:
                        await ws.recv()
                with pytest.raises(ConnectionClosed) as info:
                    await ws.send(frame(1))
                return info.value

    exc = run(main())
    assert session.undone == [(frame(1), exc)]
    assert exchange.received == [BYE]


def test_connect_with_real_session_when_send_fails_then_session_unchanged(pf):
    exchange = Exchange()
    session = pf.session(rate_limit=1)
    order = json.dumps({"op": "placeorder", "tag": 5, "data": dict(MARKET, clientOrderId=77)})
    cancel = json.dumps({"op": "cancelorder", "tag": 6, "data": {
        "marketCode": "BTC-USD-SWAP-LIN", "clientOrderId": 77}})

    async def main():
        async with exchange.running() as url:
            async with connect(url, session=session) as ws:
                session.observe(LOGIN_REPLY)
                await ws.send(BYE)
                with pytest.raises(ConnectionClosed):
                    while True:
                        await ws.recv()
                with pytest.raises(ConnectionClosed):
                    await ws.send(order)

    run(main())
    assert session.submit(cancel).code == "100005"  # the order never went out
    assert session.submit(order).ok  # and took no rate slot


@pytest.mark.parametrize("how", ["async with", "await"])
def test_hand_written_reconnect_starts_logged_out_so_the_new_login_is_sent(pf, how):
    exchange = Exchange()
    session = pf.session()
    login = json.dumps({"op": "login", "tag": 7, "data": {
        "apiKey": "k", "timestamp": int(time.time() * 1000), "signature": "c2ln"}})

    async def once(url: str) -> None:
        if how == "async with":
            async with connect(url, session=session) as ws:
                await ws.send(login)
                session.observe(await ws.recv())
        else:
            ws = await connect(url, session=session)
            try:
                await ws.send(login)
                session.observe(await ws.recv())
            finally:
                await ws.close()

    async def main():
        async with exchange.running() as url:
            await once(url)
            assert session.logged_in
            await once(url)  # the old login belongs to the closed connection

    run(main())
    assert exchange.received == [login, login]
