"""The send guard: accepted frames pass unchanged, rejected frames are never sent."""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging

import pytest

from oxpreflight import Preflight, Rejected, Session, Verdict
from oxpreflight.guard import failure_replies, guard

GOOD = {"op": "placeorder", "tag": 1, "data": {
    "marketCode": "BTC-USD-SWAP-LIN", "side": "BUY", "orderType": "MARKET", "quantity": 0.001}}
BAD_MARKET = {"op": "placeorder", "tag": 2, "data": {
    "marketCode": "NOPE", "side": "BUY", "orderType": "MARKET", "quantity": 1}}
BAD_SIDE = dict(GOOD["data"], side="BOO")


@pytest.fixture(scope="module")
def pf() -> Preflight:
    return Preflight()


class Recorder:
    def __init__(self, result=None):
        self.frames: list = []
        self.result = result

    def __call__(self, frame, *args, **kwargs):
        self.frames.append((frame, args, kwargs))
        return self.result


class FakeSession:
    """The session interface (``submit``) with a verdict decided by the test."""

    def __init__(self, verdict: Verdict):
        self.verdict = verdict
        self.submitted: list = []

    def submit(self, frame):
        self.submitted.append(frame)
        return self.verdict


@pytest.mark.parametrize("frame", [GOOD, json.dumps(GOOD), json.dumps(GOOD).encode(), "ping"])
def test_guard_when_frame_accepted_then_same_object_sent(pf, frame):
    send = Recorder(result="sent")
    guarded = pf.guard(send)
    assert guarded(frame) == "sent"
    assert len(send.frames) == 1 and send.frames[0][0] is frame


def test_guard_passes_extra_arguments_through(pf):
    send = Recorder()
    guard(pf, send)(GOOD, 5, text=True)
    assert send.frames == [(GOOD, (5,), {"text": True})]


def test_guard_when_rejected_then_raises_with_verdict_and_sends_nothing(pf):
    send = Recorder()
    with pytest.raises(Rejected) as info:
        pf.guard(send)(json.dumps(BAD_MARKET))
    assert send.frames == []
    exc = info.value
    assert (exc.code, exc.message) == ("20015", "marketCode is invalid")
    assert exc.verdict.field == "marketCode" and exc.verdict.value == "NOPE"
    assert exc.response["code"] == "20015" and exc.response["submitted"] is False
    assert exc.response["tag"] == "2" and exc.response["data"]["marketCode"] == "NOPE"


def test_guard_when_rejected_with_on_reject_then_callback_gets_reply(pf):
    send, replies = Recorder(), []
    guarded = pf.guard(send, on_reject=lambda reply: replies.append(reply) or "handled")
    assert guarded(BAD_MARKET) == "handled"
    assert send.frames == []
    assert [r["code"] for r in replies] == ["20015"]
    assert replies[0] == pf.check(BAD_MARKET).response | {"timestamp": replies[0]["timestamp"]}


def test_guard_when_batch_has_two_bad_items_then_one_reply_per_item(pf):
    frame = {"op": "placeorders", "tag": 3,
             "dataArray": [GOOD["data"], BAD_MARKET["data"], GOOD["data"], BAD_SIDE]}
    send, replies = Recorder(), []
    result = pf.guard(send, on_reject=lambda r: replies.append(r) or r["code"])(frame)
    assert send.frames == []
    # every item answered, in item order: the good ones held back (W201), the bad ones refused
    assert result == ["W201", "20015", "W201", "20016"]
    assert [(r["event"], r["tag"], r["code"], r["submitted"]) for r in replies] == [
        ("placeorder", "3", "W201", False), ("placeorder", "3", "20015", False),
        ("placeorder", "3", "W201", False), ("placeorder", "3", "20016", False)]
    assert "item 1 of this batch would be rejected (20015)" in replies[0]["message"]
    assert replies[0]["data"]["marketCode"] == GOOD["data"]["marketCode"]


def test_failure_replies_of_frame_level_batch_failure_is_one_reply(pf):
    verdict = pf.check({"op": "placeorders", "tag": 4, "dataArray": []})
    assert not verdict.ok
    assert failure_replies(verdict) == [verdict.response]
    assert failure_replies(pf.check(GOOD)) == []


def test_guard_when_async_send_then_awaited_and_rejection_raised_on_await(pf):
    sent = []

    async def send(frame):
        await asyncio.sleep(0)
        sent.append(frame)
        return len(sent)

    guarded = pf.guard(send)

    async def main():
        assert asyncio.iscoroutinefunction(guarded)
        assert await guarded(GOOD) == 1
        with pytest.raises(Rejected):
            await guarded(BAD_MARKET)

    asyncio.run(main())
    assert sent == [GOOD] and sent[0] is GOOD


def test_guard_when_async_send_and_async_on_reject_then_callback_awaited(pf):
    async def send(frame):
        raise AssertionError("a rejected frame reached send")

    async def on_reject(reply):
        await asyncio.sleep(0)
        return ("local", reply["code"])

    assert asyncio.run(pf.guard(send, on_reject=on_reject)(BAD_MARKET)) == ("local", "20015")


def test_guard_when_object_has_async_call_then_wrapper_is_async(pf):
    class Sender:
        def __init__(self):
            self.frames = []

        async def __call__(self, frame):
            self.frames.append(frame)

    sender = Sender()
    guarded = pf.guard(sender, on_reject=lambda reply: reply["code"])
    assert asyncio.iscoroutinefunction(guarded)
    assert asyncio.run(guarded(BAD_MARKET)) == "20015"
    asyncio.run(guarded(GOOD))
    assert sender.frames == [GOOD]


def test_guard_when_sync_callable_returns_awaitables_then_rejections_awaitable_too(pf):
    sent = []

    async def really_send(frame):
        sent.append(frame)
        return "ok"

    guarded = pf.guard(lambda frame: really_send(frame), on_reject=lambda reply: reply["code"])

    async def main():
        assert await guarded(GOOD) == "ok"  # learns that send returns awaitables
        assert await guarded(BAD_MARKET) == "20015"
        with pytest.raises(Rejected):
            await pf.guard(lambda frame: really_send(frame))(BAD_MARKET)

    asyncio.run(main())
    assert sent == [GOOD]


def test_guard_with_session_then_session_decides(pf):
    refused = Verdict(False, "05001", "Unauthorized", response={"code": "05001"})
    session = FakeSession(refused)
    send = Recorder()
    with pytest.raises(Rejected) as info:
        pf.guard(send, session=session)(GOOD)  # pf alone would accept it
    assert info.value.code == "05001"
    assert session.submitted == [GOOD] and send.frames == []

    session.verdict = Verdict(True)
    pf.guard(send, session=session)(BAD_MARKET)  # pf alone would reject it
    assert send.frames[0][0] is BAD_MARKET


def test_guard_when_send_not_callable_then_type_error(pf):
    with pytest.raises(TypeError, match="send must be callable"):
        pf.guard("not a function")
    with pytest.raises(TypeError, match="on_reject must be callable"):
        pf.guard(print, on_reject=42)


def test_guard_when_frame_is_garbage_then_rejected_not_crashed(pf):
    send = Recorder()
    for frame in (None, 12, ["op"], b"\xff\xfe", "{", {"op": object()}):
        with pytest.raises(Rejected):
            pf.guard(send)(frame)
    assert send.frames == []


# -- logging ---------------------------------------------------------------------------------
def _blocked(caplog) -> list:
    return [r for r in caplog.records if r.name == "oxpreflight"]


def test_guard_when_rejected_then_one_warning_with_code_op_tag_field(pf, caplog):
    caplog.set_level(logging.DEBUG, logger="oxpreflight")
    frame = dict(BAD_MARKET, tag="order-17")
    with pytest.raises(Rejected):
        pf.guard(Recorder())(json.dumps(frame))
    [record] = _blocked(caplog)
    assert record.levelno == logging.WARNING
    assert (record.code, record.op, record.tag, record.field, record.rule) == (
        "20015", "placeorder", "order-17", "marketCode", "order-market-unknown")
    text = record.getMessage()
    assert all(part in text for part in ("20015", "placeorder", "order-17", "marketCode",
                                         "[order-market-unknown]"))
    assert "NOPE" not in text  # values and the frame itself are not logged


def test_guard_with_on_reject_still_logs_and_accepted_frames_log_nothing(pf, caplog):
    caplog.set_level(logging.DEBUG, logger="oxpreflight")
    guarded = pf.guard(Recorder(), on_reject=lambda reply: None)
    guarded(GOOD)
    assert _blocked(caplog) == []
    guarded({"op": "placeorders", "tag": 3, "dataArray": [GOOD["data"], BAD_SIDE]})
    [record] = _blocked(caplog)
    assert (record.code, record.op, record.tag, record.field) == (
        "20016", "placeorder", "3", "side")


def test_guard_log_never_shows_the_secret_nor_the_signature(pf, caplog):
    caplog.set_level(logging.DEBUG, logger="oxpreflight")
    secret = "0123456789abcdef-secret"
    session = pf.session(api_key="k3y", api_secret=secret)
    frame = {"op": "login", "tag": secret, "data": {"apiKey": secret, "timestamp": 1,
                                                    "signature": "sig-" + secret}}
    with pytest.raises(Rejected):
        pf.guard(Recorder(), session=session)(frame)
    [record] = _blocked(caplog)
    shown = record.getMessage() + repr(record.__dict__)
    assert secret not in shown and "sig-" not in shown
    assert record.op == "login" and record.code is not None


def test_guard_log_cuts_a_long_tag_and_op(pf, caplog):
    caplog.set_level(logging.DEBUG, logger="oxpreflight")
    with pytest.raises(Rejected):
        pf.guard(Recorder())({"op": "x" * 500, "tag": "t" * 33, "data": {}})
    [record] = _blocked(caplog)
    assert len(record.getMessage()) < 200 and record.op.endswith("...")


def test_guard_when_logger_silenced_then_nothing_logged_and_still_raises(pf, caplog):
    caplog.set_level(logging.ERROR, logger="oxpreflight")
    with pytest.raises(Rejected):
        pf.guard(Recorder())(BAD_MARKET)
    assert _blocked(caplog) == []


# -- a send that raises: the session's sending() undoes the record ----------------------------
class SendingSession:
    """The agreed ``sending`` interface, recording what guard does with it."""

    def __init__(self, verdict: Verdict):
        self.verdict = verdict
        self.events: list = []

    @contextlib.contextmanager
    def sending(self, frame):
        self.events.append(("enter", frame))
        try:
            yield self.verdict
        except BaseException as exc:
            self.events.append(("undo", exc))
            raise
        self.events.append(("kept", frame))

    def submit(self, frame):  # pragma: no cover - guard must prefer sending
        raise AssertionError("guard used submit although the session has sending")


class Broken(ConnectionError):
    pass


def test_guard_uses_sending_and_a_raising_send_is_undone_and_propagates_unchanged(pf):
    session = SendingSession(Verdict(True))
    failure = Broken("socket gone")

    def send(frame):
        raise failure

    with pytest.raises(Broken) as info:
        pf.guard(send, session=session)(GOOD)
    assert info.value is failure
    assert session.events == [("enter", GOOD), ("undo", failure)]
    session.events.clear()
    pf.guard(Recorder(), session=session)(GOOD)
    assert session.events == [("enter", GOOD), ("kept", GOOD)]


def test_guard_async_send_raising_is_undone_by_sending(pf):
    session = SendingSession(Verdict(True))
    failure = Broken("closed")

    async def send(frame):
        await asyncio.sleep(0)
        raise failure

    with pytest.raises(Broken) as info:
        asyncio.run(pf.guard(send, session=session)(GOOD))
    assert info.value is failure and session.events[-1] == ("undo", failure)


def test_guard_sync_send_returning_awaitable_is_undone_when_the_await_raises(pf):
    session = SendingSession(Verdict(True))
    failure = Broken("later")

    async def really_send(frame):
        raise failure

    guarded = pf.guard(lambda frame: really_send(frame), session=session)

    async def main():
        pending = guarded(GOOD)
        assert session.events == [("enter", GOOD)]  # still open while the send is in flight
        await pending

    with pytest.raises(Broken) as info:
        asyncio.run(main())
    assert info.value is failure and session.events[-1] == ("undo", failure)


def test_guard_rejection_by_sending_session_is_raised_outside_it(pf):
    refused = Verdict(False, "05001", "Your operation authority is invalid",
                      response={"code": "05001"})
    session = SendingSession(refused)
    send = Recorder()
    with pytest.raises(Rejected):
        pf.guard(send, session=session)(GOOD)
    assert send.frames == [] and session.events == [("enter", GOOD), ("kept", GOOD)]


LOGIN_REPLY = {"event": "login", "success": True, "tag": "1", "data": {}}
ORDER = {"op": "placeorder", "tag": 5, "data": dict(GOOD["data"], clientOrderId=77)}
CANCEL = {"op": "cancelorder", "tag": 6, "data": {"marketCode": "BTC-USD-SWAP-LIN",
                                                  "clientOrderId": 77}}


def test_guard_with_real_session_when_send_raises_then_nothing_counted(pf):
    session = pf.session(rate_limit=1)
    session.observe(LOGIN_REPLY)
    failure = Broken("reset by peer")

    def send(frame):
        raise failure

    with pytest.raises(Broken) as info:
        pf.guard(send, session=session)(ORDER)
    assert info.value is failure
    assert session.submit(CANCEL).code == "100005"  # the never-sent order is not open
    ok = Recorder()
    pf.guard(ok, session=session)(ORDER)  # the rate slot was given back: no 20007
    assert ok.frames[0][0] is ORDER


def test_guard_with_real_session_when_async_send_raises_then_nothing_counted(pf):
    session = pf.session(rate_limit=1)
    session.observe(LOGIN_REPLY)

    async def send(frame):
        raise Broken("closed")

    async def main():
        with pytest.raises(Broken):
            await pf.guard(send, session=session)(ORDER)
        assert not session.submit(CANCEL).ok
        assert session.submit(ORDER).ok  # not rate-limited by the failed send

    asyncio.run(main())


def test_log_line_when_frame_has_no_field_or_tag_then_neither_printed_as_none(pf, caplog):
    frame = {"op": "placeorder", "dataArray": []}  # no tag; the op itself is at fault
    with caplog.at_level(logging.WARNING, logger="oxpreflight"):
        pf.guard(Recorder(), on_reject=lambda reply: None)(frame)
    (record,) = caplog.records
    assert "None" not in record.getMessage()
    assert record.field is None and record.tag is None
