"""The Session: a Preflight plus what the exchange already knows about this connection.

:meth:`Session.submit` checks a frame with the core rules against the session's live market
table (``Preflight.judge``: the verdict and the decoded frame, from one decode), then with the
session rows that apply to its command, in the order of :data:`oxpreflight.rules.STATE_RULES`
(the first failing row is the verdict; each batch item alone), each decided by its predicate
in :mod:`.rows`. Everything the session knows is one :class:`~.state.State`, which this class
owns and hands to the pipeline (:mod:`.pipeline`) and to the reading of the exchange's messages
(:mod:`.routing`).

A rejected frame changes no state. State lives behind one lock, held only for dictionary work
(never while waiting), so ``submit`` and ``observe`` may be called from several threads and
straight from asyncio coroutines; nothing in them awaits or blocks on I/O.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Mapping, Optional, Union

import orjson

from ..rules.language import CANCEL_COMMANDS, MODIFY_COMMANDS, ORDER_COMMANDS
from ..rules.limits import TRADING_STATES
from ..validators.engine import Engine
from ..validators.markets import MarketError, MarketRecord
from ..validators.verdict import Verdict
from .account import Account, AccountState, account_key
from .auction import AUCTION_WINDOW, window_test
from .auth import Secret
from .orders import ACK_TIMEOUT_MS, OrderBook
from .pipeline import plans_for, submission, take_back
from .rate import SlidingWindow
from .routing import route
from .state import State

log = logging.getLogger("oxpreflight.session")

#: The commands whose orders count towards ``rate_limit`` by default: the exchange documents
#: "50 orders per second"; cancels and modifies are not orders and are not counted unless
#: ``rate_ops`` names them.
RATE_OPS = ("placeorder", "placeorders")

_ORDER_OPS = frozenset(ORDER_COMMANDS + CANCEL_COMMANDS + MODIFY_COMMANDS)
_TEXT = (str, bytes, bytearray, memoryview)

#: What ``submit`` and ``observe`` take: a JSON object as a dict, or JSON text.
Frame = Union[Mapping[str, Any], str, bytes, bytearray, memoryview]
Message = Union[Mapping[str, Any], list[Any], str, bytes, bytearray, memoryview]


def _decode(message: Any) -> Any:
    if isinstance(message, memoryview):
        message = bytes(message)
    return orjson.loads(message)


def _may_have_left(exc: BaseException,
                   sent: Optional[Callable[[BaseException], bool]]) -> bool:
    if sent is None:
        return not isinstance(exc, Exception)
    try:
        return bool(sent(exc))
    except Exception:  # a broken judge must not hide the send's own exception
        return True


def _positive_int(name: str, value: Any, zero: bool = False) -> int:
    if value.__class__ is not int or value < (0 if zero else 1):
        raise ValueError(f"{name} must be a {'non-negative' if zero else 'positive'} integer")
    return value


class Session:
    """State-aware checks on one websocket connection (see the module docstring).

    ``api_key`` / ``api_secret``: when given, logins are checked against them (the secret never
    leaves this object). ``rate_limit`` orders per ``rate_window_ms`` (sliding window; orders of
    the ``rate_ops`` commands, each batch item counting; measured on a monotonic clock with the
    system clock, on the Preflight's clock when one is injected). ``login_skew_ms``: largest
    distance of a login timestamp from the clock. ``auction_window``: ``(before_ms, after_ms)``
    around each full hour, a callable ``now -> bool``, or ``None``. ``account``: an
    :class:`~oxpreflight.session.Account` (or dict), ``None`` (layer on once balance or position
    messages are observed) or ``False`` (layer off). ``track_orders``: check cancels and
    modifies against the open orders observed (100005/100006). ``ack_timeout_ms`` (60 s): an
    order sent whose placeorder reply is not observed within it is forgotten (at most 10,000
    are awaited at once). ``trading_state``: ``"ACTIVE"``, ``"REDUCING"`` or ``"HALTED"``
    (the pre-trade limits' R006 / R005; needs the Preflight's ``limits=``).
    """

    def __init__(self, preflight: Engine, *, api_key: Optional[str] = None,
                 api_secret: Union[str, bytes, Secret, None] = None, rate_limit: int = 50,
                 rate_window_ms: int = 1000, login_skew_ms: int = 30_000,
                 auction_window: Union[tuple[int, int], Callable[[int], bool], None]
                 = AUCTION_WINDOW,
                 account: Union[Account, Mapping[str, Any], None, bool] = None,
                 track_orders: bool = True, rate_ops: tuple[str, ...] = RATE_OPS,
                 ack_timeout_ms: int = ACK_TIMEOUT_MS, trading_state: str = "ACTIVE") -> None:
        api_secret = Secret.hide(api_secret)  # first: no failure below leaves it in a frame
        if api_key is not None and (not isinstance(api_key, str) or not api_key):
            raise TypeError("api_key must be a non-empty str or None")
        unknown_ops = set(rate_ops) - _ORDER_OPS
        if unknown_ops:
            raise ValueError(f"rate_ops names unknown commands: {', '.join(sorted(unknown_ops))}")
        if not isinstance(track_orders, bool):
            raise TypeError("track_orders must be True or False")
        in_auction = window_test(auction_window)
        given = None if account is None or account is False else Account.of(account)
        own = None
        if given is not None and given.account_id is not None:
            own = account_key(given.account_id) or str(given.account_id)
        self._state = State(
            preflight, api_key=api_key, secret=None if api_secret is None else api_secret.usable(),
            skew_ms=_positive_int("login_skew_ms", login_skew_ms, zero=True),
            in_auction=in_auction, track=track_orders,
            rate=SlidingWindow(_positive_int("rate_limit", rate_limit),
                               _positive_int("rate_window_ms", rate_window_ms)),
            rate_ops=frozenset(rate_ops),
            account=None if given is None else AccountState(given),
            account_off=account is False, own=own,
            orders=OrderBook(_positive_int("ack_timeout_ms", ack_timeout_ms)))
        self._state.plans = plans_for(preflight.state_rules, preflight.state_actions)
        self.trading_state = trading_state

    # -- public --------------------------------------------------------------------------------
    def submit(self, frame: Frame) -> Verdict:
        """The verdict for ``frame`` (dict or JSON text) given the session's state; when it is
        ok the frame is recorded as sent (rate, pending orders). Never raises."""
        return submission(self._state, frame)[0]

    @contextmanager
    def sending(self, frame: Frame, *,
                sent: Optional[Callable[[BaseException], bool]] = None) -> Iterator[Verdict]:
        """``with session.sending(frame) as verdict:`` send inside the block when
        ``verdict.ok``. The verdict is :meth:`submit`'s. If the block raises, the exception
        propagates unchanged and what the submission recorded (rate slots, pending orders)
        is taken back unless the frame may have left: ``sent(exc)`` says so when given (the
        caller knows its transport); by default an error (an ``Exception``) means the send
        failed, while an interruption (cancellation, Ctrl-C) may have come after the frame
        was written, so the record is kept. Plain ``with``, usable around ``await send(...)``."""
        verdict, record = submission(self._state, frame)
        try:
            yield verdict
        except BaseException as exc:
            if record is not None and not _may_have_left(exc, sent):
                take_back(self._state, record)
            raise

    def observe(self, message: Message) -> None:
        """Feed one message from the exchange (dict, list, or text); never raises. What is
        understood is listed in :mod:`oxpreflight.session.routing`; anything else is
        ignored."""
        try:
            if isinstance(message, _TEXT):
                if message in ("pong", b"pong"):
                    return
                message = _decode(message)
            for one in message if isinstance(message, list) else [message]:
                if isinstance(one, dict):
                    route(self._state, one)
        except Exception as exc:
            log.debug("message ignored (%s)", type(exc).__name__)

    def update_markets(self, data: Union[Message, Mapping[str, Any]]) -> int:
        """Merge a ``market:all`` push, a ``/v3/markets`` or ``/v3/markets/operational`` reply
        (dict, list or JSON text) into the session's market table; fields of known markets are
        merged, so a push carrying only bounds updates only bounds; an entry a catalogue would
        refuse is skipped and logged, its market keeping its record. Returns how many markets
        changed; raises ``MarketError`` (a ValueError) for data of no known shape."""
        if isinstance(data, _TEXT):
            try:
                data = _decode(data)
            except ValueError:
                raise MarketError("market data text is not JSON") from None
        return self._state.update_markets(data)

    def update_account(self, **changes: Any) -> None:
        """Change account facts (any :class:`Account` field); turns the account layer on."""
        st = self._state
        if st.account_off:
            raise ValueError("the account layer is off (account=False)")
        with st.lock:
            current = st.account_state()
            fresh = AccountState(Account.of({k: v for k, v in changes.items()
                                             if k != "account_id"}))
            for name in changes:
                if name == "account_id":
                    value = changes[name]
                    st.own = None if value is None else account_key(value) or str(value)
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
        """Forget the connection: call after reconnecting (a new connection must log in again,
        and replies to orders sent on the old one will never come). Open orders, the account
        and the rate window belong to the account and are kept."""
        st = self._state
        with st.lock:
            st.logged_in = False
            st.orders.forget_pending()

    @property
    def preflight(self) -> Engine:
        """The :class:`~oxpreflight.Preflight` whose rules and clock this session uses (typed
        as the engine it extends, which the session needs)."""
        return self._state.engine

    @property
    def trading_state(self) -> str:
        """``"ACTIVE"``, ``"REDUCING"`` (orders that would grow the position: R006) or
        ``"HALTED"`` (every order command: R005; cancels pass). Settable; a state other than
        ACTIVE needs the Preflight's ``limits=``."""
        return self._state.trading

    @trading_state.setter
    def trading_state(self, state: str) -> None:
        if state not in TRADING_STATES:
            raise ValueError(f"trading_state must be one of {', '.join(TRADING_STATES)}, "
                             f"not {state!r}")
        if state != "ACTIVE" and self._state.engine.limits is None:
            raise ValueError("trading_state: the Preflight has no limits= (R005/R006 are off)")
        with self._state.lock:
            self._state.trading = state

    @property
    def logged_in(self) -> bool:
        """A successful login reply was observed."""
        return self._state.logged_in

    @property
    def account_id(self) -> Optional[str]:
        """The session's own accountId, once given or learned."""
        return self._state.own

    @property
    def markets(self) -> dict[str, MarketRecord]:
        """The session's live market table (marketCode -> MarketRecord); read it, never edit."""
        return self._state.view[0]

    @property
    def closed_markets(self) -> frozenset[str]:
        """Markets last reported not operational."""
        return self._state.view[1]

    @property
    def open_orders(self) -> frozenset[str]:
        """The orderIds currently believed open."""
        st = self._state
        with st.lock:
            return frozenset(st.orders.open)

    def __repr__(self) -> str:
        """A summary; never raises, not even on a half-built session."""
        def part(name: str, read: Callable[[], Any]) -> str:
            try:
                return f"{name}={read()}"
            except Exception:
                return f"{name}=?"

        def state() -> State:
            return self._state

        parts = (
            part("logged_in", lambda: state().logged_in),
            part("account_id", lambda: repr(state().own)),
            part("open_orders", lambda: len(state().orders)),
            part("markets", lambda: len(state().view[0])),
            part("closed_markets", lambda: len(state().view[1])),
            part("rate_limit", lambda: f"{state().rate.limit}/{state().rate.window_ms}ms"),
            part("account_layer", lambda: "off" if state().account is None else "on"),
            part("api_key", lambda: "set" if state().api_key else None),
            part("api_secret", lambda: "set" if state().secret else None),
        )
        return f"Session({', '.join(parts)})"
