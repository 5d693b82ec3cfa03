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
from typing import Any

from ..rules.session import ORDER_GONE_CODE
from .account import account_key
from .orders import fully_filled, order_key
from .state import State

log = logging.getLogger("oxpreflight.session")

#: The order channel's events for cancels and modifies (the Cancel All push and the failure
#: pushes of a cancel or modify that found the order closed).
_ORDER_EVENTS = frozenset({"CANCEL", "AMEND"})


def route(st: State, msg: dict[str, Any]) -> None:
    table = msg.get("table")
    if table == "market":
        st.update_markets(msg)
    elif table in ("order", "balance", "position"):
        with st.lock:
            if table == "order":
                _on_orders(st, msg.get("data"))
            else:
                _on_account_push(st, table, msg)
    elif isinstance(msg.get("event"), str):
        _on_event(st, msg)
    elif "data" in msg and msg.get("success") is not False:
        _on_rest(st, msg)
    elif "marketCode" in msg and "operational" in msg:
        st.update_markets(msg)


def _on_event(st: State, msg: dict[str, Any]) -> None:
    event, data = msg["event"], msg.get("data")
    with st.lock:
        if event == "login" and msg.get("success") is True:
            st.logged_in = True
            found = account_key(msg.get("accountId")) or account_key(
                data.get("accountId") if isinstance(data, dict) else None)
            if found is not None and st.own is None:
                st.own = found
            log.debug("login confirmed")
        elif event == "placeorder" and isinstance(data, dict):
            st.orders.replied(data, msg.get("submitted") is True)
        elif event in _ORDER_EVENTS:
            _on_order_event(st, msg, data)


def _on_order_event(st: State, msg: dict[str, Any], data: Any) -> None:
    order = data if isinstance(data, dict) else {}
    if str(msg.get("code")) == ORDER_GONE_CODE:
        st.orders.closed(order)  # matched or cancelled before the command arrived
    elif msg.get("submitted") is True and order_key(order.get("orderId")) is None:
        # a Cancel All; the documented push names no market, so all are taken as closed:
        # at worst a cancel of a still-open order is then accepted with the closed notice
        market = order.get("marketCode", msg.get("marketCode"))
        if market is None or isinstance(market, str):
            closed = st.orders.closed_all(market)
            log.debug("cancel all: %d open orders closed", closed)


def _on_orders(st: State, rows: Any) -> None:
    for row in rows if isinstance(rows, list) else [rows]:
        if not isinstance(row, dict):
            continue
        notice, owner = row.get("notice"), account_key(row.get("accountId"))
        if owner is not None and st.own is None \
                and order_key(row.get("orderId")) in st.orders.placed_ids:
            st.own = owner  # an order this session placed names its account
        if notice in ("OrderOpened", "OrderModified"):
            st.orders.opened(row, owner)
        elif notice == "OrderClosed":
            st.orders.closed(row)
        elif notice == "OrderMatched":
            if fully_filled(row):
                st.orders.closed(row)
            else:
                st.orders.opened(row, owner)


def _on_account_push(st: State, table: str, msg: dict[str, Any]) -> None:
    if st.account_off or not _is_own(st, msg.get("accountId")):
        return
    state = st.account_state()
    if table == "balance":
        state.set_balances(msg.get("data"), "instrumentId")
    else:
        state.set_positions(msg.get("data"), "instrumentId", "quantity", replace=False)


def _on_rest(st: State, msg: dict[str, Any]) -> None:
    data = msg["data"]
    rows = data if isinstance(data, list) else [data]
    first = next((r for r in rows if isinstance(r, dict)), None)
    if first is None:
        return
    if "orderId" in first:
        with st.lock:
            seeded = st.orders.seed(rows)
        log.debug("seeded %d working orders", seeded)
    elif {"balances", "positions", "collateral"} & first.keys():
        with st.lock:
            if not st.account_off:
                _on_account_rows(st, rows)
    elif "marketCode" in first:
        st.update_markets(msg)


def _on_account_rows(st: State, rows: list[Any]) -> None:
    row = next((r for r in rows if isinstance(r, dict) and st.own is not None
                and account_key(r.get("accountId")) == st.own), None)
    if row is None:
        row = rows[0] if st.own is None and isinstance(rows[0], dict) else None
    if row is None or not _is_own(st, row.get("accountId")):
        return
    state = st.account_state()
    if "balances" in row:
        state.set_balances(row.get("balances"), "asset")
    if "positions" in row:
        state.set_positions(row.get("positions"), "marketCode", "position", replace=True)
    elif "collateral" in row:  # /v3/account lists positions only when there are some
        state.positions = {}
    if "collateral" in row:
        state.set_collateral(row.get("collateral"))


def _is_own(st: State, account_id: Any) -> bool:
    """True for the session's own account (learning it when still unknown); a malformed
    accountId is nobody's."""
    if account_id is None:
        return True
    key = account_key(account_id)
    if key is None:
        return False
    if st.own is None:
        st.own = key
        return True
    return key == st.own
