"""Session's public annotations hold under ``mypy --strict`` in user code (skipped when mypy is
not installed)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

USER_CODE = '''
from __future__ import annotations

import asyncio
from typing import Optional

from oxpreflight import Preflight, Verdict
from oxpreflight.session import Account, Session
from oxpreflight.validators.engine import Engine
from oxpreflight.validators.markets import MarketRecord


async def send(text: str) -> None:
    await asyncio.sleep(0)


async def main(pf: Preflight) -> None:
    s = Session(pf, api_key="k", api_secret=b"s", account=Account(status="NORMAL"),
                auction_window=(60_000, 60_000), ack_timeout_ms=30_000)
    verdict: Verdict = s.submit({"op": "placeorder", "data": {}})
    with s.sending('{"op": "login"}') as sent:
        if sent.ok:
            await send("...")
    s.observe({"table": "order"})
    s.observe(b"pong")
    s.observe([{"event": "CANCEL", "submitted": True}])
    changed: int = s.update_markets([{"marketCode": "BTC-USD-SWAP-LIN"}])
    s.update_account(status="NORMAL")
    s.reset_login()
    logged: bool = s.logged_in
    account: Optional[str] = s.account_id
    orders: frozenset[str] = s.open_orders
    closed: frozenset[str] = s.closed_markets
    markets: dict[str, MarketRecord] = s.markets
    again: Engine = s.preflight  # typed as the engine below the session (no import cycle)
    assert isinstance(again, Preflight)
    print(verdict.ok, changed, logged, account, orders, closed, markets, again, repr(s))
'''


def test_user_code_using_the_session_passes_mypy_strict(tmp_path, monkeypatch):
    api = pytest.importorskip("mypy.api")
    script = tmp_path / "user.py"
    script.write_text(USER_CODE)
    monkeypatch.setenv("MYPYPATH", str(ROOT))
    out, err, status = api.run(["--strict", "--follow-imports=silent", "--no-incremental",
                                "--cache-dir", os.devnull, str(script)])
    assert status == 0, out + err
