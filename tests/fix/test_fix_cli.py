"""oxpreflight fix FILE [-o OUT] [--unsafe]: every frame a JSON line, fixed where it can be."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from oxpreflight import cli
from oxpreflight.rules.examples import MARKETS, NOW

OFF_TICK = {"op": "placeorder", "tag": 1, "data": {
    "marketCode": "BTC-USD-SWAP-LIN", "side": "BUY", "orderType": "LIMIT",
    "quantity": "0.001", "price": "68000.5"}}
CLEAN = {"op": "placeorder", "tag": 2, "data": dict(OFF_TICK["data"], price="68000")}
LOWER = {"op": "placeorder", "tag": 3, "data": dict(OFF_TICK["data"], side="sell",
                                                    price="68000")}
NO_PRICE = {"op": "placeorder", "tag": 4, "data": {
    k: v for k, v in OFF_TICK["data"].items() if k != "price"}}


@pytest.fixture
def files(tmp_path):
    markets = tmp_path / "markets.json"
    markets.write_text(json.dumps(MARKETS))

    def write(*frames, name="frames.jsonl"):
        path = tmp_path / name
        path.write_text("".join((f if isinstance(f, str) else json.dumps(f)) + "\n"
                                for f in frames))
        return str(path)
    return write, str(markets)


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def summary(err: str) -> dict:
    return {name: int(n.replace(",", ""))
            for name, n in re.findall(r"^([a-z][a-z ()]*?) {2,}([\d,]+)$", err, re.M)}


def test_fix_cli_when_all_fixable_then_fixed_lines_and_exit_0(capsys, files):
    write, markets = files
    path = write(OFF_TICK, CLEAN, "")
    code, out, err = run(capsys, "fix", path, "--markets", markets, "--now", str(NOW))
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert json.loads(lines[0])["data"]["price"] == "68000"
    assert json.loads(lines[1]) == CLEAN
    counts = summary(err)
    assert counts["frames"] == 2 and counts["frames changed"] == 1
    assert counts["still rejected"] == 0 and counts["blank lines (skipped)"] == 1
    assert re.search(r"^  W002 +1$", err, re.M)


def test_fix_cli_when_one_still_rejected_then_exit_1_and_line_as_given(capsys, files):
    write, markets = files
    path = write(NO_PRICE, LOWER, "not json")
    code, out, err = run(capsys, "fix", path, "--markets", markets, "--now", str(NOW))
    assert code == 1
    lines = out.splitlines()
    assert json.loads(lines[0]) == NO_PRICE and json.loads(lines[1]) == LOWER
    assert lines[2] == "not json"
    assert summary(err)["still rejected"] == 3
    assert re.search(r"^  20022 +1$", err, re.M) and re.search(r"^  20016 +1$", err, re.M)


def test_fix_cli_unsafe_then_unsafe_changes_counted(capsys, files):
    write, markets = files
    code, out, err = run(capsys, "fix", write(LOWER), "--markets", markets, "--unsafe")
    assert code == 0 and json.loads(out)["data"]["side"] == "SELL"
    assert summary(err)["unsafe changes"] == 1


def test_fix_cli_output_file_then_written_and_stdout_empty(capsys, files, tmp_path):
    write, markets = files
    target = tmp_path / "out.jsonl"
    code, out, err = run(capsys, "fix", write(OFF_TICK), "-o", str(target), "--markets", markets)
    assert code == 0 and out == ""
    assert json.loads(target.read_text())["data"]["price"] == "68000"


def test_fix_cli_output_may_be_the_input_itself(capsys, files):
    write, markets = files
    path = write(OFF_TICK, CLEAN)
    assert run(capsys, "fix", path, "-o", path, "--markets", markets)[0] == 0
    with open(path) as handle:
        assert [json.loads(line)["data"]["price"] for line in handle] == ["68000", "68000"]


@pytest.mark.parametrize("argv", [["fix"], ["fix", "/nonexistent/x.jsonl"],
                                  ["fix", "-", "--now", "1717348160"],
                                  ["fix", "-", "--markets", "/nonexistent/m.json"],
                                  ["fix", "-", "--bogus"]])
def test_fix_cli_usage_errors_are_one_line_exit_2(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2 and len(err.strip().splitlines()) == 1 and out == ""


def test_fix_cli_reads_stdin_through_python_m():
    done = subprocess.run([sys.executable, "-m", "oxpreflight", "fix", "-"],
                          input=json.dumps(OFF_TICK) + "\n", capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0
    assert json.loads(done.stdout)["data"]["price"] == "68000"


@pytest.mark.parametrize("action, price, code", [("error", "68000", 0), ("ignore", "68000.5", 0)])
def test_fix_cli_follows_the_policy(capsys, files, action, price, code):
    write, markets = files
    done = run(capsys, "fix", write(OFF_TICK), "--markets", markets, "--no-config",
               "--policy", f"W002={action}")
    assert done[0] == code and json.loads(done[1])["data"]["price"] == price
