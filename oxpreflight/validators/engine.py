"""The gate: decode, measure, dispatch to the compiled plan, build the verdict.

``check`` is pure: it reads the frame, the compiled plans and the market table, and changes
nothing. Order of checks (the first failure is the verdict): the frame rows of
``rules/frame.py`` (length, text encoding, JSON, nesting, op), then the command's plan (tag,
payload, fields, market, time).
"""
from __future__ import annotations

from functools import partial
from typing import Any, Callable, Optional, TypeVar

import orjson
from orjson import JSONDecodeError

from ..rules import RULES
from ..rules.catalogue import KNOWN
from ..rules.frame import MAX_DEPTH
from ..rules.language import Envelope, Rule, StateRule
from ..rules.limits import Limits
from ..rules.local import message_of
from . import exact
from .clock import checked_clock, system_clock
from .decoder import (
    NOT_JSON, NOT_UTF8, TOO_DEEP, Refusal, decode_exact, depth_bound, depth_over, has_float,
    lossy, text_of,
)
from .internal import internal_error
from .assembly import assemble
from .lazy import notices, oversize_reply, reply
from .markets import MarketRecord, index_markets, load_markets
from .readable import readable_op
from .sizing import ENVELOPE_ROOM, MIN_ITEM, TAG_ROOM, UNBOUNDED, fits, measure, size_bound
from .verdict import ACCEPTED, Verdict

_X = exact.exact_from_float
_SHALLOW = 2 * MAX_DEPTH  # a text this short cannot nest deeper than MAX_DEPTH
_ROWS = {r.fails.name: r for r in RULES if isinstance(r.fails, Envelope)}




_E = TypeVar("_E", bound="Engine")


def _no_clock() -> None:
    return None


class Engine:
    """Checks outgoing websocket frames the way the exchange would (the public class is
    :class:`oxpreflight.Preflight`, which adds ``session()`` and ``guard()``).

    ``markets``: ``None`` for the embedded catalogue, a path to a ``/v3/markets`` JSON file, or
    the parsed data. ``clock``: epoch-ms callable (read once here: a reading that is not
    plausible epoch milliseconds is a ``ValueError``), ``None`` turns time-dependent rules off.
    ``max_message_length``: the exchange's frame limit in characters.
    """

    def __init__(self, markets: Any = None, clock: Optional[Callable[[], int]] = system_clock,
                 max_message_length: int = 4000, *, rules: Any = (), policy: Any = None,
                 limits: Any = None) -> None:
        self.clock = clock
        self.max_message_length = max_message_length
        self.markets: dict[str, MarketRecord] = index_markets(load_markets(markets))
        # The embedded catalogue lists a few markets only: open-world. A given one is complete.
        found = assemble(markets is None, rules, policy, limits)
        self._given = {"markets": markets, "rules": rules, "policy": policy, "limits": limits}
        self._limits, self._policy, self.plans = found.limits, found.policy, found.plans
        #: The names of the ``rules=`` modules, and their rows in module order.
        self.rule_modules: tuple[str, ...] = found.modules
        self.user_rules: tuple[Rule, ...] = found.user_rules
        #: The session's rows: the exchange's, then the limits' (when ``limits`` is given).
        self.state_rules: tuple[StateRule, ...] = found.state_rules
        #: session row name -> "warn" | "ignore", as the policy relaxes it
        self.state_actions: dict[str, str] = found.state_actions
        self._too_long, self._unknown_op = _ROWS["too_long"], _ROWS["unknown_op"]
        self._single = {op: plan.run for op, plan in self.plans.items() if not plan.batch}
        self._refused = {NOT_JSON: _ROWS["not_json"], NOT_UTF8: _ROWS["not_utf8"],
                         TOO_DEEP: _ROWS["too_deep"]}
        self._batch_rows = {name: _ROWS[name] for name in
                            ("batch_timestamp_type", "batch_recv_window_type", "batch_expired")}

    @property
    def limits(self) -> Optional[Limits]:
        """The pre-trade limits in force (``None``: off)."""
        return self._limits

    @property
    def max_message_length(self) -> int:
        """The exchange's frame limit in characters (20027 past it)."""
        return self._limit

    @max_message_length.setter
    def max_message_length(self, limit: int) -> None:
        if limit.__class__ is not int or limit <= 0:
            raise ValueError("max_message_length must be a positive integer")
        self._limit = limit
        # a plan's size bound within this proves the frame fits (see sizing)
        self._room = limit - ENVELOPE_ROOM - TAG_ROOM

    @property
    def clock(self) -> Optional[Callable[[], int]]:
        """The epoch-ms clock time-dependent rules read (``None``: those rules are off)."""
        return self._clock

    @clock.setter
    def clock(self, clock: Optional[Callable[[], int]]) -> None:
        self._clock = checked_clock(clock)
        self._read = self._clock if self._clock is not None else _no_clock

    @classmethod
    def from_exchange(cls: type[_E], url: Optional[str] = None, timeout: float = 10.0,
                      **options: Any) -> _E:
        """A checker on the exchange's current catalogue, fetched from ``url`` (default: the
        public ``GET /v3/markets``); ``options`` as for the constructor. Complete (closed-world);
        a failed fetch is a ``MarketError`` with a one-line message."""
        from .pull import DEFAULT_MARKETS_URL, fetch_markets

        return cls(fetch_markets(url or DEFAULT_MARKETS_URL, timeout), **options)

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(markets={len(self.markets)}, "
                f"max_message_length={self.max_message_length})")

    # -- public --------------------------------------------------------------------------------
    def check(self, frame: Any) -> Verdict:
        """The verdict for one frame: a dict, or the JSON text (str or bytes) about to be sent."""
        try:
            if frame.__class__ is dict:  # the hot path: a single command, accepted clean
                op = frame.get("op")
                run = self._single.get(op) if op.__class__ is str else None
                if run is not None:
                    S = [0, 0]
                    result = run(frame, self.markets, _X, self._read, S)
                    if S[0] <= self._room and len(frame) <= 2 + ("tag" in frame):
                        if result is None:
                            return ACCEPTED
                        if result.__class__ is list:  # warnings: notices built when read
                            return Verdict(True, None, None, None, None, (), [notices, result])
                    return self._finish(frame, result, S, False, None)
                return self._object(frame, self.markets, True, False, None)
            if frame.__class__ is str or frame.__class__ is bytes:
                return self._text(frame, self.markets, True)[0]
            return self._judge(frame, self.markets, True)[0]
        except Exception as exc:
            return internal_error(exc)

    def judge(self, frame: Any, markets: Optional[dict[str, MarketRecord]] = None
              ) -> tuple[Verdict, Optional[dict[str, Any]]]:
        """The verdict and the JSON object the frame carries (``None`` when it is not one), from
        one decode, against ``markets`` (default: this checker's table; a session passes its live
        one). Text numbers come back exact where a float could have lost digits."""
        try:
            if markets is None:
                markets = self.markets
            if frame.__class__ is str or frame.__class__ is bytes:  # the hot path, as check()
                return self._text(frame, markets, True)
            return self._judge(frame, markets, True)
        except Exception as exc:
            return internal_error(exc), None

    def _general(self, frame: Any) -> Verdict:
        """:meth:`check` through the general plans only (no fast path): the differential
        tests' reference."""
        try:
            return self._judge(frame, self.markets, False)[0]
        except Exception as exc:
            return internal_error(exc)

    # -- internals -----------------------------------------------------------------------------
    def _now(self) -> Optional[int]:
        return self._read()

    def _judge(self, frame: Any, markets: dict[str, MarketRecord], fast: bool
               ) -> tuple[Verdict, Optional[dict[str, Any]]]:
        cls = frame.__class__
        if cls is dict or (cls is not str and isinstance(frame, dict)):
            return self._object(frame, markets, fast, False, None), frame
        if cls is str or cls is bytes or isinstance(frame, (str, bytes, bytearray, memoryview)):
            return self._text(text_of(frame), markets, fast)
        return self._reject(self._refused[NOT_JSON], None, None, None, None, None), None

    def _text(self, text: Any, markets: dict[str, MarketRecord], fast: bool
              ) -> tuple[Verdict, Optional[dict[str, Any]]]:
        limit = self._limit
        if len(text) > limit:
            try:
                chars = len(text) if text.__class__ is str else len(text.decode("utf-8"))
            except UnicodeDecodeError:
                chars = len(text)
            if chars > limit:
                return self._oversize(text), None
        try:  # decoder.decode, inline: this is the hot path of text
            obj = orjson.loads(text)
        except JSONDecodeError:
            if text == "ping" or text == b"ping":
                return ACCEPTED, None  # the keep-alive
            obj = decode_exact(text)
        else:
            if len(text) > _SHALLOW and depth_bound(text) > MAX_DEPTH and depth_over(obj):
                obj = TOO_DEEP
        if obj.__class__ is not dict:
            row = self._refused[obj if isinstance(obj, Refusal) else NOT_JSON]
            # the command's failure shape when its op is read before the frame breaks
            return self._reject(row, None, None, None, readable_op(text), None), None
        op = obj.get("op")
        run = self._single.get(op) if fast and op.__class__ is str else None
        if run is not None:  # the hot path, as in check()
            S = [0, 0]
            result = run(obj, markets, _X, self._read, S)
            # A number read as a float (S[1]) may have lost digits; so may any float a verdict
            # other than a clean accept reports (an integer beyond 64 bits reads as one).
            if (S[1] or result is not None and has_float(obj)) and lossy(obj, text):
                obj = decode_exact(text)  # refuses nothing orjson accepted
                S = [0, 0]
                result = run(obj, markets, _X, self._read, S)
            if result is None:
                return ACCEPTED, obj
            if result.__class__ is list:
                return Verdict(True, None, None, None, None, (), [notices, result]), obj
            return self._finish(obj, result, S, True, text), obj
        if has_float(obj) and lossy(obj, text):
            obj = decode_exact(text)
        return self._object(obj, markets, fast, True, text), obj

    def _object(self, frame: dict[str, Any], markets: dict[str, MarketRecord], fast: bool,
                measured: bool, text: Any) -> Verdict:
        op = frame.get("op")
        plan = self.plans.get(op) if op.__class__ is str else None
        if plan is None:
            if not measured and (verdict := self._measure(frame)) is not None:
                return verdict
            return self._reject(self._unknown_op, op, op, None, op, frame.get("tag"))
        if plan.batch:
            return self._batch(plan, frame, markets, fast, measured, text)
        S = [0, 0]
        result = (plan.run if fast else plan.general)(frame, markets, _X, self._read, S)
        return self._finish(frame, result, S, measured, text)

    def _finish(self, frame: dict[str, Any], result: Any, S: list[int], measured: bool,
                text: Any) -> Verdict:
        """A single command's verdict from its plan's result (measuring the frame when its
        size bound does not prove it fits, or a rule failed)."""
        if not measured:
            bounded = S[0] <= self._room and len(frame) <= 2 + ("tag" in frame)
            if result.__class__ is tuple:  # a rejection is proven only where its path says so
                bounded = bounded and len(S) == 3 and S[0] + size_bound(result[1]) <= self._room
            if not bounded and not fits(frame, self._limit):
                verdict = self._measure(frame)
                if verdict is not None:
                    return verdict
        if result is None:
            return ACCEPTED
        if result.__class__ is list:  # the notices are built when first read
            return Verdict(True, None, None, None, None, (), [notices, result])
        rule, value, fill = result
        return self._reject(rule, value, fill, frame.get("data"), frame.get("op"),
                            frame.get("tag"), text=text)

    def _measure(self, frame: dict[str, Any]) -> Optional[Verdict]:
        """A frame row's verdict when the frame's encoding decides it, else ``None``."""
        length = measure(frame, self.max_message_length)
        if isinstance(length, Refusal):
            # a frame the exchange cannot parse: no tag; the op when it is read before the
            # break, as for the same text
            return self._reject(self._refused[length], None, None, None, readable_op(frame),
                                None)
        if length > self.max_message_length:
            return self._oversize(frame)
        return None

    def _batch(self, plan: Any, frame: dict[str, Any], markets: dict[str, MarketRecord],
               fast: bool, measured: bool, text: Any) -> Verdict:
        op, tag = plan.op, frame.get("tag")
        if not measured:
            items = frame.get("dataArray")
            if items.__class__ is list and len(items) * MIN_ITEM > self.max_message_length:
                # each item takes at least `{}` and a comma: too long, proven without reading
                return self._oversize(frame)
        S = [0, 0]
        result = (plan.run if fast else plan.general)(frame, markets, _X, self._read, S)
        clean = result.__class__ is list and result.count(None) == len(result)
        if not measured:
            # Every item accepted: each value was sized (an unsized one nests too deep to
            # bound), so only the length is left to measure, not the nesting.
            sized = (clean or not (result.__class__ is tuple or tuple in map(type, result))) \
                and len(frame) <= 2 + ("tag" in frame)
            if not (sized and S[0] <= self._room) and \
                    not fits(frame, self._limit, shallow=sized and S[0] < UNBOUNDED):
                verdict = self._measure(frame)
                if verdict is not None:
                    return verdict
        if result.__class__ is tuple:  # frame-level: dataArray missing, not a list, empty
            rule, value, fill = result
            return self._reject(rule, value, fill, None, op, tag)
        if "timestamp" in frame or "recvWindow" in frame:  # the batch's own, frame-level
            found = self._batch_time(frame)
            if found is not None:
                rule, value, fill = found
                return self._reject(rule, value, fill, None, op, tag)
        if clean:
            return Verdict(True, items=(ACCEPTED,) * len(result))
        data = frame["dataArray"]
        now = self._now()
        items = []
        for index, item in enumerate(result):
            if item is None:
                items.append(ACCEPTED)
            elif item.__class__ is list:
                items.append(Verdict(True, warnings=notices(item), index=index))
            else:
                rule, value, fill = item
                items.append(self._reject(rule, value, fill, data[index], op, tag, now,
                                          index=index, text=text))
        done = tuple(items)
        first = next((v for v in done if not v.ok), None)
        warnings = tuple(w for v in done for w in v.warnings)
        if first is None:
            return Verdict(True, items=done, warnings=warnings)
        return Verdict(False, first.code, first.message, first.field, first.value, done,
                       warnings, None, first.index, partial(getattr, first, "response"),
                       first.rule)

    def _batch_time(self, frame: dict[str, Any]) -> Optional[tuple[Rule, Any, Any]]:
        """The first batch-level row the frame fails (``(rule, value, fill)``), else ``None``:
        a timestamp or recvWindow that is not an integer, then the batch's deadline."""
        ts, window = frame.get("timestamp"), frame.get("recvWindow")
        stamp, span = exact.integer(ts), exact.integer(window)
        if stamp is exact.BAD:
            return (self._batch_rows["batch_timestamp_type"], ts, None)
        if span is exact.BAD:
            return (self._batch_rows["batch_recv_window_type"], window, None)
        now = self._now()
        span = 1000 if span is None else span
        if stamp is not None and now is not None and now > stamp + span:
            return (self._batch_rows["batch_expired"], ts, span)
        return None

    def _reject(self, rule: Rule, value: Any, fill: Any, data: Any, op: Any, tag: Any,
                now: Optional[int] = None, index: Optional[int] = None, text: Any = None
                ) -> Verdict:
        """A rejected verdict: the catalogue's message (filled only when the rule has a fill),
        the reply built on first use (``replies.rejection``) from a snapshot taken now."""
        message = message_of(rule.code, fill, rule.message)
        if text is not None and data.__class__ is dict:
            source: Any = (text, data)  # echo the order as written, re-read when asked
        else:
            source = dict(data) if data.__class__ is dict else data  # a snapshot taken now
        built = (reply, (self._stamp if now is None else now, rule, op, tag, fill, value, index,
                          source, text is not None and data.__class__ is dict))
        return Verdict(False, rule.code, message, rule.field, value, (), (), None, index, built,
                       rule.name)

    def _oversize(self, frame: Any) -> Verdict:
        """20027: its reply reads op and tag from the frame (dict or text) only when asked for,
        so a frame gets one reply shape whichever form it was held in."""
        rule = self._too_long
        entry = KNOWN[rule.code]
        op, tag = (frame.get("op"), frame.get("tag")) if isinstance(frame, dict) else (None, None)
        return Verdict(False, entry.code, entry.message, rule.field, None, (), (), None, None,
                       (oversize_reply, (self._stamp, rule, frame, op, tag)), rule.name)

    def _stamp(self) -> int:
        return self._clock() if self._clock is not None else system_clock()


__all__ = ["Engine", "system_clock"]
