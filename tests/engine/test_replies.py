"""Failure replies in the exchange's shape: the echoed ``data`` is the exchange's
normalised order, as the one recorded real reply and the documented failure replies show."""
import json

import pytest

from oxpreflight import Preflight
from oxpreflight.rules.examples import MARKETS, NOW, order

# The recorded exchange: a public client script sent SENT and logged SEEN.
SENT = ('{"op":"placeorder","tag":123,"data":{"timestamp":"1648894455408","recvWindow":2000,'
        '"clientOrderId":1,"marketCode":"btcUSD","side":"SELL","orderType":"LIMIT",'
        '"quantity":0.001,"timeInForce":"GTC","price":44000}}')
SEEN = ('{"event":"placeorder","submitted":false,"tag":"123","message":"marketCode is invalid",'
        '"code":"20015","timestamp":"1648894458343","data":{"recvWindow":2000,'
        '"timestamp":1648894455408,"clientOrderId":"1","marketCode":"btcUSD","side":"SELL",'
        '"orderType":"LIMIT","quantity":"0.001","timeInForce":"GTC","price":"44000",'
        '"source":0}}')


@pytest.fixture(scope="module")
def pf():
    return Preflight(MARKETS, clock=lambda: NOW)


@pytest.mark.parametrize("form", ["dict", "text", "bytes"])
def test_recorded_reply_is_reproduced_exactly_but_for_its_timestamp(form):
    frame = {"dict": json.loads(SENT), "text": SENT, "bytes": SENT.encode()}[form]
    reply = Preflight(clock=lambda: NOW).check(frame).response
    seen = json.loads(SEEN)
    assert reply == dict(seen, timestamp=str(NOW))
    # the exact JSON text too: key order and value types as the exchange wrote them
    assert json.dumps(reply, separators=(",", ":")) == SEEN.replace("1648894458343", str(NOW))


def test_recorded_reply_through_the_session_is_the_same():
    session = Preflight(clock=lambda: NOW).session()
    verdict = session.submit(SENT)
    assert verdict.response == dict(json.loads(SEEN), timestamp=str(NOW))


def test_numbers_normalised_whatever_the_sender_wrote(pf):
    data = order(marketCode="btcUSD", timestamp=1648894455408.0, recvWindow="500",
                 clientOrderId="7", quantity=1.5, price="68000")
    echoed = pf.check({"op": "placeorder", "data": data}).response["data"]
    assert echoed["timestamp"] == 1648894455408 and type(echoed["timestamp"]) is int
    assert echoed["recvWindow"] == 500 and type(echoed["recvWindow"]) is int
    assert (echoed["clientOrderId"], echoed["quantity"], echoed["price"]) == ("7", "1.5", "68000")


def test_values_that_are_not_numbers_are_echoed_as_sent(pf):
    data = order(timestamp="now", quantity="lots")
    echoed = pf.check({"op": "placeorder", "data": data}).response["data"]
    assert echoed["timestamp"] == "now" and echoed["quantity"] == "lots"


def test_text_reply_keeps_the_exact_decimal_digits(pf):
    text = json.dumps({"op": "placeorder", "data": order(marketCode="btcUSD")})
    text = text.replace('"0.001"', "0.1000000000000000055511151231257827")
    assert pf.check(text).response["data"]["quantity"] == "0.1000000000000000055511151231257827"


def test_undocumented_fields_are_not_echoed(pf):
    """The exchange echoes its parsed order: a ``tag`` inside ``data`` or a typo is gone."""
    data = order(marketCode="btcUSD", tag="abc", clientOrderID=5)
    echoed = pf.check({"op": "placeorder", "data": data}).response["data"]
    assert "tag" not in echoed and "clientOrderID" not in echoed


def test_given_source_is_kept(pf):
    echoed = pf.check({"op": "placeorder", "data": order(marketCode="btcUSD", source=13)})
    assert echoed.response["data"]["source"] == 13


# -- what the exchange derives once it has found the market (documented failure replies) -----
def test_limit_failure_after_the_market_shows_limit_price_beside_price(pf):
    reply = pf.check({"op": "placeorder", "tag": 123, "data": order(side="buy")}).response
    assert reply["code"] == "20016"
    assert reply["data"] == {"marketCode": "BTC-USD-SWAP-LIN", "side": "buy",
                             "orderType": "LIMIT", "quantity": "0.001", "timeInForce": "GTC",
                             "price": "68000", "limitPrice": "68000", "source": 0}


def test_stop_market_failure_shows_time_in_force_and_trigger_type(pf):
    data = order(orderType="STOP_MARKET", price=None, timeInForce=None, stopPrice="0")
    reply = pf.check({"op": "placeorder", "data": data}).response
    assert reply["code"] == "20028"
    assert reply["data"]["timeInForce"] == "IOC" and reply["data"]["triggerType"] == "MARK_PRICE"
    assert "price" not in reply["data"] and "limitPrice" not in reply["data"]  # need live prices


def test_stop_limit_failure_shows_price_from_limit_price_and_trigger_type(pf):
    data = order(orderType="STOP_LIMIT", price=None, stopPrice="68200", limitPrice="68100")
    reply = pf.check({"op": "placeorder", "data": data}).response
    assert reply["code"] == "20029"
    assert (reply["data"]["price"], reply["data"]["limitPrice"]) == ("68100", "68100")
    assert reply["data"]["triggerType"] == "MARK_PRICE"


def test_market_order_failure_has_no_limit_price(pf):
    """The exchange's MARKET limitPrice comes from the live book: not invented here."""
    data = order(orderType="MARKET", price=None, quantity="-1")
    assert "limitPrice" not in pf.check({"op": "placeorder", "data": data}).response["data"]


def test_market_code_rejections_echo_the_order_as_parsed(pf):
    for market in ("", "NOPE-USD-SWAP-LIN-X"):
        data = order(marketCode=market)
        reply = Preflight(MARKETS, clock=lambda: NOW).check(
            {"op": "placeorder", "data": data}).response
        assert "limitPrice" not in reply["data"], market


# -- every order command, single and batch ---------------------------------------------------
def test_batch_item_replies_are_normalised_like_single_ones(pf):
    item = order(marketCode="btcUSD", timestamp="1648894455408", clientOrderId=2, quantity=0.5)
    verdict = pf.check({"op": "placeorders", "tag": 9, "dataArray": [order(), item]})
    single = pf.check({"op": "placeorder", "tag": 9, "data": item})
    assert verdict.items[1].response == single.response
    assert single.response["data"]["timestamp"] == 1648894455408
    assert single.response["data"]["source"] == 0


def test_cancel_failure_echoes_ids_as_strings_without_source(pf):
    frame = {"op": "cancelorder", "tag": 456, "data": {"marketCode": "BTC-USD-SWAP-LI",
                                                        "orderId": 12, "clientOrderId": 3}}
    reply = pf.check(frame).response
    assert reply["data"] == {"clientOrderId": "3", "orderId": "12",
                             "marketCode": "BTC-USD-SWAP-LI"}
    batch = pf.check({"op": "cancelorders", "dataArray": [frame["data"]]})
    assert batch.items[0].response["data"] == reply["data"]


def test_modify_failure_shows_limit_price_beside_price(pf):
    data = {"timestamp": "1638237934061", "recvWindow": 500, "marketCode": "BTC-USD-SWAP-LIN",
            "orderId": 888, "side": "BUY", "price": 0, "quantity": 2}
    reply = pf.check({"op": "modifyorder", "tag": 1, "data": data}).response
    assert reply["code"] == "20028"
    assert reply["data"] == {"recvWindow": 500, "timestamp": 1638237934061, "orderId": "888",
                             "marketCode": "BTC-USD-SWAP-LIN", "side": "BUY", "quantity": "2",
                             "price": "0", "limitPrice": "0"}
    batch = pf.check({"op": "modifyorders", "tag": 1, "dataArray": [data]})
    assert batch.items[0].response["data"] == reply["data"]


# -- login and subscriptions: no data --------------------------------------------------------
def test_login_failure_from_check_carries_no_data(pf):
    frame = {"op": "login", "tag": 1, "data": {"apiKey": "", "timestamp": NOW,
                                               "signature": "c2ln"}}
    reply = pf.check(frame).response
    assert reply["code"] == "20025" and reply["success"] is False
    assert "data" not in reply
    assert pf.session().submit(frame).response == reply


def test_reply_of_a_huge_integer_never_raises(pf):
    data = order(marketCode="btcUSD", clientOrderId=10**5000, timestamp=10**5000)
    verdict = pf.check({"op": "placeorder", "data": data})
    assert isinstance(verdict.response, dict)
