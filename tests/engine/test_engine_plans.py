"""The engine's structure (issue 8, validators part): an emitter for every condition class a row
uses, readable generated plans, frame rows for every frame-level answer, no upward imports."""
import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from oxpreflight import Preflight
from oxpreflight.rules import RULES, language as D
from oxpreflight.rules import frame as frame_rules
from oxpreflight.rules.examples import MARKETS, NOW
from oxpreflight.validators.compiler import compile_plans
from oxpreflight.validators.emitters import EMITTERS, RuleError, conditions
from oxpreflight.validators.internal import internal_error
from oxpreflight.validators.writer import const_name

PF = Preflight(MARKETS, clock=lambda: NOW)
PACKAGE = Path(__file__).resolve().parents[2] / "oxpreflight"


def test_every_condition_class_used_by_a_row_has_an_emitter():
    used = {type(c) for rule in RULES for c in conditions(rule.fails)}
    assert used <= set(EMITTERS), used - set(EMITTERS)
    declared = {cls for cls in vars(D).values()
                if isinstance(cls, type) and issubclass(cls, D.Cond) and cls is not D.Cond}
    assert declared <= set(EMITTERS), declared - set(EMITTERS)


def test_a_condition_without_an_emitter_fails_at_build_time():
    class Novel(D.Cond):
        def describe(self):
            return "new"

    row = D.Rule("20002", ("placeorder",), Novel(), "doc", bad={}, good={}, name="novel")
    with pytest.raises(RuleError, match="Novel"):
        compile_plans(RULES + (row,), {})


@pytest.mark.parametrize("op", D.COMMANDS)
def test_generated_plans_are_readable(op):
    source = PF.plans[op].source
    ast.parse(source)
    assert all(len(line) <= 120 for line in source.splitlines()), op
    assert "True and" not in source and "and True" not in source
    assert not re.search(r"\bK\d+\b", source)
    names = {const_name(r) for r in PF.plans[op].rules}
    for line in source.splitlines():
        returned = re.match(r"\s*return \((\w+), ", line)
        if returned and returned.group(1) != "d":
            assert returned.group(1) in names


def test_each_row_in_a_plan_carries_its_code_and_name():
    source = PF.plans["placeorder"].source
    for rule in PF.plans["placeorder"].rules:
        if isinstance(rule.fails, D.Envelope) and rule.fails.name not in (
                "bad_tag", "tag_too_long", "bad_payload"):
            continue
        assert f"# {rule.code} {rule.name}\n" in source, rule.name
    assert "FAST_PATHS = {" in source and "def item_stop_limit(" in source


def test_frame_level_answers_are_rows_of_the_frame_table():
    names = {r.fails.name for r in frame_rules.RULES}
    assert {"too_long", "not_json", "not_utf8", "too_deep", "unknown_op", "tag_too_long",
            "bad_tag", "bad_payload", "internal_error"} <= names
    codes = {r.fails.name: r.code for r in frame_rules.RULES}
    assert internal_error(RuntimeError()).code == codes["internal_error"]
    assert [w.code for w in internal_error(RuntimeError()).warnings] == ["W000"]


def test_no_exchange_code_literal_in_the_engine():
    for path in (PACKAGE / "validators").glob("*.py"):
        text = path.read_text()
        assert not re.search(r"""['"]\d{5,6}['"]""", text), path.name


def test_no_engine_module_over_400_lines():
    for path in list((PACKAGE / "validators").glob("*.py")) + [PACKAGE / "preflight.py"]:
        assert len(path.read_text().splitlines()) <= 400, path.name


#: The floors, bottom first: a module may import only from its own floor or below.
FLOORS = (("rules",), ("validators",), ("session",),
          ("preflight", "errors", "guard", "models", "docs", "login", "batches", "waiting"),
          ("websocket", "audit", "testing", "cli", "strategies", "pytest_plugin",
           "__root__"))


def _floor(module: str) -> int:
    top = module.split(".")[0]
    found = [i for i, names in enumerate(FLOORS) if top in names]
    assert found, f"{module} is on no floor"
    return found[0]


def _imports(path: Path) -> list[str]:
    """Package-relative names a module imports (lazy imports inside functions included)."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):  # annotation-only imports (``if TYPE_CHECKING:``) are exempt
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            node.body = []
    here = path.relative_to(PACKAGE).with_suffix("").parts
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(here[:len(here) - node.level])
            if node.module:
                found.append(".".join(base + node.module.split(".")))
            elif base:
                found.extend(".".join(base + [a.name]) for a in node.names)
            else:  # `from .. import X`: the package root, which re-exports every floor
                found.append("__root__")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("oxpreflight."):
            found.append(node.module.split(".", 1)[1])
    return [name for name in found if name and name.split(".")[0] != "__init__"]


def test_imports_only_run_downward():
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[0] in ("__init__", "__main__"):
            continue
        floor = _floor(parts[0])
        for name in _imports(path):
            assert _floor(name) <= floor, f"{path.relative_to(PACKAGE)} imports {name}"


def test_public_preflight_session_is_typed_as_session():
    from typing import get_type_hints

    from oxpreflight.session import Session

    assert get_type_hints(Preflight.session, localns={"Session": Session})["return"] is Session
