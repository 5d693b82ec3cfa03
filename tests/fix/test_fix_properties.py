"""Properties of ``Preflight.fix`` over the project's strategies (hypothesis).

Catalogue and clock: the rule examples' (``oxpreflight.rules.examples``).
"""
from __future__ import annotations

import copy
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oxpreflight import Preflight
from oxpreflight.rules import RULES
from oxpreflight.rules.examples import MARKETS, NOW
from oxpreflight.rules.language import NotOneOf
from oxpreflight.strategies import frames, violating
from oxpreflight.validators.fixing import fixable

PF = Preflight(MARKETS, clock=lambda: NOW)
FAST = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
ORDER_OPS = ("placeorder", "placeorders", "modifyorder", "modifyorders")
PRICES = ("price", "stopPrice", "limitPrice")
#: Rejection rows with a fixer: the rows ``fix(..., unsafe=True)`` must repair.
FIXABLE_ROWS = [r for r in RULES if not r.is_warning and fixable(r) is not None]


def items(frame: dict) -> list:
    return frame["dataArray"] if "dataArray" in frame else [frame["data"]]


def item_verdicts(verdict) -> list:
    return list(verdict.items) if verdict.items else [verdict]


def test_the_fixable_rows_are_the_expected_ones():
    assert {r.name for r in FIXABLE_ROWS} == {
        "order-side-enum", "order-type-enum", "order-time-in-force", "order-trigger-type",
        "order-stp-mode", "modify-side", "quantity-increment", "limit-price-lower-bound",
        "limit-price-upper-bound", "stop-limit-lower-bound", "stop-limit-upper-bound",
        "modify-price-lower-bound", "modify-price-upper-bound"}


@pytest.mark.parametrize("op", ORDER_OPS + ("cancelorder", "login", "subscribe"))
@pytest.mark.parametrize("unsafe", [False, True])
@FAST
@given(data=st.data())
def test_fix_of_a_valid_frame_changes_nothing(op, unsafe, data):
    frame = data.draw(frames(op, markets=MARKETS, now=NOW))
    before = copy.deepcopy(frame)
    result = PF.fix(frame, unsafe=unsafe)
    assert result.changes == () and result.frame == before and result.ok
    assert frame == before


@pytest.mark.parametrize("row", FIXABLE_ROWS, ids=lambda r: r.name)
@settings(FAST, max_examples=30)
@given(data=st.data())
def test_fix_of_a_violating_frame_for_a_fixable_row_passes(row, data):
    frame = data.draw(violating(row.code, rule=row.name, markets=MARKETS, now=NOW))
    broken = next(i for i, v in enumerate(item_verdicts(PF.check(frame))) if not v.ok)
    item = items(frame)[broken]
    cond = next(c for c in _leaves(row.fails) if isinstance(c, NotOneOf))  \
        if any(isinstance(c, NotOneOf) for c in _leaves(row.fails)) else None
    if cond is not None:  # only a case variant of an accepted value is fixable
        value = item.get(row.field)
        if not (isinstance(value, str) and value.upper() in {v.upper() for v in cond.values}):
            result = PF.fix(frame, unsafe=True)
            assert result.changes == () and result.verdict.code == row.code
            return
    if row.name.startswith("stop-limit-") and _limit_would_cross_the_stop(row, item):
        # the limit price moved to the bound would cross the stop price (20029 / 20030): the
        # stop is not bounded, so nothing safe or unsafe moves it; the order is left as given
        result = PF.fix(frame, unsafe=True)
        assert result.changes == () and result.verdict.code == row.code
        return
    result = PF.fix(frame, unsafe=True)
    if cond is not None and not result.ok:
        # the breaker may drop what the true value needs (orderType 'limit' without a price):
        # then the frame comes back as given, with its rejection; case_variants below holds
        # the fix to passing on otherwise valid frames
        assert result.changes == () and result.frame == frame, (frame, result)
        return
    assert result.ok, (frame, result)
    assert [c.item for c in result.changes] == [broken if "dataArray" in frame else None] \
        * len(result.changes)
    assert not PF.fix(frame).ok  # each of these is an unsafe fix


def _limit_would_cross_the_stop(row, item: dict) -> bool:
    market = PF.market(item["marketCode"])
    stop = Decimal(str(item["stopPrice"]))
    if row.name.endswith("lower-bound"):
        return item["side"] == "SELL" and stop < market.lower_price_bound
    return item["side"] == "BUY" and stop > market.upper_price_bound


def _leaves(cond):
    from oxpreflight.validators.declaration import conditions

    return conditions(cond)


@st.composite
def case_variants(draw):
    """A valid frame with one enumeration value in lower case: always fixable (unsafe)."""
    op = draw(st.sampled_from(("placeorder", "placeorders")))
    frame = draw(frames(op, markets=MARKETS, now=NOW))
    item = draw(st.sampled_from(items(frame)))
    fields = [f for f in ("side", "orderType", "timeInForce", "selfTradePreventionMode",
                          "triggerType") if isinstance(item.get(f), str)]
    field = draw(st.sampled_from(fields))
    item[field] = item[field].lower()
    return frame


@FAST
@given(frame=case_variants())
def test_fix_unsafe_of_a_case_variant_always_passes(frame):
    assert not PF.check(frame).ok
    result = PF.fix(frame, unsafe=True)
    assert result.ok and len(result.changes) == 1 and not result.changes[0].safe


@st.composite
def off_grid(draw):
    """A valid order frame with its prices and quantity moved off the grid (some may then be
    rejected: a price past a bound, say)."""
    op = draw(st.sampled_from(ORDER_OPS))
    frame = draw(frames(op, markets=MARKETS, now=NOW, decimals=draw(st.booleans())))
    for item in items(frame):
        market = PF.markets.get(item.get("marketCode"))
        if market is None:
            continue
        for field in PRICES + ("quantity",):
            grid = market.step if field == "quantity" else market.tick
            if item.get(field) is None or grid is None or not draw(st.booleans()):
                continue
            shift = grid * Decimal(draw(st.integers(1, 99))) / 100
            sign = draw(st.sampled_from((1, -1))) if field != "quantity" else 1
            moved = Decimal(str(item[field])) + sign * shift
            item[field] = draw(st.sampled_from((str(moved), float(moved), moved)))
    return frame


@settings(FAST, max_examples=150)
@given(frame=off_grid(), unsafe=st.booleans())
def test_fix_never_turns_an_accepted_item_into_a_rejected_one(frame, unsafe):
    before = copy.deepcopy(frame)
    was = item_verdicts(PF.check(frame))
    result = PF.fix(frame, unsafe=unsafe)
    now = item_verdicts(result.verdict)
    assert frame == before
    assert len(now) == len(was)
    for old, new in zip(was, now):
        assert new.ok or not old.ok, (frame, result)
    fixed = items(result.frame) if isinstance(result.frame, dict) else []
    for index, verdict in enumerate(now if fixed else ()):
        if verdict.ok:
            for warning in verdict.warnings:
                if warning.code in ("W002", "W003"):
                    assert _rounding_would_reject(fixed[index], warning.field), (frame, result)


def _rounding_would_reject(item: dict, field: str) -> bool:
    """A W002 / W003 that ``fix`` left: rounding that field alone would reject the item (or
    it cannot be rounded: a price without a side, a quantity below the minimum)."""
    market = PF.market(item["marketCode"])
    try:
        if field == "quantity":
            value = market.round_quantity(item[field])
        else:
            value = market.round_price(item[field], item.get("side"))
    except ValueError:
        return True
    op = "modifyorder" if "orderId" in item or "clientOrderId" in item and \
        "orderType" not in item else "placeorder"
    return not PF.check({"op": op, "data": dict(item, **{field: value})}).ok


@settings(FAST, max_examples=150)
@given(frame=off_grid(), unsafe=st.booleans())
def test_fix_rounding_is_passive_and_never_a_zero_quantity(frame, unsafe):
    result = PF.fix(frame, unsafe=unsafe)
    sides = [item.get("side") for item in items(frame)]
    for change in result.changes:
        side = sides[change.item or 0]
        after = Decimal(change.after) if change.field in PRICES + ("quantity",) else None
        if change.field in PRICES and change.code == "W002":
            before = Decimal(str(change.before))
            assert (after <= before) if side == "BUY" else (after >= before), change
        if change.field == "quantity":
            assert after > 0 and (change.safe is False or after <= Decimal(str(change.before)))
        if after is not None:
            assert isinstance(change.after, str) and "e" not in change.after.lower()
    for item in items(result.frame) if isinstance(result.frame, dict) else ():
        quantity = item.get("quantity")
        if quantity is not None and result.verdict.ok:
            assert Decimal(str(quantity)) > 0


@settings(FAST, max_examples=100)
@given(frame=off_grid())
def test_fix_removes_every_w002_w003_it_can_round(frame):
    result = PF.fix(frame)
    changed = {(c.item, c.field) for c in result.changes}
    verdicts = item_verdicts(result.verdict)
    for index, verdict in enumerate(verdicts):
        if not verdict.ok:
            continue
        for warning in verdict.warnings:
            if warning.code in ("W002", "W003"):
                key = (index if result.verdict.items else None, warning.field)
                assert key not in changed, (frame, result)
