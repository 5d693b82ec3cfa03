"""The README's exchange-double example runs as written, and its bot test is the real one."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECTION = "## The exchange double"


def _blocks() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text[text.index(SECTION):]
    section = section[:section.index("\n## ", 1)]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_readme_exchange_example_runs():
    namespace: dict = {}
    exec(compile(_blocks()[0], "README.md", "exec"), namespace)
    assert namespace["ex"].orders == {}


def test_readme_bot_test_is_the_example_bots_test_word_for_word():
    shown = _blocks()[1].replace("until(", "_until(").replace("orders_at(", "_orders_at(")
    real = (ROOT / "tests" / "exchange" / "test_example_bot.py").read_text()
    for line in shown.strip().splitlines():
        core = line.split("#")[0].strip()
        if core:
            assert core in real.replace("_bot_module().", ""), line
