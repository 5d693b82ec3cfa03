"""An exchange double: a loopback websocket exchange that answers exactly as the library does.

    with Exchange() as ex:                      # a background thread with its own event loop
        run_my_bot(ex.url)                      # ws://127.0.0.1:PORT/v2/websocket
        assert ex.orders                        # open orders by orderId

    async with Exchange() as ex:                # or in the running event loop
        ...

Modules by concern: :mod:`.venue` (what each frame is answered), :mod:`.matching` (the book),
:mod:`.pushes` (the documented message shapes), :mod:`.faults` (injected failures and delays),
:mod:`.server` (the websocket server).
"""
from __future__ import annotations

import asyncio
import threading
from decimal import Decimal
from typing import Any, Callable, Optional, Union

from ...preflight import Preflight
from ...session.auth import Secret
from ...validators.clock import system_clock
from .faults import Faults
from .matching import Event, decimal
from .pushes import order_row
from .server import PATH, Server
from .venue import ACCOUNT_ID, Venue

__all__ = ["Exchange"]

#: How long a call from a test's thread waits for the server's loop (a hung loop is a bug).
_WAIT = 30.0


class Exchange:
    """A local OX.FUN websocket exchange for tests (see the module docstring).

    ``markets``: as :class:`~oxpreflight.Preflight` (``None``: the embedded catalogue).
    ``api_key`` / ``api_secret``: the credentials a login must carry (``None``: any).
    ``clock``: epoch milliseconds for the rules and the messages' timestamps. ``prices``:
    ``{marketCode: price}``, defaulting to the catalogue's ``markPrice``. ``host``/``port``:
    where to listen (port 0: a free one). ``rate_limit``: orders per second per connection.
    """

    def __init__(self, markets: Any = None, *, api_key: Optional[str] = None,
                 api_secret: Union[str, bytes, None] = None,
                 clock: Optional[Callable[[], int]] = system_clock,
                 prices: Optional[dict[str, Any]] = None, host: str = "127.0.0.1",
                 port: int = 0, rate_limit: int = 50) -> None:
        secret = Secret.hide(api_secret)  # first: no failure below leaves it in a frame
        del api_secret
        if port.__class__ is not int or not 0 <= port <= 65535:
            raise ValueError("port must be an integer from 0 to 65535")
        self.preflight = Preflight(markets=markets, clock=clock)
        options: dict[str, Any] = {"api_key": api_key, "api_secret": secret,
                                   "rate_limit": rate_limit}
        self.preflight.session(**options)  # a bad option fails here, not on a connection
        table: dict[str, Decimal] = {}
        for code, record in self.preflight.markets.items():
            if record.market.markPrice is not None:
                table[code] = record.market.markPrice
        for code, value in (prices or {}).items():
            table[code] = _price(value)
        self._faults = Faults()
        self._venue = Venue(self.preflight, table, **options, clock=clock or system_clock,
                            faults=self._faults)
        self._server = Server(self._venue, host, port)
        self.host = host
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._thread: Optional[threading.Thread] = None
        self._running = False

    # -- where -----------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        """``ws://HOST:PORT/v2/websocket`` (once started)."""
        if not self._running:
            raise RuntimeError("the exchange is not running: use it as a context manager")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"ws://{host}:{self._server.port}{PATH}"

    @property
    def port(self) -> int:
        """The port listened on (the one chosen when started with ``port=0``)."""
        return self._server.port

    # -- what it saw -----------------------------------------------------------------------------
    @property
    def received(self) -> list[Any]:
        """Every frame received, decoded (text that is not JSON as it came), in arrival order."""
        return list(self._venue.received)

    @property
    def sent(self) -> list[Any]:
        """Every message sent (dicts, and ``"pong"``), in sending order, all connections."""
        return list(self._venue.sent)

    @property
    def orders(self) -> dict[str, dict[str, Any]]:
        """The open orders by orderId, each as its order-channel row."""
        now = self._venue.clock()
        return {o.order_id: order_row(Event("OrderOpened", o, "OPEN"), ACCOUNT_ID, now)
                for o in list(self._venue.book.open.values())}

    @property
    def prices(self) -> dict[str, Decimal]:
        """The current price of each market that has one."""
        return dict(self._venue.book.prices)

    @property
    def connections(self) -> int:
        """How many clients are connected now."""
        return self._server.connections

    @property
    def pending_failures(self) -> int:
        """How many commands the failures queued with ``fail_next`` are still to answer."""
        return self._faults.pending()

    def on_reply(self, callback: Optional[Callable[[int, Any], None]]) -> None:
        """Call ``callback(connection_number, reply)`` for each reply to a command (on the
        server's loop; ``None`` stops). Replies only, not pushes; what ``serve`` logs."""
        if callback is None:
            self._venue.on_reply = None
        else:
            self._venue.on_reply = lambda conn, reply: callback(conn.number, reply)

    # -- what it does next -----------------------------------------------------------------------
    def fail_next(self, code: Any, op: Optional[str] = None, count: int = 1) -> None:
        """Answer the next ``count`` commands (of ``op``: ``"placeorder"`` also matches
        ``placeorders``; ``None``: any command) with ``code`` and the table's message."""
        self._faults.fail_next(code, op, count)

    def delay(self, seconds: float) -> None:
        """Wait ``seconds`` before answering each command from now on (0: no delay)."""
        self._faults.set_delay(seconds)

    def drop(self, code: int = 1011) -> None:
        """Close every client connection with ``code``; new connections are still accepted.
        Returns once the close frames are sent (the handshakes finish in the background)."""
        if code.__class__ is not int or not (1000 <= code <= 4999):
            raise ValueError("code must be a websocket close code (1000-4999)")
        self._call(self._server.drop, code)

    def set_price(self, market: str, price: Any) -> None:
        """Move ``market``'s price: resting orders it crosses fill, stops trigger."""
        self._call(self._venue.set_price, market, _price(price))

    def cancel_all(self, market: Optional[str] = None) -> int:
        """Cancel every open order (of ``market``), as the REST Cancel All or the GUI's button:
        OrderClosed pushes and the Cancel All push. Returns how many were cancelled."""
        result = self._call(self._venue.cancel_all, market)
        return result if isinstance(result, int) else 0

    def _call(self, function: Callable[..., Any], *args: Any) -> Any:
        """Run ``function`` on the server's loop (directly when already on it or stopped)."""
        loop = self._loop
        if loop is None or not self._running:  # stopped: no connection to tell
            result = function(*args)
            if asyncio.iscoroutine(result):
                result.close()
                return None
            return result
        try:
            on_loop = asyncio.get_running_loop() is loop
        except RuntimeError:
            on_loop = False
        if on_loop:
            result = function(*args)
            if asyncio.iscoroutine(result):
                loop.create_task(result)
                return None
            return result

        async def call() -> Any:
            result = function(*args)
            return await result if asyncio.iscoroutine(result) else result

        return asyncio.run_coroutine_threadsafe(call(), loop).result(_WAIT)

    # -- running ---------------------------------------------------------------------------------
    def __enter__(self) -> "Exchange":
        if self._running:
            raise RuntimeError("the exchange is already running")
        ready = threading.Event()
        failed: list[BaseException] = []
        self._thread = threading.Thread(target=self._serve, args=(ready, failed),
                                        name="oxpreflight-exchange", daemon=True)
        self._thread.start()
        ready.wait(_WAIT)
        if failed or not self._running:
            self._thread.join(_WAIT)
            self._thread = None
            raise failed[0] if failed else RuntimeError("the exchange did not start")
        return self

    def _serve(self, ready: threading.Event, failed: list[BaseException]) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            try:
                loop.run_until_complete(self._server.start())
            except BaseException as exc:
                failed.append(exc)
                return
            self._loop, self._running = loop, True
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._server.stop())
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            self._running, self._loop = False, None
            asyncio.set_event_loop(None)
            loop.close()
            ready.set()

    def __exit__(self, *exc: Any) -> None:
        loop, thread = self._loop, self._thread
        if loop is not None:
            loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(_WAIT)
        self._thread = None

    async def __aenter__(self) -> "Exchange":
        if self._running:
            raise RuntimeError("the exchange is already running")
        await self._server.start()
        self._loop, self._running = asyncio.get_running_loop(), True
        return self

    async def __aexit__(self, *exc: Any) -> None:
        try:
            await self._server.stop()
        finally:
            self._running, self._loop = False, None

    def __repr__(self) -> str:
        """A summary; never raises, not even on a half-built exchange."""
        try:
            where = self.url if self._running else "not running"
            return f"Exchange({where}, open_orders={len(self._venue.book.open)})"
        except Exception:
            return "Exchange(not started)"


def _price(value: Any) -> Decimal:
    number = decimal(value) if not isinstance(value, float) else decimal(repr(value))
    if number is None:
        raise ValueError(f"a price must be a finite number, got {value!r}")
    return number
