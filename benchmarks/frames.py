"""The frames every benchmark row times, the verdict each must get, and the market data.

The market catalogue is a copy of the shared test catalogue (``markets.json`` beside this file),
so the suite runs without ``shared/``. The clock is fixed at the catalogue's date, so no frame
expires however long a run takes.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, NamedTuple, Optional

HERE = Path(__file__).resolve().parent
MARKETS_FILE = HERE / "markets.json"

#: 2024-06-02T17:09:20Z, the date of the catalogue's figures; every frame is stamped 100 ms
#: before it with a 500 ms recvWindow, so the time rule runs and passes.
NOW = 1717348160000


def clock() -> int:
    """The fixed clock every Preflight of the suite runs on."""
    return NOW


def load_catalogue() -> list[dict]:
    """The markets of ``markets.json`` (a ``/v3/markets`` reply), as a list of dicts."""
    return json.loads(MARKETS_FILE.read_text())["data"]


# The orders API's example placeorder. Its price, 68000.5, is off the 1-USD tick of
# BTC-USD-SWAP-LIN in the catalogue and draws the off-tick warning W002; the timed frame uses
# 68000.0 so that it is accepted clean (the warning path is timed on its own row).
LIMIT_DATA = {"timestamp": NOW - 100, "recvWindow": 500, "clientOrderId": 1,
              "marketCode": "BTC-USD-SWAP-LIN", "side": "BUY", "orderType": "LIMIT",
              "quantity": 1.5, "timeInForce": "GTC", "price": 68000.0}
STOP_LIMIT_DATA = {"timestamp": NOW - 100, "recvWindow": 500, "clientOrderId": 2,
                   "marketCode": "BTC-USD-SWAP-LIN", "side": "BUY", "orderType": "STOP_LIMIT",
                   "quantity": 1.5, "timeInForce": "GTC", "stopPrice": 68000.0,
                   "limitPrice": 68100.0}


class Case(NamedTuple):
    """One frame and the verdict oxpreflight must give it."""

    key: str
    title: str
    frame: dict
    ok: bool
    code: Optional[str] = None
    items: int = 0          # batch: number of item verdicts, all accepted
    warnings: int = 0

    @property
    def text(self) -> str:
        """The frame as a typical client sends it: ``json.dumps`` with default separators."""
        return json.dumps(self.frame)

    @property
    def orders(self) -> list[dict]:
        """The placeorder payloads inside the frame (for the placeorder-model rows)."""
        if "dataArray" in self.frame:
            return self.frame["dataArray"]
        return [self.frame["data"]] if self.frame["op"] == "placeorder" else []


def _place(data: dict, tag: int = 123) -> dict:
    return {"op": "placeorder", "tag": tag, "data": copy.deepcopy(data)}


CASES: tuple[Case, ...] = (
    Case("limit", "valid LIMIT", _place(LIMIT_DATA), True),
    Case("stop", "valid STOP_LIMIT", _place(STOP_LIMIT_DATA), True),
    Case("reject", "rejected 20029", _place(dict(STOP_LIMIT_DATA, stopPrice=68200.0)), False,
         code="20029"),
    Case("batch", "placeorders x20",
         {"op": "placeorders", "tag": 123,
          "dataArray": [dict(LIMIT_DATA, clientOrderId=i) for i in range(1, 21)]},
         True, items=20),
    Case("cancel", "cancelorder",
         {"op": "cancelorder", "tag": 456,
          "data": {"marketCode": "BTC-USD-SWAP-LIN", "orderId": 1000001}}, True),
)

#: The API documentation's example as published (price 68000.5, off the tick): accepted with
#: one warning. Timed for check(dict) only, to show what a warning costs.
OFF_TICK = Case("offtick", "LIMIT off tick (docs' price)",
                _place(dict(LIMIT_DATA, price=68000.5)), True, warnings=1)

BY_KEY = {case.key: case for case in CASES + (OFF_TICK,)}


def verify(case: Case, verdict: Any) -> Optional[str]:
    """``None`` when ``verdict`` is what ``case`` expects, else what is wrong."""
    got = (f"ok={verdict.ok} code={verdict.code} items={len(verdict.items)} "
           f"warnings={len(verdict.warnings)}")
    if bool(verdict.ok) is not case.ok or verdict.code != case.code:
        return f"expected ok={case.ok} code={case.code}, got {got}"
    if case.items and (len(verdict.items) != case.items
                       or not all(item.ok for item in verdict.items)):
        return f"expected {case.items} accepted items, got {got}"
    if len(verdict.warnings) != case.warnings:
        return f"expected {case.warnings} warning(s), got {got}"
    return None


def synthetic_markets(count: int) -> list[dict]:
    """``count`` distinct markets made by varying the catalogue's entries (code and figures)."""
    base = load_catalogue()
    out = []
    for i in range(count):
        market = dict(base[i % len(base)])
        head, _, rest = market["marketCode"].partition("-")
        market["marketCode"] = f"{head}{i}-{rest}" if rest else f"{head}{i}"
        market["base"] = f"{market.get('base', head)}{i}"
        scale = 1 + (i % 7) / 100  # shift the figures a little so markets are not copies
        for key in ("upperPriceBound", "lowerPriceBound", "markPrice", "indexPrice"):
            if key in market:
                market[key] = str(round(float(market[key]) * scale, 8))
        out.append(market)
    return out


def capture_line(index: int) -> bytes:
    """Line ``index`` of the synthetic capture: a valid LIMIT placeorder, compact JSON.

    Client order ids, prices and quantities vary line by line; prices stay on the tick and
    inside the sanity bounds, quantities on the increment. No timestamp, so the capture checks
    the same whatever the clock of the process reading it.
    """
    price = 62000 + (index * 37) % 12000  # within [61384, 75026] for BTC-USD-SWAP-LIN
    quantity = (1 + index % 500) / 1000
    return (b'{"op":"placeorder","tag":%d,"data":{"clientOrderId":%d,'
            b'"marketCode":"BTC-USD-SWAP-LIN","side":"%s","orderType":"LIMIT",'
            b'"quantity":%s,"timeInForce":"GTC","price":%d.0}}\n'
            % (index % 100000, index + 1, b"BUY" if index % 2 else b"SELL",
               repr(quantity).encode(), price))
