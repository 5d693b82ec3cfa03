"""Replies matched to the frame that asked for them (``GuardedConnection.request``).

The exchange echoes a command's ``tag`` (as a string) in its reply's ``tag`` and names the
command in ``event`` (a batch's items answer with the single command's name, one reply each;
a subscription answers once per channel). A request waits for that many replies with its
event and tag. Two requests with the same event and tag (ccxt sends seconds as tags) are
served in the order they were sent: the first reply goes to the earliest request.
"""
from __future__ import annotations

import asyncio
from collections import deque
from typing import Any, Optional

import orjson

from .rules.language import BATCH_OF, SUBSCRIPTION_COMMANDS

Reply = dict[str, Any]


def expected(frame: dict[str, Any]) -> tuple[str, str, int]:
    """``(event, tag, number of replies)`` for a frame; ``ValueError`` when it cannot be
    matched (no ``op``, or no ``tag``: the exchange's reply would carry nothing to match)."""
    op, tag = frame.get("op"), frame.get("tag")
    if not isinstance(op, str):
        raise ValueError("request needs a frame with an op")
    if tag is None or tag.__class__ not in (int, str):
        raise ValueError("request needs a frame with a tag (int or str): the reply is matched "
                         "by its tag")
    many = frame.get("dataArray") if op in BATCH_OF else (
        frame.get("args") if op in SUBSCRIPTION_COMMANDS else None)
    count = len(many) if isinstance(many, list) and many else 1
    return BATCH_OF.get(op, op), str(tag), count


class Waiter:
    """One request's replies, by item: local ones placed at their index, the exchange's in
    arrival order into the slots left."""

    __slots__ = ("key", "slots", "future")

    def __init__(self, key: tuple[str, str], count: int) -> None:
        self.key = key
        self.slots: list[Optional[Reply]] = [None] * count
        self.future: asyncio.Future[list[Reply]] = asyncio.get_running_loop().create_future()

    def place(self, index: int, reply: Reply) -> None:
        if 0 <= index < len(self.slots) and self.slots[index] is None:
            self.slots[index] = reply
        self._settle()

    def take(self, reply: Reply) -> None:
        self.slots[self.slots.index(None)] = reply
        self._settle()

    def _settle(self) -> None:
        if None not in self.slots and not self.future.done():
            self.future.set_result([slot for slot in self.slots if slot is not None])


class Waiters:
    """The open requests of one connection, by (event, tag), oldest first."""

    def __init__(self) -> None:
        self._open: dict[tuple[str, str], deque[Waiter]] = {}

    def __bool__(self) -> bool:
        return bool(self._open)

    def add(self, key: tuple[str, str], count: int) -> Waiter:
        waiter = Waiter(key, count)
        self._open.setdefault(key, deque()).append(waiter)
        return waiter

    def remove(self, waiter: Waiter) -> None:
        queue = self._open.get(waiter.key)
        if queue is not None and waiter in queue:
            queue.remove(waiter)
            if not queue:
                del self._open[waiter.key]

    def offer(self, message: Any) -> bool:
        """Give a received message to the oldest request it answers; ``True`` if one took it."""
        try:
            reply = orjson.loads(message)
        except (orjson.JSONDecodeError, TypeError):
            return False
        if not isinstance(reply, dict) or "table" in reply:
            return False
        event, tag = reply.get("event"), reply.get("tag")
        if not isinstance(event, str) or tag is None:
            return False
        for waiter in self._open.get((event, str(tag)), ()):
            if not waiter.future.done() and None in waiter.slots:
                waiter.take(reply)
                return True
        return False

    def fail(self, exc: BaseException) -> None:
        """The connection ended: every open request raises ``exc``."""
        for queue in self._open.values():
            for waiter in queue:
                if not waiter.future.done():
                    waiter.future.set_exception(exc)
