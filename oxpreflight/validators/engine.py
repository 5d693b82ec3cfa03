"""The gate: decode, measure, dispatch to the compiled plan, build the verdict.

``check`` is pure: it reads the frame, the compiled plans and the market table, and changes
nothing. Order of checks (the first failure is the verdict): frame length 20027, JSON 20009,
op 20003, then the command's plan (tag, payload, fields, market, time).
"""
from __future__ import annotations

import json
from functools import partial
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Callable, Optional

import orjson

from . import exact
from .clock import system_clock
from .compiler import ENVELOPE_ROOM, compile_plans
from ..rules.language import Rule
from .markets import MarketRecord, index_markets, load_markets, unlisted_market
from .replies import rejection
from .verdict import ACCEPTED, Notice, Verdict

if TYPE_CHECKING:
    from ..guard import guard as _guard
    from ..session import Session


def _orjson_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError


def encoded_length(frame: Any, limit: int) -> Optional[int]:
    """Characters of ``frame`` as compact JSON (``None`` when it cannot be encoded at all).

    orjson's encoding is the reference (no spaces, UTF-8 text, shortest floats); a value it
    cannot encode (an integer beyond 64 bits, a non-string key) goes through ``json``.
    """
    try:
        raw = orjson.dumps(frame, default=_orjson_default)
    except (TypeError, orjson.JSONEncodeError):
        try:
            text = json.dumps(frame, separators=(",", ":"), ensure_ascii=False,
                              default=_orjson_default)
        except (TypeError, ValueError, RecursionError):
            return None
        return len(text)
    return len(raw) if len(raw) <= limit else len(raw.decode("utf-8"))


def _decode(text: Any) -> Any:
    """JSON text to Python; ``exact.BAD`` when it is not JSON (NaN and Infinity included)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        pass
    try:  # integers beyond 64 bits, which orjson refuses and JSON allows
        return json.loads(text, parse_constant=_no_constant)
    except (ValueError, TypeError, RecursionError):
        return exact.BAD


def _no_constant(name: str) -> Any:
    raise ValueError(name)


def _exact_decode(text: Any) -> Any:
    return json.loads(text, parse_float=Decimal, parse_constant=_no_constant)


def _reply_from_text(text: Any, reply: partial, index: Optional[int]) -> dict:
    """A rejected text frame's reply, echoing the order as written (big integers and long
    decimals keep their digits); decoded again only when the reply is asked for."""
    op, tag, data, *rest = reply.args
    if data.__class__ is dict:
        frame = _exact_decode(text)
        data = frame.get("data") if index is None else frame["dataArray"][index]
    return reply.func(op, tag, data, *rest)


class Preflight:
    """Checks outgoing websocket frames the way the exchange would.

    ``markets``: ``None`` for the embedded catalogue, a path to a ``/v3/markets`` JSON file, or
    the parsed data. ``clock``: epoch-ms callable, ``None`` turns time-dependent rules off.
    ``max_message_length``: the exchange's frame limit in characters.
    """

    def __init__(self, markets: Any = None, clock: Optional[Callable[[], int]] = system_clock,
                 max_message_length: int = 4000):
        from ..rules import FIELDS, RULES

        if not isinstance(max_message_length, int) or max_message_length <= 0:
            raise ValueError("max_message_length must be a positive integer")
        if clock is not None and not callable(clock):
            raise TypeError("clock must be a callable returning epoch milliseconds, or None")
        self.clock = clock
        self.max_message_length = max_message_length
        self.markets: dict[str, MarketRecord] = index_markets(load_markets(markets))
        # The embedded catalogue lists a few markets only: open-world. A given one is complete.
        self.plans = compile_plans(RULES, FIELDS, unlisted_market if markets is None else None)
        self._too_long = next(r for r in RULES if r.code == "20027")
        self._not_json = next(r for r in RULES if r.code == "20009")
        self._unknown_op = next(r for r in RULES if r.code == "20003")

    @classmethod
    def from_exchange(cls, url: Optional[str] = None, timeout: float = 10.0,
                      **options: Any) -> "Preflight":
        """A Preflight on the exchange's current catalogue, fetched from ``url`` (default: the
        public ``GET /v3/markets``); ``options`` as for the constructor. Complete (closed-world);
        a failed fetch is a ``MarketError`` with a one-line message."""
        from .pull import DEFAULT_MARKETS_URL, fetch_markets

        return cls(fetch_markets(url or DEFAULT_MARKETS_URL, timeout), **options)

    def __repr__(self) -> str:
        return f"Preflight(markets={len(self.markets)}, max_message_length={self.max_message_length})"

    # -- public --------------------------------------------------------------------------------
    def check(self, frame: Any) -> Verdict:
        """The verdict for one frame: a dict, or the JSON text (str or bytes) about to be sent."""
        if frame.__class__ is dict:  # the hot path, one call shorter
            try:
                return self._check_object(frame, self.markets, exact.exact_from_float, False)
            except Exception as exc:
                return self._internal_error(exc)
        return self.check_with(frame, self.markets)

    def check_with(self, frame: Any, markets: dict[str, MarketRecord]) -> Verdict:
        """:meth:`check` against another market table (a session's live one)."""
        try:
            return self._check(frame, markets)
        except Exception as exc:
            return self._internal_error(exc)

    def session(self, **options: Any) -> "Session":
        """A :class:`oxpreflight.session.Session` on this Preflight (state: login, rate, orders)."""
        from ..session import Session

        return Session(self, **options)

    if TYPE_CHECKING:  # type checkers see the guard's own overloads, ``self`` as its ``pf``
        guard = _guard
    else:
        def guard(self, send: Callable, **options: Any) -> Callable:
            """Wrap a sync or async ``send``: rejected frames are never sent (see ``oxpreflight.guard``)."""
            from ..guard import guard

            return guard(self, send, **options)

    # -- internals -----------------------------------------------------------------------------
    def _now(self) -> Optional[int]:
        return self.clock() if self.clock is not None else None

    def _check(self, frame: Any, markets: dict) -> Verdict:
        cls = frame.__class__
        if cls is dict:
            return self._check_object(frame, markets, exact.exact_from_float, False)
        if cls is str or cls is bytes or cls is bytearray or cls is memoryview:
            return self._check_text(frame, markets)
        if isinstance(frame, dict):
            return self._check_object(frame, markets, exact.exact_from_float, False)
        if isinstance(frame, (str, bytes)):
            return self._check_text(frame if isinstance(frame, str) else bytes(frame), markets)
        return self._reject(self._not_json, None, frame, None, None, None, self._now())

    def _check_text(self, text: Any, markets: dict) -> Verdict:
        if text.__class__ is not str and text.__class__ is not bytes:
            text = bytes(text)
        limit = self.max_message_length
        if len(text) > limit:
            try:
                chars = len(text) if text.__class__ is str else len(text.decode("utf-8"))
            except UnicodeDecodeError:
                chars = len(text)
            if chars > limit:
                return self._reject(self._too_long, None, None, None, None, None, self._now())
        if text == "ping" or text == b"ping":
            return ACCEPTED  # the keep-alive
        obj = _decode(text)
        if obj.__class__ is not dict:
            return self._reject(self._not_json, None, None, None, None, None, self._now())
        try:
            verdict = self._check_object(obj, markets, exact.tie_from_text, True)
        except exact.Tie:  # a float tied with a bound: decide on the exact decimal text
            return self._check_object(_exact_decode(text), markets, exact.exact_from_float, True)
        value = verdict.value
        if value.__class__ is float and value.is_integer() and not -2**63 <= value < 2**64:
            # orjson decodes integers beyond 64 bits as floats; decide on the exact integers.
            return self._check_object(_exact_decode(text), markets, exact.exact_from_float, True)
        if not verdict.ok:
            for item in verdict.items or (verdict,):
                if item._reply is not None and item._reply.__class__ is partial:
                    item._reply = partial(_reply_from_text, text, item._reply, item.index)
        return verdict

    def _check_object(self, frame: dict, markets: dict, X: Callable, measured: bool) -> Verdict:
        now = self._now()
        op = frame.get("op")
        plan = self.plans.get(op) if op.__class__ is str else None
        if plan is None:
            if not measured and (verdict := self._measure(frame, now)) is not None:
                return verdict
            return self._reject(self._unknown_op, "op", op, None, op, frame.get("tag"), now)
        S = [0]
        result = plan.run(frame, markets, X, now, S)
        failed = result.__class__ is tuple or (plan.batch and any(
            r.__class__ is tuple for r in result))
        if not measured and (failed or S[0] + ENVELOPE_ROOM > self.max_message_length
                             or len(frame) > 2 + ("tag" in frame)):
            verdict = self._measure(frame, now)
            if verdict is not None:
                return verdict
        if plan.batch:
            return self._batch(plan, frame, result, now)
        if result is None:
            return ACCEPTED
        if result.__class__ is list:
            return Verdict(True, warnings=self._notices(result))
        rule, value, fill = result
        data = frame.get("data")
        return self._reject(rule, value, fill, data, op, frame.get("tag"), now)

    def _measure(self, frame: dict, now: Optional[int]) -> Optional[Verdict]:
        """20027 or 20009 when the frame's encoding decides it, else ``None``."""
        length = encoded_length(frame, self.max_message_length)
        if length is None:
            return self._reject(self._not_json, None, None, None, frame.get("op"),
                                frame.get("tag"), now)
        if length > self.max_message_length:
            return self._reject(self._too_long, None, length, None, frame.get("op"),
                                frame.get("tag"), now)
        return None

    def _batch(self, plan, frame: dict, result: Any, now: Optional[int]) -> Verdict:
        op, tag = plan.op, frame.get("tag")
        if result.__class__ is tuple:  # frame-level: dataArray missing, not a list, empty
            rule, value, fill = result
            return self._reject(rule, value, fill, None, op, tag, now)
        if result.count(None) == len(result):
            return Verdict(True, items=(ACCEPTED,) * len(result))
        data = frame["dataArray"]
        items = []
        for index, item in enumerate(result):
            if item is None:
                items.append(ACCEPTED)
            elif item.__class__ is list:
                items.append(Verdict(True, warnings=self._notices(item), index=index))
            else:
                rule, value, fill = item
                entry = data[index]
                items.append(self._reject(rule, value, fill, entry, op, tag, now, index=index))
        items = tuple(items)
        first = next((v for v in items if not v.ok), None)
        warnings = tuple(w for v in items for w in v.warnings)
        if first is None:
            return Verdict(True, items=items, warnings=warnings)
        return Verdict(False, first.code, first.message, first.field, first.value, items,
                       warnings, None, first.index, lambda: first.response)

    @staticmethod
    def _notices(found: list) -> tuple:
        out = []
        for rule, value, fill in found:
            text = rule.warning.format(value=value, fill=", ".join(fill) if fill else "")
            out.append(Notice(rule.code, rule.field, value, text))
        return tuple(out)

    def _reject(self, rule: Rule, value: Any, fill: Any, data: Any, op: Any, tag: Any,
                now: Optional[int], index: Optional[int] = None) -> Verdict:
        return rejection(rule.code, op=op, tag=tag, data=data,
                         now=now if now is not None else system_clock(), fill=fill,
                         field=rule.field, value=value, index=index)

    def _internal_error(self, exc: Exception) -> Verdict:
        """A bug here must still answer, never raise into a send path: 20002 plus W000."""
        note = Notice("W000", None, None, f"internal error ({type(exc).__name__}); please report it")
        return rejection("20002", op=None, tag=None, data=None, now=system_clock(),
                         warnings=(note,))


__all__ = ["Preflight", "system_clock", "encoded_length"]
