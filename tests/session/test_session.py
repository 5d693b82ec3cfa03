"""Session: login, rate, open orders, live markets and the repo auction, with an injected clock."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from oxpreflight import Preflight, Verdict
from oxpreflight.rules.examples import MARKETS, NOW, order
from oxpreflight.validators.markets import MarketError

KEY, SECRET = "my-api-key", "my-api-secret-0123456789"
HOUR = NOW - NOW % 3_600_000 + 3_600_000  # the next full hour after NOW (18:00:00Z)
REPO = "BTC-USD-REPO-LIN"


class Clock:
    def __init__(self, now: int = NOW):
        self.now = now

    def __call__(self) -> int:
        return self.now


def sign(timestamp, secret: str = SECRET) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}GET/auth/self/verify".encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def login(timestamp=NOW, key=KEY, signature=None, tag=1) -> dict:
    return {"op": "login", "tag": tag, "data": {
        "apiKey": key, "timestamp": timestamp,
        "signature": sign(timestamp) if signature is None else signature}}


def place(**changes) -> dict:
    return {"op": "placeorder", "tag": 7, "data": order(**changes)}


def cancel(order_id=None, client_id=None, market="BTC-USD-SWAP-LIN") -> dict:
    data = {"marketCode": market}
    if order_id is not None:
        data["orderId"] = order_id
    if client_id is not None:
        data["clientOrderId"] = client_id
    return {"op": "cancelorder", "tag": 8, "data": data}


def opened(order_id, client_id=None, market="BTC-USD-SWAP-LIN", account="1001",
           notice="OrderOpened", **extra) -> dict:
    row = {"notice": notice, "accountId": account, "orderId": str(order_id),
           "marketCode": market, "side": "BUY", "status": "OPEN", "price": "68000",
           "quantity": "0.001", "remainQuantity": "0.001", "orderType": "LIMIT"}
    if client_id is not None:
        row["clientOrderId"] = str(client_id)
    row.update(extra)
    return {"table": "order", "data": [row]}


LOGIN_OK = {"event": "login", "success": True, "tag": "1", "timestamp": str(NOW)}


def closed_notice(verdict) -> bool:
    """Accepted with the notice that the order was seen closed (W104)."""
    return verdict.ok and [w.code for w in verdict.warnings] == ["W104"]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def pf(clock) -> Preflight:
    return Preflight(markets=MARKETS, clock=clock)


@pytest.fixture
def session(pf):
    """Logged in, with key and secret known."""
    s = pf.session(api_key=KEY, api_secret=SECRET)
    assert s.submit(login()).ok
    s.observe(LOGIN_OK)
    return s


# -- login -------------------------------------------------------------------------------------
@pytest.mark.parametrize("frame", [
    place(), cancel(order_id=1),
    {"op": "modifyorder", "data": {"marketCode": "BTC-USD-SWAP-LIN", "orderId": 1, "price": 68000}},
    {"op": "placeorders", "dataArray": [order(), order()]},
])
def test_order_commands_when_not_logged_in_then_05001(pf, frame):
    verdict = pf.session().submit(frame)
    assert isinstance(verdict, Verdict)
    assert (verdict.ok, verdict.code) == (False, "05001")
    assert verdict.message == "Your operation authority is invalid"
    assert verdict.response["code"] == "05001"
    if "dataArray" in frame:
        assert [i.code for i in verdict.items] == ["05001", "05001"]


def test_placeorder_when_login_sent_but_not_answered_then_05001(pf):
    s = pf.session()
    assert s.submit(login()).ok
    assert s.submit(place()).code == "05001"


def test_placeorder_after_successful_login_reply_then_accepted(pf):
    s = pf.session()
    assert s.submit(login()).ok
    s.observe(json.dumps(LOGIN_OK))  # text works as well as dicts
    assert s.logged_in
    assert s.submit(place()).ok


def test_placeorder_after_failed_login_reply_then_05001(pf):
    s = pf.session()
    s.submit(login())
    s.observe({"event": "login", "success": False, "code": "20000",
               "message": "Signature is invalid", "tag": "1", "timestamp": str(NOW)})
    assert not s.logged_in
    assert s.submit(place()).code == "05001"


def test_subscribe_when_not_logged_in_then_accepted(pf):
    assert pf.session().submit({"op": "subscribe", "args": ["market:all"]}).ok


def test_login_when_already_logged_in_then_20005(session):
    verdict = session.submit(login())
    assert (verdict.code, verdict.message) == ("20005", "Already logged in")
    assert verdict.response["event"] == "login" and verdict.response["success"] is False
    assert "data" not in verdict.response  # login failures carry no data, like the exchange's


def test_login_after_reset_login_then_accepted_and_orders_need_a_new_reply(session):
    session.reset_login()
    assert session.submit(place()).code == "05001"
    assert session.submit(login()).ok


@pytest.mark.parametrize("offset, code", [
    (30_000, None), (-30_000, None), (30_001, "20024"), (-30_001, "20024")])
def test_login_when_timestamp_far_from_clock_then_20024(pf, offset, code):
    s = pf.session(api_key=KEY, api_secret=SECRET)
    verdict = s.submit(login(timestamp=NOW + offset))
    assert verdict.code == code
    if code:
        assert verdict.message == "timestamp exceeds the threshold"
        assert verdict.field == "timestamp"


def test_login_when_login_skew_ms_configured_then_used(pf):
    s = pf.session(login_skew_ms=5_000)
    assert s.submit(login(timestamp=NOW - 5_000)).ok
    assert s.submit(login(timestamp=NOW - 5_001)).code == "20024"


def test_login_when_clock_is_none_then_no_skew_check():
    s = Preflight(markets=MARKETS, clock=None).session(api_key=KEY, api_secret=SECRET)
    assert s.submit(login(timestamp=1_000_000_000_000)).ok


def test_login_when_timestamp_in_seconds_then_20024_with_hint(pf):
    verdict = pf.session().submit(login(timestamp=NOW // 1000))
    assert verdict.code == "20024"
    assert [w.code for w in verdict.warnings] == ["W102"]


def test_login_when_api_key_differs_then_20025(pf):
    verdict = pf.session(api_key=KEY).submit(login(key="another-key"))
    assert (verdict.code, verdict.message, verdict.field) == (
        "20025", "API key is invalid", "apiKey")


def test_login_when_no_api_key_configured_then_any_key_accepted(pf):
    assert pf.session().submit(login(key="whatever")).ok


def test_login_when_signature_wrong_then_20000(pf):
    verdict = pf.session(api_secret=SECRET).submit(login(signature=sign(NOW, "wrong secret")))
    assert (verdict.code, verdict.message, verdict.field) == (
        "20000", "Signature is invalid", "signature")
    assert verdict.warnings == ()


def test_login_when_signature_hex_then_20000_with_hint(pf):
    digest = hmac.new(SECRET.encode(), f"{NOW}GET/auth/self/verify".encode(),
                      hashlib.sha256).hexdigest()
    verdict = pf.session(api_secret=SECRET).submit(login(signature=digest))
    assert (verdict.code, verdict.rule) == ("20000", "login-signature-mismatch")
    assert [(w.code, w.rule) for w in verdict.warnings] == [("W101", "login-signature-mismatch")]


def test_login_when_signed_over_seconds_then_20000_with_hint(pf):
    verdict = pf.session(api_secret=SECRET).submit(login(signature=sign(NOW // 1000)))
    assert verdict.code == "20000"
    assert [w.code for w in verdict.warnings] == ["W102"]


def test_login_when_signed_with_the_key_then_20000_with_hint(pf):
    verdict = pf.session(api_secret=SECRET).submit(login(signature=sign(NOW, KEY)))
    assert verdict.code == "20000"
    assert [w.code for w in verdict.warnings] == ["W103"]


def test_login_when_key_and_secret_swapped_then_20025(pf):
    verdict = pf.session(api_secret=SECRET).submit(login(key=SECRET, signature=sign(NOW, KEY)))
    assert verdict.code == "20025"
    assert SECRET not in repr(verdict) + json.dumps(verdict.response)


def test_login_when_timestamp_is_text_then_signature_over_that_text(pf):
    s = pf.session(api_secret=SECRET)
    assert s.submit(login(timestamp=str(NOW))).ok
    text = json.dumps(login(timestamp=str(NOW)))
    assert pf.session(api_secret=SECRET).submit(text).ok


def test_login_rejected_then_state_unchanged(pf):
    s = pf.session(api_secret=SECRET)
    assert s.submit(login(signature="bad")).code == "20000"
    s.observe(LOGIN_OK)  # the client may still have sent it; the reply decides
    assert s.submit(place()).ok


def test_login_when_core_rejects_then_core_verdict(pf):
    verdict = pf.session(api_secret=SECRET).submit(login(key=""))
    assert verdict.code == "20025"  # the core's missing-apiKey rule


# -- rate ---------------------------------------------------------------------------------------
def test_placeorder_when_51st_inside_a_second_then_20007_and_first_after_accepted(session, clock):
    verdicts = [session.submit(place()) for _ in range(50)]
    assert all(v.ok for v in verdicts)
    clock.now = NOW + 999
    verdict = session.submit(place())
    assert (verdict.code, verdict.message) == ("20007", "You are accessing server too rapidly")
    assert verdict.response["event"] == "placeorder" and verdict.response["submitted"] is False
    clock.now = NOW + 1000  # the first 50 leave the window together
    assert session.submit(place()).ok


def test_placeorder_rate_window_slides(session, clock):
    for _ in range(25):
        assert session.submit(place()).ok
    clock.now = NOW + 500
    for _ in range(25):
        assert session.submit(place()).ok
    assert session.submit(place()).code == "20007"
    clock.now = NOW + 1000  # only the first 25 expired
    assert all(session.submit(place()).ok for _ in range(25))
    assert session.submit(place()).code == "20007"
    clock.now = NOW + 1500
    assert session.submit(place()).ok


def test_placeorders_when_batch_crosses_the_limit_then_items_beyond_it_20007(session):
    for _ in range(45):
        assert session.submit(place()).ok
    batch = {"op": "placeorders", "tag": 3, "dataArray": [order() for _ in range(10)]}
    verdict = session.submit(batch)
    assert (verdict.ok, verdict.code, verdict.index) == (False, "20007", 5)
    assert [i.code for i in verdict.items] == [None] * 5 + ["20007"] * 5
    assert verdict.items[5].response["data"]["marketCode"] == "BTC-USD-SWAP-LIN"
    # the rejected batch changed nothing: 5 more fit
    assert all(session.submit(place()).ok for _ in range(5))
    assert session.submit(place()).code == "20007"


def test_placeorders_each_order_of_a_batch_counts(session):
    assert session.submit({"op": "placeorders", "dataArray": [order()] * 20}).ok
    assert session.submit({"op": "placeorders", "dataArray": [order()] * 30}).ok
    assert session.submit(place()).code == "20007"


def test_rate_when_frames_rejected_then_not_counted(session):
    for _ in range(60):
        assert session.submit(place(price="99999")).code == "710003"
    assert all(session.submit(place()).ok for _ in range(50))


def test_cancels_do_not_count_by_default_but_can(pf, session):
    session.observe(opened(1))
    assert all(session.submit(cancel(order_id=1)).ok for _ in range(80))
    strict = pf.session(rate_limit=2, rate_ops=("placeorder", "cancelorder"))
    strict.observe(LOGIN_OK)
    strict.observe(opened(1))
    assert strict.submit(place()).ok and strict.submit(cancel(order_id=1)).ok
    assert strict.submit(cancel(order_id=1)).code == "20007"


def test_rate_limit_and_window_configurable(pf, clock):
    s = pf.session(rate_limit=3, rate_window_ms=200)
    s.observe(LOGIN_OK)
    assert [s.submit(place()).ok for _ in range(4)] == [True, True, True, False]
    clock.now += 200
    assert s.submit(place()).ok


@pytest.mark.parametrize("options", [
    {"rate_limit": 0}, {"rate_limit": 1.5}, {"rate_window_ms": -1}, {"login_skew_ms": -1},
    {"rate_ops": ("subscribe",)}, {"auction_window": (1, 2, 3)}, {"auction_window": (-1, 0)},
    {"track_orders": "yes"}, {"api_key": ""}, {"api_secret": 12345}, {"account": 3},
])
def test_session_when_options_invalid_then_clear_error(pf, options):
    with pytest.raises((TypeError, ValueError)):
        pf.session(**options)


# -- open orders ---------------------------------------------------------------------------------
def test_cancelorder_when_order_never_seen_then_100005(session):
    verdict = session.submit(cancel(order_id=123))
    assert (verdict.code, verdict.message, verdict.field, verdict.value) == (
        "100005", "Open order not found", "orderId", 123)
    assert verdict.response["event"] == "cancelorder"


def test_cancelorder_through_the_order_lifecycle(session):
    session.observe(opened(123, client_id=9))
    assert session.submit(cancel(order_id=123)).ok
    assert session.submit(cancel(order_id="123")).ok
    assert session.submit(cancel(client_id=9)).ok
    session.observe(opened(123, notice="OrderMatched", status="PARTIAL_FILL",
                           remainQuantity="0.0005"))
    assert session.submit(cancel(order_id=123)).ok
    session.observe(opened(123, notice="OrderClosed", status="CANCELED_BY_USER"))
    # seen closed: the exchange accepts the cancel and pushes 100004, so no local 100005
    assert closed_notice(session.submit(cancel(order_id=123)))
    assert closed_notice(session.submit(cancel(client_id=9)))
    assert session.open_orders == frozenset()


def test_cancelorder_when_order_fully_filled_then_accepted_with_closed_notice(session):
    session.observe(opened(5))
    session.observe(opened(5, notice="OrderMatched", status="FILLED", remainQuantity="0.0"))
    assert closed_notice(session.submit(cancel(order_id=5)))


def test_modified_order_stays_open_and_amend_reopens_under_a_new_id(session):
    session.observe(opened(5, client_id=1))
    session.observe(opened(5, notice="OrderModified", quantity="0.0005"))
    assert session.submit(cancel(order_id=5)).ok
    session.observe(opened(5, notice="OrderClosed", status="CANCELED_BY_AMEND"))
    session.observe(opened(6, client_id=1))
    assert closed_notice(session.submit(cancel(order_id=5)))
    assert session.submit(cancel(order_id=6)).ok
    assert session.submit(cancel(client_id=1)).ok


def test_cancelorder_after_placeorder_reply_then_accepted(session):
    session.observe({"event": "placeorder", "submitted": True, "tag": "7", "timestamp": str(NOW),
                     "data": dict(order(), orderId="1000000700008", clientOrderId="1")})
    assert session.submit(cancel(order_id=1000000700008)).ok
    session.observe({"event": "placeorder", "submitted": False, "code": "710003",
                     "data": dict(order(), clientOrderId="2")})
    assert session.submit(cancel(client_id=2)).code == "100005"


def test_cancelorder_by_client_id_before_the_reply_then_accepted(session):
    assert session.submit(place(clientOrderId=77)).ok
    assert session.submit(cancel(client_id=77)).ok  # the exchange handles frames in order
    session.observe({"event": "placeorder", "submitted": False, "code": "710003",
                     "data": dict(order(), clientOrderId="77")})
    assert session.submit(cancel(client_id=77)).code == "100005"


def test_cancelorder_when_order_open_on_another_market_then_100005(session):
    session.observe(opened(5, market="ETH-USD-SWAP-LIN"))
    assert session.submit(cancel(order_id=5)).code == "100005"
    assert session.submit(cancel(order_id=5, market="ETH-USD-SWAP-LIN")).ok


def test_cancelorder_when_order_owned_by_another_account_then_100006(session):
    session.observe({"table": "balance", "accountId": "1001", "data": []})
    assert session.account_id == "1001"
    session.observe(opened(5, account="2002"))
    verdict = session.submit(cancel(order_id=5))
    assert (verdict.code, verdict.message) == ("100006", "Open order is not owned by the user")
    session.observe(opened(6, account="1001"))
    assert session.submit(cancel(order_id=6)).ok


def test_own_account_learned_from_an_order_this_session_placed(session):
    assert session.submit(place(clientOrderId=1)).ok
    session.observe({"event": "placeorder", "submitted": True,
                     "data": dict(order(), orderId="55", clientOrderId="1")})
    session.observe(opened(55, client_id=1, account="1001"))
    assert session.account_id == "1001"
    session.observe(opened(56, account="3003"))
    assert session.submit(cancel(order_id=56)).code == "100006"


def test_orders_working_reply_seeds_open_orders(session):
    session.observe({"success": True, "data": [
        {"orderId": "160067484555913076", "clientOrderId": "123", "marketCode": "BTC-USDT",
         "status": "OPEN", "side": "SELL", "price": "64000", "quantity": "0.001",
         "remainQuantity": "0.001", "orderType": "LIMIT"}]})
    assert session.submit(cancel(order_id=160067484555913076, market="BTC-USDT")).ok
    assert session.submit(cancel(client_id=123, market="BTC-USDT")).ok


def test_cancelorders_when_one_order_unknown_then_that_item_100005(session):
    session.observe(opened(1))
    verdict = session.submit({"op": "cancelorders", "dataArray": [
        {"marketCode": "BTC-USD-SWAP-LIN", "orderId": 1},
        {"marketCode": "BTC-USD-SWAP-LIN", "orderId": 2}]})
    assert (verdict.code, verdict.index) == ("100005", 1)
    assert [i.ok for i in verdict.items] == [True, False]


def test_modifyorder_when_order_unknown_then_100005(session):
    frame = {"op": "modifyorder", "data": {"marketCode": "BTC-USD-SWAP-LIN", "orderId": 4,
                                           "price": 68000}}
    assert session.submit(frame).code == "100005"
    session.observe(opened(4))
    assert session.submit(frame).ok


def test_cancelorder_when_track_orders_off_then_not_checked(pf):
    s = pf.session(track_orders=False)
    s.observe(LOGIN_OK)
    assert s.submit(cancel(order_id=999)).ok


def test_late_placeorder_reply_does_not_reopen_a_closed_order(session):
    session.observe(opened(8, notice="OrderClosed", status="CANCELED_BY_USER"))
    session.observe({"event": "placeorder", "submitted": True,
                     "data": dict(order(), orderId="8")})
    assert "8" not in session.open_orders
    assert closed_notice(session.submit(cancel(order_id=8)))


# -- live markets -------------------------------------------------------------------------------
@pytest.mark.parametrize("reply", [
    {"success": True, "data": {"marketCode": "BTC-USD-SWAP-LIN", "operational": False}},
    {"marketCode": "BTC-USD-SWAP-LIN", "operational": False},
])
def test_placeorder_when_market_not_operational_then_20031(session, reply):
    assert session.update_markets(reply) == 1
    verdict = session.submit(place())
    assert (verdict.code, verdict.message, verdict.field) == (
        "20031", "The marketCode is closed for trading temporarily", "marketCode")
    assert session.submit(place(marketCode="ETH-USD-SWAP-LIN", price="3800")).ok
    session.update_markets({"marketCode": "BTC-USD-SWAP-LIN", "operational": "true"})
    assert session.submit(place()).ok


def test_operational_flag_through_observe(session):
    session.observe({"success": True, "data": {"marketCode": "BTC-USD-SWAP-LIN",
                                               "operational": False}})
    assert session.closed_markets == {"BTC-USD-SWAP-LIN"}
    assert session.submit(place()).code == "20031"


def test_live_bounds_change_710003_verdicts(session, pf):
    assert session.submit(place(price="70000")).ok
    push = {"table": "market", "data": [{"marketCode": "BTC-USD-SWAP-LIN",
                                         "upperPriceBound": "69000", "lowerPriceBound": "62000",
                                         "marketPrice": "65500"}]}
    session.observe(push)
    verdict = session.submit(place(price="70000"))
    assert (verdict.code, verdict.message) == ("710003", "The price is higher than the maximum")
    assert session.submit(place(price="61999")).code == "710002"
    assert session.submit(place(price="68999")).ok
    record = session.markets["BTC-USD-SWAP-LIN"]
    assert (record.tick, record.step, record.type) == (1, pf.markets["BTC-USD-SWAP-LIN"].step,
                                                       "FUTURE")  # other fields kept
    assert pf.check(place(price="70000")).ok  # the Preflight's own table is untouched
    assert pf.markets["BTC-USD-SWAP-LIN"].hi == 75026


def test_live_qty_increment_changes_100008(session):
    assert session.submit(place(quantity="0.001")).ok
    session.update_markets({"table": "market", "data": [
        {"marketCode": "BTC-USD-SWAP-LIN", "qtyIncrement": "0.01"}]})
    assert session.submit(place(quantity="0.001")).code == "100008"


def test_markets_reply_adds_a_new_market(session):
    assert session.submit(place(marketCode="SOL-USD-SWAP-LIN", price="160")).code == "20015"
    n = session.update_markets({"success": True, "data": [
        {"marketCode": "SOL-USD-SWAP-LIN", "type": "FUTURE", "base": "SOL", "counter": "USD",
         "tickSize": "0.01", "minSize": "0.01", "upperPriceBound": "174.26",
         "lowerPriceBound": "154.52", "markPrice": "164.39"}]})
    assert n == 1
    assert session.submit(place(marketCode="SOL-USD-SWAP-LIN", price="160",
                                quantity="0.01")).ok


def test_bounds_for_an_unknown_market_do_not_create_it(session):
    assert session.update_markets({"marketCode": "NEW-USD", "upperPriceBound": "1"}) == 0
    assert "NEW-USD" not in session.markets


def test_same_push_twice_changes_nothing(session):
    push = {"table": "market", "data": [{"marketCode": "BTC-USD-SWAP-LIN",
                                         "upperPriceBound": "69000"}]}
    assert session.update_markets(push) == 1
    assert session.update_markets(json.dumps(push)) == 0


def test_update_markets_when_bad_entry_then_skipped_and_rest_applied(session):
    n = session.update_markets({"table": "market", "data": [
        {"marketCode": "BTC-USD-SWAP-LIN", "tickSize": "-1"},
        {"marketCode": "ETH-USD-SWAP-LIN", "upperPriceBound": "3800"}]})
    assert n == 1
    assert session.markets["BTC-USD-SWAP-LIN"].tick == 1
    assert session.submit(place(marketCode="ETH-USD-SWAP-LIN", price="3801")).code == "710003"


@pytest.mark.parametrize("data", [42, "not json", {"nothing": 1}, "[1, 2]"])
def test_update_markets_when_no_known_shape_then_error(session, data):
    with pytest.raises((MarketError, ValueError)):
        session.update_markets(data)


# -- repo auction -------------------------------------------------------------------------------
def _repo(**changes):
    base = {"marketCode": REPO, "side": "BUY", "orderType": "LIMIT", "quantity": "0.001",
            "price": "-0.0001"}
    base.update(changes)
    return {"op": "placeorder", "data": {k: v for k, v in base.items() if v is not None}}


@pytest.mark.parametrize("at, inside", [
    (HOUR - 60_001, False), (HOUR - 60_000, True), (HOUR, True), (HOUR + 59_999, True),
    (HOUR + 60_000, False)])
def test_repo_market_order_at_auction_window_edges_then_300011(session, clock, at, inside):
    clock.now = at
    verdict = session.submit(_repo(orderType="MARKET", price=None))
    assert verdict.code == ("300011" if inside else None)
    if inside:
        assert verdict.message == "Repo market orders are not allowed during the auction window"


@pytest.mark.parametrize("side, price, code", [
    ("BUY", "0.0001", "300012"), ("BUY", "0", None), ("BUY", "-0.0001", None),
    ("SELL", "-0.0001", "300012"), ("SELL", "0", None), ("SELL", "0.0001", None)])
def test_repo_limit_order_inside_auction_window_then_300012(session, clock, side, price, code):
    clock.now = HOUR
    verdict = session.submit(_repo(side=side, price=price))
    assert verdict.code == code
    clock.now = HOUR + 120_000
    assert session.submit(_repo(side=side, price=price)).ok


def test_auction_window_only_applies_to_repo_markets(session, clock):
    clock.now = HOUR
    assert session.submit(place(orderType="MARKET", price=None)).ok


def test_auction_window_configurable_or_off(pf, clock):
    clock.now = HOUR + 90_000
    wide = pf.session(auction_window=(0, 120_000))
    off = pf.session(auction_window=None)
    odd = pf.session(auction_window=lambda now: now % 2 == 0)
    for s in (wide, off, odd):
        s.observe(LOGIN_OK)
    frame = _repo(orderType="MARKET", price=None)
    assert wide.submit(frame).code == "300011"
    assert off.submit(frame).ok
    assert odd.submit(frame).code == "300011"
    clock.now += 1
    assert odd.submit(frame).ok


def test_modifyorder_repo_bid_above_zero_in_window_then_300012(session, clock):
    session.observe(opened(9, market=REPO))  # side BUY
    clock.now = HOUR
    frame = {"op": "modifyorder", "data": {"marketCode": REPO, "orderId": 9, "price": "0.0002"}}
    assert session.submit(frame).code == "300012"
    frame["data"]["price"] = "-0.0002"
    assert session.submit(frame).ok


def test_auction_window_when_clock_is_none_then_not_checked():
    s = Preflight(markets=MARKETS, clock=None).session()
    s.observe(LOGIN_OK)
    assert s.submit(_repo(orderType="MARKET", price=None)).ok


# -- frames as text, observe robustness -----------------------------------------------------------
def test_submit_text_frames_like_dicts(session):
    assert session.submit(json.dumps(place())).ok
    assert session.submit(json.dumps(cancel(order_id=1)).encode()).code == "100005"
    assert session.submit("ping").ok


@pytest.mark.parametrize("message", [
    None, 1, "pong", b"\xff\xfe", "{", "[]", [None, 3], {"table": "order", "data": "x"},
    {"table": "order", "data": [{"notice": "OrderOpened"}]},
    {"table": "order", "data": [{"notice": "OrderMatched", "orderId": "1",
                                 "remainQuantity": "abc"}]},
    {"table": "balance", "data": [{"instrumentId": "USDT", "available": "NaN?"}]},
    {"table": "position", "data": {"instrumentId": 5}},
    {"table": "market", "data": [{"marketCode": "BTC-USD-SWAP-LIN", "tickSize": "x"}]},
    {"table": "market", "data": 5}, {"event": 5}, {"event": "placeorder", "data": [1]},
    {"success": True, "data": [None, {"orderId": {}}]}, {"success": True, "data": []},
    {"success": True, "data": [{"accountId": None, "balances": "x"}]},
    {"marketCode": "X", "operational": "maybe"},
])
def test_observe_when_message_is_junk_then_no_exception_and_no_effect(session, message):
    session.observe(message)
    assert session.logged_in
    assert session.submit(place()).ok
