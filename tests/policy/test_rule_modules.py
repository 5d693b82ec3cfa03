"""Users' rule modules: loaded from a dotted path or a module object, run after the exchange's
rows (batch items included), checked at construction."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from oxpreflight import InvalidOrder, Preflight, Rejected
from oxpreflight import docs
from oxpreflight.errors import BadRequest, error_for
from oxpreflight.rules import Absent, Cond, Is, Rule
from oxpreflight.rules.examples import MARKETS, NOW, order
from oxpreflight.validators.kinds import RuleError

ROOT = Path(__file__).resolve().parents[2]
DOTTED = "tests.policy.desk_rules"


@pytest.fixture
def desk(monkeypatch):
    """The desk module, imported by its dotted path from the repository root."""
    monkeypatch.syspath_prepend(str(ROOT))
    import importlib

    return importlib.import_module(DOTTED)


def frame(**changes):
    return {"op": "placeorder", "tag": 1, "data": order(**changes)}


def pf_with(rules, **options):
    return Preflight(markets=MARKETS, clock=lambda: NOW, rules=rules, **options)


def test_rules_from_a_dotted_path_then_desk_codes_and_messages(desk):
    pf = pf_with([DOTTED])
    v = pf.check(frame(timeInForce="FOK", clientOrderId=1))
    assert (v.ok, v.code, v.message, v.field, v.rule) == (
        False, "D100", "timeInForce FOK is not allowed on this desk", "timeInForce",
        "desk-time-in-force")
    assert v.response["code"] == "D100" and v.response["submitted"] is False
    assert v.response["message"] == v.message and v.response["data"]["timeInForce"] == "FOK"
    assert pf.check(frame(clientOrderId=1)).ok
    assert pf.rule_modules == (DOTTED,)


def test_rules_as_a_module_object_then_same_verdicts_as_the_dotted_path(desk):
    by_object, by_path = pf_with([desk]), pf_with(DOTTED)
    for f in (frame(), frame(clientOrderId=3), frame(clientOrderId=3, displayQuantity="0.6"),
              frame(clientOrderId=3, displayQuantity=0.5)):
        a, b = by_object.check(f), by_path.check(f)
        assert (a.ok, a.code, a.message) == (b.ok, b.code, b.message)
    assert by_object.check(frame(clientOrderId=3, displayQuantity="0.6")).code == "D102"


def test_user_rows_run_after_the_exchanges_so_the_exchange_code_wins(desk):
    pf = pf_with([desk])
    # FOK breaks the desk's rule, a lower-case side breaks the exchange's: the exchange wins
    v = pf.check(frame(timeInForce="FOK", side="buy"))
    assert v.code == "20016"
    assert pf.check(frame(timeInForce="FOK")).code == "D100"


def test_batch_items_each_get_the_user_rows(desk):
    pf = pf_with([desk])
    items = [order(clientOrderId=1), order(), order(clientOrderId=2, timeInForce="FOK"),
             order(clientOrderId=3, side="buy", timeInForce="FOK")]
    v = pf.check({"op": "placeorders", "tag": 1, "dataArray": items})
    assert [i.code for i in v.items] == [None, "D101", "D100", "20016"]
    assert (v.code, v.index) == ("D101", 1)
    text = pf.check(json.dumps({"op": "placeorders", "tag": 1, "dataArray": items}))
    assert [i.code for i in text.items] == [None, "D101", "D100", "20016"]


def test_dict_text_and_general_plan_agree_with_user_rows(desk):
    pf = pf_with([desk])
    for f in (frame(), frame(clientOrderId=3, displayQuantity=0.6000000000000001),
              frame(clientOrderId=3, displayQuantity="0.50000000000000000001"),
              frame(clientOrderId=3, displayQuantity=0.5), frame(timeInForce="MAKER_ONLY")):
        verdicts = [pf.check(f), pf.check(json.dumps(f)), pf._general(f)]
        assert len({(v.ok, v.code, v.message) for v in verdicts}) == 1, verdicts


def test_a_user_warning_row_and_an_exchange_code_row_take_their_messages(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT))
    pf = pf_with(["tests.policy.desk_warnings"])
    v = pf.check(frame())
    assert v.ok and [(w.code, w.message) for w in v.warnings] == [
        ("D500", "timeInForce GTC outlives the trading session")]
    v = pf.check(frame(quantity="101", timeInForce="IOC"))
    assert (v.code, v.message) == ("20006", "Quantity must be greater than zero")


def test_guarded_send_raises_the_class_the_row_names(desk):
    pf = pf_with([desk])
    assert isinstance(error_for(pf.check(frame())), BadRequest)          # D101: error=BadRequest
    assert type(error_for(pf.check(frame(clientOrderId=1, timeInForce="FOK")))) is InvalidOrder
    sent = []
    send = pf.guard(sent.append)
    with pytest.raises(Rejected) as caught:
        send(frame())
    assert caught.value.code == "D101" and sent == []


def _module(name, *rows):
    module = ModuleType(name)
    module.RULES = rows
    return module


GOOD_ROW = dict(commands=("placeorder",), doc="d", field="clientOrderId")


@pytest.mark.parametrize("row, says", [
    (Rule("D900", fails=Absent("clientOrderId"), bad=order(), good=order(clientOrderId=1),
          name="no-message", **GOOD_ROW), "a message is required"),
    (Rule("D901", fails=Absent("clientOrderId"), bad=order(clientOrderId=1), good=order(),
          name="examples-swapped", message="m", **GOOD_ROW), "bad example must fail"),
    (Rule("D902", fails=Absent("clientOrderId"), bad=order(side="buy"),
          good=order(clientOrderId=1), name="bad-caught-first", message="m", **GOOD_ROW),
     "got 20016"),
    (Rule("D903", fails=Is("side", ("BUY",)), bad=order(), good=order(),
          name="good-fails", message="m", **GOOD_ROW), "good example must be accepted"),
    (Rule("20022", fails=Absent("clientOrderId"), bad=order(), good=order(clientOrderId=1),
          name="other-meaning", message="not the table's", **GOOD_ROW), "is the exchange's"),
    (Rule("R001", fails=Absent("clientOrderId"), bad=order(), good=order(clientOrderId=1),
          name="limit-code", message="m", **GOOD_ROW), "oxpreflight's own"),
    (Rule("W002", fails=Absent("clientOrderId"), bad=order(), good=order(clientOrderId=1),
          name="warning-code", warning="w", **GOOD_ROW), "oxpreflight's own"),
    (Rule("D904", fails=Absent("clientOrderId"), bad=order(), good=order(clientOrderId=1),
          name="limit-price", message="m", **GOOD_ROW), "name is taken"),
    (Rule("D905", ("placeorder", "sendmoney"), Absent("clientOrderId"), "d", bad=order(),
          good=order(clientOrderId=1), name="bad-command", message="m"), "commands must be"),
    (Rule("D906", fails=Absent("clientOrderId"), bad=order(), good=order(clientOrderId=1),
          name="bad-error", message="m", error="Oops", **GOOD_ROW), "unknown exception class"),
])
def test_a_bad_row_fails_at_construction_naming_module_and_row(row, says):
    with pytest.raises(ValueError) as caught:
        pf_with([_module("desk_bad", row)])
    assert says in str(caught.value) and "desk_bad" in str(caught.value), caught.value


def test_a_condition_class_without_its_parts_fails_at_construction():
    class Novel(Cond):
        def describe(self):
            return "novel"

    row = Rule("D910", ("placeorder",), Novel(), "d", bad=order(), good=order(),
               name="novel-row", message="m")
    with pytest.raises(RuleError, match="desk_novel: rule novel-row: condition class Novel has "
                                        "no declaration"):
        pf_with([_module("desk_novel", row)])

    from oxpreflight.validators.kinds import Kind, declare

    class HalfDeclared(Cond):
        def describe(self):
            return "half"

    declare(Kind(HalfDeclared, emit=lambda b, c: "False"))  # no predicate, breaker, fixer
    row = Rule("D911", ("placeorder",), HalfDeclared(), "d", bad=order(), good=order(),
               name="half-row", message="m")
    with pytest.raises(RuleError, match="HalfDeclared declares no predicate, breaker, fixer"):
        pf_with([_module("desk_half", row)])


def test_a_code_reused_with_another_meaning_fails_at_construction():
    first = Rule("D920", ("placeorder",), Absent("clientOrderId"), "d", bad=order(),
                 good=order(clientOrderId=1), name="first-use", message="one meaning")
    second = Rule("D920", ("placeorder",), Absent("clientOrderId"), "d", bad=order(),
                  good=order(clientOrderId=1), name="second-use", message="another meaning")
    pf_with([_module("desk_one", first)])
    with pytest.raises(RuleError, match="already means 'one meaning'"):
        pf_with([_module("desk_two", second)])


@pytest.mark.parametrize("modules, says", [
    (["tests.policy.no_such_module"], "cannot be imported"),
    ([ModuleType("empty")], "needs RULES"),
    ([_module("desk_state", object())], "is not a Rule"),
    ([42], "a module or a dotted module path"),
])
def test_a_bad_module_fails_at_construction(monkeypatch, modules, says):
    monkeypatch.syspath_prepend(str(ROOT))
    with pytest.raises(ValueError, match=says):
        pf_with(modules)


def test_explain_and_codes_json_include_user_rows_with_where(desk):
    pf = pf_with([desk])
    data = docs.explain_data("D100", pf)
    assert data["enforced_by"] == "check"
    assert data["rules"][0]["name"] == "desk-time-in-force"
    assert data["rules"][0]["where"].endswith("desk_rules.py:8")
    codes = {c["code"]: c for c in docs.codes_data(pf)}
    assert {"D100", "D101", "D102"} <= set(codes)
    assert codes["D101"]["message"] == "clientOrderId is required on this desk"
    assert codes["20022"]["rules"][0]["name"] == "limit-price"
    text = docs.explain("D102", scope=pf)
    assert "-> rejected D102 displayQuantity 0.6 is above the desk's 0.5" in text
    assert "-> accepted" in text


def test_rules_keyword_on_from_exchange(monkeypatch, desk):
    from oxpreflight.validators import pull

    monkeypatch.setattr(pull, "fetch_markets", lambda url, timeout: MARKETS)
    pf = Preflight.from_exchange(clock=lambda: NOW, rules=[desk], policy={"D101": "warn"},
                                 limits={"max_quantity": "1"})
    v = pf.check(frame())
    assert v.ok and "D101" in {w.code for w in v.warnings}
    assert pf.check(frame(quantity="2", clientOrderId=1)).code == "R001"


def test_module_is_importable_by_its_dotted_path(desk):
    assert sys.modules[DOTTED] is desk
