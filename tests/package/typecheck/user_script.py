"""A user's order pipeline: what a strict type checker must accept with no error."""
from __future__ import annotations

import asyncio
import json
from typing import Any, Optional

import oxpreflight
from oxpreflight import (
    AuthenticationError, BadRequest, BadSymbol, InsufficientFunds, InvalidOrder, Notice,
    OrderNotFound, Preflight, RateLimitExceeded, Rejected, Session, Verdict,
)
from oxpreflight.guard import failure_replies
from oxpreflight.websocket import GuardedConnection, connect

pf = Preflight()
verdict: Verdict = pf.check({"op": "placeorder", "tag": 1, "data": {
    "marketCode": "BTC-USD-SWAP-LIN", "side": "BUY", "orderType": "LIMIT", "quantity": 1}})
ok: bool = verdict.ok
code: Optional[str] = verdict.code
message: Optional[str] = verdict.message
field: Optional[str] = verdict.field
reply: Optional[dict[str, Any]] = verdict.response
warnings: tuple[Notice, ...] = verdict.warnings
items: tuple[Verdict, ...] = verdict.items
replies: list[dict[str, Any]] = failure_replies(verdict)

reveal_type(pf.session(api_key="k3y"))
session: Session = pf.session(api_key="k3y", rate_limit=50)
session.observe('{"event":"login","success":true}')
submitted: Verdict = session.submit(json.dumps({"op": "subscribe", "args": ["order:all"]}))

sent: list[str] = []


def send(frame: str) -> int:
    sent.append(frame)
    return len(sent)


guarded = pf.guard(send)
count: int = guarded("ping")
handled = pf.guard(send, on_reject=lambda failure: str(failure.get("code")))
outcome: int | str | list[str] = handled("ping")
with_state = pf.guard(send, session=session)


def place(frame: str) -> Optional[int]:
    try:
        return with_state(frame)
    except RateLimitExceeded as exc:
        assert exc.retryable
        return None
    except (BadSymbol, BadRequest, AuthenticationError) as exc:
        failed: Optional[str] = exc.field
        return None
    except (OrderNotFound, InvalidOrder, InsufficientFunds) as exc:
        answer: Optional[dict[str, Any]] = exc.response
        return None
    except Rejected as exc:
        shown: Optional[str] = exc.code
        again: bool = exc.retryable
        raise


async def async_send(frame: str) -> None:
    await asyncio.sleep(0)


async def pipeline(url: str) -> None:
    guarded_async = pf.guard(async_send)
    await guarded_async("ping")
    async with connect(url, preflight=pf, session=session) as ws:
        checked: Optional[Verdict] = await ws.send("ping")
        incoming: str | bytes = await ws.recv()
    async for conn in connect(url, session=session, on_reject="raise"):
        typed: GuardedConnection = conn
        await conn.send("ping")
        async for message in conn:
            text: str | bytes = message
        break
    direct: GuardedConnection = await connect(url)
    await direct.close()


version: str = oxpreflight.__version__
