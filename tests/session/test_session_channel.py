"""The order channel as documented: the OrderClosed failure push (event CANCEL /
AMEND, code 100004) and the Cancel All push, and what the session answers for an order it saw
close (accepted, W104: the exchange accepts the command and pushes 100004) and for an id it has
never seen (100005)."""
from __future__ import annotations

import json

import pytest

from oxpreflight import Preflight
from oxpreflight.rules.examples import MARKETS, NOW

LOGIN_OK = {"event": "login", "success": True, "tag": "1", "timestamp": str(NOW)}
SWAP, ETH = "BTC-USD-SWAP-LIN", "ETH-USD-SWAP-LIN"
BIG_ID = 3330802124194931673


def pushed(order_id, market=SWAP, client_id=None, account="1001") -> dict:
    row = {"notice": "OrderOpened", "accountId": account, "orderId": str(order_id),
           "marketCode": market, "side": "BUY", "status": "OPEN", "price": "68000",
           "quantity": "0.001", "remainQuantity": "0.001", "orderType": "LIMIT"}
    if client_id is not None:
        row["clientOrderId"] = str(client_id)
    return {"table": "order", "data": [row]}


def gone(event: str, order_id=BIG_ID, client_id=3) -> dict:
    """The documented OrderClosed / OrderModified failure push, field for field."""
    status = f"REJECT_{event}_ORDER_ID_NOT_FOUND"
    return {"event": event, "submitted": False,
            "message": f"Order request was rejected : {status}", "code": "100004",
            "timestamp": "0", "data": {
                "clientOrderId": client_id, "orderId": order_id, "displayQuantity": 0.0,
                "lastMatchPrice": 0.0, "lastMatchQuantity": 0.0, "lastMatchedOrderId": 0,
                "lastMatchedOrderId2": 0, "matchedId": 0, "matchedType": "MAKER",
                "remainQuantity": 0.0, "side": "BUY", "status": status,
                "timeCondition": "GTC", "marketCode": SWAP, "timestampEpochMs": 1615377638518,
                "orderType": "LIMIT", "price": 0.0, "quantity": 0.0, "isTriggered": False}}


CANCEL_ALL = {"event": "CANCEL", "submitted": True, "timestamp": "1612476498953"}


def cancel(order_id=None, client_id=None, market=SWAP) -> dict:
    data = {"marketCode": market}
    if order_id is not None:
        data["orderId"] = order_id
    if client_id is not None:
        data["clientOrderId"] = client_id
    return {"op": "cancelorder", "tag": 8, "data": data}


def modify(order_id, market=SWAP) -> dict:
    return {"op": "modifyorder", "tag": 9,
            "data": {"marketCode": market, "orderId": order_id, "price": 68100}}


def notices(verdict) -> list:
    return [w.code for w in verdict.warnings]


@pytest.fixture
def session():
    s = Preflight(markets=MARKETS, clock=lambda: NOW).session()
    s.observe(LOGIN_OK)
    return s


@pytest.mark.parametrize("event, command", [("CANCEL", cancel), ("AMEND", modify)])
def test_order_closed_failure_push_closes_the_order(session, event, command):
    session.observe(pushed(BIG_ID, client_id=3))
    assert session.open_orders == {str(BIG_ID)}
    session.observe(json.dumps(gone(event)))  # as text, the way it arrives
    assert session.open_orders == frozenset()
    verdict = session.submit(command(BIG_ID))
    assert verdict.ok and notices(verdict) == ["W104"]
    assert "100004" in verdict.warnings[0].message
    assert verdict.warnings[0].rule == "open-order-not-found"


def test_cancel_of_an_order_seen_closed_is_accepted_with_a_notice_by_either_id(session):
    session.observe(pushed(11, client_id=4))
    session.observe({"table": "order", "data": [{
        "notice": "OrderClosed", "orderId": "11", "clientOrderId": "4", "marketCode": SWAP,
        "status": "CANCELED_BY_USER"}]})
    for frame in (cancel(order_id=11), cancel(client_id=4), modify(11)):
        verdict = session.submit(frame)
        assert verdict.ok and notices(verdict) == ["W104"], frame
    # on another market the exchange would not find it: still 100005
    assert session.submit(cancel(order_id=11, market=ETH)).code == "100005"


def test_cancel_of_an_id_never_seen_is_100005(session):
    verdict = session.submit(cancel(order_id=424242))
    assert (verdict.code, verdict.message) == ("100005", "Open order not found")
    assert session.submit(cancel(client_id=99)).code == "100005"


def test_closed_notice_lands_on_the_batch_item(session):
    session.observe(pushed(1))
    session.observe(pushed(2))
    session.observe(gone("CANCEL", order_id=2, client_id=None))
    verdict = session.submit({"op": "cancelorders", "dataArray": [
        {"marketCode": SWAP, "orderId": 1}, {"marketCode": SWAP, "orderId": 2}]})
    assert verdict.ok
    assert [notices(item) for item in verdict.items] == [[], ["W104"]]
    assert notices(verdict) == ["W104"]


def test_cancel_all_push_closes_every_open_order(session):
    session.observe(pushed(1))
    session.observe(pushed(2, market=ETH, client_id=8))
    session.observe(CANCEL_ALL)
    assert session.open_orders == frozenset()
    assert notices(session.submit(cancel(order_id=1))) == ["W104"]
    assert notices(session.submit(cancel(client_id=8, market=ETH))) == ["W104"]


def test_cancel_all_push_naming_a_market_closes_only_that_market(session):
    session.observe(pushed(1))
    session.observe(pushed(2, market=ETH))
    session.observe(dict(CANCEL_ALL, data={"marketCode": ETH}))
    assert session.open_orders == {"1"}


def test_cancel_all_leaves_orders_still_awaiting_their_reply(session):
    assert session.submit({"op": "placeorder", "tag": 1, "data": {
        "marketCode": SWAP, "side": "BUY", "orderType": "LIMIT", "quantity": "0.001",
        "price": "68000", "clientOrderId": 5}}).ok
    session.observe(CANCEL_ALL)
    assert session.submit(cancel(client_id=5)).ok  # it may reach the engine after the cancel


def test_other_cancel_events_change_nothing(session):
    session.observe(pushed(1))
    session.observe({"event": "CANCEL", "submitted": False, "code": "20001",
                     "message": "Operation failed", "data": {"orderId": "1"}})
    session.observe({"event": "cancelorder", "submitted": True, "tag": "456",
                     "data": {"marketCode": SWAP, "orderId": "1"}})
    assert session.open_orders == {"1"}


def test_a_reopened_client_id_is_open_again(session):
    session.observe(pushed(1, client_id=7))
    session.observe(gone("CANCEL", order_id=1, client_id=7))
    session.observe(pushed(2, client_id=7))
    verdict = session.submit(cancel(client_id=7))
    assert verdict.ok and notices(verdict) == []
