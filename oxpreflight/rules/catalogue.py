"""The exchange's error table, parsed once from the copy shipped in this package.

Every code and message the project reports comes from here; rules refer to codes by their
string (``"20022"``) and the registry test checks that each one exists in this table.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

_ROW = re.compile(r"^\|\s*(\d{5,6})\s*\|\s*(.*?)\s*\|\s*$")


@dataclass(frozen=True, slots=True)
class Code:
    """One row of the exchange's table: ``code`` as the exchange sends it, ``message`` verbatim."""

    code: str
    message: str

    def format(self, value: object = None) -> str:
        """The message with its ``xxx`` placeholder filled with ``value`` (when it has one)."""
        if "xxx" in self.message and value is not None:
            return self.message.replace("xxx", str(value))
        return self.message


class CatalogueError(ValueError):
    """The shipped error table is malformed (a build problem, never a frame problem)."""


def parse_table(text: str) -> dict[str, Code]:
    """Parse the markdown table; a repeated row must repeat the same message."""
    table: dict[str, Code] = {}
    for line in text.splitlines():
        match = _ROW.match(line)
        if not match:
            continue
        code, message = match.groups()
        known = table.get(code)
        if known is not None and known.message != message:
            raise CatalogueError(f"code {code} appears with two messages")
        table[code] = Code(code, message)
    if not table:
        raise CatalogueError("no codes found in the error table")
    return table


def _load() -> dict[str, Code]:
    text = resources.files(__package__).joinpath("error-codes.md").read_text(encoding="utf-8")
    return parse_table(text)


CODES: dict[str, Code] = _load()


def code(value: str) -> Code:
    """The catalogue entry for ``value``; a code not in the exchange's table is a build error."""
    try:
        return CODES[value]
    except KeyError:
        raise CatalogueError(f"{value!r} is not in the exchange's error table") from None
