"""Pre-trade limits: R001-R003 (check), R004-R006 (session), ``Limits`` itself."""
from __future__ import annotations

import json
import pickle
from decimal import Decimal

import pytest

from oxpreflight import InvalidOrder, Limits, Preflight
from oxpreflight.errors import error_for
from oxpreflight.rules.examples import MARKETS, NOW, order

LOGGED_IN = {"event": "login", "success": True}
MODIFY = {"marketCode": "BTC-USD-SWAP-LIN", "orderId": 1, "price": "68000", "quantity": "0.001"}


def frame(**changes):
    return {"op": "placeorder", "tag": 1, "data": order(**changes)}


def pf_with(**limits):
    return Preflight(markets=MARKETS, clock=lambda: NOW, limits=Limits(**limits))


def codes(pf, *frames):
    return [pf.check(f).code for f in frames]


# -- R001 quantity --------------------------------------------------------------------------------
def test_r001_quantity_above_max_quantity_exactly():
    pf = pf_with(max_quantity="1")
    assert codes(pf, frame(quantity="1"), frame(quantity=1.0), frame(quantity="0.5")) == [None] * 3
    v = pf.check(frame(quantity="1.0000000000000000001"))
    assert (v.code, v.field, v.rule) == ("R001", "quantity", "max-quantity")
    assert v.message == "quantity 1.0000000000000000001 is above max_quantity 1"
    assert pf.check(json.dumps(frame(quantity=1.0000000000000002))).code == "R001"
    assert pf.check(frame(quantity=1.0000000000000002)).code == "R001"
    assert pf.check({"op": "modifyorder", "tag": 1, "data": dict(MODIFY, quantity="2")}
                    ).code == "R001"
    assert isinstance(error_for(pf.check(frame(quantity="2"))), InvalidOrder)


def test_r001_per_market_override_and_default_for_the_rest():
    pf = pf_with(max_quantity="5", markets={"BTC-USD-SWAP-LIN": {"max_quantity": "2"}})
    v = pf.check(frame(quantity="3"))
    assert (v.code, v.message) == ("R001", "quantity 3 is above max_quantity 2 on "
                                           "BTC-USD-SWAP-LIN")
    eth = dict(marketCode="ETH-USD-SWAP-LIN", price="3800")
    assert pf.check(frame(quantity="3", **eth)).ok
    assert pf.check(frame(quantity="6", **eth)).message == "quantity 6 is above max_quantity 5"
    only = pf_with(markets={"ETH-USD-SWAP-LIN": Limits(max_quantity="1")})
    assert only.check(frame(quantity="100")).ok
    assert only.check(frame(quantity="2", **eth)).code == "R001"


def test_limits_run_after_the_exchanges_rows_and_in_order_r001_r002_r003():
    pf = pf_with(max_quantity="1", max_notional="1000", price_band="0.01")
    assert pf.check(frame(quantity="5", price=None)).code == "20022"
    assert pf.check(frame(quantity="5", price="75027")).code == "710003"
    assert pf.check(frame(quantity="5", price="72000")).code == "R001"
    assert pf.check(frame(quantity="0.5", price="72000")).code == "R002"
    assert pf.check(frame(quantity="0.001", price="72000")).code == "R003"


# -- R002 notional --------------------------------------------------------------------------------
def test_r002_notional_of_limit_stop_limit_market_amount_and_modify():
    pf = pf_with(max_notional="10000")
    v = pf.check(frame(quantity="0.5"))
    assert (v.code, v.message, v.field) == (
        "R002", "notional 34000 is above max_notional 10000", "quantity")
    assert pf.check(frame(quantity="0.147")).ok                       # 9996
    stop = dict(orderType="STOP_LIMIT", price=None, stopPrice="68000", limitPrice="68100")
    assert pf.check(frame(quantity="0.1468", **stop)).ok              # 9997.08
    assert pf.check(frame(quantity="0.1469", **stop)).code == "R002"  # 10003.89
    market = dict(orderType="MARKET", price=None)                    # at the mark, 68205
    assert pf.check(frame(quantity="0.1466", **market)).ok            # 9998.853
    v = pf.check(frame(quantity="0.1467", **market))
    assert (v.code, v.message) == ("R002", "notional 10005.6735 is above max_notional 10000")
    spot = dict(orderType="MARKET", price=None, quantity=None, marketCode="BTC-USDT")
    assert pf.check(frame(amount="10000", **spot)).ok
    assert pf.check(frame(amount="10000.01", **spot)).code == "R002"
    modify = {"op": "modifyorder", "tag": 1, "data": dict(MODIFY, quantity="0.2")}
    assert pf.check(modify).code == "R002"


def test_r002_is_exact_never_binary_float():
    pf = pf_with(max_notional="0.3")
    eth = dict(marketCode="BTC-USD-SWAP-LIN-BARE")  # no bounds, no minSize: only the product
    assert pf.check(frame(quantity=0.1, price=3, **eth)).ok            # 0.1 x 3 == 0.3 exactly
    assert pf.check(json.dumps(frame(quantity=0.1, price=3, **eth))).ok
    assert pf.check(frame(quantity="0.1000000000000000001", price=3, **eth)).code == "R002"
    assert pf.check(frame(quantity=Decimal("0.1"), price="3", **eth)).ok


def test_r002_at_the_mark_without_a_mark_price_is_skipped_with_a_notice():
    pf = pf_with(max_notional="1")
    v = pf.check(frame(orderType="MARKET", price=None, marketCode="BTC-USD-240628-LIN"))
    assert v.ok and [w.code for w in v.warnings] == ["W012"]
    assert "notional (R002) not checked" in v.warnings[0].message


# -- R003 price band ----------------------------------------------------------------------------
def test_r003_price_outside_the_band_around_the_mark_price():
    pf = pf_with(price_band="0.05")  # mark 68205: 64794.75 to 71615.25
    assert codes(pf, frame(price="71615"), frame(price="64795")) == [None, None]
    v = pf.check(frame(price="71616"))
    assert (v.code, v.field, v.rule) == ("R003", "price", "price-band")
    assert v.message == ("price 71616 (mark price 68205: 64794.75 to 71615.25) is outside "
                         "price_band 0.05 of the mark price")
    assert pf.check(frame(price="64794")).code == "R003"
    stop = frame(orderType="STOP_LIMIT", price=None, stopPrice="71700", limitPrice="71700")
    assert (pf.check(stop).code, pf.check(stop).field) == ("R003", "limitPrice")
    modify = {"op": "modifyorder", "tag": 1, "data": dict(MODIFY, price="72000")}
    assert pf.check(modify).code == "R003"


def test_r003_without_a_mark_price_is_skipped_with_a_notice():
    pf = pf_with(price_band="0.05")
    v = pf.check(frame(marketCode="BTC-USD-240628-LIN", price="70000"))
    assert v.ok and [w.code for w in v.warnings] == ["W012"]
    assert v.warnings[0].message.startswith("price band (R003) not checked")


def test_r003_follows_the_mark_price_the_session_receives():
    pf = pf_with(price_band="0.05")
    s = pf.session()
    s.observe(LOGGED_IN)
    far = frame(price="73000")
    assert pf.check(far).code == "R003" and s.submit(far).code == "R003"
    s.update_markets({"table": "market", "data": [{"marketCode": "BTC-USD-SWAP-LIN",
                                                   "markPrice": "70000"}]})
    assert s.submit(far).ok           # 66500 to 73500 now
    assert pf.check(far).code == "R003"  # the Preflight's own table is untouched


def test_limits_in_batches_and_under_a_policy():
    pf = Preflight(markets=MARKETS, clock=lambda: NOW, limits=Limits(max_quantity="1"),
                   policy={"R001": "warn"})
    v = pf.check({"op": "placeorders", "tag": 1, "dataArray": [order(quantity="2"), order()]})
    assert v.ok and v.items[0].warnings[0].code == "R001"
    strict = pf_with(max_quantity="1")
    v = strict.check({"op": "placeorders", "tag": 1,
                      "dataArray": [order(), order(quantity="2"), order(quantity="1")]})
    assert [i.code for i in v.items] == [None, "R001", None]
    off = Preflight(markets=MARKETS, clock=lambda: NOW, limits=Limits(max_quantity="1"),
                    policy={"max-quantity": "ignore"})
    assert off.check(frame(quantity="2")).ok


# -- Limits itself --------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, says", [
    ({"max_quantity": "abc"}, "max_quantity"), ({"max_quantity": 0}, "above 0"),
    ({"max_notional": "-1"}, "above 0"), ({"price_band": True}, "not a number"),
    ({"price_band": float("nan")}, "finite"), ({"max_quantity": "1e999"}, "out of range"),
    ({"max_quantity": " 1"}, "not a number"), ({"markets": ["BTC-USD-SWAP-LIN"]}, "mapping"),
    ({"markets": {"BTC-USD-SWAP-LIN": {"max_qty": 1}}}, "max_qty"),
    ({"markets": {"X": Limits(markets={"Y": Limits()})}}, "without markets"),
])
def test_limits_invalid_values_are_value_errors_at_construction(kwargs, says):
    with pytest.raises(ValueError, match=says):
        Limits(**kwargs)


def test_limits_are_exact_read_only_comparable_and_picklable():
    limits = Limits(max_quantity=0.1, max_notional=250000, price_band="0.05",
                    markets={"BTC-USD-SWAP-LIN": {"max_quantity": "2"}})
    assert limits.max_quantity == Decimal("0.1") and limits.max_notional == Decimal(250000)
    assert limits == Limits(max_quantity="0.1", max_notional="250000", price_band=0.05,
                            markets={"BTC-USD-SWAP-LIN": Limits(max_quantity=2)})
    assert pickle.loads(pickle.dumps(limits)) == limits and hash(limits) == hash(
        pickle.loads(pickle.dumps(limits)))
    with pytest.raises(AttributeError):
        limits.max_quantity = Decimal(5)
    assert "max_quantity='0.1'" in repr(limits)
    with pytest.raises(ValueError, match="limits must be a Limits"):
        Preflight(limits=5)


def test_limits_with_no_figure_turn_on_just_the_session_rows():
    pf = Preflight(markets=MARKETS, clock=lambda: NOW, limits=Limits())
    assert not [r for r in pf.rules_in_force if r.code.startswith("R")]
    assert [r.code for r in pf.state_rules if r.code.startswith("R")] == ["R005", "R006", "R004"]
    assert not [r for r in Preflight(markets=MARKETS).state_rules if r.code.startswith("R")]


# -- R004 duplicate clientOrderId -----------------------------------------------------------------
def session(limits=True, **options):
    pf = Preflight(markets=MARKETS, clock=lambda: NOW, limits=Limits() if limits else None)
    s = pf.session(**options)
    s.observe(LOGGED_IN)
    return s


def test_r004_client_order_id_already_pending_or_open_or_repeated_in_the_batch():
    s = session()
    assert s.submit(frame(clientOrderId=5)).ok
    v = s.submit(frame(clientOrderId="5"))  # pending: sent, not answered
    assert (v.code, v.field, v.message) == ("R004", "clientOrderId",
                                            "clientOrderId 5 is already pending or open")
    s.observe({"table": "order", "data": [{
        "notice": "OrderOpened", "orderId": "9", "clientOrderId": "5", "accountId": "1",
        "marketCode": "BTC-USD-SWAP-LIN", "side": "BUY", "status": "OPEN", "price": "68000",
        "quantity": "0.001", "remainQuantity": "0.001", "orderType": "LIMIT"}]})
    assert s.submit(frame(clientOrderId=5)).code == "R004"  # open
    v = s.submit({"op": "placeorders", "tag": 1, "dataArray": [
        order(clientOrderId=6), order(clientOrderId=7), order(clientOrderId=6)]})
    assert [i.code for i in v.items] == [None, None, "R004"]
    assert s.submit(frame(clientOrderId=6)).ok  # the rejected batch recorded nothing
    cancel = {"op": "cancelorder", "tag": 1,
              "data": {"marketCode": "BTC-USD-SWAP-LIN", "clientOrderId": 5}}
    assert s.submit(cancel).ok
    assert session(limits=False).submit(frame(clientOrderId=5)).ok


# -- R005 / R006 trading states -------------------------------------------------------------------
def test_r005_halted_rejects_every_order_command_and_cancels_pass():
    s = session()
    assert s.trading_state == "ACTIVE"
    s.trading_state = "HALTED"
    v = s.submit(frame())
    assert (v.code, v.message) == ("R005", "trading is halted: every order command is rejected")
    batch = s.submit({"op": "placeorders", "tag": 1, "dataArray": [order(), order()]})
    assert [i.code for i in batch.items] == ["R005", "R005"]
    s.observe({"table": "order", "data": [{
        "notice": "OrderOpened", "orderId": "1", "accountId": "1",
        "marketCode": "BTC-USD-SWAP-LIN", "side": "BUY", "status": "OPEN", "price": "68000",
        "quantity": "0.001", "remainQuantity": "0.001", "orderType": "LIMIT"}]})
    assert s.submit({"op": "modifyorder", "tag": 1, "data": MODIFY}).code == "R005"
    assert s.submit({"op": "cancelorder", "tag": 1, "data": {
        "marketCode": "BTC-USD-SWAP-LIN", "orderId": 1}}).ok
    s.trading_state = "ACTIVE"
    assert s.submit(frame()).ok


def test_r006_reducing_rejects_orders_that_would_grow_the_position():
    s = session(account={"positions": {"BTC-USD-SWAP-LIN": "0.002"}}, trading_state="REDUCING")
    assert s.trading_state == "REDUCING"
    v = s.submit(frame(side="BUY"))
    assert (v.code, v.field) == ("R006", "quantity")
    assert v.message == ("trading is reducing: the order would increase the position (BUY "
                         "0.001 with position 0.002 in BTC-USD-SWAP-LIN)")
    assert s.submit(frame(side="SELL", quantity="0.002")).ok
    assert s.submit(frame(side="SELL", quantity="0.003")).code == "R006"  # flips it
    assert "unknown" in s.submit(frame(marketCode="ETH-USD-SWAP-LIN", price="3800")).message
    spot = dict(marketCode="BTC-USDT", price="63000")
    assert s.submit(frame(side="BUY", **spot)).code == "R006"
    assert s.submit(frame(side="SELL", **spot)).ok


def test_r006_position_unknown_without_an_account_layer_rejects():
    s = session(trading_state="REDUCING")
    v = s.submit(frame(side="SELL"))
    assert v.code == "R006" and "position in BTC-USD-SWAP-LIN unknown" in v.message


def test_trading_state_values_and_limits_needed():
    s = session()
    with pytest.raises(ValueError, match="ACTIVE, REDUCING, HALTED"):
        s.trading_state = "PAUSED"
    with pytest.raises(ValueError, match="limits="):
        session(limits=False).trading_state = "HALTED"
    with pytest.raises(ValueError, match="limits="):
        session(limits=False, trading_state="REDUCING")
    session(limits=False).trading_state = "ACTIVE"


def test_session_limit_rows_follow_the_policy():
    pf = Preflight(markets=MARKETS, clock=lambda: NOW, limits=Limits(),
                   policy={"R005": "warn", "duplicate-client-order-id": "ignore"})
    s = pf.session(trading_state="HALTED")
    s.observe(LOGGED_IN)
    v = s.submit(frame(clientOrderId=1))
    assert v.ok and "R005" in [w.code for w in v.warnings]
    assert s.submit(frame(clientOrderId=1)).ok  # duplicate, ignored


# -- the parts of the Above condition: breaker and model predicate -------------------------------
def test_above_has_a_breaker_whose_frames_the_row_rejects():
    from hypothesis import given, settings

    from oxpreflight.testing.book import book
    from oxpreflight.testing.derived import derive

    limits = Limits(max_quantity="0.5")
    row = next(r for r in limits.rows() if r.code == "R001")
    pf = Preflight(markets=MARKETS, clock=lambda: NOW, limits=limits)
    bk = book(MARKETS, NOW)

    @settings(max_examples=60, deadline=None, database=None)
    @given(derive(row).make(bk, "placeorder"))
    def rejected(f):
        assert pf.check(f).code == "R001", f

    rejected()


def test_above_has_a_model_predicate_exact_like_the_plans():
    from oxpreflight.models import _test
    from oxpreflight.rules import Above

    fails = _test(Above("quantity", "1"))
    assert [fails({"quantity": v}) for v in ("1", 1.0, 1.0000000000000002, "1.00000000000000001",
                                              "x", None)] == [False, False, True, True, False,
                                                             False]


def test_r002_float_products_near_the_limit_are_decided_exactly():
    from oxpreflight.validators.limits import product_above

    limit = Decimal("0.3")
    assert 0.1 * 3.0 > 0.3  # binary floats: 0.30000000000000004
    assert not product_above(0.1, 3.0, limit, limit_f=0.3)
    assert product_above(0.1000000000000001, 3.0, limit, limit_f=0.3)
    assert not product_above(0.09999999999999999, 3.0, limit, limit_f=0.3)
    assert product_above(1e200, 1e200, Decimal("1e30"), limit_f=1e30)   # beyond the float range
    assert not product_above(1e-200, 1e-200, Decimal("1e-30"), limit_f=1e-30)


def test_every_figure_per_market_compiles_and_each_row_s_examples_behave():
    # per-market rows share a marketCode guard: on a fast path a whole run of them may fold
    # away (this once wrote an `if` with no body)
    limits = Limits(max_quantity="5", max_notional="10000", price_band="0.02",
                    markets={"BTC-USD-SWAP-LIN": {"max_quantity": "2", "max_notional": "5000",
                                                  "price_band": "0.01"}})
    pf = Preflight(markets=MARKETS, clock=lambda: NOW, limits=limits)
    for market in ("BTC-USD-SWAP-LIN", "ETH-USD-SWAP-LIN"):
        for kind in ("LIMIT", "MARKET", "STOP_LIMIT", "STOP_MARKET"):
            f = frame(marketCode=market, orderType=kind, quantity="0.001")
            assert pf.check(f).code in (None, "20020", "710003"), (market, kind)
    for row in limits.rows():
        if row.code == "W012" and row.name.endswith("-btc-usd-swap-lin"):
            continue  # the only marked example market is the one it overrides
        only = {r.name: "ignore" for r in limits.rows() if r is not row}
        judge = Preflight(markets=MARKETS, clock=lambda: NOW, limits=limits, policy=only)
        op = row.commands[0]
        bad = judge.check({"op": op, "tag": 1, "data": row.bad})
        good = judge.check({"op": op, "tag": 1, "data": row.good})
        fired = bad.code == row.code or row.code in {w.code for w in bad.warnings}
        assert fired and good.ok and row.code not in {w.code for w in good.warnings}, row.name


def test_every_limit_row_has_a_breaker_whose_frames_the_row_answers():
    from hypothesis import given, settings

    from oxpreflight.testing.book import book
    from oxpreflight.testing.derived import derive

    limits = Limits(max_quantity="50", max_notional="1000", price_band="0.05")
    bk = book(MARKETS, NOW)
    for row in limits.rows():
        only = {r.name: "ignore" for r in limits.rows() if r is not row}
        pf = Preflight(markets=MARKETS, clock=lambda: NOW, limits=limits, policy=only)
        breaker = derive(row)
        assert breaker.needs(bk) is None, row.name

        def judged(row, pf):
            @settings(max_examples=25, deadline=None, database=None)
            @given(breaker.make(bk, row.commands[0]))
            def answered(f):
                v = pf.check(f)
                assert v.code == row.code or row.code in {w.code for w in v.warnings}, (
                    row.name, f, v)
            return answered

        judged(row, pf)()
