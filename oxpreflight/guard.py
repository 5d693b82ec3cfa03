"""A send guard: check each frame just before ``send``; a rejected frame is never sent.

    >>> from oxpreflight import Preflight
    >>> sent = []
    >>> send = Preflight().guard(sent.append)
    >>> send('{"op":"placeorder","data":{"marketCode":"nope","side":"BUY",'
    ...      '"orderType":"MARKET","quantity":1}}')
    Traceback (most recent call last):
    ...
    oxpreflight.errors.BadSymbol: 20015 marketCode is invalid
    >>> sent
    []

Every blocked frame is logged on the ``oxpreflight`` logger at WARNING (see :func:`log_blocked`).
"""
from __future__ import annotations

import contextlib
import functools
import inspect
import logging
import types
from typing import (
    TYPE_CHECKING, Any, Awaitable, Callable, ContextManager, Coroutine, Generator, Literal,
    Optional, ParamSpec, TypeVar, overload,
)

from .batches import held_replies, failing_replies, is_partial, valid_part
from .errors import error_for
from .validators.clock import system_clock
from .validators.verdict import Verdict

if TYPE_CHECKING:
    from .session import Session
    from .validators.engine import Engine  # what a Preflight is to the guard

__all__ = ["guard", "failure_replies", "log_blocked", "Batches", "SendWatch"]

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")
Reply = dict[str, Any]
#: What a send path does with a batch some of whose items fail: ``"hold"`` it whole (every item
#: answered locally), or send the ``"valid"`` items as a batch of their own.
Batches = Literal["hold", "valid"]

log = logging.getLogger("oxpreflight")
_SHOWN = 40  # characters of an op or tag shown in a log line (a 20034 tag may be 4000)


def failure_replies(verdict: Verdict, frame: Any = None, now: Optional[int] = None
                    ) -> list[Reply]:
    """The local replies for a rejected frame, in the order the exchange would send them.

    One reply for a single command (or a batch rejected as a whole: no ``dataArray``, empty,
    too long); for a batch whose items were checked, one per item, since the exchange answers
    batch items one reply each: a failing item's failure reply and, when ``frame`` is given,
    a ``W201`` "held back" reply for each passing item (without ``frame``, the failing items'
    only). ``now``: the replies' timestamp (default: the system clock). Empty when accepted.
    """
    if verdict.ok:
        return []
    if verdict.items:
        if frame is None or not is_partial(verdict):
            return failing_replies(verdict)
        return held_replies(verdict, frame, system_clock() if now is None else now)
    return [verdict.response] if verdict.response is not None else []


def _short(value: Any) -> Optional[str]:
    if value is None:
        return None
    text = str(value)
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "..."


def log_blocked(verdict: Verdict) -> None:
    """Log one blocked frame on the ``oxpreflight`` logger at WARNING: code, op, tag, field and
    rule in the message and as record attributes (``record.code``, ``.op``, ``.tag``,
    ``.field``, ``.rule``).
    The frame itself is never logged (it may carry a login's signature); op and tag are read
    from the failure reply, so a session's redaction applies, and cut to 40 characters."""
    if not log.isEnabledFor(logging.WARNING):
        return
    try:
        reply = verdict.response or {}
    except Exception:  # a reply that cannot be built must not stop the answer
        reply = {}
    op, tag = _short(reply.get("event")), _short(reply.get("tag"))
    where = "" if tag is None else f" (tag {tag})"
    what = "" if verdict.field is None else f" (field {verdict.field})"
    log.warning("blocked %s%s: %s %s%s [%s]", op, where, verdict.code, verdict.message, what,
                verdict.rule, extra={"code": verdict.code, "op": op, "tag": tag,
                                     "field": verdict.field, "rule": verdict.rule})


def _is_async(send: Callable[..., Any]) -> bool:
    if inspect.iscoroutinefunction(send):
        return True
    call = getattr(type(send), "__call__", None)  # an object with ``async def __call__``
    return call is not None and inspect.iscoroutinefunction(call)


class SendWatch:
    """Whether a ``websockets`` send got as far as writing its frame, for a send that raised.

    websockets (13 and later) writes a frame to the transport first and only then waits for
    the transport to drain. When the connection is open, its transport not closing and no
    fragmented message in progress, everything up to that write runs without yielding to the
    event loop. So a send that yielded has written its frame: whatever interrupts it then (a
    cancellation in the drain, the connection lost while draining) leaves the frame on its way
    to the exchange, and :meth:`left` is true. A send that could not write (not open, closing,
    queued behind a fragmented message) or failed before yielding never wrote: false.
    """

    __slots__ = ("ready", "yielded")

    def __init__(self, connection: Any) -> None:
        self.ready = _can_write(connection)
        self.yielded = False

    @classmethod
    def of(cls, send: Callable[..., Any]) -> Optional[Any]:
        """The websockets connection whose bound ``send`` this is, else ``None``."""
        owner = getattr(send, "__self__", None)
        if owner is not None and type(owner).__module__.startswith("websockets."):
            return owner
        return None

    def left(self, exc: BaseException) -> bool:
        """The frame may have left (for ``session.sending(frame, sent=...)``)."""
        return self.ready and self.yielded

    @types.coroutine
    def run(self, awaitable: Awaitable[T]) -> Generator[Any, Any, T]:
        """Await ``awaitable`` (the send), noting whether it ever yielded."""
        steps = awaitable.__await__()
        value: Any = None
        error: Optional[BaseException] = None
        while True:
            try:
                step = steps.send(value) if error is None else steps.throw(error)
            except StopIteration as stop:
                return stop.value  # type: ignore[no-any-return]
            self.yielded = True
            try:
                value, error = (yield step), None
            except BaseException as exc:  # a cancellation: thrown into the send
                value, error = None, exc


#: Where a websockets connection keeps the fragmented message that later sends wait behind.
_FRAGMENTS = ("send_in_progress",  # websockets >= 16
              "fragmented_send_waiter",  # 13 to 15
              "_fragmented_message_waiter")  # the legacy implementation


def _can_write(connection: Any) -> bool:
    try:
        return (connection.state.name == "OPEN"
                and not connection.transport.is_closing()
                and all(getattr(connection, name, None) is None for name in _FRAGMENTS))
    except Exception:  # not the connection it should be: it may have written
        return True


Admit = Callable[..., ContextManager[Verdict]]


def _takes_sent(sending: Callable[..., Any]) -> bool:
    try:
        parameters = inspect.signature(sending).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == "sent" or p.kind is p.VAR_KEYWORD for p in parameters)


def admission(pf: Optional["Engine"], session: Optional["Session"]) -> Admit:
    """``(frame, sent=None) -> context manager yielding the verdict``: ``session.sending`` (a
    send that raises inside it is undone unless ``sent(exc)`` says the frame may have left),
    else the plain check."""
    if session is not None:
        sending = getattr(session, "sending", None)
        if sending is not None:
            if _takes_sent(sending):
                return sending  # type: ignore[no-any-return]
            return lambda frame, sent=None: sending(frame)  # a session of the user's own
        submit = session.submit  # an object with ``submit`` only: nothing to undo
        return lambda frame, sent=None: contextlib.nullcontext(submit(frame))
    if pf is None:
        raise TypeError("guard needs a Preflight or a session")
    check = pf.check
    return lambda frame, sent=None: contextlib.nullcontext(check(frame))


@overload
def guard(pf: Optional["Engine"], send: Callable[P, Coroutine[Any, Any, R]], *,
          on_reject: Callable[[Reply], Awaitable[T]],
          session: Optional["Session"] = None, batches: Batches = "hold"
          ) -> Callable[P, Coroutine[Any, Any, R | T | list[T]]]:
    ...


@overload
def guard(pf: Optional["Engine"], send: Callable[P, Coroutine[Any, Any, R]], *,
          on_reject: Callable[[Reply], T],
          session: Optional["Session"] = None, batches: Batches = "hold"
          ) -> Callable[P, Coroutine[Any, Any, R | T | list[T]]]:
    ...


@overload
def guard(pf: Optional["Engine"], send: Callable[P, R], *, on_reject: Callable[[Reply], T],
          session: Optional["Session"] = None, batches: Batches = "hold"
          ) -> Callable[P, R | T | list[T]]:
    ...


@overload
def guard(pf: Optional["Engine"], send: Callable[P, R], *, on_reject: None = None,
          session: Optional["Session"] = None, batches: Batches = "hold") -> Callable[P, R]:
    ...


def guard(pf: Optional["Engine"], send: Callable[..., Any], *,
          on_reject: Optional[Callable[[Reply], Any]] = None,
          session: Optional["Session"] = None, batches: Batches = "hold") -> Callable[..., Any]:
    """Wrap ``send`` (sync or async) so that only frames the exchange would accept reach it.

    An accepted frame is passed to ``send`` unchanged (the same object) and ``send``'s result
    is returned. A rejected frame is not sent and is logged (:func:`log_blocked`): by default
    the :class:`~oxpreflight.Rejected` subclass its code's rule rows name is raised
    (``.code``, ``.message``, ``.field``, ``.response``, ``.retryable``, ``.verdict``); with
    ``on_reject`` the callback gets the exchange-shaped failure reply instead and its result
    is returned, a list of results (one per item, in item order: the failing items' failure
    replies, and a ``W201`` "held back" reply for each passing item) for a batch whose items
    were checked.

    ``batches="valid"``: a batch some of whose items fail is not held whole: its passing items
    are sent as a batch of their own (the same frame, same kind, with only those items in
    ``dataArray``, checked again), ``send``'s result is returned, and each failing item is
    refused: ``on_reject`` is called once per failing item, or (without ``on_reject``) the
    exception is raised after the send, its ``field`` naming the item (``dataArray[1].price``)
    and ``sent`` the indices that were sent.

    ``session``: check with the session (login, rate, open orders) through
    ``session.sending(frame)``, so a ``send`` that raises an error leaves the session as if
    the frame had never been sent, while a frame that may have left (a cancelled send; for a
    websockets connection's ``send``, one that had written its frame: :class:`SendWatch`)
    stays recorded; the exception reaches the caller unchanged.

    ``send`` is async when it is a coroutine function (or has an ``async def __call__``); the
    wrapper is then a coroutine function too. A sync callable that returns awaitables is
    recognised from its first result: after that, rejections also come back as awaitables, so
    ``await guarded(frame)`` behaves the same for both outcomes.
    """
    if not callable(send):
        raise TypeError(f"send must be callable, not {type(send).__name__}")
    if on_reject is not None and not callable(on_reject):
        raise TypeError("on_reject must be callable (it receives the failure reply)")
    if batches not in ("hold", "valid"):
        raise ValueError('batches must be "hold" or "valid"')
    admit = admission(pf, session)
    clock = getattr(pf, "clock", None) or system_clock

    def refuse(verdict: Verdict, frame: Any, sent: tuple[int, ...] = ()) -> Any:
        log_blocked(verdict)
        if on_reject is None:
            exc = error_for(verdict)
            exc.sent = sent
            raise exc
        if sent:
            return [on_reject(reply) for reply in failing_replies(verdict)]
        replies = failure_replies(verdict, frame, clock())
        if verdict.items:
            return [on_reject(reply) for reply in replies]
        first: Any = replies[0] if replies else verdict.response
        return on_reject(first)

    async def refuse_async(verdict: Verdict, frame: Any, sent: tuple[int, ...] = ()) -> Any:
        result = refuse(verdict, frame, sent)
        if verdict.items:
            return [await r if inspect.isawaitable(r) else r for r in result]
        return await result if inspect.isawaitable(result) else result

    def split(verdict: Verdict, frame: Any) -> Optional[tuple[Any, tuple[int, ...]]]:
        return valid_part(verdict, frame) if batches == "valid" else None

    if _is_async(send):
        connection = SendWatch.of(send) if session is not None else None

        @functools.wraps(send, updated=())
        async def guarded_async(frame: Any, *args: Any, **kwargs: Any) -> Any:
            watch = None if connection is None else SendWatch(connection)
            with admit(frame, sent=None if watch is None else watch.left) as verdict:
                if verdict.ok:
                    return await _watched(watch, send(frame, *args, **kwargs))
            part = split(verdict, frame)
            if part is not None:
                watch = None if connection is None else SendWatch(connection)
                with admit(part[0], sent=None if watch is None else watch.left) as again:
                    if again.ok:
                        result = await _watched(watch, send(part[0], *args, **kwargs))
                        await refuse_async(verdict, frame, part[1])
                        return result
            return await refuse_async(verdict, frame)

        return guarded_async

    returns_awaitables = False

    def attempt(frame: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
                ) -> tuple[Verdict, bool, Any]:
        nonlocal returns_awaitables
        with contextlib.ExitStack() as stack:
            verdict = stack.enter_context(admit(frame))
            if verdict.ok:
                result = send(frame, *args, **kwargs)
                if inspect.isawaitable(result):
                    returns_awaitables = True
                    if session is not None:  # keep the session's record open until awaited
                        return verdict, True, _settle(stack.pop_all(), result)
                return verdict, True, result
        return verdict, False, None

    @functools.wraps(send, updated=())
    def guarded(frame: Any, *args: Any, **kwargs: Any) -> Any:
        verdict, sent, result = attempt(frame, args, kwargs)
        if sent:
            return result
        part = split(verdict, frame)
        if part is not None:
            _, sent, result = attempt(part[0], args, kwargs)
            if sent:
                if returns_awaitables:
                    return _then(result, refuse_async(verdict, frame, part[1]))
                refuse(verdict, frame, part[1])
                return result
        if not returns_awaitables:
            return refuse(verdict, frame)
        return refuse_async(verdict, frame)

    return guarded


async def _then(result: Awaitable[T], after: Awaitable[Any]) -> T:
    value = await result
    await after
    return value


def _watched(watch: Optional[SendWatch], sending: Awaitable[T]) -> Awaitable[T]:
    """A websockets connection's send, watched for whether it wrote its frame."""
    return sending if watch is None else watch.run(sending)


async def _settle(stack: contextlib.ExitStack, result: Awaitable[T]) -> T:
    with stack:
        return await result
