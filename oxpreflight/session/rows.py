"""The predicates of the session's rows: one function per row of
:data:`oxpreflight.rules.STATE_RULES`, named by the row's ``test``.

Each is ``(state, context, item, index) -> Problem | None``: ``state`` the session's
:class:`~oxpreflight.session.state.State` (lock held), ``context`` the submission's
:class:`~oxpreflight.session.state.Context`, ``item`` the command's ``data`` (a batch's item),
``index`` its place in the batch (0 for a single command). A predicate answers for its own
row only; the pipeline asks the rows of a command in table order and stops at the first
problem. :func:`predicate` resolves a row's ``test`` and fails, naming the row, when this module
has no such function.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

from ..rules.language import ORDER_COMMANDS, StateRule
from ..rules.session import (
    AUCTION_MARKET_ORDER, AUCTION_PRICE, LOGIN_AGAIN, NOT_FOUND, NOT_LOGGED_IN,
    NOT_OPERATIONAL, NOT_OWNED, ORDER_CLOSED_NOTICE, ORDER_GONE_CODE, RATE,
)
from ..validators.verdict import Notice
from .account import loose
from . import limits as _limits
from .auth import key_problem, signature_problem, skew_problem
from .orders import CLOSED, UNKNOWN
from .state import Context, State
from .verdicts import Problem

#: What a row's ``test`` names.
Predicate = Callable[[State, Context, Any, int], Optional[Problem]]

_PLACE = frozenset(ORDER_COMMANDS)


# -- login ------------------------------------------------------------------------------------
def logged_in_again(st: State, ctx: Context, item: Any, index: int) -> Optional[Problem]:
    return Problem(LOGIN_AGAIN) if st.logged_in else None


def api_key_mismatch(st: State, ctx: Context, item: Any, index: int) -> Optional[Problem]:
    return key_problem(item, st.api_key, st.secret) if isinstance(item, dict) else None


def timestamp_skew(st: State, ctx: Context, item: Any, index: int) -> Optional[Problem]:
    return skew_problem(item, ctx.now, st.skew_ms) if isinstance(item, dict) else None


def signature_mismatch(st: State, ctx: Context, item: Any, index: int) -> Optional[Problem]:
    return signature_problem(item, st.secret) if isinstance(item, dict) else None


def not_logged_in(st: State, ctx: Context, item: Any, index: int) -> Optional[Problem]:
    return None if st.logged_in else Problem(NOT_LOGGED_IN)


# -- rate -------------------------------------------------------------------------------------
def over_rate(st: State, ctx: Context, item: Any, index: int) -> Optional[Problem]:
    return Problem(RATE) if ctx.room is not None and index >= ctx.room else None


# -- open orders ------------------------------------------------------------------------------
def _id_field(item: dict[str, Any]) -> str:
    return "orderId" if item.get("orderId") is not None else "clientOrderId"


def order_not_found(st: State, ctx: Context, item: Any, index: int) -> Optional[Problem]:
    if not st.track:
        return None
    found, _ = st.orders.find(item)
    field = _id_field(item)
    if found == UNKNOWN:
        return Problem(NOT_FOUND, field)
    if found == CLOSED:  # the exchange accepts it and pushes its 100004 failure
        ctx.note(index, Notice(
            ORDER_CLOSED_NOTICE, field, item.get(field),
            f"order {item.get(field)} was reported closed: the exchange will accept the "
            f"command and answer with an order-not-found ({ORDER_GONE_CODE}) push",
            NOT_FOUND.name))
    return None


def order_not_owned(st: State, ctx: Context, item: Any, index: int) -> Optional[Problem]:
    if not st.track or st.own is None:
        return None
    _, order = st.orders.find(item)
    if order is not None and order.owner is not None and str(order.owner) != st.own:
        return Problem(NOT_OWNED, _id_field(item))
    return None


# -- account ----------------------------------------------------------------------------------
def account_not_normal(st: State, ctx: Context, item: Any, index: int) -> Optional[Problem]:
    return None if st.account is None else st.account.status_problem()


def reduce_only(st: State, ctx: Context, item: Any, index: int) -> Optional[Problem]:
    account = st.account
    if account is None:
        return None
    return account.reduce_only_problem(item, ctx.table.get(item.get("marketCode")))


def over_position_limit(st: State, ctx: Context, item: Any, index: int) -> Optional[Problem]:
    account = st.account
    if account is None:
        return None
    return account.position_limit_problem(item, ctx.table.get(item.get("marketCode")))


def short_of_balance(st: State, ctx: Context, item: Any, index: int) -> Optional[Problem]:
    account = st.account
    if account is None:
        return None
    return account.balance_problem(item, ctx.table.get(item.get("marketCode")))


def short_of_margin(st: State, ctx: Context, item: Any, index: int) -> Optional[Problem]:
    account = st.account
    if account is None:
        return None
    return account.margin_problem(item, ctx.table.get(item.get("marketCode")), ctx.table)


# -- markets and the repo auction -------------------------------------------------------------
def market_not_operational(st: State, ctx: Context, item: Any, index: int
                           ) -> Optional[Problem]:
    if ctx.closed and item.get("marketCode") in ctx.closed:
        return Problem(NOT_OPERATIONAL, "marketCode")
    return None


def _in_auction(st: State, ctx: Context, item: dict[str, Any]) -> bool:
    """A REPO market inside the auction window."""
    test = st.in_auction
    if test is None or ctx.now is None:
        return False
    record = ctx.table.get(item.get("marketCode"))
    return record is not None and record.type == "REPO" and test(ctx.now)


def auction_market_order(st: State, ctx: Context, item: Any, index: int) -> Optional[Problem]:
    if item.get("orderType") == "MARKET" and _in_auction(st, ctx, item):
        return Problem(AUCTION_MARKET_ORDER, "orderType")
    return None


def auction_price(st: State, ctx: Context, item: Any, index: int) -> Optional[Problem]:
    """A repo bid above 0 or offer below 0 (price, else limitPrice); a modify without side
    takes the open order's."""
    if not _in_auction(st, ctx, item):
        return None
    side = item.get("side")
    if side is None and ctx.op not in _PLACE and st.track:
        _, order = st.orders.find(item)
        side = order.side if order is not None else None
    for field in ("price", "limitPrice"):
        price = loose(item.get(field))
        if price is not None:
            if (side == "BUY" and price > 0) or (side == "SELL" and price < 0):
                return Problem(AUCTION_PRICE, field)
            return None
    return None


# -- the pre-trade limits' rows (on with Preflight(limits=...)) --------------------------------
trading_halted, trading_reducing = _limits.trading_halted, _limits.trading_reducing
duplicate_client_order_id = _limits.duplicate_client_order_id


def predicate(row: StateRule) -> Predicate:
    """The function ``row.test`` names; ``LookupError`` naming the row when there is none."""
    found = globals().get(row.test)
    if not callable(found) or row.test.startswith("_") or row.test == "predicate":
        raise LookupError(f"session row {row.code} {row.name}: no predicate {row.test!r} in "
                          f"{__name__}")
    return found  # type: ignore[no-any-return]
