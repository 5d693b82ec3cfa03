"""Properties of ``Preflight.check`` over generated input (hypothesis).

Catalogue and clock: the rule examples' (``oxpreflight.rules.examples``), which reach every
enforced code (bounds, a repo and a spread market, a market listed in the future, a settled one).
"""
import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oxpreflight import Preflight, Verdict
from oxpreflight.rules.examples import MARKETS, NOW
from oxpreflight.strategies import enforced_codes, frames, violating
from oxpreflight.rules.language import COMMANDS
from oxpreflight.rules import FIELDS
from oxpreflight.rules.order_types import NAMES as ORDER_TYPES

PF = Preflight(MARKETS, clock=lambda: NOW)
FAST = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def as_text(frame) -> str:
    return json.dumps(frame, separators=(",", ":"), default=str)


@pytest.mark.parametrize("op", COMMANDS)
@FAST
@given(data=st.data())
def test_generated_valid_frame_always_passes(op, data):
    frame = data.draw(frames(op, markets=MARKETS, now=NOW))
    before = copy.deepcopy(frame)
    verdict = PF.check(frame)
    assert verdict.ok, (verdict, frame)
    assert frame == before
    assert PF.check(as_text(frame)).ok  # the same frame as the text that would be sent
    assert PF.check(as_text(frame).encode()).ok


@pytest.mark.parametrize("code", enforced_codes())
@settings(FAST, max_examples=25)
@given(data=st.data())
def test_breaking_one_thing_yields_exactly_that_code(code, data):
    frame = data.draw(violating(code, markets=MARKETS, now=NOW))
    before = copy.deepcopy(frame)
    verdict = PF.check(frame)
    assert verdict.code == code, (verdict, frame)
    assert not verdict.ok and verdict.message
    assert frame == before
    if isinstance(frame, dict) and code != "20027":
        assert verdict.response["code"] == code
        assert PF.check(as_text(frame)).code == code


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=25)

# Objects shaped like frames, so that generated values reach deep into the command plans.
# Every documented field (from FIELDS, so a renamed field is followed) and one undocumented.
_FIELD_NAMES = st.sampled_from(sorted({f for fields in FIELDS.values() for f in fields}) + ["x"])
_FIELD_VALUES = st.one_of(
    JSON, st.sampled_from(["BTC-USD-SWAP-LIN", "BTC-USD-REPO-LIN", "ETH-USD-SWAP-LIN-NEW",
                           "BUY", "SELL", *ORDER_TYPES,
                           "GTC", "MARK_PRICE", "NONE", "0.001", "68000", "-1", "1e3"]),
    st.decimals(allow_nan=True))
_ITEM = st.dictionaries(_FIELD_NAMES, _FIELD_VALUES, max_size=8)
FRAME_LIKE = st.fixed_dictionaries(
    {"op": st.sampled_from(COMMANDS)},
    optional={"tag": JSON, "data": _ITEM | JSON, "dataArray": st.lists(_ITEM | JSON, max_size=3),
              "args": st.lists(JSON, max_size=3)})


def _answers(verdict):
    assert isinstance(verdict, Verdict)
    assert verdict.ok or (isinstance(verdict.code, str) and verdict.message)
    if not verdict.ok:
        assert isinstance(verdict.response, dict)


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_any_json_value_gets_a_verdict(value):
    before = copy.deepcopy(value)
    _answers(PF.check(value))
    _answers(PF.check(json.dumps(value)))
    assert value == before


@settings(max_examples=400, deadline=None)
@given(FRAME_LIKE)
def test_any_frame_shaped_object_gets_a_verdict_and_is_not_mutated(frame):
    before = copy.deepcopy(frame)
    _answers(PF.check(frame))
    assert frame == before or frame != frame  # NaN decimals compare unequal to themselves
    try:
        text = json.dumps(frame, default=str)
    except ValueError:
        return
    _answers(PF.check(text))


@settings(max_examples=300, deadline=None)
@given(st.text() | st.binary())
def test_any_text_or_bytes_gets_a_verdict(raw):
    _answers(PF.check(raw))


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet='{}[]":,0123456789.eE-+ntrulfasopdc', max_size=60))
def test_json_looking_text_gets_a_verdict(raw):
    _answers(PF.check(raw))
