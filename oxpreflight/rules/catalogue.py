"""The exchange's error table, parsed once from the copy shipped in this package, and the small
catalogue of codes the exchange was observed answering that its table lacks.

Every code and message the project reports comes from here; rules refer to codes by their
string (``"20022"``) and the registry test checks that each one exists in one of the two.
``CODES`` is the exchange's table word for word; ``OBSERVED`` the observed codes, each with its
source; ``KNOWN`` both (the exchange's first). The table is OX.FUN's: CoinFLEX's own websocket
table (coinflex-exchange/v2 ``_v2_websocket.md`` lines 3095-3110) words 100005, 100006 and
710002-710006 differently ("FAILED ...") and lacks 20050, 100008, 100015, 300001, 710001,
710007, 000101 and 000201.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

_ROW = re.compile(r"^\|\s*(\d{5,6})\s*\|\s*(.*?)\s*\|\s*$")
_OBSERVED_ROW = re.compile(r"^\|\s*(\d{5,6})\s*\|\s*(.*?)\s*\|\s*(.*?)\s*\|\s*$")


@dataclass(frozen=True, slots=True)
class Code:
    """One row of the exchange's table: ``code`` as the exchange sends it, ``message`` verbatim.
    An observed code (not in the table) has ``source``: where its reply was recorded."""

    code: str
    message: str
    source: str = ""

    @property
    def observed(self) -> bool:
        """True for a code of the observed catalogue, not of the exchange's table."""
        return bool(self.source)

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


def parse_observed(text: str, table: dict[str, Code]) -> dict[str, Code]:
    """Parse the observed catalogue: every row needs a source, and no code of ``table``."""
    found: dict[str, Code] = {}
    for line in text.splitlines():
        match = _OBSERVED_ROW.match(line)
        if not match:
            continue
        code, message, source = match.groups()
        if not source or code in table or code in found:
            raise CatalogueError(f"observed code {code}: no source, or listed twice")
        found[code] = Code(code, message, source)
    return found


def _read(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


CODES: dict[str, Code] = parse_table(_read("error-codes.md"))
OBSERVED: dict[str, Code] = parse_observed(_read("observed-codes.md"), CODES)
KNOWN: dict[str, Code] = {**CODES, **OBSERVED}


def code(value: str) -> Code:
    """The catalogue entry for ``value``; a code in neither catalogue is a build error."""
    try:
        return KNOWN[value]
    except KeyError:
        raise CatalogueError(f"{value!r} is not in the exchange's error table") from None
