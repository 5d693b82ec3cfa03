"""Hostile input through a Preflight with limits, a policy and a desk's rule module: the fuzz
harness of scripts/fuzz.py holds it to every invariant (never raises, never mutates, never
sends a rejected frame, the same verdict for dict, text and bytes)."""
import importlib
import importlib.util
import random
import sys
from pathlib import Path

import pytest

from oxpreflight import Limits, Preflight
from oxpreflight.rules.examples import MARKETS, NOW

ROOT = Path(__file__).resolve().parents[2]
CASES = 1_000


@pytest.fixture(scope="module")
def fuzz():
    spec = importlib.util.spec_from_file_location("oxpreflight_fuzz_policy", ROOT / "scripts"
                                                  / "fuzz.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_fuzzed_cases_hold_every_invariant_under_limits_policy_and_a_rule_module(fuzz):
    sys.path.insert(0, str(ROOT))
    try:
        desk = importlib.import_module("tests.policy.desk_rules")
    finally:
        sys.path.remove(str(ROOT))
    pf = Preflight(MARKETS, clock=lambda: NOW, rules=[desk],
                   limits=Limits(max_quantity="1", max_notional="50000", price_band="0.05",
                                 markets={"ETH-USD-SWAP-LIN": {"max_quantity": "10"}}),
                   policy={"W*": "error", "20018": "warn", "D101": "ignore", "R004": "warn"})
    harness = fuzz.Harness(pf)
    rng = random.Random(17_000)
    pool = fuzz.strategy_pool(17_000, 200)
    failures = []
    for _ in range(CASES):
        case = fuzz.generate(rng, pool)
        failures += [(found, case) for found in harness.run(case)]
    assert not failures, "\n".join(f"{f} {c!r}" for f, c in failures[:5])
