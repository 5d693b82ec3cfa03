"""The submit pipeline: the core rules, then the session rows of the command in table order
(:data:`oxpreflight.rules.STATE_RULES`), each decided by its own predicate (the function of
:mod:`.rows` its ``test`` names). The first failing row is the verdict; an accepted frame is
recorded as sent, and the record can be taken back when the send fails. Everything works on
the session's :class:`~.state.State`.
"""
from __future__ import annotations

from functools import partial
from typing import Any, Optional, Sequence

from ..rules.channels import (
    PRIVATE_BEFORE_LOGIN, PRIVATE_BEFORE_LOGIN_RULE, PRIVATE_BEFORE_LOGIN_TEXT, PRIVATE_CHANNEL,
)
from ..rules.language import BATCH_OF, COMMANDS, ORDER_COMMANDS, StateRule
from ..rules.session import STATE_RULES
from ..validators.clock import monotonic_ms, system_clock
from ..validators.internal import internal_error
from ..validators.replies import rejection
from ..validators.verdict import ACCEPTED, Notice, Verdict
from .orders import order_key
from .limits import warn
from .rows import Predicate, predicate
from .state import Context, State
from .verdicts import FROM_ITEM, Problem, redact, with_items

_PLACE = frozenset(ORDER_COMMANDS)
#: op -> the session rows that apply to it, in check order.
ROWS: dict[str, tuple[StateRule, ...]] = {
    op: tuple(row for row in STATE_RULES if op in row.commands) for op in COMMANDS}

#: What an accepted frame recorded: ``(rate time, orders counted, pending-order tokens)``.
Record = tuple[int, int, tuple[int, ...]]


class Plan:
    """The session rows of one command with their predicates, in table order, and what an
    accepted frame records."""

    __slots__ = ("op", "rows", "tests", "batch", "places", "warned")

    def __init__(self, op: str, rows: tuple[StateRule, ...], warned: frozenset[str] = frozenset()):
        self.op, self.rows = op, rows
        self.tests: tuple[Predicate, ...] = tuple(predicate(row) for row in rows)
        #: the predicates of rows a policy sets to "warn": their problem is a notice
        self.warned = frozenset(t for t, row in zip(self.tests, rows) if row.name in warned)
        self.batch = op in BATCH_OF
        self.places = op in _PLACE  # accepted: its clientOrderIds await a reply


#: op -> its plan (commands no row applies to have none). Built on import: a row whose
#: ``test`` names no predicate fails here, naming the row.
PLANS: dict[str, Plan] = {op: Plan(op, rows) for op, rows in ROWS.items() if rows}
_PLANS: dict[tuple[Any, ...], dict[str, Plan]] = {}


def plans_for(rows: tuple[StateRule, ...], actions: dict[str, str]) -> dict[str, Plan]:
    """op -> its plan for an engine's session rows (``state_rules``: the exchange's, then the
    limits') and its policy's ``state_actions`` (``ignore`` rows left out, ``warn`` rows
    marked); the exchange's rows alone share :data:`PLANS`."""
    if not actions and tuple(map(id, rows)) == tuple(map(id, STATE_RULES)):
        return PLANS
    key = (tuple(map(id, rows)), tuple(sorted(actions.items())))
    if key not in _PLANS:
        kept = tuple(r for r in rows if actions.get(r.name) != "ignore")
        warned = frozenset(r.name for r in kept if actions.get(r.name) == "warn")
        _PLANS[key] = {op: Plan(op, mine, warned) for op in COMMANDS
                       if (mine := tuple(r for r in kept if op in r.commands))}
    return _PLANS[key]


def first_problem(st: State, ctx: Context, plan: Plan, item: Any, index: int
                  ) -> Optional[Problem]:
    """The first row of ``plan`` whose predicate fails for ``item`` (a row a policy sets to
    ``warn`` adds its notice and the next row is asked)."""
    for test in plan.tests:
        problem = test(st, ctx, item, index)
        if problem is not None:
            if plan.warned and test in plan.warned:
                warn(ctx, index, problem, item)
                continue
            return problem
    return None


def submission(st: State, frame: Any) -> tuple[Verdict, Optional[Record]]:
    """The verdict for ``frame`` and, when it was recorded as sent, what was recorded (for
    :func:`take_back`). Never raises."""
    table, closed = st.view
    # one decode: the engine's judge returns the JSON object it checked (exact where a float
    # could have lost digits of the text), so the session reads the frame the verdict is about
    verdict, msg = st.engine.judge(frame, table)
    record: Optional[Record] = None
    if msg is not None and (verdict is ACCEPTED or verdict.ok):
        op = msg.get("op")
        plan = st.plans.get(op) if op.__class__ is str else None
        if plan is not None:  # else a subscription: nothing the session knows decides it
            try:
                verdict, record = _stateful(st, plan, msg, verdict, table, closed)
            except Exception as exc:  # a bug here must still answer, never raise into a send
                verdict, record = internal_error(exc), None
        elif op == "subscribe" and not st.logged_in:
            verdict = _private_before_login(verdict, msg.get("args"))
    secret = st.secret
    if secret is not None and (not verdict.ok or verdict.warnings or verdict.items):
        verdict = redact(verdict, secret.text(), secret.raw())
    return verdict, record


def _private_before_login(verdict: Verdict, args: Any) -> Verdict:
    """An accepted subscription with the notice for its private channels, before a login
    was observed (the docs give no code for it: the exchange streams nothing)."""
    private = tuple(a for a in args if PRIVATE_CHANNEL(a)) if isinstance(args, list) else ()
    if not private:
        return verdict
    note = Notice(PRIVATE_BEFORE_LOGIN, "args", private[0],
                  PRIVATE_BEFORE_LOGIN_TEXT.format(fill=", ".join(private)),
                  PRIVATE_BEFORE_LOGIN_RULE)
    return Verdict(True, warnings=verdict.warnings + (note,))


def take_back(st: State, record: Record) -> None:
    """Undo what :func:`submission` recorded for a frame that was never sent."""
    at, counted, tokens = record
    with st.lock:
        if counted:
            st.rate.remove(at, counted)
        for token in tokens:
            st.orders.unplaced(token)


def _stateful(st: State, plan: Plan, msg: dict[str, Any], verdict: Verdict,
              table: dict[str, Any], closed: frozenset[str]
              ) -> tuple[Verdict, Optional[Record]]:
    op = plan.op
    clock = st.engine.clock
    now = clock() if clock is not None else None
    # the rate window and acknowledgement deadlines: an injected clock drives them (tests,
    # replays); the system clock may step, so it is replaced by a monotonic one
    if now is not None and clock is not system_clock:
        rate_now = now
    else:
        rate_now = monotonic_ms()
    counted = op in st.rate_ops
    with st.lock:
        ctx = st.context
        ctx.op, ctx.now, ctx.stamp, ctx.table, ctx.closed, ctx.notices, ctx.client_ids = (
            op, now, system_clock() if now is None else now, table, closed, None, None)
        ctx.room = st.rate.room(rate_now) if counted else None
        if op == "login":
            problem = first_problem(st, ctx, plan, msg.get("data"), 0)
            if problem is None:
                return (_noted(verdict, ctx.notices, False) if ctx.notices else verdict), None
            return _reject(problem, ctx, msg.get("tag"), msg.get("data"), None,
                           verdict.warnings + problem.hints), None
        orders = st.orders
        if rate_now >= orders.soonest:
            orders.expire(rate_now)
        if not plan.batch:
            item = msg.get("data")
            if not isinstance(item, dict):  # the core rules accept no such order command
                return verdict, None
            problem = first_problem(st, ctx, plan, item, 0)
            if problem is None:
                if ctx.notices:
                    verdict = _noted(verdict, ctx.notices, False)
                # _record for one item, inline: the hot path of every single order command
                if counted:
                    st.rate.add(rate_now, 1)
                client_id = item.get("clientOrderId") if plan.places else None
                token = None if client_id is None else orders.placed(
                    order_key(client_id), item.get("marketCode"), rate_now)
                if token is not None:
                    return verdict, (rate_now, int(counted), (token,))
                return verdict, ((rate_now, 1, ()) if counted else None)
            only = _reject(problem, ctx, msg.get("tag"), item, None, ())
            if verdict.warnings:
                only = Verdict(False, only.code, only.message, only.field, only.value, (),
                               verdict.warnings, None, None, partial(getattr, only, "response"),
                               only.rule)
            return only, None
        items = msg["dataArray"]
        rejected = {}
        for index, item in enumerate(items):
            if isinstance(item, dict):
                problem = first_problem(st, ctx, plan, item, index)
                if problem is not None:
                    rejected[index] = _reject(problem, ctx, msg.get("tag"), item, index, ())
        if rejected:
            return with_items(verdict, rejected), None
        if ctx.notices:
            verdict = _noted(verdict, ctx.notices, True)
        return verdict, _record(st, plan, items, rate_now, counted)


def _reject(problem: Problem, ctx: Context, tag: Any, item: Any, index: Optional[int],
            warnings: tuple[Any, ...]) -> Verdict:
    field = problem.field
    value = problem.value
    if value is FROM_ITEM:
        value = item.get(field) if field and isinstance(item, dict) else None
    # the shared builder: login (not an order command) gets a reply without data
    return rejection(problem.row.code, op=ctx.op, tag=tag, data=item, now=ctx.stamp,
                     fill=problem.fill, field=field, value=value, index=index,
                     warnings=warnings, rule=problem.row.name)


def _record(st: State, plan: Plan, items: Sequence[Any], rate_now: int, counted: bool
            ) -> Optional[Record]:
    """Record an accepted frame as sent (lock held), and say what was recorded."""
    n = len(items) if counted else 0
    if n:
        st.rate.add(rate_now, n)
    tokens: tuple[int, ...] = ()
    if plan.places:
        placed = st.orders.placed
        for item in items:
            client_id = item.get("clientOrderId")
            if client_id is not None:
                token = placed(order_key(client_id), item.get("marketCode"), rate_now)
                if token is not None:
                    tokens += (token,)
    return (rate_now, n, tokens) if n or tokens else None


def _noted(verdict: Verdict, notices: dict[int, list[Notice]], batch: bool) -> Verdict:
    """An accepted verdict with the session's notices added (on the batch items too)."""
    if not batch:
        return Verdict(True, warnings=verdict.warnings + tuple(notices[0]))
    items = tuple(
        Verdict(True, warnings=item.warnings + tuple(notices[i]), index=item.index)
        if i in notices else item for i, item in enumerate(verdict.items))
    return Verdict(True, items=items, warnings=tuple(w for i in items for w in i.warnings))
