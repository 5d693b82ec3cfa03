"""A send cancelled after its frame was written keeps its record (the frame reaches the server);
one cancelled or failing before the write is taken back. Against a real ``websockets`` server
on 127.0.0.1 that stops reading, so the client's transport fills and ``send`` waits in drain."""
from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from typing import Any, AsyncIterator, Callable, Optional

import pytest

websockets = pytest.importorskip("websockets", minversion="13")
from websockets.asyncio.client import connect as ws_connect  # noqa: E402
from websockets.asyncio.server import serve  # noqa: E402

from oxpreflight import Preflight  # noqa: E402
from oxpreflight.guard import SendWatch  # noqa: E402
from oxpreflight.rules.examples import NOW  # noqa: E402
from oxpreflight.session import Session  # noqa: E402
from oxpreflight.websocket import connect  # noqa: E402

LOGIN_OK = {"event": "login", "success": True, "tag": "1", "timestamp": str(NOW)}
MARKET = {"marketCode": "BTC-USD-SWAP-LIN", "side": "BUY", "orderType": "MARKET",
          "quantity": 0.001}
MOST_SENDS = 3000     # the transport fills long before this (buffers are shrunk below)
RATE = 5_000          # above any count here; the clock is frozen, so every order stays counted
PAD = "x" * 3000      # an undocumented field (W001, accepted): ~3 KB per frame fills buffers fast


def order(client_id: int, pad: str = PAD) -> str:
    return json.dumps({"op": "placeorder", "tag": client_id,
                       "data": dict(MARKET, clientOrderId=client_id, note=pad)})


def cancel(client_id: int) -> dict:
    return {"op": "cancelorder", "tag": "c",
            "data": {"marketCode": "BTC-USD-SWAP-LIN", "clientOrderId": client_id}}


def session(rate_limit: int = RATE) -> Session:
    s = Preflight(clock=lambda: NOW).session(rate_limit=rate_limit)
    s.observe(LOGIN_OK)
    return s


def run(coro: Any, seconds: float = 60.0) -> Any:
    async def bounded() -> Any:
        async with asyncio.timeout(seconds):
            return await coro
    return asyncio.run(bounded())


class SlowServer:
    """A websockets server that reads nothing until ``release`` is set, then records all."""

    def __init__(self) -> None:
        self.received: list = []
        self.release = asyncio.Event()

    async def handler(self, connection: Any) -> None:
        await self.release.wait()
        async for message in connection:
            self.received.append(message)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[str]:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # inherited on accept
        listener.bind(("127.0.0.1", 0))
        async with serve(self.handler, sock=listener, max_queue=1) as server:
            port = server.sockets[0].getsockname()[1]
            yield f"ws://127.0.0.1:{port}"

    async def until_received(self, count: int) -> None:
        for _ in range(2000):  # at most ~20 s
            if len(self.received) >= count:
                return
            await asyncio.sleep(0.01)


def shrink(connection: Any) -> None:
    connection.transport.get_extra_info("socket").setsockopt(
        socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)


async def fill_until_a_send_times_out(send: Callable[[str], Any]) -> Optional[int]:
    """Send orders 1, 2, ... until one waits in drain past its deadline; its clientOrderId."""
    for client_id in range(1, MOST_SENDS):
        try:
            refused = await asyncio.wait_for(send(order(client_id)), 0.3)
        except TimeoutError:
            return client_id
        assert refused is None, refused  # accepted and sent
    return None


def assert_session_counts_what_the_server_got(s: Session, received: list, last: int) -> None:
    ids = [json.loads(m)["data"]["clientOrderId"] for m in received]
    assert ids == list(range(1, last + 1))  # the cancelled send's frame arrived
    assert s.submit(cancel(last)).ok  # so the session still knows the order (was 100005)
    assert s.submit(cancel(last + 1)).code == "100005"  # never sent: unknown
    room = RATE - len(received)  # every order that left holds its rate slot
    accepted = sum(s.submit(order(10_000 + i, pad="")).ok for i in range(room + 1))
    assert accepted == room


def test_adapter_send_cancelled_in_drain_keeps_the_record_as_the_server_gets_the_frame():
    server, s = SlowServer(), session()

    async def main() -> Optional[int]:
        async with server.running() as url:
            async with connect(url, session=s) as ws:
                s.observe(LOGIN_OK)  # the new connection's login reply
                shrink(ws.connection)
                last = await fill_until_a_send_times_out(ws.send)
                server.release.set()
                if last is not None:
                    await server.until_received(last)
                return last

    last = run(main())
    assert last is not None, "the transport never filled"
    assert_session_counts_what_the_server_got(s, server.received, last)


def test_guard_of_websockets_send_cancelled_in_drain_keeps_the_record():
    server, s = SlowServer(), session()

    async def main() -> Optional[int]:
        async with server.running() as url:
            async with ws_connect(url) as connection:
                shrink(connection)
                send = s.preflight.guard(connection.send, session=s)
                last = await fill_until_a_send_times_out(send)
                server.release.set()
                if last is not None:
                    await server.until_received(last)
                return last

    last = run(main())
    assert last is not None, "the transport never filled"
    assert_session_counts_what_the_server_got(s, server.received, last)


def test_adapter_send_cancelled_before_its_write_is_taken_back():
    """Queued behind a fragmented message, websockets has not written the frame: undone."""
    server, s = SlowServer(), session(rate_limit=1)

    async def fragments() -> AsyncIterator[str]:
        yield '{"op":'
        await asyncio.sleep(3600)  # cancelled below
        yield '"ping"}'  # pragma: no cover

    async def main() -> None:
        async with server.running() as url:
            async with connect(url, session=s) as ws:
                s.observe(LOGIN_OK)
                slow = asyncio.ensure_future(ws.connection.send(fragments()))
                await asyncio.sleep(0.05)
                with pytest.raises(TimeoutError):
                    await asyncio.wait_for(ws.send(order(1, pad="")), 0.1)
                slow.cancel()
                with contextlib.suppress(BaseException):
                    await slow
                server.release.set()

    run(main())
    assert s.submit(cancel(1)).code == "100005"
    assert s.submit(order(2, pad="")).ok  # its rate slot is free again


# -- without a transport to ask: an interruption may come after the write, an error did not -------
def test_sending_when_the_block_is_cancelled_then_the_record_is_kept():
    s = session(rate_limit=1)

    async def main() -> None:
        with s.sending(order(7, pad="")) as verdict:
            assert verdict.ok
            await asyncio.sleep(3600)  # a send waiting to drain

    async def cancel_it() -> None:
        task = asyncio.ensure_future(main())
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(cancel_it())
    assert s.submit(cancel(7)).ok
    assert s.submit(order(8, pad="")).code == "20007"


def test_sending_with_sent_judge_then_it_decides_and_the_exception_is_unchanged():
    s = session(rate_limit=1)
    seen: list = []
    stop = asyncio.CancelledError()
    with pytest.raises(asyncio.CancelledError) as caught:
        with s.sending(order(7, pad=""), sent=lambda exc: seen.append(exc) or False):
            raise stop
    assert caught.value is stop and seen == [stop]
    assert s.submit(cancel(7)).code == "100005"  # the judge said it never left
    failure = ConnectionError("half written")
    with pytest.raises(ConnectionError):
        with s.sending(order(9, pad=""), sent=lambda exc: True):
            raise failure
    assert s.submit(cancel(9)).ok  # the judge said it may have left


def test_guard_with_async_send_cancelled_then_the_record_is_kept():
    s = session(rate_limit=1)

    async def send(frame: str) -> None:
        await asyncio.sleep(3600)

    async def main() -> None:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(s.preflight.guard(send, session=s)(order(7, pad="")), 0.05)

    asyncio.run(main())
    assert s.submit(cancel(7)).ok
    assert s.submit(order(8, pad="")).code == "20007"


def test_send_watch_when_the_send_never_yields_then_its_result_and_nothing_left():
    class Closed:
        state = None

    async def at_once() -> str:
        return "done"

    watch = SendWatch(Closed())
    assert asyncio.run(_await(watch.run(at_once()))) == "done"
    assert watch.yielded is False and watch.left(ConnectionError()) is False
    assert SendWatch.of(print) is None


async def _await(awaitable: Any) -> Any:
    return await awaitable
