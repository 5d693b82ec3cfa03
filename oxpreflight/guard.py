"""A send guard: check each frame just before ``send``; a rejected frame is never sent.

    >>> from oxpreflight import Preflight
    >>> sent = []
    >>> send = Preflight().guard(sent.append)
    >>> send('{"op":"placeorder","data":{"marketCode":"nope","side":"BUY",'
    ...      '"orderType":"MARKET","quantity":1}}')
    Traceback (most recent call last):
    ...
    oxpreflight.validators.verdict.Rejected: 20015 marketCode is invalid
    >>> sent
    []
"""
from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, Optional

from .validators.verdict import Rejected, Verdict

__all__ = ["guard", "failure_replies"]


def failure_replies(verdict: Verdict) -> list[dict]:
    """The replies the exchange would send for a rejected frame, in the order it would send them.

    One reply for a single command (or a batch rejected as a whole: no ``dataArray``, empty,
    too long); one per failing item for a batch, since the exchange answers batch items one
    reply each. Empty for an accepted verdict.
    """
    if verdict.ok:
        return []
    if verdict.items:
        return [item.response for item in verdict.items
                if not item.ok and item.response is not None]
    return [verdict.response] if verdict.response is not None else []


def _is_async(send: Callable) -> bool:
    if inspect.iscoroutinefunction(send):
        return True
    call = getattr(type(send), "__call__", None)  # an object with ``async def __call__``
    return call is not None and inspect.iscoroutinefunction(call)


def guard(pf: Any, send: Callable, *, on_reject: Optional[Callable[[dict], Any]] = None,
          session: Any = None) -> Callable:
    """Wrap ``send`` (sync or async) so that only frames the exchange would accept reach it.

    An accepted frame is passed to ``send`` unchanged (the same object) and ``send``'s result
    is returned. A rejected frame is not sent: by default :class:`oxpreflight.Rejected` is
    raised (``.verdict``, ``.code``, ``.message``, ``.response``); with ``on_reject`` the
    callback gets the exchange-shaped failure reply instead and its result is returned, a list
    of results (one per failing item) for a batch whose items were checked. ``session``: check
    with ``session.submit(frame)`` (state: login, rate, open orders) instead of ``pf.check``.

    ``send`` is async when it is a coroutine function (or has an ``async def __call__``); the
    wrapper is then a coroutine function too. A sync callable that returns awaitables is
    recognised from its first result: after that, rejections also come back as awaitables, so
    ``await guarded(frame)`` behaves the same for both outcomes.
    """
    if not callable(send):
        raise TypeError(f"send must be callable, not {type(send).__name__}")
    if on_reject is not None and not callable(on_reject):
        raise TypeError("on_reject must be callable (it receives the failure reply)")
    if session is not None:
        check = session.submit
    elif pf is not None:
        check = pf.check
    else:
        raise TypeError("guard needs a Preflight or a session")

    def refuse(verdict: Verdict) -> Any:
        if on_reject is None:
            raise Rejected(verdict)
        replies = failure_replies(verdict)
        if verdict.items:
            return [on_reject(reply) for reply in replies]
        return on_reject(replies[0] if replies else verdict.response)

    async def refuse_async(verdict: Verdict) -> Any:
        result = refuse(verdict)
        if verdict.items:
            return [await r if inspect.isawaitable(r) else r for r in result]
        return await result if inspect.isawaitable(result) else result

    if _is_async(send):
        @functools.wraps(send, updated=())
        async def guarded_async(frame: Any, *args: Any, **kwargs: Any) -> Any:
            verdict = check(frame)
            if verdict.ok:
                return await send(frame, *args, **kwargs)
            return await refuse_async(verdict)

        return guarded_async

    returns_awaitables = False

    @functools.wraps(send, updated=())
    def guarded(frame: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal returns_awaitables
        verdict = check(frame)
        if verdict.ok:
            result = send(frame, *args, **kwargs)
            if not returns_awaitables and inspect.isawaitable(result):
                returns_awaitables = True
            return result
        if not returns_awaitables:
            return refuse(verdict)
        return refuse_async(verdict)

    return guarded
