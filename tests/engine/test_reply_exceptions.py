"""The exchange's own replies as the library's exceptions (``raise_for_reply``,
``Rejected.from_reply``) and the signed login frame (``login_frame``)."""
from __future__ import annotations

import base64
import doctest
import hashlib
import hmac
import pickle

import pytest

import oxpreflight
from oxpreflight import (
    AuthenticationError, BadSymbol, OrderNotFound, Preflight, RateLimitExceeded, Rejected,
    login_frame, raise_for_reply,
)
from oxpreflight.errors import BY_CODE

RECORDED_20015 = {"event": "placeorder", "submitted": False, "tag": "123",
                  "message": "marketCode is invalid", "code": "20015",
                  "timestamp": "1648894458343", "data": {"marketCode": "btcUSD"}}
#: ccxt 4.4's recorded 20009 (no tag, no data) and 20044 (no event) replies.
RECORDED_20009 = {"event": "placeorder", "submitted": False,
                  "message": "JSON data format is invalid", "code": "20009",
                  "timestamp": "1716932877381"}
RECORDED_20044 = {"code": "20044", "message": "Amount is not supported for this order type",
                  "submitted": False}


def test_raise_for_reply_when_recorded_20015_then_bad_symbol_with_reply():
    with pytest.raises(BadSymbol) as caught:
        raise_for_reply(RECORDED_20015)
    exc = caught.value
    assert (exc.code, exc.message, exc.field) == ("20015", "marketCode is invalid", "marketCode")
    assert exc.response == RECORDED_20015 and exc.retryable is False
    assert str(exc) == "20015 marketCode is invalid"


@pytest.mark.parametrize("reply", [RECORDED_20009, RECORDED_20044])
def test_raise_for_reply_when_recorded_failures_without_tag_or_event_then_raises(reply):
    with pytest.raises(Rejected) as caught:
        raise_for_reply(reply)
    assert caught.value.code == reply["code"] and caught.value.message == reply["message"]


def test_raise_for_reply_when_text_or_bytes_then_same_as_dict():
    for form in ('{"event":"cancelorder","submitted":false,"code":"100005",'
                 '"message":"Open order not found","tag":"1"}',
                 b'{"event":"cancelorder","submitted":false,"code":"100005",'
                 b'"message":"Open order not found","tag":"1"}'):
        with pytest.raises(OrderNotFound) as caught:
            raise_for_reply(form)
        assert caught.value.field == "orderId" and caught.value.response["tag"] == "1"


def test_raise_for_reply_when_login_or_subscription_fails_then_raises():
    with pytest.raises(AuthenticationError) as caught:
        raise_for_reply({"event": "login", "success": False, "code": "20000",
                         "message": "Signature is invalid", "tag": "1"})
    assert caught.value.code == "20000"
    with pytest.raises(Rejected):
        raise_for_reply({"event": "subscribe", "success": False, "code": "20001",
                         "message": "Operation failed, please contact system administrator"})


def test_raise_for_reply_when_rate_limited_then_retryable():
    with pytest.raises(RateLimitExceeded) as caught:
        raise_for_reply({"event": "placeorder", "submitted": False, "code": "20007",
                         "message": "Rate limit exceeded"})
    assert caught.value.retryable is True


@pytest.mark.parametrize("message", [
    {"event": "placeorder", "submitted": True, "tag": "1", "data": {}},
    {"event": "login", "success": True},
    {"table": "order", "data": [{"notice": "OrderOpened"}]},
    "pong", b"\xff\xfe", "[1, 2]", '{"submitted": "false"}',
])
def test_raise_for_reply_when_not_a_failure_then_none(message):
    assert raise_for_reply(message) is None


def test_raise_for_reply_when_not_a_reply_type_then_type_error():
    with pytest.raises(TypeError, match="dict, str or bytes"):
        raise_for_reply(42)  # type: ignore[arg-type]


def test_from_reply_gives_the_mapped_class_and_refuses_success():
    exc = Rejected.from_reply(RECORDED_20015)
    assert type(exc) is BY_CODE["20015"] and exc.verdict.ok is False
    assert pickle.loads(pickle.dumps(exc)).code == "20015"
    with pytest.raises(ValueError, match="not a failure reply"):
        Rejected.from_reply({"event": "placeorder", "submitted": True})


def test_local_rejection_and_exchange_reply_give_the_same_exception():
    frame = {"op": "placeorder", "tag": 123, "data": {
        "marketCode": "btcUSD", "side": "SELL", "orderType": "LIMIT", "quantity": 0.001,
        "price": 44000}}
    local = oxpreflight.errors.error_for(Preflight().check(frame))
    remote = Rejected.from_reply(RECORDED_20015)
    assert (type(local), local.code, local.message, local.field) == (
        type(remote), remote.code, remote.message, remote.field)


def test_errors_doctests_pass():
    assert doctest.testmod(oxpreflight.errors).failed == 0


def test_login_frame_is_the_documented_signed_frame_and_the_session_accepts_it():
    frame = login_frame("key-1", "secret-1", timestamp=1717348159900, tag=7)
    mac = hmac.new(b"secret-1", b"1717348159900GET/auth/self/verify", hashlib.sha256)
    assert frame == {"op": "login", "tag": 7, "data": {
        "apiKey": "key-1", "timestamp": 1717348159900,
        "signature": base64.b64encode(mac.digest()).decode()}}
    session = Preflight(clock=lambda: 1717348160000).session(api_key="key-1",
                                                             api_secret="secret-1")
    assert session.submit(frame).ok


def test_login_frame_without_timestamp_reads_the_clock_and_has_no_tag():
    frame = login_frame("key-1", b"secret-1")
    assert "tag" not in frame
    session = Preflight().session(api_key="key-1", api_secret="secret-1")
    assert session.submit(frame).ok


@pytest.mark.parametrize("kwargs, error", [
    ({"api_key": ""}, TypeError), ({"api_secret": ""}, ValueError),
    ({"api_secret": 5}, TypeError), ({"timestamp": "1717348159900"}, TypeError),
    ({"timestamp": True}, TypeError), ({"tag": 1.5}, TypeError),
])
def test_login_frame_when_bad_argument_then_clear_error_without_the_secret(kwargs, error):
    args = {"api_key": "key-1", "api_secret": "s3cr3t-value", **kwargs}
    with pytest.raises(error) as caught:
        login_frame(args.pop("api_key"), args.pop("api_secret"), **args)
    assert "s3cr3t-value" not in str(caught.value) and "s3cr3t-value" not in repr(caught.value)


def test_login_frame_when_it_fails_then_no_traceback_local_holds_the_secret():
    with pytest.raises(TypeError) as caught:
        login_frame("key-1", "s3cr3t-value", timestamp="soon")  # type: ignore[arg-type]
    tb = caught.value.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    assert "s3cr3t-value" not in repr(tb.tb_frame.f_locals)
