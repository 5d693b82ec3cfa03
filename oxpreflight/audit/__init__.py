"""Audit a capture: replay what a client sent and what the exchange answered through a session,
and report every reply that disagrees with the local verdict.

A capture is JSON Lines, one record per line: ``{"direction": "sent" | "received", "frame":
<the frame, as an object or its text>, "ts": <epoch ms, optional>}``.

From Python::

    from oxpreflight.audit import audit

    report = audit("capture.jsonl", markets="markets.json")
    for found in report.found:
        print(found.text())
    print(report.summary())

For captures too large to keep their disagreements in memory, feed lines to an
:class:`Auditor` and handle what :meth:`Auditor.feed` returns as it comes (the CLI does this).
"""
from __future__ import annotations

import os
from collections import deque
from typing import Any, Iterable, Optional, Union

import orjson

from ..docs import json_text
from ..rules.language import BATCH_OF, CANCEL_COMMANDS, COMMANDS, MODIFY_COMMANDS
from ..validators.clock import system_clock
from .report import KIND_TITLES, LINES_SHOWN, AuditReport, Disagreement, Expected

__all__ = ["KIND_TITLES", "LINES_SHOWN", "AuditReport", "Auditor", "Disagreement", "Expected",
           "ReplayClock", "audit"]

#: A rate limit no replay reaches: ``rate_limit=False`` switches the rate rule off this way.
_UNLIMITED = 2 ** 62


class ReplayClock:
    """The clock of a replay: each capture line's ``ts`` while that line is replayed, else the
    fixed ``now`` value, else the system clock."""

    def __init__(self, fixed: Optional[int] = None):
        self.fixed = fixed
        self.line_ts: Optional[int] = None

    def __call__(self) -> int:
        if self.line_ts is not None:
            return self.line_ts
        return self.fixed if self.fixed is not None else system_clock()


def _tag_text(tag: Any) -> Optional[str]:
    return str(tag) if tag.__class__ is int or tag.__class__ is str else None


def _client_id(item: Any) -> Optional[str]:
    if isinstance(item, dict):
        value = item.get("clientOrderId")
        if value is not None and value.__class__ is not bool:
            return str(value)
    return None


def _as_message(frame: Any) -> Any:
    """A capture's frame as a parsed object when possible (for matching), else ``None``."""
    if isinstance(frame, dict):
        return frame
    if isinstance(frame, str):
        try:
            return orjson.loads(frame)
        except orjson.JSONDecodeError:
            return None
    return None


def _is_blank(line: Any) -> bool:
    return isinstance(line, (str, bytes)) and not line.strip()


class _CheckOnly:
    """Stands in for a session when ``oxpreflight.session`` cannot be imported."""

    def __init__(self, preflight: Any):
        self.submit = preflight.check

    def observe(self, message: Any) -> None:
        return None


class Auditor:
    """Replays capture lines through a session and matches each reply to what was sent.

    ``preflight`` should use ``clock`` (a :class:`ReplayClock`, or ``None`` when the clock is
    off), so that each line is checked at its own ``ts``. ``logged_in``: the capture starts on
    a connection that already logged in; ``track_orders=False``: cancels and modifies are not
    checked against observed open orders; ``rate_limit=False``: the order rate is not checked.

    Matching: a reply goes to the oldest unanswered sent frame (or batch item) with the same
    event (batch items answer with the singular op: ``placeorders`` -> ``placeorder``) and the
    same tag (compared as text). Within a batch, a reply whose ``data.clientOrderId`` names an
    item goes to that item; otherwise items are answered in position order. A reply without
    event or tag matches on what it has; a frame that was not JSON (or had an unknown op)
    accepts any reply. Replies matching nothing, and sent frames never answered, are listed
    apart and are not disagreements (captures start and end mid-stream).
    """

    def __init__(self, preflight: Any, clock: Optional[ReplayClock] = None, *,
                 logged_in: bool = False, track_orders: bool = True, rate_limit: bool = True):
        options: dict = {}
        if not track_orders:
            options["track_orders"] = False
        if not rate_limit:
            options["rate_limit"] = _UNLIMITED
        self.clock = clock
        self.report = AuditReport()
        self.options = {"logged_in": logged_in, "track_orders": track_orders,
                        "rate_limit": rate_limit}
        self.pending: dict = {}          # (event, tag) -> deque of Expected, oldest first
        self.logins = 0                  # login frames sent
        self._local_ops: set = set()     # ops of the local-rejected disagreements
        self._local_untimed = False      # one of them was sent without "ts"
        try:
            self.session = preflight.session(**options)
        except ImportError:
            self.session = _CheckOnly(preflight)
            self.report.session_used = False
            return
        if logged_in:
            self.session.observe({"event": "login", "success": True})

    # -- lines ---------------------------------------------------------------------------------
    def feed(self, number: int, line: Any) -> list:
        """Replay capture line ``number`` (its text, or the record already parsed); the
        disagreements it reveals."""
        if isinstance(line, dict):
            record = line
        elif _is_blank(line):
            return []
        else:
            try:
                record = orjson.loads(line)
            except orjson.JSONDecodeError:
                return self._skip(number, "not JSON")
        if not isinstance(record, dict):
            return self._skip(number, "not a JSON object")
        direction, ts = record.get("direction"), record.get("ts")
        if direction not in ("sent", "received"):
            return self._skip(number, 'direction is not "sent" or "received"')
        if "frame" not in record:
            return self._skip(number, "no frame")
        if ts is not None and (ts.__class__ is not int or ts < 0):
            return self._skip(number, "ts is not epoch milliseconds")
        if self.clock is not None:
            self.clock.line_ts = ts
        frame = record["frame"]
        if not isinstance(frame, (dict, str)):
            frame = json_text(frame)
        if direction == "sent":
            self.report.untimed += ts is None
            self._sent(number, frame, ts is not None)
            return []
        self.report.received += 1
        return self._received(number, frame)

    def finish(self) -> AuditReport:
        """The report, with every still-unanswered frame listed and hints on likely causes."""
        left = [exp for queue in self.pending.values() for exp in queue]
        self.report.unanswered = sorted(left, key=lambda exp: exp.line)
        self.pending = {}
        self.report.hints = self._hints()
        return self.report

    def _skip(self, number: int, reason: str) -> list:
        self.report.skipped.append((number, reason))
        return []

    def _hints(self) -> list:
        if not self.report.session_used:
            return ["note: oxpreflight.session is not available; frames were checked alone, "
                    "without login, rate or open-order state"]
        local = self.report.groups.get("local-rejected", {})
        if not local:
            return []
        hints = []
        if not self.logins and not self.options["logged_in"]:
            hints.append("hint: the capture sends no login: if it starts on a connection that "
                         "already logged in, try --logged-in")
        if self.options["track_orders"] and \
                self._local_ops.intersection(CANCEL_COMMANDS + MODIFY_COMMANDS):
            hints.append("hint: cancels or modifies rejected locally: the capture may act on "
                         "orders placed before it began; try --no-track-orders")
        if self.options["rate_limit"] and self._local_untimed:
            hints.append("hint: lines without \"ts\" replay faster than they were sent; add "
                         "\"ts\" or try --no-rate-limit")
        return hints

    # -- sent ------------------------------------------------------------------------------------
    def _sent(self, number: int, frame: Any, timed: bool) -> None:
        self.report.sent += 1
        verdict = self.session.submit(frame)
        msg = _as_message(frame)
        if frame == "ping":
            return  # answered by "pong", which is no reply to compare
        if not isinstance(msg, dict):
            self._expect(Expected(number, None, None, None, None, None, verdict, timed))
            return
        op, tag = msg.get("op"), _tag_text(msg.get("tag"))
        op = op if isinstance(op, str) else None
        self.logins += op == "login"
        event = BATCH_OF.get(op, op) if op in COMMANDS else None  # unknown op: any reply
        entries = msg.get("dataArray") if op in BATCH_OF else None
        if isinstance(entries, list) and entries and verdict.items:
            for index, entry in enumerate(entries):
                local = verdict.items[index] if index < len(verdict.items) else verdict
                self._expect(Expected(number, op, event, tag, index, _client_id(entry), local,
                                      timed))
            return
        args = msg.get("args")
        replies = len(args) if op in ("subscribe", "unsubscribe") and verdict.ok \
            and isinstance(args, list) and args else 1
        data = msg.get("data")
        for _ in range(replies):
            self._expect(Expected(number, op, event, tag, None, _client_id(data), verdict,
                                  timed))

    def _expect(self, exp: Expected) -> None:
        self.pending.setdefault((exp.event, exp.tag), deque()).append(exp)

    # -- received --------------------------------------------------------------------------------
    def _received(self, number: int, frame: Any) -> list:
        self.session.observe(frame)
        msg = _as_message(frame)
        if not isinstance(msg, dict) or "table" in msg:
            return []  # pong, channel pushes: fed to the session, nothing to match
        if not ("submitted" in msg or "success" in msg or "code" in msg):
            return []
        event = msg.get("event")
        event = BATCH_OF.get(event, event) if isinstance(event, str) else None
        tag = _tag_text(msg.get("tag"))
        data = msg.get("data")
        exp = self._match(event, tag, _client_id(data) if isinstance(data, dict) else None)
        if exp is None:
            self.report.unmatched.append(number)
            return []
        self.report.matched += 1
        accepted = msg.get("submitted") is True or msg.get("success") is True
        code = None if msg.get("code") is None else str(msg.get("code"))
        message = msg.get("message") if isinstance(msg.get("message"), str) else None
        local = exp.verdict
        if accepted:
            if local.ok:
                return []
            found = Disagreement("local-rejected", exp, number, None, None)
            self._local_ops.add(exp.op)
            self._local_untimed = self._local_untimed or not exp.timed
        elif local.ok:
            found = Disagreement("exchange-rejected", exp, number, code, message)
        elif code is not None and code != local.code:
            found = Disagreement("codes-differ", exp, number, code, message)
        else:
            return []
        self.report.add(found)
        return [found]

    def _match(self, event: Optional[str], tag: Optional[str], client_id: Optional[str]
               ) -> Optional[Expected]:
        queue = self.pending.get((event, tag)) if event is not None else None
        if not queue:
            queue = self._oldest_compatible(event, tag)
            if queue is None:
                return None
        exp = queue[0]
        if client_id is not None and exp.client_id != client_id:
            exp = next((e for e in queue if e.client_id == client_id and e.line == exp.line),
                       exp)
        queue.remove(exp)
        if not queue:
            del self.pending[(exp.event, exp.tag)]
        return exp

    def _oldest_compatible(self, event: Optional[str], tag: Optional[str]) -> Optional[deque]:
        best = None
        for (want_event, want_tag), queue in self.pending.items():
            if event is not None and want_event is not None and want_event != event:
                continue
            if tag is not None and want_tag is not None and want_tag != tag:
                continue
            if tag is not None and want_tag is None and want_event is not None:
                continue  # a tagged reply answers a tagged frame (or one that was not JSON)
            if best is None or queue[0].line < best[0].line:
                best = queue
        return best


def _lines(capture: Any) -> Iterable[Any]:
    if isinstance(capture, (str, os.PathLike)):
        with open(capture, "rb") as handle:
            yield from handle
        return
    yield from capture


def audit(capture: Union[str, "os.PathLike[str]", Iterable[Any]], *, markets: Any = None,
          now: Optional[int] = None, clock: bool = True, logged_in: bool = False,
          track_orders: bool = True, rate_limit: bool = True) -> AuditReport:
    """Replay ``capture`` (a path, or an iterable of its lines as text or parsed records) and
    return the :class:`AuditReport`, every disagreement in ``report.found``.

    ``markets``: as for :class:`oxpreflight.Preflight`. The clock of each line is its ``ts``,
    else ``now`` (epoch ms), else the system clock; ``clock=False`` switches time-dependent
    rules off. ``logged_in``, ``track_orders``, ``rate_limit``: as for :class:`Auditor`.
    Raises ``OSError`` for an unreadable path and ``MarketError`` for a bad catalogue.
    """
    from ..preflight import Preflight

    replay = ReplayClock(now) if clock else None
    auditor = Auditor(Preflight(markets=markets, clock=replay), replay, logged_in=logged_in,
                      track_orders=track_orders, rate_limit=rate_limit)
    found = []
    for number, line in enumerate(_lines(capture), 1):
        found.extend(auditor.feed(number, line))
    report = auditor.finish()
    report.found = found
    return report
