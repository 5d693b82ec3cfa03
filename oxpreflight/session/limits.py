"""The session's pre-trade limit rows (:data:`oxpreflight.rules.limits.STATE_ROWS`): R005 the
trading state is HALTED, R006 it is REDUCING and the order would grow or flip the position,
R004 a ``clientOrderId`` already pending or open (or repeated within the batch)."""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, Optional

from ..rules.language import ORDER_COMMANDS
from ..rules.limits import DUPLICATE, HALTED, REDUCING
from ..rules.local import message_of
from ..validators.verdict import Notice
from .account import loose
from .orders import order_key
from .verdicts import Problem

if TYPE_CHECKING:
    from .core import Session
    from .pipeline import Context

_PLACE = frozenset(ORDER_COMMANDS)


def growth(s: Session, ctx: Context, item: dict[str, Any]) -> Optional[str]:
    """Why ``item`` may increase the position (``None`` when it reduces it): a spot BUY, an
    order beyond the held position or flipping it, or a position the session does not know."""
    market = str(item.get("marketCode"))
    record = ctx.table.get(market)
    side, quantity = item.get("side"), loose(item.get("quantity"))
    if record is not None and record.type == "SPOT":
        return "a spot BUY" if side == "BUY" else None
    account = s._account
    held: Optional[Decimal] = None if account is None else account.positions.get(market)
    if held is None:
        return f"position in {market} unknown"
    if quantity is None or side not in ("BUY", "SELL"):
        return f"quantity unknown, position {held}"
    after = held + quantity if side == "BUY" else held - quantity
    if abs(after) > abs(held) or (held > 0 > after) or (held < 0 < after):
        return f"{side} {item.get('quantity')} with position {held} in {market}"
    return None


def _fails(s: Session, ctx: Context, row: Any, item: dict[str, Any]) -> Optional[Problem]:
    if row is HALTED:
        return Problem(HALTED) if s._trading == "HALTED" else None
    if row is REDUCING:
        if s._trading != "REDUCING" or ctx.op not in _PLACE:
            return None
        why = growth(s, ctx, item)
        return None if why is None else Problem(REDUCING, "quantity", fill=why)
    client_id = order_key(item.get("clientOrderId")) if ctx.op in _PLACE else None
    if client_id is None:
        return None
    seen = ctx.client_ids
    if seen is None:
        seen = ctx.client_ids = set()
    orders = s._orders
    taken = client_id in seen or bool(orders._by_client.get(client_id)) \
        or bool(orders._pending.get(client_id))
    seen.add(client_id)
    return Problem(DUPLICATE, "clientOrderId", fill=client_id) if taken else None


def check_limits(s: Session, ctx: Context, item: Any, index: int) -> Optional[Problem]:
    """The first limit row that fails for ``item``, in the rows' order; a row the policy sets
    to ``warn`` adds its notice and the next row is checked, an ``ignore`` row is skipped."""
    if not isinstance(item, dict):
        return None
    actions = s._pf.state_actions
    for row in (HALTED, REDUCING, DUPLICATE):
        action = actions.get(row.name)
        if action == "ignore":
            continue
        problem = _fails(s, ctx, row, item)
        if problem is None:
            continue
        if action != "warn":
            return problem
        note(ctx, index, problem, item)
    return None


def note(ctx: Context, index: int, problem: Problem, item: Any) -> None:
    """Add ``problem`` to the item's notices (a session row the policy sets to ``warn``)."""
    field = problem.field
    value = item.get(field) if field and isinstance(item, dict) else None
    if ctx.notices is None:
        ctx.notices = {}
    ctx.notices.setdefault(index, []).append(Notice(
        problem.row.code, field, value, message_of(problem.row.code, problem.fill),
        problem.row.name))


__all__ = ["check_limits", "growth", "note"]
