"""Valid frames and breakers read the order-type table: every type it lists is drawn where the
table allows it, and a breaker that finds no market names the real cause."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import InvalidArgument

from oxpreflight import Preflight
from oxpreflight.rules.examples import MARKETS, NOW
from oxpreflight.rules.language import Absent, Is, Rule
from oxpreflight.rules.order_types import TABLE
from oxpreflight.strategies import frames
from oxpreflight.testing import valid
from oxpreflight.testing.book import book
from oxpreflight.testing.derived import derive

PF = Preflight(MARKETS, clock=lambda: NOW)
BK = book(MARKETS, NOW)


def test_valid_frames_draw_every_type_of_the_table_only_where_it_is_allowed():
    seen: set = set()

    @settings(max_examples=150, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(frames("placeorder", markets=MARKETS, now=NOW))
    def check(frame):
        data = frame["data"]
        kind = next(t for t in TABLE if t.name == data["orderType"])
        rec = BK.markets[data["marketCode"]]
        assert kind.allows(rec.type, rec.perpetual), (kind.name, rec.code)
        assert PF.check(frame).ok, frame
        seen.add(kind.name)

    check()
    assert seen == {t.name for t in TABLE}


def test_every_type_of_the_table_has_a_price_drawer():
    assert set(valid.PRICES) == {t.name for t in TABLE}


def test_a_type_without_a_price_drawer_names_the_place_to_add_it(monkeypatch):
    monkeypatch.delitem(valid.PRICES, "STOP_LIMIT")
    rec = BK.markets["BTC-USD-SWAP-LIN"]
    with pytest.raises(InvalidArgument, match="PRICES in oxpreflight/testing/valid.py"):
        valid.prices(BK, rec, "STOP_LIMIT", "BUY")


def test_a_breaker_for_a_type_no_market_takes_names_the_order_type_table():
    spot_only = book([m for m in MARKETS if m["type"] == "SPOT"], NOW)
    row = Rule("20020", ("placeorder",), Is("orderType", ("STOP_MARKET",)) & Absent("stopPrice"),
               "", {}, {}, field="stopPrice", name="scratch-stop-market")
    reason = derive(row).needs(spot_only)
    assert "orderType STOP_MARKET" in reason and "order-type table" in reason
    assert "perpetual" in reason
    unknown = Rule("20020", ("placeorder",), Is("orderType", ("TAKE_PROFIT",)) & Absent("x"),
                   "", {}, {}, name="scratch-take-profit")
    assert "not in the order-type table" in derive(unknown).needs(BK)
