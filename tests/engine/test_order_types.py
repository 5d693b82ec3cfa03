"""The order-type table (``rules/order_types.py``) is what the rules, the replies and the
advice read: each of its columns is held to the behaviour it decides."""
from __future__ import annotations

import pytest

from oxpreflight import Preflight
from oxpreflight.rules import ECHO_ORDER, ENUMS, FIELDS, RULES
from oxpreflight.rules import language as L
from oxpreflight.rules.examples import MARKETS, NOW
from oxpreflight.rules.order_types import (
    BY_NAME, MODIFY_DERIVES, NAMES, PERPETUAL, TABLE, Copy, OrderType,
)
from oxpreflight.validators.kinds import conditions

PF = Preflight(MARKETS, clock=lambda: NOW)
BASE = {"marketCode": "BTC-USD-SWAP-LIN", "side": "BUY", "quantity": "0.001"}
PRICES = {"price": "68000", "stopPrice": "68000", "limitPrice": "68100"}


def place(order_type: str, **extra) -> dict:
    data = {**BASE, "orderType": order_type,
            **{f: PRICES[f] for f in BY_NAME[order_type].takes}, **extra}
    return {"op": "placeorder", "tag": 1, "data": {k: v for k, v in data.items() if v is not None}}


def guarded_by(rule: L.Rule, name: str) -> bool:
    return any(isinstance(c, L.Is) and c.field == "orderType" and c.values == (name,)
               for c in conditions(rule.fails))


def test_the_order_type_enumeration_is_the_table():
    assert ENUMS["orderType"] == NAMES == tuple(t.name for t in TABLE)


@pytest.mark.parametrize("kind", TABLE, ids=lambda t: t.name)
def test_each_type_passes_with_the_prices_it_takes(kind):
    verdict = PF.check(place(kind.name))
    assert verdict.ok, verdict


@pytest.mark.parametrize("kind, field", [(t, f) for t in TABLE for f in t.requires],
                         ids=lambda x: getattr(x, "name", x))
def test_each_required_price_is_a_row_under_its_type(kind, field):
    rows = [r for r in RULES if not r.is_warning and guarded_by(r, kind.name) and any(
        isinstance(c, L.Absent) and c.field == field for c in conditions(r.fails))]
    assert rows, f"no row rejects a {kind.name} order without {field}"
    verdict = PF.check(place(kind.name, **{field: None}))
    assert (verdict.ok, verdict.rule, verdict.field) == (False, rows[0].name, field)


@pytest.mark.parametrize("kind", [t for t in TABLE if t.bounded], ids=lambda t: t.name)
def test_the_bounded_price_is_held_to_both_bounds_under_its_type(kind):
    sides = {c.side for r in RULES if guarded_by(r, kind.name) for c in conditions(r.fails)
             if isinstance(c, L.OutOfBound) and c.field == kind.bounded}
    assert sides == {"lower", "upper"}


def _restricts(cond, kind: OrderType) -> bool:
    if kind.markets == (PERPETUAL,):
        return isinstance(cond, L.NotPerpetual)
    return isinstance(cond, L.MarketType) and cond.types == kind.markets and cond.negate


@pytest.mark.parametrize("kind", [t for t in TABLE if t.markets], ids=lambda t: t.name)
def test_a_type_restricted_to_some_markets_is_rejected_elsewhere(kind):
    rows = [r for r in RULES if guarded_by(r, kind.name)
            and any(_restricts(c, kind) for c in conditions(r.fails))]
    assert [r.field for r in rows] == ["orderType"]
    others = [code for code, rec in PF.markets.items()
              if not kind.allows(rec.type, rec.perpetual) and not rec.rate]
    assert others
    for other in others:
        verdict = PF.check(place(kind.name, marketCode=other))
        assert (verdict.ok, verdict.rule) == (False, rows[0].name), (other, verdict)


@pytest.mark.parametrize("kind", TABLE, ids=lambda t: t.name)
def test_w005_warns_exactly_for_the_types_that_ignore_price(kind):
    verdict = PF.check(place(kind.name, price="68000"))
    assert verdict.ok, verdict
    assert ("W005" in {w.code for w in verdict.warnings}) is kind.ignores_price


@pytest.mark.parametrize("kind", TABLE, ids=lambda t: t.name)
def test_the_reply_echoes_what_the_table_derives(kind):
    data = PF.check(place(kind.name, quantity="-1")).response["data"]
    for name, source in kind.derives:
        expected = PRICES[source.field] if isinstance(source, Copy) else source
        assert data[name] == expected, (kind.name, name)
    derived = {name for name, _ in kind.derives}
    sent = set(place(kind.name)["data"]) | {"source", "quantity"}
    assert set(data) == sent | derived  # nothing invented beyond the table


def test_a_modify_echo_derives_what_the_table_says():
    verdict = PF.check({"op": "modifyorder", "data": {
        "marketCode": "BTC-USD-SWAP-LIN", "orderId": 1, "price": "68000", "quantity": "-1"}})
    assert [(n, verdict.response["data"][n]) for n, _ in MODIFY_DERIVES] == [
        ("limitPrice", "68000")]


def test_the_echo_order_names_every_field_of_the_order_commands_once():
    fields = {f for op in ("placeorder", "cancelorder", "modifyorder") for f in FIELDS[op]}
    assert len(ECHO_ORDER) == len(set(ECHO_ORDER)) and set(ECHO_ORDER) == fields


def test_a_row_of_the_table_must_take_what_it_requires_and_bounds():
    with pytest.raises(ValueError, match="not all taken"):
        OrderType("X", requires=("price",))
    with pytest.raises(ValueError, match="bounded"):
        OrderType("X", takes=("price",), bounded="stopPrice")
