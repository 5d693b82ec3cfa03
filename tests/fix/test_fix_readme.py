"""The README's Fixes section: its Python example runs and says what it shows."""
from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def _example() -> str:
    text = README.read_text()
    section = text[text.index("## Fixes: `fix`"):]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_readme_fix_example_runs_and_its_comments_hold():
    names: dict = {}
    exec(compile(_example(), "README.md#fixes", "exec"), names)
    fixed, unsafe, m = names["fixed"], names["unsafe"], names["m"]
    assert (fixed.frame["data"]["price"], fixed.frame["data"]["quantity"]) == ("68000", "0.0001")
    assert repr(fixed.changes[0]) == ("Change(field='price', before=68000.7, after='68000', "
                                      "code='W002', rule='price-off-tick', safe=True, item=None)")
    assert fixed.ok and not names["pf"].fix(names["lower"]).ok
    assert [(c.field, c.after, c.safe) for c in unsafe.changes] == [
        ("side", "BUY", False), ("price", "68000", True), ("quantity", "0.0001", True)]
    assert (m.round_price("0.01234", "BUY"), m.round_price("0.01234", "SELL")) == ("0.012",
                                                                                   "0.013")
    assert m.round_quantity(0.1 + 0.2) == "0.3"
    assert names["order"]["data"]["price"] == 68000.7
