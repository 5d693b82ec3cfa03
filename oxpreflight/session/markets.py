"""The session's own market table, kept current from ``market:all`` pushes and REST replies.

Copy-on-write: every update builds a new dict and swaps it in, so a check that took the table
keeps a consistent snapshot while an update runs. The Preflight's table is never touched.
"""
from __future__ import annotations

import logging
from typing import Any, Optional

from ..validators.markets import Market, MarketError, MarketRecord, valid_market

log = logging.getLogger("oxpreflight.session")

_ALIASES = {"qtyIncrement": "minSize", "marketPrice": "markPrice"}
_FIELDS = frozenset(Market.model_fields)
#: Fields that make an entry a market description (rather than a bounds/price update), so an
#: unknown marketCode carrying one of them is added to the table.
_DESCRIBES = frozenset({"type", "tickSize", "minSize"})


def _normalized(entry: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in entry.items():
        key = _ALIASES.get(key, key)
        if key in _FIELDS and value is not None:
            out[key] = value
    return out


def operational_flag(value: Any) -> Optional[bool]:
    """``true``/``false`` (JSON or text) as a bool; anything else ``None``."""
    if value is True or value is False:
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def entries(data: Any) -> list[Any]:
    """The market entries of a push, a REST reply, an operational reply or a bare list."""
    if isinstance(data, dict):
        if data.get("success") is False:
            return []
        if "data" in data:
            data = data["data"]
        elif "marketCode" in data:
            data = [data]
        else:
            raise MarketError("market data needs a 'data' list or a 'marketCode'")
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise MarketError("market data is a list of markets, a market:all push or a "
                          "/v3/markets(/operational) reply")
    found = [e for e in data if isinstance(e, dict) and isinstance(e.get("marketCode"), str)]
    if data and not found:
        raise MarketError("no entry of the market data has a marketCode")
    return found


class LiveMarkets:
    """Market records plus the markets reported not operational."""

    def __init__(self, table: dict[str, MarketRecord]):
        self.table: dict[str, MarketRecord] = dict(table)
        self.closed: frozenset[str] = frozenset()
        self._raw: dict[str, dict[str, Any]] = {}

    def update(self, data: Any) -> int:
        """Merge ``data`` in; the number of markets whose record or flag changed. Caller locks."""
        table, closed, changed = None, set(self.closed), 0
        for entry in entries(data):
            code = entry["marketCode"]
            flag = operational_flag(entry.get("operational"))
            if flag is True and code in closed:
                closed.discard(code)
                changed += 1
            elif flag is False and code not in closed:
                closed.add(code)
                changed += 1
            record = self._merged(code, _normalized(entry), table or self.table)
            if record is not None:
                if table is None:
                    table = dict(self.table)
                table[code] = record
                changed += 1
        if table is not None:
            self.table = table
        self.closed = frozenset(closed)
        return changed

    def _merged(self, code: str, fields: dict[str, Any], table: dict[str, Any]
                ) -> Optional[MarketRecord]:
        old = table.get(code)
        if old is None and not (_DESCRIBES & fields.keys()):
            return None  # bounds or a flag for a market not in the catalogue: not enough
        base = self._raw.get(code)
        if base is None:
            base = old.market.model_dump(exclude_none=True) if old is not None else {}
        merged = dict(base)
        merged.update(fields)
        if merged == base and old is not None:
            return None
        try:  # checked like a catalogue: a hostile figure never reaches the record
            record = MarketRecord(valid_market(merged, f"market {code[:64]}"))
        except MarketError as exc:
            # a pushed code may hold lone surrogates: a UTF-8 log handler must be able to write it
            text = str(exc).encode("utf-8", "backslashreplace").decode("utf-8")
            log.warning("market update skipped, the old record kept: %s", text)
            return None
        self._raw[code] = merged
        return record
