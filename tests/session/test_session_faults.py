"""The session under faults: a send that raises leaves no trace, a secret that cannot
be encoded never leaks, orders never acknowledged expire and stay bounded, the rate window
survives wall-clock steps, and repr never raises."""
from __future__ import annotations

import asyncio
import json
import logging
import sys
import traceback
import tracemalloc
import types

import pytest

from oxpreflight import Preflight, Rejected
from oxpreflight.rules.examples import MARKETS, NOW, order
from oxpreflight.session import Session
from oxpreflight.session.orders import ACK_TIMEOUT_MS, PENDING_MEMORY
from oxpreflight.validators import clock as clock_module

LOGIN_OK = {"event": "login", "success": True, "tag": "1", "timestamp": str(NOW)}


class Clock:
    def __init__(self, now: int = NOW) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now


def place(**changes) -> dict:
    return {"op": "placeorder", "tag": 7, "data": order(**changes)}


def cancel(client_id: int) -> dict:
    return {"op": "cancelorder", "tag": 8,
            "data": {"marketCode": "BTC-USD-SWAP-LIN", "clientOrderId": client_id}}


def logged_in(clock: Clock | None = None, **options) -> Session:
    pf = Preflight(markets=MARKETS, clock=clock if clock is not None else Clock())
    session = pf.session(**options)
    session.observe(LOGIN_OK)
    return session


# -- (3) a send that raises leaves the session as if it never happened --------------------------
def test_sending_when_the_send_raises_then_rate_slot_and_pending_order_are_taken_back():
    s = logged_in(rate_limit=1)
    failure = ConnectionError("socket closed")
    with pytest.raises(ConnectionError) as caught:
        with s.sending(place(clientOrderId=7)) as verdict:
            assert verdict.ok
            raise failure
    assert caught.value is failure  # unchanged
    assert s.submit(cancel(7)).code == "100005"  # the order was never sent
    assert s.submit(place()).ok  # its rate slot is free again


def test_sending_when_the_send_succeeds_then_recorded_as_submit_would():
    s = logged_in(rate_limit=1)
    with s.sending(place(clientOrderId=7)) as verdict:
        assert verdict.ok
    assert s.submit(cancel(7)).ok
    assert s.submit(place()).code == "20007"


def test_sending_a_batch_that_fails_takes_back_every_item():
    s = logged_in(rate_limit=3)
    frame = {"op": "placeorders", "dataArray": [order(clientOrderId=1), order(clientOrderId=2)]}
    with pytest.raises(OSError):
        with s.sending(frame):
            raise OSError("write failed")
    assert [s.submit(cancel(i)).code for i in (1, 2)] == ["100005", "100005"]
    batch = {"op": "placeorders", "dataArray": [order(), order(), order()]}
    assert s.submit(batch).ok


def test_sending_a_rejected_frame_records_nothing_and_yields_the_rejection():
    s = logged_in(rate_limit=1)
    with s.sending(place(side="buy")) as verdict:
        assert verdict.code == "20016"
    assert s.submit(place()).ok


def test_sending_around_an_awaited_send_in_asyncio():
    s = logged_in(rate_limit=1)

    async def send(_: str) -> None:
        await asyncio.sleep(0)
        raise ConnectionResetError("peer went away")

    async def main() -> None:
        with pytest.raises(ConnectionResetError):
            with s.sending(place()) as verdict:
                if verdict.ok:
                    await send(json.dumps(place()))

    asyncio.run(main())
    assert s.submit(place()).ok


# -- (4) a secret that is not valid UTF-8 text never leaks ----------------------------------------
SURROGATE_SECRET = "sUrRoGaTe-5ecret-\ud800-tail"


def _chain_text(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)) + repr(exc) \
        + repr(exc.__context__) + repr(exc.__cause__)


@pytest.mark.parametrize("secret", [SURROGATE_SECRET, "sUrRoGaTe-5ecret-\udcff",
                                    "\udfff" + "sUrRoGaTe-5ecret"])
def test_secret_with_a_lone_surrogate_is_accepted_and_never_shown(secret, caplog):
    caplog.set_level(logging.DEBUG)
    try:
        s = Preflight(markets=MARKETS, clock=Clock()).session(api_key="k", api_secret=secret)
    except Exception as exc:  # an error is acceptable only if it carries no trace of the secret
        assert "sUrRoGaTe" not in _chain_text(exc)
        return
    frames = [
        {"op": "login", "tag": 1, "data": {"apiKey": secret, "timestamp": NOW, "signature": "x"}},
        {"op": "login", "tag": 1, "data": {"apiKey": "k", "timestamp": NOW, "signature": secret}},
        {"op": "placeorder", "tag": 1, "data": order(marketCode=secret)},
    ]
    for frame in frames:
        verdict = s.submit(frame)
        assert not verdict.ok
        shown = repr(verdict) + str(verdict.message) + repr(verdict.value) \
            + json.dumps(verdict.response, default=str) + str(Rejected(verdict)) \
            + "".join(repr(w) + w.message for w in verdict.warnings)
        assert "sUrRoGaTe" not in shown
    assert "sUrRoGaTe" not in repr(s)
    assert "sUrRoGaTe" not in caplog.text


def test_secret_with_a_lone_surrogate_swapped_into_the_api_key_is_refused_and_never_shown():
    # a lone surrogate cannot be sent as UTF-8 websocket text: the engine answers 20009 first
    s = Preflight(markets=MARKETS, clock=Clock()).session(api_secret=SURROGATE_SECRET)
    verdict = s.submit({"op": "login", "tag": 1, "data": {
        "apiKey": SURROGATE_SECRET, "timestamp": NOW, "signature": "x"}})
    assert verdict.code == "20009"
    assert "sUrRoGaTe" not in repr(verdict) + json.dumps(verdict.response, default=str)


# -- (9) orders never acknowledged expire and are bounded ------------------------------------------
def test_order_not_acknowledged_within_the_timeout_is_forgotten():
    clock = Clock()
    s = logged_in(clock, ack_timeout_ms=5_000)
    assert s.submit(place(clientOrderId=1)).ok
    clock.now += 4_999
    assert s.submit(cancel(1)).ok  # still awaiting its reply
    clock.now += 1
    assert s.submit(cancel(1)).code == "100005"


def test_ack_timeout_default_is_a_minute_and_must_be_positive():
    assert ACK_TIMEOUT_MS == 60_000
    pf = Preflight(markets=MARKETS, clock=Clock())
    for bad in (0, -1, 1.5, "60000"):
        with pytest.raises(ValueError):
            pf.session(ack_timeout_ms=bad)


def test_orders_awaiting_a_reply_are_bounded_oldest_first():
    s = logged_in(rate_limit=10**9, ack_timeout_ms=10**9)
    for client_id in range(1, PENDING_MEMORY + 2):
        assert s.submit(place(clientOrderId=client_id)).ok
    assert s._state.orders.pending_count() == PENDING_MEMORY
    assert s.submit(cancel(1)).code == "100005"  # the oldest went first
    assert s.submit(cancel(2)).ok and s.submit(cancel(PENDING_MEMORY + 1)).ok


def test_reset_login_drops_the_orders_of_the_old_connection():
    s = logged_in()
    assert s.submit(place(clientOrderId=5)).ok
    s.reset_login()
    s.observe(LOGIN_OK)
    assert s.submit(cancel(5)).code == "100005"


def test_memory_stays_flat_over_a_long_session_of_unacknowledged_orders():
    clock = Clock()
    s = logged_in(clock, rate_limit=10**9, ack_timeout_ms=1_000)

    def run(start: int, count: int) -> None:
        for client_id in range(start, start + count):
            clock.now += 10
            s.submit(place(clientOrderId=client_id))

    run(1, 5_000)  # warm up: caches, the window and the pending queue at their steady size
    tracemalloc.start()
    try:
        run(5_001, 2_000)  # tracemalloc's own first allocations
        before = tracemalloc.get_traced_memory()[0]
        run(7_001, 20_000)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert s._state.orders.pending_count() <= 100  # 1 s of orders at one per 10 ms
    assert grown < 20_000, grown  # ~180 B kept per order would be 3.6 MB


# -- (13) the rate window on a monotonic clock when the clock is the system's ----------------------
class FakeTime:
    """Stands in for the ``time`` module the clocks read: wall and monotonic move apart."""

    def __init__(self) -> None:
        self.wall_ms, self.mono_ms = NOW, 5_000_000

    def time_ns(self) -> int:
        return self.wall_ms * 1_000_000

    def monotonic_ns(self) -> int:
        return self.mono_ms * 1_000_000


@pytest.fixture
def fake_time(monkeypatch) -> FakeTime:
    fake = FakeTime()
    monkeypatch.setattr(clock_module, "time", fake)
    return fake


def test_rate_window_ignores_a_wall_clock_step_back(fake_time):
    s = Preflight(markets=MARKETS).session(rate_limit=2)
    s.observe(LOGIN_OK)
    assert s.submit(place()).ok and s.submit(place()).ok
    fake_time.wall_ms -= 10_000
    fake_time.mono_ms += 1
    assert s.submit(place()).code == "20007"
    fake_time.mono_ms += 1_000  # one real second later the window has room again
    assert s.submit(place()).ok


def test_rate_window_ignores_a_wall_clock_step_forward(fake_time):
    s = Preflight(markets=MARKETS).session(rate_limit=2)
    s.observe(LOGIN_OK)
    assert s.submit(place()).ok and s.submit(place()).ok
    fake_time.wall_ms += 1_500
    fake_time.mono_ms += 1
    assert s.submit(place()).code == "20007"


def test_injected_clock_still_drives_the_rate_window(fake_time):
    clock = Clock()
    s = logged_in(clock, rate_limit=1)
    assert s.submit(place()).ok
    fake_time.mono_ms += 60_000  # the monotonic clock is not consulted
    assert s.submit(place()).code == "20007"
    clock.now += 1_000
    assert s.submit(place()).ok


# -- (14) repr never raises ------------------------------------------------------------------------
def test_repr_of_a_half_built_session_never_raises():
    bare = Session.__new__(Session)
    assert repr(bare).startswith("Session(")
    half = Session.__new__(Session)
    half._state = types.SimpleNamespace(logged_in=True)  # the rest of its state missing
    assert "logged_in=True" in repr(half) and "markets=?" in repr(half)


def test_repr_when_the_constructor_failed_midway():
    class Broken(Session):
        def __init__(self) -> None:
            try:
                super().__init__(Preflight(markets=MARKETS), rate_limit=0)
            except ValueError:
                self.caught = sys.exc_info()

    assert "Session(" in repr(Broken())


# -- (6, session side) submit agrees with check on text orjson refuses -----------------------------
@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "a\\ud83d"])
def test_submit_agrees_with_check_on_a_lone_surrogate_escape(escape):
    pf = Preflight(markets=MARKETS, clock=Clock())
    session = pf.session()
    session.observe(LOGIN_OK)
    text = json.dumps(place()).replace('"tag": 7', f'"tag": "{escape}"')
    assert escape in text
    expected, verdict = pf.check(text), session.submit(text)
    assert (verdict.ok, verdict.code) == (expected.ok, expected.code)
    assert "W000" not in {w.code for w in verdict.warnings}


# -- hostile values never make the secret's redaction raise ---------------------------------------
def _nested(depth: int, leaf: object) -> object:
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("value", [_nested(500, "x"), _nested(5_000, "x"),
                                   _nested(600, SURROGATE_SECRET), 10**5000],
                         ids=["nested-500", "nested-5000", "secret-nested-600", "int-5001-digits"])
def test_redaction_survives_deep_nesting_and_huge_integers(value):
    s = Preflight(markets=MARKETS, clock=Clock()).session(api_secret=SURROGATE_SECRET)
    s.observe(LOGIN_OK)
    frame = place(side="buy")
    frame["data"]["source"] = value
    verdict = s.submit(frame)  # 20016, or 20009 / 20027 where the engine refuses the frame
    assert not verdict.ok and verdict.code in ("20016", "20009", "20027")
    assert not _holds(verdict.response, "sUrRoGaTe")


def _holds(value: object, text: str) -> bool:
    stack = [value]
    while stack:
        part = stack.pop()
        if isinstance(part, dict):
            stack.extend(part.keys())
            stack.extend(part.values())
        elif isinstance(part, list):
            stack.extend(part)
        elif isinstance(part, str) and text in part:
            return True
    return False
