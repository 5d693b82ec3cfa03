"""Regenerate the README's generated tables from the rule registry: python scripts/update_readme.py"""
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from oxpreflight.docs import codes_table_markdown, rule_table_markdown  # noqa: E402

SECTIONS = {"rules": rule_table_markdown, "codes": codes_table_markdown}


def render(text: str) -> str:
    for name, make in SECTIONS.items():
        pattern = re.compile(rf"(<!-- {name}:begin -->\n).*?(<!-- {name}:end -->)", re.S)
        text = pattern.sub(lambda m, make=make: m.group(1) + make() + m.group(2), text)
    return text


if __name__ == "__main__":
    readme = Path(__file__).resolve().parents[1] / "README.md"
    readme.write_text(render(readme.read_text()))
