"""A small quoting bot: keeps one BUY order resting ``offset`` below the market price, quotes
again after each fill, survives a dropped connection, and cancels its order when stopped.

Run it against the exchange double (``oxpreflight serve`` prints the URL)::

    python examples/bot.py ws://127.0.0.1:PORT/v2/websocket

Its test, ``tests/exchange/test_example_bot.py``, runs it against the ``ox_exchange`` fixture.
"""
from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import sys
import time
from decimal import Decimal
from typing import Any, Optional

import websockets

from oxpreflight import Preflight
from oxpreflight.websocket import connect


class QuoteBot:
    """One resting BUY order on ``market``, ``offset`` below the last market price."""

    def __init__(self, url: str, api_key: str = "key", api_secret: str = "secret", *,
                 market: str = "BTC-USD-SWAP-LIN", quantity: str = "0.001",
                 offset: str = "100", tick: str = "1"):
        self.url, self.market, self.quantity = url, market, quantity
        self.offset, self.tick = Decimal(offset), Decimal(tick)
        self._key, self._secret = api_key, api_secret
        self.session = Preflight().session(api_key=api_key, api_secret=api_secret)
        self.price: Optional[Decimal] = None
        self.open_order: Optional[str] = None
        self.quoting = False          # a placeorder is on its way
        self.fills: list[dict[str, Any]] = []
        self.rejections: list[dict[str, Any]] = []
        self.reconnects = 0
        self.logins = 0

    def _login(self) -> str:
        now = str(int(time.time() * 1000))
        digest = hmac.new(self._secret.encode(), (now + "GET/auth/self/verify").encode(),
                          hashlib.sha256).digest()
        return json.dumps({"op": "login", "tag": "login", "data": {
            "apiKey": self._key, "timestamp": now, "signature": base64.b64encode(digest).decode()}})

    async def run(self, stop: asyncio.Event) -> None:
        """Quote until ``stop`` is set, reconnecting whenever the connection drops."""
        connections = connect(self.url, session=self.session, open_timeout=10).__aiter__()
        async with contextlib.aclosing(connections):
            async for ws in connections:
                try:
                    await self._trade(ws, stop)
                    return
                except websockets.ConnectionClosed:
                    self.reconnects += 1
                    self.quoting = False

    async def _trade(self, ws: Any, stop: asyncio.Event) -> None:
        await ws.send(self._login())
        await ws.send(json.dumps({"op": "subscribe", "tag": "subs",
                                  "args": [f"order:{self.market}", f"market:{self.market}"]}))
        stopping = asyncio.ensure_future(stop.wait())
        try:
            while True:
                receiving = asyncio.ensure_future(ws.recv())
                # a stop is handled once logged in on this connection (to cancel the order)
                waiting = {receiving, stopping} if self.session.logged_in else {receiving}
                await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
                if receiving.done():  # a message that came with the stop is handled first
                    await self._on(ws, json.loads(receiving.result()))
                if stopping.done() and self.session.logged_in:
                    receiving.cancel()  # websockets' recv is safe to cancel
                    await self._cancel(ws)
                    return
        finally:
            stopping.cancel()

    async def _on(self, ws: Any, message: dict[str, Any]) -> None:
        if message.get("event") == "login" and message.get("success"):
            self.logins += 1
        elif message.get("table") == "market":
            self.price = Decimal(message["data"][0]["marketPrice"])
        elif message.get("table") == "order":
            row = message["data"][0]
            if row["notice"] == "OrderOpened":
                self.open_order = row["orderId"]
            elif row["notice"] == "OrderMatched" and row["status"] == "FILLED":
                self.fills.append(row)
                self.open_order = None
            elif row["notice"] == "OrderClosed":
                self.open_order = None
        elif message.get("event") == "placeorder":
            self.quoting = False
            if message.get("submitted"):
                self.open_order = message["data"]["orderId"]
            else:
                self.rejections.append(message)
        if self.price is not None and self.open_order is None and not self.quoting:
            await self._quote(ws)

    async def _quote(self, ws: Any) -> None:
        price = (self.price - self.offset) // self.tick * self.tick
        self.quoting = True
        await ws.send(json.dumps({"op": "placeorder", "tag": "quote", "data": {
            "marketCode": self.market, "side": "BUY", "orderType": "LIMIT",
            "quantity": self.quantity, "price": str(price), "timeInForce": "MAKER_ONLY"}}))

    async def _cancel(self, ws: Any) -> None:
        while self.quoting:  # a quote in flight: its reply names the order to cancel
            message = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if message.get("event") == "placeorder":
                self.quoting = False
                if message.get("submitted"):
                    self.open_order = message["data"]["orderId"]
        if self.open_order is not None:
            await ws.send(json.dumps({"op": "cancelorder", "tag": "bye", "data": {
                "marketCode": self.market, "orderId": int(self.open_order)}}))
            while json.loads(await asyncio.wait_for(ws.recv(), 10)).get("event") != "cancelorder":
                pass
            self.open_order = None


if __name__ == "__main__":  # pragma: no cover - a manual run
    bot = QuoteBot(sys.argv[1])
    try:
        asyncio.run(bot.run(asyncio.Event()))
    except KeyboardInterrupt:
        pass
