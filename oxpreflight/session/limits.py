"""The predicates of the session's pre-trade limit rows (:data:`oxpreflight.rules.limits.
STATE_ROWS`): R005 the trading state is HALTED, R006 it is REDUCING and the order would grow or
flip the position, R004 a ``clientOrderId`` already pending or open (or repeated within the
batch). :mod:`.rows` names them for the rows' ``test``; :func:`warn` turns a problem into the
notice a policy's ``warn`` asks for."""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

from ..rules.language import ORDER_COMMANDS
from ..rules.limits import DUPLICATE, HALTED, REDUCING
from ..rules.local import message_of
from ..validators.verdict import Notice
from .account import loose
from .orders import order_key
from .state import Context, State
from .verdicts import Problem

_PLACE = frozenset(ORDER_COMMANDS)


def growth(st: State, ctx: Context, item: dict[str, Any]) -> Optional[str]:
    """Why ``item`` may increase the position (``None`` when it reduces it): a spot BUY, an
    order beyond the held position or flipping it, or a position the session does not know."""
    market = str(item.get("marketCode"))
    record = ctx.table.get(market)
    side, quantity = item.get("side"), loose(item.get("quantity"))
    if record is not None and record.type == "SPOT":
        return "a spot BUY" if side == "BUY" else None
    account = st.account
    held: Optional[Decimal] = None if account is None else account.positions.get(market)
    if held is None:
        return f"position in {market} unknown"
    if quantity is None or side not in ("BUY", "SELL"):
        return f"quantity unknown, position {held}"
    after = held + quantity if side == "BUY" else held - quantity
    if abs(after) > abs(held) or (held > 0 > after) or (held < 0 < after):
        return f"{side} {item.get('quantity')} with position {held} in {market}"
    return None


def trading_halted(st: State, ctx: Context, item: Any, index: int) -> Optional[Problem]:
    return Problem(HALTED) if st.trading == "HALTED" else None


def trading_reducing(st: State, ctx: Context, item: Any, index: int) -> Optional[Problem]:
    if st.trading != "REDUCING" or ctx.op not in _PLACE or not isinstance(item, dict):
        return None
    why = growth(st, ctx, item)
    return None if why is None else Problem(REDUCING, "quantity", fill=why)


def duplicate_client_order_id(st: State, ctx: Context, item: Any, index: int
                              ) -> Optional[Problem]:
    if ctx.op not in _PLACE or not isinstance(item, dict):
        return None
    client_id = order_key(item.get("clientOrderId"))
    if client_id is None:
        return None
    seen = ctx.client_ids
    if seen is None:
        seen = ctx.client_ids = set()
    taken = client_id in seen or st.orders.holds(client_id)
    seen.add(client_id)
    return Problem(DUPLICATE, "clientOrderId", fill=client_id) if taken else None


def warn(ctx: Context, index: int, problem: Problem, item: Any) -> None:
    """Add ``problem`` to the item's notices (a session row the policy sets to ``warn``)."""
    field = problem.field
    value = item.get(field) if field and isinstance(item, dict) else None
    ctx.note(index, Notice(problem.row.code, field, value,
                           message_of(problem.row.code, problem.fill), problem.row.name))


__all__ = ["growth", "trading_halted", "trading_reducing", "duplicate_client_order_id", "warn"]
