"""Pushes from a hostile or broken server: a market entry is checked like a catalogue's (a bad
one is skipped and logged, the old record kept), only a well-formed accountId is adopted, and
mutated pushes of every table the session reads never raise or freeze ``observe``."""
from __future__ import annotations

import logging
import threading

import pytest

from oxpreflight import Preflight
from oxpreflight.rules.examples import MARKETS, NOW

SWAP = "BTC-USD-SWAP-LIN"
LOGIN_OK = {"event": "login", "success": True, "tag": "1", "timestamp": str(NOW)}


def _session(**options):
    s = Preflight(markets=MARKETS, clock=lambda: NOW).session(**options)
    s.observe(LOGIN_OK)
    return s


def _limit(price: str) -> dict:
    return {"op": "placeorder", "tag": 1, "data": {
        "marketCode": SWAP, "side": "BUY", "orderType": "LIMIT", "quantity": "0.001",
        "price": price}}


def _bounded(call, seconds: float = 30.0) -> None:
    """Run ``call`` in a thread; a call still running after ``seconds`` fails the test."""
    errors: list = []

    def run():
        try:
            call()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "observe did not return"
    assert not errors, errors


@pytest.mark.parametrize("entry", [
    {"tickSize": "1e-999999999"},
    {"tickSize": "1e-40"},
    {"minSize": "1e-999999999"},
    {"upperPriceBound": "1", "lowerPriceBound": "2"},
    {"lowerPriceBound": "999999"},  # above the record's upper bound: inverted once merged
    {"markPrice": "1e999999999"},
    {"tickSize": "-1"},
    {"tickSize": "NaN"},
    {"tickSize": "0.00001" + "1" * 1_000_000},  # 1 MB of digits: the exact ratio took ~1 min
], ids=["tick-1e-999999999", "tick-1e-40", "step-1e-999999999", "inverted", "inverted-merged",
        "mark-huge", "tick-negative", "tick-nan", "tick-million-digits"])
def test_hostile_market_push_is_skipped_and_logged_and_the_old_record_kept(entry, caplog):
    s = _session()
    before = s.markets[SWAP]
    assert s.submit(_limit("65000")).ok
    caplog.set_level(logging.WARNING, "oxpreflight.session")
    _bounded(lambda: s.observe({"table": "market", "data": [dict(entry, marketCode=SWAP)]}))
    assert s.markets[SWAP] is before
    assert s.submit(_limit("65000")).ok
    assert any(SWAP in r.getMessage() and "skipped" in r.getMessage() for r in caplog.records)


def test_a_bad_entry_does_not_stop_the_good_ones_of_the_same_push():
    s = _session()
    s.observe({"table": "market", "data": [
        {"marketCode": SWAP, "tickSize": "1e-40"},
        {"marketCode": "ETH-USD-SWAP-LIN", "upperPriceBound": "5000", "lowerPriceBound": "100"}]})
    assert s.markets["ETH-USD-SWAP-LIN"].market.upperPriceBound == 5000
    assert s.markets[SWAP].market.tickSize != 0 and s.markets[SWAP].tick.adjusted() > -30


# -- only a well-formed accountId is adopted ----------------------------------------------------
def _opened(order_id: int = 5, account: object = "1001") -> dict:
    return {"table": "order", "data": [{
        "notice": "OrderOpened", "accountId": account, "orderId": str(order_id),
        "marketCode": SWAP, "side": "BUY", "status": "OPEN", "price": "68000",
        "quantity": "0.001", "remainQuantity": "0.001", "orderType": "LIMIT"}]}


CANCEL = {"op": "cancelorder", "tag": 1, "data": {"marketCode": SWAP, "orderId": 5}}
GARBAGE_IDS = [{}, [], True, "", "x1001", "1001 ", "１００１", -1, 1.5, "9" * 21, None]


@pytest.mark.parametrize("garbage", GARBAGE_IDS, ids=repr)
@pytest.mark.parametrize("where", ["balance", "position", "login", "account-rest"])
def test_a_garbage_account_id_is_never_adopted(garbage, where):
    s = Preflight(markets=MARKETS, clock=lambda: NOW).session()
    push = {"balance": {"table": "balance", "accountId": garbage, "data": []},
            "position": {"table": "position", "accountId": garbage, "data": []},
            "login": dict(LOGIN_OK, accountId=garbage),
            "account-rest": {"success": True, "data": [
                {"accountId": garbage, "collateral": "1", "balances": []}]}}[where]
    s.observe(push)
    s.observe(LOGIN_OK)
    assert s.account_id is None
    s.observe(_opened())  # the user's own order, named by the exchange
    assert s.submit(CANCEL).ok


def test_a_well_formed_account_id_is_adopted_as_digits():
    s = _session()
    s.observe({"table": "balance", "accountId": 1001, "data": []})
    assert s.account_id == "1001"
    s.observe(_opened(account="2002"))
    assert s.submit(CANCEL).code == "100006"


def test_an_order_row_with_a_garbage_owner_is_not_someone_elses():
    s = _session()
    s.observe({"table": "balance", "accountId": "1001", "data": []})
    s.observe(_opened(account={}))
    assert s.submit(CANCEL).ok


# -- fuzz: mutated pushes of every table the session reads ---------------------------------------
import random  # noqa: E402
import time  # noqa: E402

BASES = [
    {"table": "market", "data": [{"marketCode": SWAP, "tickSize": "0.5", "minSize": "0.001",
                                  "upperPriceBound": "70000", "lowerPriceBound": "60000",
                                  "markPrice": "65000", "type": "FUTURE"}]},
    {"marketCode": SWAP, "operational": False},
    _opened(),
    {"table": "order", "data": [{"notice": "OrderMatched", "accountId": "1001", "orderId": "5",
                                 "marketCode": SWAP, "remainQuantity": "0", "status": "FILLED",
                                 "side": "BUY", "matchQuantity": "0.001"}]},
    {"table": "order", "data": [{"notice": "OrderClosed", "accountId": "1001", "orderId": "5",
                                 "marketCode": SWAP, "status": "CANCELED_BY_USER"}]},
    {"table": "balance", "accountId": "1001", "data": [
        {"instrumentId": "USDT", "total": "100", "available": "90", "reserved": "10"}]},
    {"table": "position", "accountId": "1001", "data": [
        {"instrumentId": SWAP, "quantity": "0.01", "entryPrice": "65000"}]},
    dict(LOGIN_OK, accountId="1001"),
    {"event": "placeorder", "submitted": True, "tag": "1", "data": {
        "clientOrderId": "9", "orderId": "5", "marketCode": SWAP, "side": "BUY"}},
    {"event": "CANCEL", "submitted": False, "code": "100004", "data": {
        "orderId": "5", "clientOrderId": "9", "marketCode": SWAP}},
    {"event": "CANCEL", "submitted": True, "data": {"marketCode": SWAP}},
    {"success": True, "data": [{"orderId": "5", "clientOrderId": "9", "marketCode": SWAP,
                                "side": "BUY", "price": "65000", "quantity": "0.001"}]},
    {"success": True, "data": [{"accountId": "1001", "collateral": "100", "balances": [
        {"asset": "USDT", "available": "90"}], "positions": [
        {"marketCode": SWAP, "position": "0.01"}]}]},
    {"success": True, "data": [{"marketCode": SWAP, "operational": True}]},
]
HOSTILE = [None, {}, [], "", "x", "1e-999999999", "1e999999999", "NaN", "-0", -1, 0, 2**70,
           10**400, True, 1.5e308, "9" * 5000, [[[[]]]], {"a": {"b": {}}}, "١٢٣", "\ud800"]


def _mutate(value, rng: random.Random, depth: int = 0):
    if isinstance(value, dict) and value and depth < 6:
        out = dict(value)
        key = rng.choice(list(out))
        roll = rng.random()
        if roll < 0.2:
            del out[key]
        elif roll < 0.6:
            out[key] = rng.choice(HOSTILE)
        else:
            out[key] = _mutate(out[key], rng, depth + 1)
        return out
    if isinstance(value, list) and value and depth < 6:
        out = list(value)
        at = rng.randrange(len(out))
        out[at] = _mutate(out[at], rng, depth + 1) if rng.random() < 0.7 else rng.choice(HOSTILE)
        if rng.random() < 0.2:
            out.append(rng.choice(HOSTILE))
        return out
    return rng.choice(HOSTILE)


CASES, BUDGET_S = 3_000, 90.0


def test_mutated_pushes_of_every_table_leave_the_session_sound():
    rng = random.Random(19_003)
    s = _session()
    order = _limit("65000")
    started = time.monotonic()
    for case in range(CASES):
        if time.monotonic() - started > BUDGET_S:  # a bound on the loop, not an assertion
            break
        push = _mutate(rng.choice(BASES), rng)
        for _ in range(rng.randrange(3)):
            push = _mutate(push, rng)
        _bounded(lambda: s.observe(push))
        own = s.account_id
        assert own is None or (own.isascii() and own.isdigit()), (case, push)
        for code, record in s.markets.items():
            tick = record.tick
            assert tick is None or (tick > 0 and -30 <= tick.adjusted() <= 18), (case, push)
            assert record.lo is None or record.hi is None or record.lo <= record.hi, (case, push)
        verdict = s.submit(order)
        assert "W000" not in {w.code for w in verdict.warnings}, (case, push)
        assert verdict.code is None or verdict.code.isdigit(), (case, push)
        if case % 50 == 0:  # start over now and then: states far from the bases too
            s = _session()
    assert case > 100


def test_a_skipped_push_with_a_lone_surrogate_logs_a_line_a_utf8_handler_can_write(caplog):
    import logging

    from oxpreflight import Preflight

    session = Preflight().session()
    with caplog.at_level(logging.WARNING, logger="oxpreflight"):
        session.observe({"table": "market", "data": [
            {"marketCode": "BTC-USD-SWAP-LIN\ud800", "tickSize": "-1"}]})
    for record in caplog.records:
        record.getMessage().encode("utf-8")  # raises UnicodeEncodeError if not writable
