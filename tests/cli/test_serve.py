"""``oxpreflight serve`` in a subprocess on port 0: the first line names the URL, each reply is
logged (``--quiet`` silences), Ctrl-C and SIGTERM exit 0, usage errors are one line and exit 2."""
from __future__ import annotations

import asyncio
import json
import queue
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
import websockets

WAIT = 30


class Served:
    """``python -m oxpreflight serve ...`` with its stdout read line by line (bounded waits)."""

    def __init__(self, *args: str):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "oxpreflight", "serve", "--port", "0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def line(self):
        return self.lines.get(timeout=WAIT)

    def stop(self, sig: int) -> int:
        self.process.send_signal(sig)
        code = self.process.wait(WAIT)
        self._reader.join(WAIT)
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(WAIT)
        self.process.stdout.close()
        self.process.stderr.close()


@pytest.fixture
def served(request):
    started = []

    def start(*args: str) -> Served:
        started.append(Served(*args))
        return started[-1]

    yield start
    for one in started:
        one.kill()


async def _talk(url: str) -> list:
    login = {"op": "login", "tag": 1, "data": {"apiKey": "k", "timestamp": int(time.time() * 1000),
                                              "signature": "s"}}
    bad = {"op": "placeorder", "tag": 2, "data": {"marketCode": "BTC-USD-SWAP-LIN", "side": "BUY",
                                                  "orderType": "LIMIT", "quantity": 1}}
    async with websockets.connect(url, open_timeout=WAIT) as ws:
        out = []
        for frame in (login, bad):
            await ws.send(json.dumps(frame))
            out.append(json.loads(await asyncio.wait_for(ws.recv(), WAIT)))
        return out


def test_serve_prints_the_url_first_logs_each_reply_and_exits_0_on_sigterm(served):
    server = served()
    first = server.line()
    assert first.startswith("listening on ws://127.0.0.1:") and first.endswith("/v2/websocket")
    login, rejected = asyncio.run(_talk(first.split()[-1]))
    assert login["success"] is True and rejected["code"] == "20022"
    assert server.line() == "#1 login tag 1: ok"
    assert server.line() == "#1 placeorder tag 2: 20022 price is required for LIMIT order"
    assert server.stop(signal.SIGTERM) == 0


def test_serve_quiet_logs_nothing_and_exits_0_on_ctrl_c(served):
    server = served("--quiet")
    url = server.line().split()[-1]
    asyncio.run(_talk(url))
    assert server.stop(signal.SIGINT) == 0
    assert server.line() is None  # nothing after the first line
    assert server.process.stderr.read() == ""


def test_serve_with_a_bad_catalogue_or_a_taken_port_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "markets.json"
    bad.write_text("{not json")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        for args in (["--markets", str(bad)], ["--port", port], ["--port", "70000"]):
            done = subprocess.run([sys.executable, "-m", "oxpreflight", "serve", *args],
                                  capture_output=True, text=True, timeout=WAIT)
            assert done.returncode == 2, args
            assert done.stderr.count("\n") == 1 and done.stderr.startswith("oxpreflight"), args
            assert done.stdout == ""
