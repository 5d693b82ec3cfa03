"""The ``hypothesis`` entry point: ``import hypothesis`` in an environment where this package is
installed loads none of its session, engine, rule tables or pydantic, cannot raise, and the
request models' strategies are registered once the models load (before or after hypothesis)."""
from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOOK = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"][
    "hypothesis"]["oxpreflight"]
HEAVY = ("oxpreflight.session", "oxpreflight.validators", "oxpreflight.rules",
         "oxpreflight.preflight", "oxpreflight.models", "oxpreflight.testing", "pydantic")


def _run(code: str, env: dict | None = None) -> dict:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


_LOADED = ("import json, sys; print(json.dumps(sorted(m for m in sys.modules "
           "if m.split('.')[0] in ('oxpreflight', 'pydantic'))))")


def _heavy(loaded: list) -> list:
    return [m for m in loaded if m.startswith(HEAVY)]


def test_the_hook_as_hypothesis_loads_it_imports_nothing_heavy():
    loaded = _run(f"from importlib.metadata import EntryPoint\n"
                  f"EntryPoint('oxpreflight', {HOOK!r}, 'hypothesis').load()()\n" + _LOADED)
    assert _heavy(loaded) == []


def test_import_hypothesis_loads_nothing_heavy_of_this_package():
    loaded = _run("import hypothesis\n" + _LOADED)
    assert "oxpreflight.strategies" in loaded or "oxpreflight" not in loaded  # hook ran, or none
    assert _heavy(loaded) == []


def test_models_strategies_registered_whichever_is_imported_first():
    check = ("from hypothesis import strategies as st, given, settings\n"
             "from oxpreflight.models import PlaceOrder\n"
             "from oxpreflight import Preflight\n"
             "pf = Preflight()\n"
             "seen = []\n"
             "@settings(max_examples=5, database=None, deadline=None)\n"
             "@given(st.from_type(PlaceOrder))\n"
             "def t(order): seen.append(pf.check({'op': 'placeorder', 'data': "
             "order.model_dump(mode='json', exclude_none=True)}).ok)\n"
             "t()\n"
             "import json; print(json.dumps(seen))\n")
    assert all(_run(check))
    models_first = check.replace("from hypothesis import strategies as st, given, settings\n", "")
    models_first = ("from oxpreflight.models import PlaceOrder\n"
                    "from hypothesis import strategies as st, given, settings\n" + models_first)
    assert all(_run(models_first))


def test_the_hook_cannot_raise_even_when_the_strategies_are_broken():
    code = ("import sys\nimport oxpreflight.models\n"
            "sys.modules['oxpreflight.testing.strategies'] = None  # every import of it fails\n"
            "import hypothesis\n"
            "from oxpreflight.strategies import _hypothesis_setup_hook as hook\n"
            "hook(); hook()\n" + _LOADED)
    assert "oxpreflight.models" in _run(code)
