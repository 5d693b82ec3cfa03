"""Shared helpers for the exchange double's tests: a fixed clock, credentials, and a small
plain-``websockets`` client (every wait bounded)."""
from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
from typing import Any

import pytest
import websockets

from oxpreflight.rules.examples import MARKETS, NOW
from oxpreflight.testing import Exchange

KEY, SECRET = "test-key", "test-secret"
WAIT = 10.0  # seconds any single receive may take before the test fails (a hang, not speed)


def signature(timestamp: int = NOW, secret: str = SECRET) -> str:
    payload = f"{timestamp}GET/auth/self/verify".encode()
    return base64.b64encode(hmac.new(secret.encode(), payload, hashlib.sha256).digest()).decode()


def login_frame(key: str = KEY, timestamp: int = NOW, secret: str = SECRET, tag: Any = 1):
    return {"op": "login", "tag": tag,
            "data": {"apiKey": key, "timestamp": timestamp, "signature": signature(timestamp, secret)}}


def limit(price: Any = "68000", side: str = "BUY", quantity: Any = "0.001", **extra: Any):
    order = {"marketCode": "BTC-USD-SWAP-LIN", "side": side, "orderType": "LIMIT",
             "quantity": quantity, "price": price}
    order.update(extra)
    return order


def place(order: dict, tag: Any = 1) -> dict:
    return {"op": "placeorder", "tag": tag, "data": order}


def untimed(message: Any) -> Any:
    """A reply without its top-level timestamp (the one field allowed to differ)."""
    if isinstance(message, dict):
        return {k: v for k, v in message.items() if k != "timestamp"}
    return message


class Client:
    """A plain websockets client: JSON out, JSON in, every wait bounded by WAIT."""

    def __init__(self, ws: Any):
        self.ws = ws

    async def send(self, frame: Any) -> None:
        await self.ws.send(frame if isinstance(frame, (str, bytes)) else json.dumps(frame))

    async def recv(self) -> Any:
        text = await asyncio.wait_for(self.ws.recv(), WAIT)
        return text if text == "pong" else json.loads(text)

    async def ask(self, frame: Any, replies: int = 1) -> list[Any]:
        await self.send(frame)
        return [await self.recv() for _ in range(replies)]

    async def until_pong(self) -> list[Any]:
        """Everything the exchange sent before answering a ping (an ordering barrier)."""
        await self.send("ping")
        out = []
        while (message := await self.recv()) != "pong":
            out.append(message)
        return out

    async def login(self) -> Any:
        return (await self.ask(login_frame()))[0]


def connect(url: str) -> Any:
    return websockets.connect(url, open_timeout=WAIT, close_timeout=WAIT)


def run(coroutine: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coroutine, 60))


@pytest.fixture
def ex():
    """An exchange on the example catalogue, a fixed clock and credentials."""
    with Exchange(MARKETS, api_key=KEY, api_secret=SECRET, clock=lambda: NOW) as exchange:
        yield exchange


@pytest.fixture
def wire():
    """The helpers above, for the test modules (import mode importlib: no sibling imports)."""
    from types import SimpleNamespace

    return SimpleNamespace(KEY=KEY, SECRET=SECRET, signature=signature, login_frame=login_frame,
                           limit=limit, place=place, untimed=untimed, Client=Client,
                           connect=connect, run=run)
