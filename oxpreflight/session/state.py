"""What a session knows, as one object: the interface its rows, its pipeline and its reading of
the exchange's messages work on.

:class:`State` holds the connection's login, the account's rate window, open orders and
account figures, the live market table, and the session's settings; a
:class:`~oxpreflight.session.Session` owns one and hands it to
:func:`~oxpreflight.session.pipeline.submission` and :func:`~oxpreflight.session.routing.route`.
:class:`Context` is one submission as the rows see it. Neither locks itself: ``lock`` guards
everything but the market table, which ``markets_lock`` guards (copy-on-write, so a check
reads a consistent ``view`` without it).
"""
from __future__ import annotations

import threading
from typing import Any, Callable, Optional

from ..validators.engine import Engine
from ..validators.markets import MarketRecord
from ..validators.verdict import Notice
from .account import Account, AccountState
from .auth import Secret
from .markets import LiveMarkets
from .orders import OrderBook
from .rate import SlidingWindow


class State:
    """One session's state and settings (see the module docstring); attributes are read and
    written by the session's own modules, under ``lock``."""

    __slots__ = ("engine", "api_key", "secret", "skew_ms", "in_auction", "track", "rate",
                 "rate_ops", "account", "account_off", "own", "logged_in", "orders", "lock",
                 "markets_lock", "live", "view", "context", "plans", "trading")

    def __init__(self, engine: Engine, *, api_key: Optional[str], secret: Optional[Secret],
                 skew_ms: int, in_auction: Optional[Callable[[int], bool]], track: bool,
                 rate: SlidingWindow, rate_ops: frozenset[str], account: Optional[AccountState],
                 account_off: bool, own: Optional[str], orders: OrderBook) -> None:
        self.engine = engine
        self.api_key = api_key
        self.secret = secret
        self.skew_ms = skew_ms
        self.in_auction = in_auction
        self.track = track
        self.rate = rate
        self.rate_ops = rate_ops
        self.account = account
        self.account_off = account_off
        self.own = own
        self.logged_in = False
        self.orders = orders
        self.lock = threading.Lock()
        self.markets_lock = threading.Lock()
        self.live = LiveMarkets(engine.markets)
        #: ``(market table, markets not operational)``, swapped whole on every update
        self.view: tuple[dict[str, MarketRecord], frozenset[str]] = (
            self.live.table, self.live.closed)
        self.context = Context()  # the pipeline's, refilled under the lock per submission
        #: op -> the session rows' plan: the engine's rows and its policy (pipeline.plans_for)
        self.plans: dict[str, Any] = {}
        #: the pre-trade limits' trading state: "ACTIVE", "REDUCING" or "HALTED"
        self.trading = "ACTIVE"

    def account_state(self) -> AccountState:
        """The account layer's state, turned on when first needed (lock held)."""
        if self.account is None:
            self.account = AccountState(Account())
        return self.account

    def update_markets(self, data: Any) -> int:
        """Merge market data into the live table (takes ``markets_lock``); how many changed."""
        with self.markets_lock:
            changed = self.live.update(data)
            self.view = (self.live.table, self.live.closed)
        return changed


class Context:
    """One submission: the command, its clocks, the room left in the rate window, the market
    table it was checked against, and the notices its items collected (``None`` until one
    does)."""

    __slots__ = ("op", "now", "stamp", "room", "table", "closed", "notices", "client_ids")

    def __init__(self) -> None:
        self.op: str = ""
        self.now: Optional[int] = None
        self.stamp = 0
        self.room: Optional[int] = None
        self.table: dict[str, Any] = {}
        self.closed: frozenset[str] = frozenset()
        self.notices: Optional[dict[int, list[Notice]]] = None
        self.client_ids: Optional[set[str]] = None  # the limits' R004: ids seen in this frame

    def note(self, index: int, notice: Notice) -> None:
        """Add a notice to item ``index`` (the verdict carries it when the frame passes)."""
        if self.notices is None:
            self.notices = {}
        self.notices.setdefault(index, []).append(notice)
