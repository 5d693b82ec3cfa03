"""The README's rule and code tables are generated from the registry and kept in sync."""
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _updater():
    spec = importlib.util.spec_from_file_location("update_readme", ROOT / "scripts" / "update_readme.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_tables_match_the_rule_registry():
    text = (ROOT / "README.md").read_text()
    for name in ("rules", "codes"):
        assert f"<!-- {name}:begin -->" in text and f"<!-- {name}:end -->" in text
    assert _updater().render(text) == text, "run: python scripts/update_readme.py"


def test_readme_names_the_two_setup_commands():
    text = (ROOT / "README.md").read_text()
    assert "oxpreflight check examples/frames.jsonl" in text
    assert "python -m pytest" in text
