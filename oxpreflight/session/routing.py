"""Observe routing: each message from the exchange goes to the state it updates.

Understood: login replies; placeorder replies; the order channel (OrderOpened, OrderModified,
OrderMatched, OrderClosed); the order channel's failure push for a cancel or modify of an order
already closed (event ``CANCEL``/``AMEND``, code 100004: the order is closed); the Cancel All
push (event ``CANCEL``, ``submitted`` true, no order: every open order of the account, or of
its ``marketCode`` when the push names one, is closed); the balance, position and market
channels; the REST replies of /v3/orders/working, /v3/account, /v3/balances, /v3/positions,
/v3/markets and /v3/markets/operational. Anything else is ignored.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from ..rules.session import ORDER_GONE_CODE
from .account import account_key
from .orders import fully_filled, order_key

if TYPE_CHECKING:
    from .core import Session

log = logging.getLogger("oxpreflight.session")

#: The order channel's events for cancels and modifies (the Cancel All push and the failure
#: pushes of a cancel or modify that found the order closed).
_ORDER_EVENTS = frozenset({"CANCEL", "AMEND"})


def route(s: Session, msg: dict[str, Any]) -> None:
    table = msg.get("table")
    if table == "market":
        s.update_markets(msg)
    elif table in ("order", "balance", "position"):
        with s._lock:
            if table == "order":
                _on_orders(s, msg.get("data"))
            else:
                _on_account_push(s, table, msg)
    elif isinstance(msg.get("event"), str):
        _on_event(s, msg)
    elif "data" in msg and msg.get("success") is not False:
        _on_rest(s, msg)
    elif "marketCode" in msg and "operational" in msg:
        s.update_markets(msg)


def _on_event(s: Session, msg: dict[str, Any]) -> None:
    event, data = msg["event"], msg.get("data")
    with s._lock:
        if event == "login" and msg.get("success") is True:
            s._logged_in = True
            found = account_key(msg.get("accountId")) or account_key(
                data.get("accountId") if isinstance(data, dict) else None)
            if found is not None and s._own is None:
                s._own = found
            log.debug("login confirmed")
        elif event == "placeorder" and isinstance(data, dict):
            s._orders.replied(data, msg.get("submitted") is True)
        elif event in _ORDER_EVENTS:
            _on_order_event(s, msg, data)


def _on_order_event(s: Session, msg: dict[str, Any], data: Any) -> None:
    order = data if isinstance(data, dict) else {}
    if str(msg.get("code")) == ORDER_GONE_CODE:
        s._orders.closed(order)  # matched or cancelled before the command arrived
    elif msg.get("submitted") is True and order_key(order.get("orderId")) is None:
        # a Cancel All; the documented push names no market, so all are taken as closed:
        # at worst a cancel of a still-open order is then accepted with the closed notice
        market = order.get("marketCode", msg.get("marketCode"))
        if market is None or isinstance(market, str):
            closed = s._orders.closed_all(market)
            log.debug("cancel all: %d open orders closed", closed)


def _on_orders(s: Session, rows: Any) -> None:
    for row in rows if isinstance(rows, list) else [rows]:
        if not isinstance(row, dict):
            continue
        notice, owner = row.get("notice"), account_key(row.get("accountId"))
        if owner is not None and s._own is None \
                and order_key(row.get("orderId")) in s._orders.placed_ids:
            s._own = owner  # an order this session placed names its account
        if notice in ("OrderOpened", "OrderModified"):
            s._orders.opened(row, owner)
        elif notice == "OrderClosed":
            s._orders.closed(row)
        elif notice == "OrderMatched":
            if fully_filled(row):
                s._orders.closed(row)
            else:
                s._orders.opened(row, owner)


def _on_account_push(s: Session, table: str, msg: dict[str, Any]) -> None:
    if s._account_off or not _is_own(s, msg.get("accountId")):
        return
    state = s._account_state()
    if table == "balance":
        state.set_balances(msg.get("data"), "instrumentId")
    else:
        state.set_positions(msg.get("data"), "instrumentId", "quantity", replace=False)


def _on_rest(s: Session, msg: dict[str, Any]) -> None:
    data = msg["data"]
    rows = data if isinstance(data, list) else [data]
    first = next((r for r in rows if isinstance(r, dict)), None)
    if first is None:
        return
    if "orderId" in first:
        with s._lock:
            seeded = s._orders.seed(rows)
        log.debug("seeded %d working orders", seeded)
    elif {"balances", "positions", "collateral"} & first.keys():
        with s._lock:
            if not s._account_off:
                _on_account_rows(s, rows)
    elif "marketCode" in first:
        s.update_markets(msg)


def _on_account_rows(s: Session, rows: list[Any]) -> None:
    row = next((r for r in rows if isinstance(r, dict) and s._own is not None
                and account_key(r.get("accountId")) == s._own), None)
    if row is None:
        row = rows[0] if s._own is None and isinstance(rows[0], dict) else None
    if row is None or not _is_own(s, row.get("accountId")):
        return
    state = s._account_state()
    if "balances" in row:
        state.set_balances(row.get("balances"), "asset")
    if "positions" in row:
        state.set_positions(row.get("positions"), "marketCode", "position", replace=True)
    elif "collateral" in row:  # /v3/account lists positions only when there are some
        state.positions = {}
    if "collateral" in row:
        state.set_collateral(row.get("collateral"))


def _is_own(s: Session, account_id: Any) -> bool:
    """True for the session's own account (learning it when still unknown); a malformed
    accountId is nobody's."""
    if account_id is None:
        return True
    key = account_key(account_id)
    if key is None:
        return False
    if s._own is None:
        s._own = key
        return True
    return key == s._own
