"""The Session: a Preflight plus what the exchange already knows about this connection.

Check order of :meth:`Session.submit` (the first failure is the verdict):

1. the core rules (``Preflight.check_with``) against the session's live market table;
2. login: ``login`` -> 20005 (already logged in), 20025 (apiKey), 20024 (timestamp skew),
   20000 (signature); order, cancel and modify commands -> 05001 before a successful login;
3. per order (each ``dataArray`` item): 20007 (rate), then for placeorder 300001 (status),
   20031 (not operational), 300011/300012 (repo auction), 710007, 710004, 710006, 710005
   (account); for cancelorder 100005/100006 (open orders); for modifyorder 100005/100006,
   300001, 20031, 300012.

A rejected frame changes no state. State lives behind one lock, held only for dictionary work
(never while waiting), so ``submit`` and ``observe`` may be called from several threads and
straight from asyncio coroutines; nothing in them awaits or blocks on I/O.
"""
from __future__ import annotations

import json
import logging
import threading
from functools import partial
from decimal import Decimal
from typing import Any, Callable, Optional

import orjson

from ..rules.language import BATCH_OF, CANCEL_COMMANDS, MODIFY_COMMANDS, ORDER_COMMANDS
from ..validators.clock import monotonic_ms, system_clock
from ..validators.verdict import Notice, Verdict
from .account import Account, AccountState, loose
from .auction import AUCTION_WINDOW, window_test
from .auth import Secret, check_login
from ..validators.markets import MarketError
from .markets import LiveMarkets
from .orders import OrderBook, fully_filled, order_key
from .rate import SlidingWindow
from .verdicts import redact, state_reject, with_items

log = logging.getLogger("oxpreflight.session")

#: The commands whose orders count towards ``rate_limit`` by default: the exchange documents
#: "50 orders per second"; cancels and modifies are not orders and are not counted unless
#: ``rate_ops`` names them.
RATE_OPS = ("placeorder", "placeorders")

_PLACE, _CANCEL, _MODIFY = frozenset(ORDER_COMMANDS), frozenset(CANCEL_COMMANDS), \
    frozenset(MODIFY_COMMANDS)
_ORDER_OPS = _PLACE | _CANCEL | _MODIFY
_TEXT = (str, bytes, bytearray, memoryview)
_NUMBERS = ("quantity", "price", "limitPrice", "amount")


def _no_constant(name: str) -> Any:
    raise ValueError(name)


def _decode(message: Any) -> Any:
    if isinstance(message, memoryview):
        message = bytes(message)
    return orjson.loads(message)


def _decode_frame(text: Any) -> Any:
    """A frame's JSON text; re-read with exact decimals when an order number is a float (a
    float may have lost digits of the text, and the account checks compare exactly)."""
    if isinstance(text, memoryview):
        text = bytes(text)
    msg = orjson.loads(text)
    if isinstance(msg, dict):
        items = msg.get("dataArray")
        items = items if isinstance(items, list) else [msg.get("data")]
        if any(isinstance(item, dict) and any(item.get(f).__class__ is float for f in _NUMBERS)
               for item in items):
            return json.loads(text, parse_float=Decimal, parse_constant=_no_constant)
    return msg


def _positive_int(name: str, value: Any, zero: bool = False) -> int:
    if value.__class__ is not int or value < (0 if zero else 1):
        raise ValueError(f"{name} must be a {'non-negative' if zero else 'positive'} integer")
    return value


class Session:
    """State-aware checks on one websocket connection (see the module docstring).

    ``api_key`` / ``api_secret``: when given, logins are checked against them (the secret never
    leaves this object). ``rate_limit`` orders per ``rate_window_ms`` (sliding window; orders of
    the ``rate_ops`` commands, each batch item counting). ``login_skew_ms``: largest distance
    of a login timestamp from the clock. ``auction_window``: ``(before_ms, after_ms)`` around
    each full hour, a callable ``now -> bool``, or ``None``. ``account``: an
    :class:`~oxpreflight.session.Account` (or dict), ``None`` (layer on once balance or position
    messages are observed) or ``False`` (layer off). ``track_orders``: check cancels and
    modifies against the open orders observed (100005/100006).
    """

    def __init__(self, preflight: Any, *, api_key: Optional[str] = None,
                 api_secret: Any = None, rate_limit: int = 50, rate_window_ms: int = 1000,
                 login_skew_ms: int = 30_000, auction_window: Any = AUCTION_WINDOW,
                 account: Any = None, track_orders: bool = True,
                 rate_ops: tuple = RATE_OPS):
        if api_key is not None and (not isinstance(api_key, str) or not api_key):
            raise TypeError("api_key must be a non-empty str or None")
        unknown_ops = set(rate_ops) - _ORDER_OPS
        if unknown_ops:
            raise ValueError(f"rate_ops names unknown commands: {', '.join(sorted(unknown_ops))}")
        if not isinstance(track_orders, bool):
            raise TypeError("track_orders must be True or False")
        self._pf = preflight
        self._api_key = api_key
        self._secret = None if api_secret is None else Secret(api_secret)
        self._rate = SlidingWindow(_positive_int("rate_limit", rate_limit),
                                   _positive_int("rate_window_ms", rate_window_ms))
        self._rate_ops = frozenset(rate_ops)
        self._skew = _positive_int("login_skew_ms", login_skew_ms, zero=True)
        self._in_auction: Optional[Callable[[int], bool]] = window_test(auction_window)
        self._track = track_orders
        self._account_off = account is False
        given = None if account is None or account is False else Account.of(account)
        self._account = None if given is None else AccountState(given)
        self._lock = threading.Lock()
        self._markets_lock = threading.Lock()
        self._live = LiveMarkets(preflight.markets)
        self._view = (self._live.table, self._live.closed)
        self._logged_in = False
        self._own: Optional[str] = None
        if given is not None and given.account_id is not None:
            self._own = str(given.account_id)
        self._orders = OrderBook()

    # -- public --------------------------------------------------------------------------------
    def submit(self, frame: Any) -> Verdict:
        """The verdict for ``frame`` (dict or JSON text) given the session's state; when it is
        ok the frame is recorded as sent (rate, login, pending orders)."""
        table, closed = self._view
        verdict = self._pf.check_with(frame, table)
        if verdict.ok:
            try:
                verdict = self._stateful(frame, verdict, table, closed)
            except Exception as exc:  # a bug here must still answer, never raise into a send
                verdict = state_reject("20002", op=None, tag=None, data=None,
                                       now=system_clock(), warnings=(Notice(
                                           "W000", None, None, f"internal error "
                                           f"({type(exc).__name__}); please report it"),))
        if self._secret is not None and (not verdict.ok or verdict.warnings or verdict.items):
            verdict = redact(verdict, self._secret.text())
        return verdict

    def observe(self, message: Any) -> None:
        """Feed one message from the exchange (dict, list, or text); never raises. Used:
        login replies, placeorder replies, the order/balance/position/market channels, and the
        REST replies of /v3/orders/working, /v3/account, /v3/balances, /v3/positions,
        /v3/markets and /v3/markets/operational. Anything else is ignored."""
        try:
            if isinstance(message, _TEXT):
                if message in ("pong", b"pong"):
                    return
                message = _decode(message)
            for one in message if isinstance(message, list) else [message]:
                if isinstance(one, dict):
                    self._observe(one)
        except Exception as exc:
            log.debug("message ignored (%s)", type(exc).__name__)

    def update_markets(self, data: Any) -> int:
        """Merge a ``market:all`` push, a ``/v3/markets`` or ``/v3/markets/operational`` reply
        (dict, list or JSON text) into the session's market table; fields of known markets are
        merged, so a push carrying only bounds updates only bounds. Returns how many markets
        changed; raises ``MarketError`` (a ValueError) for data of no known shape."""
        if isinstance(data, _TEXT):
            try:
                data = _decode(data)
            except ValueError:
                raise MarketError("market data text is not JSON") from None
        with self._markets_lock:
            changed = self._live.update(data)
            self._view = (self._live.table, self._live.closed)
        return changed

    def update_account(self, **changes: Any) -> None:
        """Change account facts (any :class:`Account` field); turns the account layer on."""
        if self._account_off:
            raise ValueError("the account layer is off (account=False)")
        with self._lock:
            current = self._account_state()
            fresh = AccountState(Account.of({k: v for k, v in changes.items()
                                             if k != "account_id"}))
            for name in changes:
                if name == "account_id":
                    self._own = None if changes[name] is None else str(changes[name])
                elif name in ("balances", "positions"):
                    getattr(current, name).update(getattr(fresh, name))
                elif name in ("position_limits", "margin_rates"):
                    target = "limits" if name == "position_limits" else "rates"
                    getattr(current, target).update(getattr(fresh, target))
                elif name == "default_margin_rate":
                    current.default_rate = fresh.default_rate
                else:
                    setattr(current, name, getattr(fresh, name))

    def reset_login(self) -> None:
        """Forget the login: call after reconnecting (a new connection must log in again)."""
        with self._lock:
            self._logged_in = False

    @property
    def preflight(self) -> Any:
        """The :class:`~oxpreflight.Preflight` whose rules and clock this session uses."""
        return self._pf

    @property
    def logged_in(self) -> bool:
        """A successful login reply was observed."""
        return self._logged_in

    @property
    def account_id(self) -> Optional[str]:
        """The session's own accountId, once given or learned."""
        return self._own

    @property
    def markets(self) -> dict:
        """The session's live market table (marketCode -> MarketRecord); read it, never edit."""
        return self._view[0]

    @property
    def closed_markets(self) -> frozenset:
        """Markets last reported not operational."""
        return self._view[1]

    @property
    def open_orders(self) -> frozenset:
        """The orderIds currently believed open."""
        with self._lock:
            return frozenset(self._orders.open)

    def __repr__(self) -> str:
        layer = "off" if self._account is None else "on"
        return (f"Session(logged_in={self._logged_in}, account_id={self._own!r}, "
                f"open_orders={len(self._orders)}, markets={len(self._view[0])}, "
                f"closed_markets={len(self._view[1])}, rate_limit={self._rate.limit}/"
                f"{self._rate.window_ms}ms, account_layer={layer}, "
                f"api_key={'set' if self._api_key else None}, "
                f"api_secret={'set' if self._secret else None})")

    # -- submit internals ----------------------------------------------------------------------
    def _stateful(self, frame: Any, verdict: Verdict, table: dict, closed: frozenset
                  ) -> Verdict:
        msg = frame if isinstance(frame, dict) else (
            None if frame in ("ping", b"ping") else _decode_frame(frame))
        if not isinstance(msg, dict):
            return verdict
        op = msg.get("op")
        if op != "login" and op not in _ORDER_OPS:
            return verdict  # subscriptions: nothing the session knows decides them
        now = self._pf.clock() if self._pf.clock is not None else None
        stamp = now if now is not None else system_clock()
        with self._lock:
            if op == "login":
                rejection = self._login(msg, verdict, now, stamp)
                return verdict if rejection is None else rejection
            batch = op in BATCH_OF
            items = msg.get("dataArray") if batch else [msg.get("data")]
            rate_now = now if now is not None else monotonic_ms()
            rejected = self._items(op, msg, items, table, closed, now, stamp, rate_now, batch)
            if not rejected:
                self._record(op, items, rate_now)
                return verdict
        if batch:
            return with_items(verdict, rejected)
        only = rejected[0]
        if verdict.warnings:
            only = Verdict(False, only.code, only.message, only.field, only.value, (),
                           verdict.warnings, None, None, partial(getattr, only, "response"))
        return only

    def _login(self, msg: dict, verdict: Verdict, now: Optional[int], stamp: int
               ) -> Optional[Verdict]:
        data, tag = msg.get("data"), msg.get("tag")
        if self._logged_in:
            return state_reject("20005", op="login", tag=tag, data=data, now=stamp,
                                warnings=verdict.warnings)
        if not isinstance(data, dict):
            return None
        problem = check_login(data, api_key=self._api_key, secret=self._secret, now=now,
                              skew_ms=self._skew)
        if problem is None:
            return None
        code, field, hints = problem
        value = data.get("timestamp") if code == "20024" else None
        return state_reject(code, op="login", tag=tag, data=data, now=stamp, field=field,
                            value=value, warnings=verdict.warnings + hints)

    def _items(self, op: str, msg: dict, items: list, table: dict, closed: frozenset,
               now: Optional[int], stamp: int, rate_now: int, batch: bool) -> dict:
        """index -> rejection verdict, for the items the session's state rejects."""
        counted = op in self._rate_ops
        room = self._rate.room(rate_now) if counted else None
        auction = self._in_auction is not None and now is not None and self._in_auction(now)
        tag = msg.get("tag")
        rejected = {}
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            if not self._logged_in:
                problem = ("05001", None, None)
            elif counted and index >= room:
                problem = ("20007", None, None)
            elif op in _PLACE:
                problem = self._place(item, table, closed, auction)
            elif op in _CANCEL:
                problem = self._lookup(item)
            else:
                problem = self._modify(item, table, closed, auction)
            if problem is not None:
                code, fill, field = problem
                rejected[index] = state_reject(
                    code, op=op, tag=tag, data=item, now=stamp, fill=fill, field=field,
                    value=item.get(field) if field else None,
                    index=index if batch else None)
        return rejected

    def _place(self, item: dict, table: dict, closed: frozenset, auction: bool
               ) -> Optional[tuple]:
        account = self._account
        if account is not None and (problem := account.check_status()) is not None:
            return problem
        market = item.get("marketCode")
        if market in closed:
            return "20031", None, "marketCode"
        record = table.get(market)
        if auction and record is not None and record.type == "REPO":
            if item.get("orderType") == "MARKET":
                return "300011", None, "orderType"
            if (problem := _repo_price(item, item.get("side"))) is not None:
                return problem
        if account is not None:
            return account.check_order(item, record, table)
        return None

    def _lookup(self, item: dict) -> Optional[tuple]:
        if not self._track:
            return None
        found, order = self._orders.find(item)
        field = "orderId" if item.get("orderId") is not None else "clientOrderId"
        if not found:
            return "100005", None, field
        if order is not None and order.owner is not None and self._own is not None \
                and str(order.owner) != self._own:
            return "100006", None, field
        return None

    def _modify(self, item: dict, table: dict, closed: frozenset, auction: bool
                ) -> Optional[tuple]:
        if (problem := self._lookup(item)) is not None:
            return problem
        if self._account is not None and (problem := self._account.check_status()) is not None:
            return problem
        market = item.get("marketCode")
        if market in closed:
            return "20031", None, "marketCode"
        record = table.get(market)
        if auction and record is not None and record.type == "REPO":
            side = item.get("side")
            if side is None and self._track:
                _, order = self._orders.find(item)
                side = order.side if order is not None else None
            return _repo_price(item, side)
        return None

    def _record(self, op: str, items: list, rate_now: int) -> None:
        if op in self._rate_ops:
            self._rate.add(rate_now, len(items))
        if op in _PLACE:
            for item in items:
                self._orders.placed(order_key(item.get("clientOrderId")), item.get("marketCode"))

    # -- observe internals ---------------------------------------------------------------------
    def _observe(self, msg: dict) -> None:
        table = msg.get("table")
        if table == "market":
            self.update_markets(msg)
        elif table in ("order", "balance", "position"):
            with self._lock:
                if table == "order":
                    self._on_orders(msg.get("data"))
                else:
                    self._on_account_push(table, msg)
        elif isinstance(msg.get("event"), str):
            self._on_event(msg)
        elif "data" in msg and msg.get("success") is not False:
            self._on_rest(msg)
        elif "marketCode" in msg and "operational" in msg:
            self.update_markets(msg)

    def _on_event(self, msg: dict) -> None:
        event, data = msg["event"], msg.get("data")
        with self._lock:
            if event == "login" and msg.get("success") is True:
                self._logged_in = True
                found = msg.get("accountId") or (data.get("accountId")
                                                 if isinstance(data, dict) else None)
                if found is not None and self._own is None:
                    self._own = str(found)
                log.debug("login confirmed")
            elif event == "placeorder" and isinstance(data, dict):
                self._orders.replied(data, msg.get("submitted") is True)

    def _on_orders(self, rows: Any) -> None:
        for row in rows if isinstance(rows, list) else [rows]:
            if not isinstance(row, dict):
                continue
            notice, owner = row.get("notice"), row.get("accountId")
            owner = None if owner is None else str(owner)
            if owner is not None and self._own is None \
                    and order_key(row.get("orderId")) in self._orders.placed_ids:
                self._own = owner  # an order this session placed names its account
            if notice in ("OrderOpened", "OrderModified"):
                self._orders.opened(row, owner)
            elif notice == "OrderClosed":
                self._orders.closed(row)
            elif notice == "OrderMatched":
                if fully_filled(row):
                    self._orders.closed(row)
                else:
                    self._orders.opened(row, owner)

    def _on_account_push(self, table: str, msg: dict) -> None:
        if self._account_off or not self._is_own(msg.get("accountId")):
            return
        state = self._account_state()
        if table == "balance":
            state.set_balances(msg.get("data"), "instrumentId")
        else:
            state.set_positions(msg.get("data"), "instrumentId", "quantity", replace=False)

    def _on_rest(self, msg: dict) -> None:
        data = msg["data"]
        rows = data if isinstance(data, list) else [data]
        first = next((r for r in rows if isinstance(r, dict)), None)
        if first is None:
            return
        if "orderId" in first:
            with self._lock:
                seeded = self._orders.seed(rows)
            log.debug("seeded %d working orders", seeded)
        elif {"balances", "positions", "collateral"} & first.keys():
            with self._lock:
                if not self._account_off:
                    self._on_account_rows(rows)
        elif "marketCode" in first:
            self.update_markets(msg)

    def _on_account_rows(self, rows: list) -> None:
        row = next((r for r in rows if isinstance(r, dict) and self._own is not None
                    and str(r.get("accountId")) == self._own), None)
        if row is None:
            row = rows[0] if self._own is None and isinstance(rows[0], dict) else None
        if row is None or not self._is_own(row.get("accountId")):
            return
        state = self._account_state()
        if "balances" in row:
            state.set_balances(row.get("balances"), "asset")
        if "positions" in row:
            state.set_positions(row.get("positions"), "marketCode", "position", replace=True)
        elif "collateral" in row:  # /v3/account lists positions only when there are some
            state.positions = {}
        if "collateral" in row:
            state.set_collateral(row.get("collateral"))

    def _is_own(self, account_id: Any) -> bool:
        """True for the session's own account (learning it when still unknown)."""
        if account_id is None:
            return True
        if self._own is None:
            self._own = str(account_id)
            return True
        return str(account_id) == self._own

    def _account_state(self) -> AccountState:
        if self._account is None:
            self._account = AccountState(Account())
        return self._account


def _repo_price(item: dict, side: Any) -> Optional[tuple]:
    """300012: a repo bid above 0 or offer below 0 (price, else limitPrice)."""
    for field in ("price", "limitPrice"):
        price = loose(item.get(field))
        if price is not None:
            if (side == "BUY" and price > 0) or (side == "SELL" and price < 0):
                return "300012", None, field
            return None
    return None
