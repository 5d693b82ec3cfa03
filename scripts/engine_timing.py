"""Interleaved timing of the engine's hot paths as ratios against ``json`` in the same process
(the machine is noisy and shared: only ratios of medians mean anything).

    python scripts/engine_timing.py [rounds]

Rows: check(dict) LIMIT floats / json.dumps; LIMIT numeric strings / json.dumps;
check(text) strings / (json.loads + 0.35 x json.dumps); rejected 20029 / accepted STOP_LIMIT;
20-order batch / 20 x single.
"""
from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from oxpreflight import Preflight  # noqa: E402

NOW = 1717348160000
MARKETS = json.loads((Path(__file__).resolve().parents[1] / "benchmarks" / "markets.json")
                     .read_text())["data"]
LIMIT = {"timestamp": NOW - 100, "recvWindow": 500, "clientOrderId": 1,
         "marketCode": "BTC-USD-SWAP-LIN", "side": "BUY", "orderType": "LIMIT",
         "quantity": 1.5, "timeInForce": "GTC", "price": 68000.0}
LIMIT_STR = dict(LIMIT, quantity="1.5", price="68000", clientOrderId="1")
STOP = {"timestamp": NOW - 100, "recvWindow": 500, "clientOrderId": 2,
        "marketCode": "BTC-USD-SWAP-LIN", "side": "BUY", "orderType": "STOP_LIMIT",
        "quantity": 1.5, "timeInForce": "GTC", "stopPrice": 68000.0, "limitPrice": 68100.0}


def place(data: dict) -> dict:
    return {"op": "placeorder", "tag": 123, "data": dict(data)}


def per_call(fn, arg, n: int) -> float:
    start = time.perf_counter_ns()
    for _ in range(n):
        fn(arg)
    return (time.perf_counter_ns() - start) / n


def main(rounds: int = 200, n: int = 200) -> None:
    pf = Preflight(MARKETS, clock=lambda: NOW)
    f_float, f_str = place(LIMIT), place(LIMIT_STR)
    text_str = json.dumps(f_str)
    stop, reject = place(STOP), place(dict(STOP, stopPrice=68200.0))
    batch = {"op": "placeorders", "tag": 123,
             "dataArray": [dict(LIMIT, clientOrderId=i) for i in range(1, 21)]}
    assert pf.check(f_float).ok and pf.check(f_str).ok and pf.check(text_str).ok
    assert pf.check(stop).ok and pf.check(reject).code == "20029" and pf.check(batch).ok
    assert not pf.check(f_float).warnings and not pf.check(f_str).warnings
    cells = {
        "dumps_float": (json.dumps, f_float), "dumps_str": (json.dumps, f_str),
        "loads_str": (json.loads, text_str), "check_float": (pf.check, f_float),
        "check_str": (pf.check, f_str), "check_text": (pf.check, text_str),
        "stop": (pf.check, stop), "reject": (pf.check, reject),
        "batch": (pf.check, batch), "single": (pf.check, f_float),
    }
    samples: dict[str, list[float]] = {k: [] for k in cells}
    for _ in range(rounds):
        for key, (fn, arg) in cells.items():
            samples[key].append(per_call(fn, arg, n // 20 if key == "batch" else n))
    for label, pick in (("median", statistics.median), ("min", min)):
        report(label, {k: pick(v) for k, v in samples.items()})


def report(label: str, med: dict[str, float]) -> None:
    print(f"-- ratios of the {label} of the bursts")
    rows = [
        ("check(dict) LIMIT floats / json.dumps", med["check_float"] / med["dumps_float"], 0.42),
        ("check(dict) LIMIT strings / json.dumps", med["check_str"] / med["dumps_str"], 0.50),
        ("check(text) / (json.loads + 0.35 json.dumps)",
         med["check_text"] / (med["loads_str"] + 0.35 * med["dumps_str"]), 1.0),
        ("rejected 20029 / accepted STOP_LIMIT", med["reject"] / med["stop"], 1.0),
        ("20-order batch / 20 x single", med["batch"] / (20 * med["single"]), 1.0),
    ]
    for title, ratio, target in rows:
        print(f"{title:48s} {ratio:6.2f}  (target <= {target})")
    print("ns per call: " + ", ".join(f"{k}={v:.0f}" for k, v in med.items()))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
