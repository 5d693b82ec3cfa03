"""Fuzz: the adapter and the guard under cancellation at random points (``asyncio.wait_for``
with random deadlines, and tasks cancelled after a random number of loop turns) over a slow
loopback server. Whatever was cancelled where, the session holds a record of exactly the frames
the server received: each of their clientOrderIds is known (a cancel passes), every other one
is unknown (100005), and the rate window counts exactly them. Bounded by count and time."""
from __future__ import annotations

import asyncio
import contextlib
import json
import random
import socket
from typing import Any, AsyncIterator, Callable

import pytest

websockets = pytest.importorskip("websockets", minversion="13")
from websockets.asyncio.client import connect as ws_connect  # noqa: E402
from websockets.asyncio.server import serve  # noqa: E402

from oxpreflight import Preflight, Rejected  # noqa: E402
from oxpreflight.guard import SendWatch  # noqa: E402
from oxpreflight.rules.examples import NOW  # noqa: E402
from oxpreflight.session import Session  # noqa: E402
from oxpreflight.websocket import connect  # noqa: E402

LOGIN_OK = {"event": "login", "success": True, "tag": "1", "timestamp": str(NOW)}
MARKET = {"marketCode": "BTC-USD-SWAP-LIN", "side": "BUY", "orderType": "MARKET",
          "quantity": 0.001}
SENDS = 300           # per run
RATE = 10_000         # above SENDS: the clock is frozen, so every recorded order stays counted
SENTINEL = 9_999      # sent last, in full: once it arrives, everything before it has
FILLER = json.dumps({"op": "placeorder", "data": {"clientOrderId": 0, "note": "f" * 3800}})
LIMIT = 4096          # the client's write limit: past it, websockets' send waits in drain


def order(client_id: int, pad: int = 0, side: str = "BUY") -> str:
    data = dict(MARKET, clientOrderId=client_id, side=side)
    if pad:
        data["note"] = "x" * pad  # undocumented: W001, accepted
    return json.dumps({"op": "placeorder", "tag": client_id, "data": data})


def cancel(client_id: int) -> dict:
    return {"op": "cancelorder", "tag": "c",
            "data": {"marketCode": "BTC-USD-SWAP-LIN", "clientOrderId": client_id}}


class SlowServer:
    """Reads in bursts (25 messages, then a 50 ms pause), slower than the client writes: once
    the pipe is full (see :func:`fill`) sends wait in drain for the server to read."""

    def __init__(self) -> None:
        self.received: list = []
        self.read = 0

    async def handler(self, connection: Any) -> None:
        async for message in connection:
            self.read += 1
            client_id = json.loads(message)["data"]["clientOrderId"]
            if client_id:  # 0: filler
                self.received.append(client_id)
            if self.read % 25 == 0:
                await asyncio.sleep(0.05)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[str]:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        listener.bind(("127.0.0.1", 0))
        async with serve(self.handler, sock=listener, max_queue=1, compression=None) as server:
            yield "ws://127.0.0.1:%d" % server.sockets[0].getsockname()[1]

    async def until(self, client_id: int) -> None:
        for _ in range(3000):  # at most ~30 s
            if client_id in self.received:
                return
            await asyncio.sleep(0.01)


async def fill(connection: Any) -> None:
    """Fill the pipe with filler frames (unchecked, unrecorded) until one send has to wait in
    drain (with a small send buffer the kernel's loopback buffers take ~2 MB first)."""
    connection.transport.get_extra_info("socket").setsockopt(
        socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    for _ in range(3000):
        watch = SendWatch(connection)
        await watch.run(connection.send(FILLER))
        if watch.yielded:
            return
    raise AssertionError("the pipe never filled")


async def hammer(send: Callable[[str], Any], rng: random.Random) -> tuple[list, list, set]:
    """Send SENDS frames, each cut off at a random point: ``(ids of frames the session
    accepts, ids of frames it rejects, ids whose send was cut off)``."""
    good, bad, cut = [], [], set()
    for client_id in range(1, SENDS + 1):
        rejected = rng.random() < 0.1
        frame = order(client_id, rng.randrange(2000, 3800), "buy" if rejected else "BUY")
        (bad if rejected else good).append(client_id)
        how = rng.random()
        try:
            if how < 0.5:  # a deadline: none, or a few milliseconds
                await asyncio.wait_for(send(frame), rng.choice([0, 0.0005, 0.002, 0.01]))
            else:  # a task cancelled after 0 to 3 turns of the loop
                task = asyncio.ensure_future(send(frame))
                for _ in range(rng.randrange(4)):
                    await asyncio.sleep(0)
                task.cancel()
                await task
        except (TimeoutError, asyncio.CancelledError):
            cut.add(client_id)
        except Rejected:
            pass
    return good, bad, cut


def assert_records_match(s: Session, received: list, good: list, bad: list, cut: set) -> None:
    assert received[-1] == SENTINEL and len(set(received)) == len(received)
    arrived = set(received) - {SENTINEL}
    cut = cut - set(bad)
    assert cut & arrived and cut - arrived  # cut off after the write, and before it
    assert not arrived & set(bad)  # a rejected frame never leaves
    known = {i for i in good if s.submit(cancel(i)).ok}
    assert known == arrived  # recorded exactly when the server got it
    room = RATE - len(received)
    accepted = sum(s.submit(order(20_000 + i)).ok for i in range(room + 1))
    assert accepted == room  # and the rate window counts exactly them


def session() -> Session:
    s = Preflight(clock=lambda: NOW).session(rate_limit=RATE)
    s.observe(LOGIN_OK)
    return s


def run(coro: Any) -> Any:
    async def bounded() -> Any:
        async with asyncio.timeout(90):
            return await coro
    return asyncio.run(bounded())


@pytest.mark.parametrize("seed", [1, 2])
def test_fuzz_adapter_send_cancelled_at_random_points_then_session_matches_the_server(seed):
    server, s, rng = SlowServer(), session(), random.Random(seed)

    async def main() -> tuple:
        async with server.running() as url:
            async with connect(url, session=s, on_reject="raise", write_limit=LIMIT,
                               compression=None) as ws:
                s.observe(LOGIN_OK)
                await fill(ws.connection)
                found = await hammer(ws.send, rng)
                await ws.send(order(SENTINEL))
                await server.until(SENTINEL)
                return found

    assert_records_match(s, server.received, *run(main()))


@pytest.mark.parametrize("seed", [3])
def test_fuzz_guard_of_websockets_send_cancelled_at_random_points_then_session_matches(seed):
    server, s, rng = SlowServer(), session(), random.Random(seed)

    async def main() -> tuple:
        async with server.running() as url:
            async with ws_connect(url, write_limit=LIMIT,
                               compression=None) as connection:
                await fill(connection)
                send = s.preflight.guard(connection.send, session=s)
                found = await hammer(send, rng)
                await send(order(SENTINEL))
                await server.until(SENTINEL)
                return found

    assert_records_match(s, server.received, *run(main()))
