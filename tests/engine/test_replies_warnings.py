"""Warnings reviewed against the docs and real clients' frames."""
import pytest

from oxpreflight import Preflight
from oxpreflight.rules.examples import MARKETS, NOW, order

MODIFY = {"marketCode": "BTC-USD-SWAP-LIN", "orderId": "1000001", "side": "BUY",
          "price": "68000", "quantity": "0.002"}


@pytest.fixture(scope="module")
def pf():
    return Preflight(MARKETS, clock=lambda: NOW)


def codes(verdict):
    return [w.code for w in verdict.warnings]


def test_source_on_placeorder_draws_no_warning(pf):
    for source in (0, 13):
        verdict = pf.check({"op": "placeorder", "data": order(source=source)})
        assert verdict.ok and codes(verdict) == []


def test_ccxt_edit_frame_with_order_type_and_source_draws_no_warning(pf):
    """ccxt's editOrderWs builds modifyorder from its createOrder request: orderType, source
    and a timestamp ride along."""
    data = dict(MODIFY, orderType="LIMIT", source=13, timestamp=NOW - 10)
    for frame in ({"op": "modifyorder", "tag": "1716934577", "data": data},
                  {"op": "modifyorders", "tag": 2, "dataArray": [data, data]}):
        verdict = pf.check(frame)
        assert verdict.ok and codes(verdict) == [], verdict.warnings


def test_tag_inside_data_is_named_as_ignored(pf):
    """The CoinFLEX staging script puts ``tag`` inside ``data``: the exchange's reply carries
    the envelope's tag only, so the user is told."""
    verdict = pf.check({"op": "placeorder", "data": order(tag=10)})
    assert verdict.ok and codes(verdict) == ["W001"]
    assert verdict.warnings[0].message == \
        "fields the exchange does not document, which it ignores: tag"


def test_recv_window_without_timestamp_is_accepted_and_the_warning_says_what_to_do(pf):
    verdict = pf.check({"op": "placeorder", "data": order(recvWindow=500)})
    assert verdict.ok and codes(verdict) == ["W006"]
    assert "not enforced" in verdict.warnings[0].message
    assert "add timestamp" in verdict.warnings[0].message
    assert codes(pf.check({"op": "placeorder",
                           "data": order(recvWindow=500, timestamp=NOW - 10)})) == []
