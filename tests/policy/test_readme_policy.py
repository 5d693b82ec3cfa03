"""The README's "Policy, rule modules and limits" section: its examples run as written."""
from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

from oxpreflight import Preflight
from oxpreflight.rules.examples import MARKETS, NOW

ROOT = Path(__file__).resolve().parents[2]


def _section() -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index("## Policy, rule modules and limits\n")
    return text[start:text.index("\n## ", start + 1)]


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", _section(), re.S)


@pytest.fixture
def desk_rules(monkeypatch):
    module = ModuleType("desk_rules")
    exec(compile(_blocks("python")[0], "README desk_rules.py", "exec"), vars(module))
    monkeypatch.setitem(sys.modules, "desk_rules", module)
    return module


def test_the_desk_module_and_its_use_run_as_written(desk_rules):
    assert [r.code for r in desk_rules.RULES] == ["D100", "D101", "D102"]
    exec(compile(_blocks("python")[1], "README usage", "exec"), {})


def test_the_toml_gives_the_same_preflight(tmp_path, desk_rules):
    (tmp_path / "pyproject.toml").write_text(_blocks("toml")[0])
    (tmp_path / "markets.json").write_text(json.dumps(MARKETS))
    assert "oxpreflight" in tomllib.loads(_blocks("toml")[0])["tool"]
    pf = Preflight.from_config(tmp_path, clock=lambda: NOW)
    assert pf.rule_modules == ("desk_rules",)
    assert dict(pf.policy) == {"W002": "error", "desk-client-order-id": "warn", "W008": "ignore"}
    assert str(pf.limits.price_band) == "0.05"
    assert pf.limits.markets[0][1].max_quantity == 2
