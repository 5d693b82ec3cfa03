"""The frames every benchmark row times, the verdict each must get, and the market data.

The headline frames send numbers as strings, as the exchange's documentation and ccxt do
(``"quantity": "1.5"``, ``"price": "68000"``, ``"clientOrderId": "1"``); the LIMIT order is also
timed with float numbers beside it. The market catalogue is a copy of the shared test catalogue
(``markets.json`` beside this file), so the suite runs from a clone alone. The clock is fixed at
the catalogue's date, so no frame expires however long a run takes.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, NamedTuple, Optional

HERE = Path(__file__).resolve().parent
MARKETS_FILE = HERE / "markets.json"

#: 2024-06-02T17:09:20Z, the date of the catalogue's figures; every placeorder is stamped 100 ms
#: before it with a 500 ms recvWindow, so the time rule runs and passes.
NOW = 1717348160000
MARKET = "BTC-USD-SWAP-LIN"  # tick 1, increment 0.0001, bounds 61384..75026 in the catalogue
ORDER_ID = "1000001"         # the open order cancelorder and modifyorder name (seen open)


def clock() -> int:
    """The fixed clock every Preflight of the suite runs on."""
    return NOW


def load_catalogue() -> list[dict]:
    """The markets of ``markets.json`` (a ``/v3/markets`` reply), as a list of dicts."""
    return json.loads(MARKETS_FILE.read_text())["data"]


# The orders API's example placeorder, numbers as strings. The docs' price, 68000.5, is off the
# 1-USD tick of BTC-USD-SWAP-LIN and draws the warning W002: the headline frame uses 68000 so
# that it is accepted clean; the docs' price verbatim is timed on its own column.
LIMIT = {"timestamp": NOW - 100, "recvWindow": 500, "clientOrderId": "1", "marketCode": MARKET,
         "side": "BUY", "orderType": "LIMIT", "quantity": "1.5", "timeInForce": "GTC",
         "price": "68000"}
LIMIT_FLOAT = dict(LIMIT, clientOrderId=1, quantity=1.5, price=68000.0)
MARKET_ORDER = {"timestamp": NOW - 100, "recvWindow": 500, "clientOrderId": "2",
                "marketCode": MARKET, "side": "SELL", "orderType": "MARKET", "quantity": "1.5"}
STOP_LIMIT = {"timestamp": NOW - 100, "recvWindow": 500, "clientOrderId": "3",
              "marketCode": MARKET, "side": "BUY", "orderType": "STOP_LIMIT", "quantity": "1.5",
              "timeInForce": "GTC", "stopPrice": "68000", "limitPrice": "68100"}


class Case(NamedTuple):
    """One frame and the verdict oxpreflight must give it."""

    key: str
    title: str
    frame: dict
    ok: bool
    code: Optional[str] = None
    items: int = 0                  # batch: number of item verdicts, all accepted
    warnings: tuple[str, ...] = ()  # the warning codes, in order

    @property
    def text(self) -> str:
        """The frame as ccxt sends it: compact ``json.dumps`` (a 20-order batch with default
        separators would pass the 4,000-character limit and get 20027)."""
        return json.dumps(self.frame, separators=(",", ":"))

    @property
    def op(self) -> str:
        return self.frame["op"]


def _place(data: dict, tag: int = 123) -> dict:
    return {"op": "placeorder", "tag": tag, "data": copy.deepcopy(data)}


CASES: tuple[Case, ...] = (
    Case("limit", "LIMIT, strings", _place(LIMIT), True),
    Case("limit_float", "LIMIT, floats", _place(LIMIT_FLOAT), True),
    Case("docs", "LIMIT, docs' price 68000.5", _place(dict(LIMIT, price="68000.5")), True,
         warnings=("W002",)),
    Case("market", "MARKET", _place(MARKET_ORDER), True),
    Case("stop", "STOP_LIMIT", _place(STOP_LIMIT), True),
    Case("reject", "STOP_LIMIT rejected 20029", _place(dict(STOP_LIMIT, stopPrice="68200")),
         False, code="20029"),
    Case("cancel", "cancelorder",
         {"op": "cancelorder", "tag": 456, "data": {"marketCode": MARKET, "orderId": ORDER_ID}},
         True),
    Case("modify", "modifyorder",
         {"op": "modifyorder", "tag": 1, "data": {"marketCode": MARKET, "orderId": ORDER_ID,
                                                  "side": "BUY", "price": "68001",
                                                  "quantity": "2"}}, True),
    Case("batch", "placeorders x20",
         {"op": "placeorders", "tag": 123,
          "dataArray": [dict(LIMIT, clientOrderId=str(i)) for i in range(1, 21)]},
         True, items=20),
)
BY_KEY = {case.key: case for case in CASES}


def verify(case: Case, verdict: Any) -> Optional[str]:
    """``None`` when ``verdict`` is what ``case`` expects, else what is wrong."""
    warnings = tuple(w.code for w in verdict.warnings)
    got = f"ok={verdict.ok} code={verdict.code} items={len(verdict.items)} warnings={warnings}"
    if bool(verdict.ok) is not case.ok or verdict.code != case.code:
        return f"expected ok={case.ok} code={case.code}, got {got}"
    if len(verdict.items) != case.items or not all(item.ok for item in verdict.items):
        return f"expected {case.items} accepted items, got {got}"
    if warnings != case.warnings:
        return f"expected warnings {case.warnings}, got {got}"
    return None


def capture_line(index: int, floats: bool = False) -> bytes:
    """Line ``index`` of the synthetic capture: a valid LIMIT placeorder, compact JSON, numbers
    as strings (as the headline frame) or, with ``floats``, as JSON numbers.

    Client order ids, prices and quantities vary line by line; prices stay on the tick and
    inside the sanity bounds, quantities on the increment. No timestamp, so the capture checks
    the same whatever the clock of the process reading it.
    """
    price = 62000 + (index * 37) % 12000  # within [61384, 75026] for BTC-USD-SWAP-LIN
    quantity = repr((1 + index % 500) / 1000).encode()
    if floats:
        client, quantity, price_text = b"%d" % (index + 1), quantity, b"%d.0" % price
    else:
        client, quantity, price_text = b'"%d"' % (index + 1), b'"%s"' % quantity, b'"%d"' % price
    return (b'{"op":"placeorder","tag":%d,"data":{"clientOrderId":%s,'
            b'"marketCode":"BTC-USD-SWAP-LIN","side":"%s","orderType":"LIMIT",'
            b'"quantity":%s,"timeInForce":"GTC","price":%s}}\n'
            % (index % 100000, client, b"BUY" if index % 2 else b"SELL", quantity, price_text))
