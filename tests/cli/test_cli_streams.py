"""Closed standard streams (``<&-``, ``>&-``, ``2>&-``: Python then has ``sys.stdin`` /
``sys.stdout`` / ``sys.stderr`` set to ``None``): one line and exit 2, never a traceback.
Real processes started through ``sh`` so that the descriptors are really closed."""
from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX shell redirections")

ROOT = Path(__file__).resolve().parents[2]
FRAMES = "examples/frames.jsonl"
CAPTURE = "examples/capture.jsonl"
CLOSED_IN = "oxpreflight: error: standard input is closed: nothing to read from -"
CLOSED_OUT = "oxpreflight: error: standard output is closed: nowhere to write the results"


def shell(argv: list, closing: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    """``python -m oxpreflight ARGV`` with the redirections ``closing`` (e.g. ``<&- >&-``)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    script = f'exec "$0" -m oxpreflight "$@" {closing}'
    return subprocess.run(["sh", "-c", script, sys.executable, *argv], cwd=ROOT, env=env,
                          input=stdin, capture_output=True, timeout=120)


def one_line(err: bytes) -> str:
    text = err.decode()
    assert "Traceback" not in text and len(text.splitlines()) == 1, text
    return text.strip()


@pytest.mark.parametrize("command", ["check", "audit"])
def test_cli_when_stdin_is_closed_then_one_line_and_exit_2(command):
    done = shell([command, "-"], "<&-")
    assert done.returncode == 2 and done.stdout == b""
    assert one_line(done.stderr) == CLOSED_IN


@pytest.mark.parametrize("argv", [["check", FRAMES], ["audit", CAPTURE], ["codes"],
                                  ["explain", "20022"], ["markets", "pull"],
                                  ["check", FRAMES, "--workers", "2"]])
def test_cli_when_stdout_is_closed_then_one_line_and_exit_2(argv):
    done = shell(argv, ">&-")
    assert done.returncode == 2
    assert one_line(done.stderr) == CLOSED_OUT


def test_cli_when_stderr_is_closed_then_the_run_goes_on_and_exits_by_its_result():
    done = shell(["check", FRAMES], "2>&-")
    assert done.returncode == 1 and b"frames checked" in done.stdout
    assert shell(["check", "-"], "<&- 2>&-").returncode == 2


def test_cli_pull_to_a_file_when_stdout_is_closed_then_it_still_runs(tmp_path):
    done = shell(["markets", "pull", "--url", "http://127.0.0.1:9/v3/markets", "--timeout",
                  "5", "-o", str(tmp_path / "m.json")], ">&-")
    assert done.returncode == 2 and "cannot connect" in one_line(done.stderr)


# -- fuzz: random commands with random standard streams closed --------------------------------
COMMANDS = {  # argv, reads stdin, normal exit code
    "check file": (["check", FRAMES], False, 1),
    "check stdin": (["check", "-"], True, 1),
    "check stdin workers": (["check", "-", "--workers", "2", "--json"], True, 1),
    "audit stdin": (["audit", "-"], True, 1),
    "audit file": (["audit", CAPTURE, "--json"], False, 1),
    "codes": (["codes", "--json"], False, 0),
}


def test_fuzz_cli_under_closed_streams_then_one_line_exit_2_or_the_normal_result():
    rng = random.Random(7)
    frames = (ROOT / FRAMES).read_bytes()
    capture = (ROOT / CAPTURE).read_bytes()
    for _ in range(8):  # bounded: 8 processes
        name = rng.choice(sorted(COMMANDS))
        argv, reads, normal = COMMANDS[name]
        closed = [s for s in ("<&-", ">&-", "2>&-") if rng.random() < 0.5]
        done = shell(argv, " ".join(closed), capture if name.startswith("audit") else frames)
        err = done.stderr.decode()
        assert "Traceback" not in err, (name, closed, err)
        if ">&-" in closed:
            expected, says = 2, CLOSED_OUT
        elif reads and "<&-" in closed:
            expected, says = 2, CLOSED_IN
        else:
            expected, says = normal, None
        assert done.returncode == expected, (name, closed, err)
        if says is not None and "2>&-" not in closed:
            assert one_line(done.stderr) == says
        if "2>&-" in closed:
            assert err == ""
