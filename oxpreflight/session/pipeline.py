"""The submit pipeline: the core rules, then the session rows of the command in table order
(:data:`oxpreflight.rules.STATE_RULES`), each read through one check per kind of state it
needs (:data:`KINDS`). The first failing row is the verdict; an accepted frame is recorded as
sent, and the record can be taken back when the send fails.
"""
from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, Callable, Optional, Sequence

from ..rules.language import BATCH_OF, COMMANDS, ORDER_COMMANDS, StateRule
from ..rules.session import (
    AUCTION_MARKET_ORDER, AUCTION_PRICE, LOGIN_AGAIN, NOT_FOUND, NOT_LOGGED_IN,
    NOT_OPERATIONAL, NOT_OWNED, ORDER_CLOSED_NOTICE, ORDER_GONE_CODE, RATE, STATE_RULES,
)
from ..validators.clock import monotonic_ms, system_clock
from ..validators.internal import internal_error
from ..validators.replies import rejection
from ..validators.verdict import ACCEPTED, Notice, Verdict
from .account import loose
from .auth import check_login
from .orders import CLOSED, UNKNOWN, order_key
from .verdicts import FROM_ITEM, Problem, redact, with_items

if TYPE_CHECKING:
    from .core import Session

_PLACE = frozenset(ORDER_COMMANDS)
#: op -> the session rows that apply to it, in check order.
ROWS: dict[str, tuple[StateRule, ...]] = {
    op: tuple(row for row in STATE_RULES if op in row.commands) for op in COMMANDS}

#: What an accepted frame recorded: ``(rate time, orders counted, pending-order tokens)``.
Record = tuple[int, int, tuple[int, ...]]


class Context:
    """One submission: the command, its clocks, the room left in the rate window, the market
    table it was checked against, and the notices its items collected (``None`` until one
    does). Each session holds one, filled anew under its lock for every submission."""

    __slots__ = ("op", "now", "stamp", "room", "table", "closed", "notices")

    def __init__(self) -> None:
        self.op: str = ""
        self.now: Optional[int] = None
        self.stamp = 0
        self.room: Optional[int] = None
        self.table: dict[str, Any] = {}
        self.closed: frozenset[str] = frozenset()
        self.notices: Optional[dict[int, list[Notice]]] = None


# -- one check per kind of state: the first failing row of that kind for this item -----------
Check = Callable[["Session", Context, Any, int], Optional[Problem]]


def _login(s: Session, ctx: Context, item: Any, index: int) -> Optional[Problem]:
    if s._logged_in:
        return Problem(LOGIN_AGAIN) if ctx.op == "login" else None
    return None if ctx.op == "login" else Problem(NOT_LOGGED_IN)


def _credentials(s: Session, ctx: Context, item: Any, index: int) -> Optional[Problem]:
    if not isinstance(item, dict):
        return None
    return check_login(item, api_key=s._api_key, secret=s._secret, now=ctx.now,
                       skew_ms=s._skew)


def _rate(s: Session, ctx: Context, item: Any, index: int) -> Optional[Problem]:
    return Problem(RATE) if ctx.room is not None and index >= ctx.room else None


def _orders(s: Session, ctx: Context, item: Any, index: int) -> Optional[Problem]:
    if not s._track:
        return None
    state, order = s._orders.find(item)
    field = "orderId" if item.get("orderId") is not None else "clientOrderId"
    if state == UNKNOWN:
        return Problem(NOT_FOUND, field)
    if state == CLOSED:  # the exchange accepts it and pushes its 100004 failure
        if ctx.notices is None:
            ctx.notices = {}
        ctx.notices.setdefault(index, []).append(Notice(
            ORDER_CLOSED_NOTICE, field, item.get(field),
            f"order {item.get(field)} was reported closed: the exchange will accept the "
            f"command and answer with an order-not-found ({ORDER_GONE_CODE}) push",
            NOT_FOUND.name))
        return None
    if order is not None and order.owner is not None and s._own is not None \
            and str(order.owner) != s._own:
        return Problem(NOT_OWNED, field)
    return None


def _account(s: Session, ctx: Context, item: Any, index: int) -> Optional[Problem]:
    account = s._account
    if account is None:
        return None
    problem = account.check_status()
    if problem is None and ctx.op in _PLACE:
        problem = account.check_order(item, ctx.table.get(item.get("marketCode")), ctx.table)
    return problem


def _markets(s: Session, ctx: Context, item: Any, index: int) -> Optional[Problem]:
    if ctx.closed and item.get("marketCode") in ctx.closed:
        return Problem(NOT_OPERATIONAL, "marketCode")
    return None


def _auction(s: Session, ctx: Context, item: Any, index: int) -> Optional[Problem]:
    in_auction = s._in_auction
    if in_auction is None or ctx.now is None:
        return None
    record = ctx.table.get(item.get("marketCode"))
    if record is None or record.type != "REPO" or not in_auction(ctx.now):
        return None
    side = item.get("side")
    if ctx.op in _PLACE:
        if item.get("orderType") == "MARKET":
            return Problem(AUCTION_MARKET_ORDER, "orderType")
    elif side is None and s._track:
        _, order = s._orders.find(item)
        side = order.side if order is not None else None
    return _repo_price(item, side)


def _repo_price(item: dict[str, Any], side: Any) -> Optional[Problem]:
    """A repo bid above 0 or offer below 0 (price, else limitPrice)."""
    for field in ("price", "limitPrice"):
        price = loose(item.get(field))
        if price is not None:
            if (side == "BUY" and price > 0) or (side == "SELL" and price < 0):
                return Problem(AUCTION_PRICE, field)
            return None
    return None


#: kind of state -> its check (every :data:`~oxpreflight.rules.language.STATE_KINDS` entry).
KINDS: dict[str, Check] = {
    "login": _login, "credentials": _credentials, "rate": _rate, "orders": _orders,
    "account": _account, "markets": _markets, "auction": _auction,
}


class Plan:
    """The session rows of one command, read as: each kind's check (in the order of the
    kind's first row), each row's place in the table, and what an accepted frame records."""

    __slots__ = ("op", "rows", "checks", "calls", "place", "batch", "places")

    def __init__(self, op: str, rows: tuple[StateRule, ...]):
        self.op, self.rows = op, rows
        self.place = {id(row): at for at, row in enumerate(rows)}  # rows hold dicts: by id
        firsts: dict[str, int] = {}
        for at, row in enumerate(rows):
            firsts.setdefault(row.needs, at)
        self.checks = tuple((at, KINDS[kind]) for kind, at in firsts.items())
        self.calls = tuple(check for _, check in self.checks)  # what the loop runs
        self.batch = op in BATCH_OF
        self.places = op in _PLACE  # accepted: its clientOrderIds await a reply


#: op -> its plan (commands no row applies to have none).
PLANS: dict[str, Plan] = {op: Plan(op, rows) for op, rows in ROWS.items() if rows}


def first_problem(s: Session, ctx: Context, plan: Plan, item: Any, index: int
                  ) -> Optional[Problem]:
    """The first row of ``plan`` that fails for ``item``. Each kind's check answers with its
    own first failing row; kinds are asked in the order of their first row, and once a row
    fails, kinds whose rows all come later are not asked."""
    for check in plan.calls:
        problem = check(s, ctx, item, index)
        if problem is not None:
            return _earliest(s, ctx, plan, item, index, problem, plan.calls.index(check))
    return None


def _earliest(s: Session, ctx: Context, plan: Plan, item: Any, index: int, found: Problem,
              position: int) -> Optional[Problem]:
    """``found`` (from the check at ``position``) or an earlier row of a later kind."""
    place = plan.place
    best: Optional[Problem] = None
    best_at = len(plan.rows)
    if id(found.row) in place:
        best, best_at = found, place[id(found.row)]
    for first_at, check in plan.checks[position + 1:]:
        if first_at > best_at:
            break
        problem = check(s, ctx, item, index)
        if problem is not None and place.get(id(problem.row), best_at) < best_at:
            best, best_at = problem, place[id(problem.row)]
    return best


def submission(s: Session, frame: Any) -> tuple[Verdict, Optional[Record]]:
    """The verdict for ``frame`` and, when it was recorded as sent, what was recorded (for
    :func:`take_back`). Never raises."""
    table, closed = s._view
    # one decode: the engine's judge returns the JSON object it checked (exact where a float
    # could have lost digits of the text), so the session reads the frame the verdict is about
    verdict, msg = s._pf.judge(frame, table)
    record: Optional[Record] = None
    if msg is not None and (verdict is ACCEPTED or verdict.ok):
        op = msg.get("op")
        plan = PLANS.get(op) if op.__class__ is str else None
        if plan is not None:  # else a subscription: nothing the session knows decides it
            try:
                verdict, record = _stateful(s, plan, msg, verdict, table, closed)
            except Exception as exc:  # a bug here must still answer, never raise into a send
                verdict, record = internal_error(exc), None
    secret = s._secret
    if secret is not None and (not verdict.ok or verdict.warnings or verdict.items):
        verdict = redact(verdict, secret.text(), secret.raw())
    return verdict, record


def take_back(s: Session, record: Record) -> None:
    """Undo what :func:`submission` recorded for a frame that was never sent."""
    at, counted, tokens = record
    with s._lock:
        if counted:
            s._rate.remove(at, counted)
        for token in tokens:
            s._orders.unplaced(token)


def _stateful(s: Session, plan: Plan, msg: dict[str, Any], verdict: Verdict,
              table: dict[str, Any], closed: frozenset[str]
              ) -> tuple[Verdict, Optional[Record]]:
    op = plan.op
    clock = s._pf.clock
    now = clock() if clock is not None else None
    # the rate window and acknowledgement deadlines: an injected clock drives them (tests,
    # replays); the system clock may step, so it is replaced by a monotonic one
    if now is not None and clock is not system_clock:
        rate_now = now
    else:
        rate_now = monotonic_ms()
    counted = op in s._rate_ops
    with s._lock:
        ctx = s._context
        ctx.op, ctx.now, ctx.stamp, ctx.table, ctx.closed, ctx.notices = (
            op, now, system_clock() if now is None else now, table, closed, None)
        ctx.room = s._rate.room(rate_now) if counted else None
        if op == "login":
            problem = first_problem(s, ctx, plan, msg.get("data"), 0)
            if problem is None:
                return verdict, None
            return _reject(problem, ctx, msg.get("tag"), msg.get("data"), None,
                           verdict.warnings + problem.hints), None
        orders = s._orders
        if rate_now >= orders.soonest:
            orders.expire(rate_now)
        if not plan.batch:
            item = msg.get("data")
            if not isinstance(item, dict):  # the core rules accept no such order command
                return verdict, None
            problem = first_problem(s, ctx, plan, item, 0)
            if problem is None:
                if ctx.notices:
                    verdict = _noted(verdict, ctx.notices, False)
                # _record for one item, inline: the hot path of every single order command
                if counted:
                    s._rate.add(rate_now, 1)
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
                problem = first_problem(s, ctx, plan, item, index)
                if problem is not None:
                    rejected[index] = _reject(problem, ctx, msg.get("tag"), item, index, ())
        if rejected:
            return with_items(verdict, rejected), None
        if ctx.notices:
            verdict = _noted(verdict, ctx.notices, True)
        return verdict, _record(s, plan, items, rate_now, counted)


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


def _record(s: Session, plan: Plan, items: Sequence[Any], rate_now: int, counted: bool
            ) -> Optional[Record]:
    """Record an accepted frame as sent (lock held), and say what was recorded."""
    n = len(items) if counted else 0
    if n:
        s._rate.add(rate_now, n)
    tokens: tuple[int, ...] = ()
    if plan.places:
        placed = s._orders.placed
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
