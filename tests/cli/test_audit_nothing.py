"""``audit`` of a file with nothing auditable (random bytes, a frames file, an empty file) is an
error: one line saying how many lines were skipped and why, exit 2 — never the exit 0 of a
clean audit."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from oxpreflight import cli

ROOT = Path(__file__).resolve().parents[2]
FRAME = {"op": "placeorder", "tag": 1, "data": {
    "marketCode": "BTC-USD-SWAP-LIN", "side": "BUY", "orderType": "MARKET", "quantity": 1}}


def audit(capsys, path: Path) -> tuple:
    code = cli.main(["audit", str(path)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return code, out, err.strip()


def random_bytes(seed: int, size: int = 20_000) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(256) for _ in range(size))


def test_audit_when_file_is_random_bytes_then_exit_2_saying_every_line_skipped(capsys, tmp_path):
    path = tmp_path / "noise.bin"
    data = random_bytes(1)
    path.write_bytes(data)
    code, out, err = audit(capsys, path)
    lines = len(data.rstrip(b"\n").split(b"\n"))
    assert (code, out) == (2, "")
    assert err.startswith(f"oxpreflight: error: nothing to audit in {path}: "
                          f"{lines} of {lines} lines skipped (")
    assert "not JSON" in err and '{"direction": "sent" or "received", "frame": ...}' in err


def test_audit_when_file_holds_frames_not_a_capture_then_exit_2_naming_the_reason(capsys,
                                                                                 tmp_path):
    path = tmp_path / "frames.jsonl"
    path.write_text("".join(json.dumps(FRAME) + "\n" for _ in range(3)) + "\n{bad\n")
    code, out, err = audit(capsys, path)
    assert (code, out) == (2, "")
    assert err == (f"oxpreflight: error: nothing to audit in {path}: 4 of 5 lines skipped "
                   '(3 direction is not "sent" or "received", 1 not JSON); a capture line is '
                   '{"direction": "sent" or "received", "frame": ...}')


@pytest.mark.parametrize("text, says", [("", "it is empty"), ("\n  \n", "2 blank lines only")])
def test_audit_when_file_has_no_line_then_exit_2(capsys, tmp_path, text, says):
    path = tmp_path / "capture.jsonl"
    path.write_text(text)
    code, _, err = audit(capsys, path)
    assert code == 2 and err == f"oxpreflight: error: nothing to audit in {path}: {says}"


def test_audit_when_one_record_among_noise_then_it_is_an_audit(capsys, tmp_path):
    path = tmp_path / "capture.jsonl"
    path.write_bytes(random_bytes(2, 2000) + b"\n"
                     + json.dumps({"direction": "received", "frame": {"table": "x"}}).encode())
    assert cli.main(["audit", str(path)]) == 0
    assert "skipped lines" in capsys.readouterr().out


def test_fuzz_audit_of_mutated_files_then_exit_2_only_when_no_record_was_replayed(capsys,
                                                                                tmp_path):
    capture = (ROOT / "examples" / "capture.jsonl").read_bytes().splitlines()
    rng = random.Random(10)
    for round_ in range(30):  # bounded
        lines = [line for line in capture if rng.random() < 0.3]
        lines = [bytes(b ^ 0x20 if rng.random() < 0.02 else b for b in line) for line in lines]
        path = tmp_path / f"mutated-{round_}.jsonl"
        path.write_bytes(b"\n".join(lines))
        code = cli.main(["audit", str(path), "--no-progress"])
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        replayed = sum(_is_record(line) for line in lines)
        assert (code == 2) == (replayed == 0), (lines, err)


def _is_record(line: bytes) -> bool:
    try:
        record = json.loads(line)
    except ValueError:
        return False
    if not isinstance(record, dict) or record.get("direction") not in ("sent", "received"):
        return False
    ts = record.get("ts")
    return "frame" in record and (ts is None or (type(ts) is int and ts >= 0))
