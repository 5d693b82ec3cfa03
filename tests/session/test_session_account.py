"""Session account layer: balances (710006), position limits (710004), margin (710005),
reduce-only markets (710007) and account status (300001)."""
from __future__ import annotations

import pytest

from oxpreflight import Preflight
from oxpreflight.rules.examples import MARKETS, NOW, order
from oxpreflight.session import Account

LOGIN_OK = {"event": "login", "success": True, "tag": "1", "timestamp": str(NOW)}
PERP = "BTC-USD-SWAP-LIN"


@pytest.fixture
def pf() -> Preflight:
    return Preflight(markets=MARKETS, clock=lambda: NOW)


def make(pf, **account):
    s = pf.session(account=Account(**account) if account else None)
    s.observe(LOGIN_OK)
    return s


def spot(side="BUY", quantity="0.01", price="63000", **changes) -> dict:
    data = order(marketCode="BTC-USDT", side=side, quantity=quantity, price=price, **changes)
    return {"op": "placeorder", "tag": 1, "data": data}


def perp(side="BUY", quantity="1", price="68000") -> dict:
    return {"op": "placeorder", "data": order(side=side, quantity=quantity, price=price)}


# -- 710006 balance ------------------------------------------------------------------------------
def test_spot_buy_when_cost_exceeds_counter_balance_then_710006(pf):
    s = make(pf, balances={"USDT": "630"})
    assert s.submit(spot(quantity="0.01", price="63000")).ok  # cost 630: exactly the balance
    verdict = s.submit(spot(quantity="0.01", price="63000.1"))
    assert (verdict.code, verdict.message, verdict.field) == (
        "710006", "Insufficient balance", "quantity")
    assert verdict.response["data"]["price"] == "63000.1"


def test_spot_sell_when_beyond_base_balance_then_710006(pf):
    s = make(pf, balances={"BTC": "0.5"})
    assert s.submit(spot("SELL", quantity="0.5")).ok
    assert s.submit(spot("SELL", quantity="0.501")).code == "710006"


def test_spot_market_buy_by_amount_and_by_quantity_at_mark(pf):
    s = make(pf, balances={"USDT": "100"})
    by_amount = {"op": "placeorder", "data": {"marketCode": "BTC-USDT", "side": "BUY",
                                              "orderType": "MARKET", "amount": "100.5"}}
    verdict = s.submit(by_amount)
    assert (verdict.code, verdict.field) == ("710006", "amount")
    # mark price 63413.9: 0.001 costs 63.4139, 0.002 costs 126.8278
    assert s.submit(spot(quantity="0.001", orderType="MARKET", price=None)).ok
    assert s.submit(spot(quantity="0.002", orderType="MARKET", price=None)).code == "710006"


def test_spot_when_asset_balance_unknown_then_not_checked(pf):
    s = make(pf, balances={"ETH": "1"})
    assert s.submit(spot(quantity="100", price="63000")).ok


def test_balance_push_turns_the_layer_on_and_keeps_it_current(pf):
    s = make(pf)
    assert s.submit(spot(quantity="1")).ok  # nothing known: not checked
    s.observe({"table": "balance", "accountId": "1001", "timestamp": str(NOW),
               "tradeType": "LINEAR", "data": [
                   {"total": "10000", "reserved": "1000", "instrumentId": "USDT",
                    "available": "9000", "locked": "0"}]})
    assert s.submit(spot(quantity="0.15")).code == "710006"  # 9450 > 9000
    assert s.submit(spot(quantity="0.14")).ok  # 8820
    s.observe({"table": "balance", "accountId": "1001",
               "data": [{"instrumentId": "USDT", "available": "100000"}]})
    assert s.submit(spot(quantity="1")).ok
    assert s.account_id == "1001"


def test_balance_push_of_another_account_is_ignored(pf):
    s = make(pf, account_id="1001", balances={"USDT": "100000"})
    s.observe({"table": "balance", "accountId": "2002",
               "data": [{"instrumentId": "USDT", "available": "1"}]})
    assert s.submit(spot(quantity="1")).ok


def test_account_false_switches_the_layer_off(pf):
    s = pf.session(account=False)
    s.observe(LOGIN_OK)
    s.observe({"table": "balance", "accountId": "1",
               "data": [{"instrumentId": "USDT", "available": "1"}]})
    assert s.submit(spot(quantity="1")).ok
    with pytest.raises(ValueError):
        s.update_account(status="FROZEN")


def test_account_checks_subset(pf):
    s = make(pf, balances={"USDT": "1"}, status="FROZEN", checks=frozenset({"300001"}))
    assert s.submit(spot()).code == "300001"
    s.update_account(status="NORMAL")
    assert s.submit(spot()).ok  # 710006 not selected


# -- 710004 position limit ----------------------------------------------------------------------
def test_perp_when_position_would_exceed_limit_then_710004(pf):
    s = make(pf, positions={PERP: "8"}, position_limits={PERP: "10"})
    assert s.submit(perp("BUY", "2")).ok
    verdict = s.submit(perp("BUY", "2.0001"))
    assert (verdict.code, verdict.message) == ("710004", "Position quantity exceeds the limit")
    assert s.submit(perp("SELL", "18")).ok  # to -10
    assert s.submit(perp("SELL", "18.0001")).code == "710004"


def test_perp_when_over_limit_reducing_still_allowed(pf):
    s = make(pf, positions={PERP: "-15"}, position_limits={PERP: "10"})
    assert s.submit(perp("BUY", "1")).ok
    assert s.submit(perp("SELL", "0.0001")).code == "710004"


def test_position_push_updates_positions(pf):
    s = make(pf, position_limits={PERP: "1"})
    s.observe({"table": "position", "accountId": "1001", "data": [
        {"instrumentId": PERP, "quantity": "0.9", "entryPrice": "68000"}]})
    assert s.submit(perp("BUY", "0.1")).ok
    assert s.submit(perp("BUY", "0.2")).code == "710004"


# -- 710007 reduce-only ---------------------------------------------------------------------------
@pytest.mark.parametrize("held, side, quantity, code", [
    ("2", "SELL", "2", None), ("2", "SELL", "1", None), ("2", "SELL", "2.0001", "710007"),
    ("2", "BUY", "0.0001", "710007"), ("-2", "BUY", "2", None), ("-2", "SELL", "1", "710007"),
    ("0", "SELL", "1", "710007")])
def test_reduce_only_market_when_order_does_not_reduce_then_710007(pf, held, side, quantity,
                                                                   code):
    s = make(pf, positions={PERP: held}, reduce_only=frozenset({PERP}))
    verdict = s.submit(perp(side, quantity))
    assert verdict.code == code
    if code:
        assert verdict.message == "Insufficient position"


# -- 710005 margin ------------------------------------------------------------------------------
def test_perp_when_collateral_below_initial_margin_then_710005(pf):
    # mark 68205, rate 0.1: 1 BTC needs 6820.5; the ETH position (mark 3793.9) needs 379.39
    s = make(pf, collateral="7199.89", default_margin_rate="0.1",
             positions={"ETH-USD-SWAP-LIN": "1"})
    assert s.submit(perp("BUY", "1")).ok
    verdict = s.submit(perp("BUY", "1.0001"))
    assert (verdict.code, verdict.message) == ("710005", "Insufficient margin")


def test_perp_margin_reducing_order_always_passes(pf):
    s = make(pf, collateral="1", default_margin_rate="0.1", positions={PERP: "5"})
    assert s.submit(perp("SELL", "1")).ok
    assert s.submit(perp("BUY", "1")).code == "710005"


def test_perp_margin_when_rate_unknown_then_not_checked(pf):
    s = make(pf, collateral="1", margin_rates={"ETH-USD-SWAP-LIN": "0.1"})
    assert s.submit(perp("BUY", "5")).ok


def test_account_reply_sets_balances_positions_and_collateral(pf):
    s = make(pf, default_margin_rate="0.1", position_limits={PERP: "3"})
    s.observe({"success": True, "data": [{
        "accountId": "21213", "name": "main", "accountType": "STANDARD",
        "balances": [{"asset": "USDT", "total": "700", "available": "630", "reserved": "70"}],
        "positions": [{"marketCode": PERP, "baseAsset": "BTC", "counterAsset": "USD",
                       "position": "2.5"}],
        "collateral": "19000"}]})
    assert s.account_id == "21213"
    assert s.submit(spot(quantity="0.011")).code == "710006"
    assert s.submit(perp("BUY", "0.6")).code == "710004"
    assert s.submit(perp("BUY", "0.4")).code == "710005"  # 2.9 * 68205 * 0.1 > 19000
    assert s.submit(perp("BUY", "0.1")).ok  # 2.6 * 68205 * 0.1 = 17733.3


def test_account_reply_without_positions_clears_them(pf):
    s = make(pf, positions={PERP: "5"}, reduce_only=frozenset({PERP}))
    assert s.submit(perp("SELL", "1")).ok
    s.observe({"success": True, "data": [{"accountId": "1", "balances": [],
                                          "collateral": "100"}]})
    assert s.submit(perp("SELL", "1")).code == "710007"


# -- 300001 status ------------------------------------------------------------------------------
def test_placeorder_when_account_status_not_normal_then_300001(pf):
    s = make(pf, status="SUSPENDED")
    verdict = s.submit(spot())
    assert (verdict.code, verdict.message) == (
        "300001", "Invalid account status SUSPENDED, please contact administration if any "
                  "questions")
    s.update_account(status="normal")
    assert s.submit(spot()).ok


def test_status_unknown_by_default_then_not_checked(pf):
    assert make(pf, balances={"USDT": "1000"}).submit(spot()).ok


# -- the option's shape -------------------------------------------------------------------------
def test_account_as_dict_and_bad_values(pf):
    s = pf.session(account={"balances": {"USDT": 630}, "account_id": 7})
    s.observe(LOGIN_OK)
    assert s.account_id == "7"
    assert s.submit(spot(quantity="0.011")).code == "710006"
    with pytest.raises(TypeError, match="unknown account field"):
        pf.session(account={"balance": {}})
    with pytest.raises(ValueError, match="not a number"):
        pf.session(account={"balances": {"USDT": "lots"}})
    with pytest.raises(ValueError, match="not modelled"):
        pf.session(account={"checks": frozenset({"710001"})})


def test_rejected_order_changes_no_state(pf):
    s = make(pf, balances={"USDT": "10"}, position_limits={PERP: "1"})
    for _ in range(60):
        assert s.submit(spot(quantity="1")).code == "710006"
    assert all(s.submit(perp("BUY", "1")).ok for _ in range(50))  # the rate is untouched


def test_text_frame_numbers_compared_exactly(pf):
    s = make(pf, balances={"USDT": "630"})
    exact = ('{"op":"placeorder","data":{"marketCode":"BTC-USDT","side":"BUY",'
             '"orderType":"LIMIT","quantity":%s,"price":63000}}')
    assert s.submit(exact % "0.01").ok
    # as a binary float this is 0.01; as the decimal written, the cost is just above 630
    assert s.submit(exact % "0.010000000000000000001").code == "710006"
