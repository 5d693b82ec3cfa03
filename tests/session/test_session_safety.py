"""Session safety: the API secret never leaks, and concurrent submits never beat the rate."""
from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import pickle
import threading

import pytest

from oxpreflight import Preflight, Rejected
from oxpreflight.rules.examples import MARKETS, NOW, order

SECRET = "sEcReT-7f3a9c1e5b2d"
KEY = "public-key-1"
LOGIN_OK = {"event": "login", "success": True, "tag": "1", "timestamp": str(NOW)}


def sign(timestamp, secret=SECRET) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}GET/auth/self/verify".encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def login(**data) -> dict:
    base = {"apiKey": KEY, "timestamp": NOW, "signature": sign(NOW)}
    base.update(data)
    return {"op": "login", "tag": 1, "data": base}


def _everything(verdict) -> str:
    """Every piece of a verdict a user could print, log or send on."""
    parts = [repr(verdict), str(verdict.message), repr(verdict.value),
             json.dumps(verdict.response, default=str), json.dumps(verdict.as_dict()),
             str(Rejected(verdict))]
    parts += [repr(w) + str(w.message) + repr(w.value) for w in verdict.warnings]
    parts += [_everything(item) for item in verdict.items]
    return "\n".join(parts)


FRAMES = [
    login(), login(signature="wrong"), login(apiKey=SECRET), login(apiKey=SECRET, timestamp="x"),
    login(apiKey=SECRET, timestamp=NOW - 99_999), login(signature=SECRET),
    login(signature=sign(NOW).encode().hex()), login(timestamp=NOW // 1000),
    login(apiKey=SECRET, signature=""), login(apiKey="other"),
    {"op": "login", "tag": SECRET[:20], "data": {"apiKey": SECRET}},
    {"op": "placeorder", "tag": 1, "data": order(marketCode=SECRET)},
    {"op": "placeorder", "tag": 1, "data": order(clientOrderId=SECRET)},
    {"op": "placeorders", "dataArray": [order(), order(side=SECRET)]},
    {"op": SECRET, "data": {}}, {"op": "placeorder", "data": order(), SECRET: 1},
    {"op": "cancelorder", "data": {"marketCode": "BTC-USD-SWAP-LIN", "orderId": 1}},
    json.dumps(login(apiKey=SECRET)), "not json " + SECRET,
]


def test_secret_never_in_verdicts_reprs_or_logs(caplog):
    caplog.set_level(logging.DEBUG)
    pf = Preflight(markets=MARKETS, clock=lambda: NOW)
    s = pf.session(api_key=KEY, api_secret=SECRET)
    seen = []
    for frame in FRAMES:
        seen.append(_everything(s.submit(frame)))
    s.observe(LOGIN_OK)
    s.observe("garbage " + SECRET)
    s.observe({"table": "order", "data": [{"notice": "OrderOpened", "orderId": SECRET}]})
    for frame in FRAMES:
        seen.append(_everything(s.submit(frame)))
    seen += [repr(s), str(s), repr(vars(s)) if hasattr(s, "__dict__") else ""]
    seen += [r.getMessage() + repr(r.args) for r in caplog.records]
    text = "\n".join(seen)
    assert SECRET not in text
    assert "<redacted>" in text  # the swapped-key frames were scrubbed, not merely absent
    assert "api_secret=set" in repr(s)


def test_secret_not_in_errors_or_pickles():
    pf = Preflight(markets=MARKETS, clock=lambda: NOW)
    s = pf.session(api_secret=SECRET)
    with pytest.raises(TypeError) as caught:
        pickle.dumps(s._state.secret)
    assert SECRET not in str(caught.value)
    with pytest.raises(TypeError) as caught:
        pf.session(api_secret=12345)
    assert "12345" not in str(caught.value)


def test_secret_as_bytes_works_the_same():
    pf = Preflight(markets=MARKETS, clock=lambda: NOW)
    s = pf.session(api_secret=SECRET.encode())
    assert s.submit(login()).ok
    assert s.submit(login(signature=sign(NOW, "x"))).code == "20000"


# -- concurrency --------------------------------------------------------------------------------
class SteppingClock:
    """A deterministic clock shared by threads: every read advances it by ``step`` ms; each
    thread can see the last value it read (the session reads the clock last in ``submit``)."""

    def __init__(self, start: int, step: int):
        self._now, self._step, self._lock = start, step, threading.Lock()
        self.mine = threading.local()

    def __call__(self) -> int:
        with self._lock:
            self._now += self._step
            self.mine.last = self._now
            return self._now


def _session(clock, **options):
    s = Preflight(markets=MARKETS, clock=clock).session(**options)
    s.observe(LOGIN_OK)
    return s


def _hammer(s, threads: int, per_thread: int, frame) -> list:
    accepted, lock, start = [], threading.Lock(), threading.Barrier(threads)

    def work():
        start.wait()
        for _ in range(per_thread):
            verdict = s.submit(frame)
            if verdict.ok:
                with lock:
                    accepted.append(1)

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return accepted


def test_threads_submitting_at_once_never_pass_more_than_rate_limit():
    s = _session(lambda: NOW)
    accepted = _hammer(s, threads=16, per_thread=25, frame={"op": "placeorder", "data": order()})
    assert len(accepted) == 50


def test_threads_with_batches_never_pass_more_than_rate_limit():
    s = _session(lambda: NOW)
    batch = {"op": "placeorders", "dataArray": [order()] * 3}
    accepted = _hammer(s, threads=12, per_thread=10, frame=batch)
    assert len(accepted) * 3 == 48  # 16 batches of 3; the 17th would make 51


def test_threads_with_a_moving_clock_never_exceed_rate_in_any_window():
    clock = SteppingClock(NOW, 1)
    s = _session(clock, rate_limit=20, rate_window_ms=100)
    record, lock = [], threading.Lock()

    def work():
        for _ in range(100):
            if s.submit({"op": "placeorder", "data": order()}).ok:
                with lock:
                    record.append(clock.mine.last)

    pool = [threading.Thread(target=work) for _ in range(8)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    record.sort()
    assert len(record) > 20  # the clock moved through several windows
    for i, t in enumerate(record):
        assert sum(1 for u in record[i:] if u < t + 100) <= 20


def test_asyncio_tasks_never_pass_more_than_rate_limit():
    s = _session(lambda: NOW)

    async def one():
        await asyncio.sleep(0)
        return s.submit({"op": "placeorder", "data": order()}).ok

    async def main():
        return await asyncio.gather(*(one() for _ in range(200)))

    assert sum(asyncio.run(main())) == 50


def test_observe_from_threads_while_submitting_is_consistent():
    s = _session(lambda: NOW, rate_limit=10_000)
    opened = [{"table": "order", "data": [{"notice": "OrderOpened", "orderId": str(i),
                                           "marketCode": "BTC-USD-SWAP-LIN", "side": "BUY"}]}
              for i in range(500)]
    closed = [{"table": "order", "data": [{"notice": "OrderClosed", "orderId": str(i),
                                           "marketCode": "BTC-USD-SWAP-LIN"}]}
              for i in range(0, 500, 2)]

    def feed(messages):
        for m in messages:
            s.observe(m)

    writers = [threading.Thread(target=feed, args=(opened,))]
    writers[0].start()
    writers[0].join()
    pool = [threading.Thread(target=feed, args=(closed,)),
            threading.Thread(target=lambda: [s.submit({"op": "placeorder", "data": order()})
                                             for _ in range(300)])]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert s.open_orders == frozenset(str(i) for i in range(1, 500, 2))


# -- a failing construction leaves the secret in no traceback local --------------------------
BAD_OPTIONS = [{"rate_limit": 0}, {"rate_limit": "50"}, {"login_skew_ms": -1},
               {"rate_ops": ("nope",)}, {"track_orders": "yes"}, {"ack_timeout_ms": 0},
               {"api_key": 5}, {"account": {"nope": 1}}, {"auction_window": "x"}]


def _locals_text(tb) -> str:
    import traceback

    seen = []
    while tb is not None:
        if tb.tb_frame.f_code.co_filename != __file__:  # the library's frames, not the test's
            seen += [f"{k}={v!r}" for k, v in tb.tb_frame.f_locals.items()]
        tb = tb.tb_next
    return "\n".join(seen)


@pytest.mark.parametrize("bad", BAD_OPTIONS, ids=lambda bad: next(iter(bad)))
@pytest.mark.parametrize("how", ["preflight.session", "Session"])
def test_failed_construction_shows_no_secret_in_traceback_locals(bad, how):
    import traceback

    from oxpreflight import Session

    pf = Preflight(markets=MARKETS, clock=lambda: NOW)
    build = pf.session if how == "preflight.session" else (lambda **o: Session(pf, **o))
    with pytest.raises((TypeError, ValueError)) as caught:
        build(api_secret=SECRET, **bad)
    shown = _locals_text(caught.tb)
    tb = caught.tb
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    shown += "".join(traceback.TracebackException(
        caught.type, caught.value, tb, capture_locals=True).format())
    assert "api_secret" in shown or "options" in shown  # the locals were looked at
    assert SECRET not in shown
    assert SECRET not in str(caught.value)


def test_a_secret_of_the_wrong_type_fails_without_naming_it():
    pf = Preflight(markets=MARKETS, clock=lambda: NOW)
    for value, error in ((12345, TypeError), ("", ValueError), (b"", ValueError)):
        with pytest.raises(error) as caught:
            pf.session(api_secret=value)
        assert "12345" not in _locals_text(caught.tb) + str(caught.value)


# -- redaction alters only what the user wrote ------------------------------------------------
def _library_parts(verdict) -> list:
    """What the library writes: the reply's keys and own fields, codes, the message."""
    reply = verdict.response or {}
    own = {k: v for k, v in reply.items() if k not in ("tag", "data")}
    data = reply.get("data")
    keys = sorted(data) if isinstance(data, dict) else None
    return [verdict.code, verdict.rule, verdict.message, verdict.field, own, keys,
            [(w.code, w.field, w.rule) for w in verdict.warnings],
            [_library_parts(i) for i in verdict.items]]


SHORT_FRAMES = [
    {"op": "placeorder", "tag": 1, "data": order(marketCode="NOPE")},
    {"op": "placeorder", "tag": 1, "data": order(side="buy")},
    {"op": "placeorder", "tag": "tag-1", "data": order(quantity="0.00001")},
    {"op": "placeorders", "tag": 1, "dataArray": [order(), order(side="nope")]},
    {"op": "cancelorder", "tag": 1, "data": {"marketCode": "BTC-USD-SWAP-LIN", "orderId": 1}},
    {"op": "placeorder", "tag": 1, "data": dict(order(price="68000.5"), extra=1)},
    login(signature="wrong"), login(timestamp=NOW - 99_999),
]


@pytest.mark.parametrize("secret", ["e", "1", "0", "r", "-", "o"])
@pytest.mark.parametrize("at", range(len(SHORT_FRAMES)))
def test_a_short_secret_never_alters_what_the_library_writes(secret, at):
    frame = SHORT_FRAMES[at]
    plain = Preflight(markets=MARKETS, clock=lambda: NOW).session(
        api_key=KEY, api_secret="a-long-unrelated-secret")
    hidden = Preflight(markets=MARKETS, clock=lambda: NOW).session(api_key=KEY,
                                                                   api_secret=secret)
    if frame["op"] != "login":
        plain.observe(LOGIN_OK)
        hidden.observe(LOGIN_OK)
    expected, verdict = plain.submit(frame), hidden.submit(frame)
    assert not expected.ok or expected.warnings
    assert _library_parts(verdict) == _library_parts(expected)
    if verdict.response is not None:
        assert verdict.response["submitted" if frame["op"] != "login" else "success"] is False


@pytest.mark.parametrize("secret", ["e", "1", "zz-long-secret-zz"])
def test_the_secret_is_still_hidden_wherever_the_user_put_it(secret):
    s = Preflight(markets=MARKETS, clock=lambda: NOW).session(api_secret=secret)
    s.observe(LOGIN_OK)
    frames = [{"op": "placeorder", "tag": secret, "data": order(marketCode=secret)},
              {"op": "placeorder", "tag": 1, "data": order(clientOrderId=secret)},
              {"op": "placeorder", "tag": 1, "data": dict(order(side="x"), note=secret)},
              {"op": "placeorder", "tag": 1, "data": dict(order(), **{secret: 1})},
              {"op": secret, "data": {}}]
    for frame in frames:
        verdict = s.submit(frame)
        user = [verdict.value, [w.value for w in verdict.warnings]]
        reply = verdict.response or {}
        data = reply.get("data")
        user += [reply.get("tag"), list(data.values()) if isinstance(data, dict) else data]
        if reply.get("event") not in ("placeorder", "login", "cancelorder"):
            user.append(reply.get("event"))
        shown = json.dumps(user, default=str).replace("<redacted>", "")
        assert secret not in shown, frame
        if len(secret) > 2:
            assert secret not in _everything(verdict), frame
