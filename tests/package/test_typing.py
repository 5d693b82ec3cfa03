"""The public API under ``mypy --strict``, as a user's project sees the installed package (run
from a directory outside this repository, so the package is found through its install)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import oxpreflight

pytest.importorskip("mypy")
SCRIPT = Path(__file__).parent / "typecheck" / "user_script.py"


def mypy(tmp_path: Path, source: str) -> subprocess.CompletedProcess:
    script = tmp_path / "user.py"
    script.write_text(source)
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--no-error-summary",
         "--python-executable", sys.executable, "--cache-dir", str(tmp_path / "cache"),
         script.name], cwd=tmp_path, capture_output=True, text=True, timeout=600)


def test_package_ships_py_typed():
    assert (Path(oxpreflight.__file__).parent / "py.typed").is_file()


def test_user_script_passes_mypy_strict_and_session_is_revealed(tmp_path):
    result = mypy(tmp_path, SCRIPT.read_text())
    notes = [line for line in result.stdout.splitlines() if ": note: " in line]
    errors = [line for line in result.stdout.splitlines() if ": error: " in line]
    assert errors == [] and result.returncode == 0, result.stdout + result.stderr
    assert len(notes) == 1 and re.search(r'Revealed type is "[\w.]*\.Session"', notes[0]), notes


def test_public_api_is_typed_not_any(tmp_path):
    """Each line misuses a typed result: under Any, mypy would accept all of them."""
    bad = """
from oxpreflight import Preflight, Rejected
from oxpreflight.websocket import connect
pf = Preflight()
a: str = pf.check("ping").ok
b: int = pf.session().submit("ping")
def send(frame: str) -> int:
    return 1
c: str = pf.guard(send)("ping")
pf.guard(send)(b"not a str")
d: int = Rejected(pf.check("x")).retryable.bit_length() + Rejected(pf.check("x")).response
async def main() -> None:
    e: int = await connect("ws://127.0.0.1:1").__aenter__()
"""
    result = mypy(tmp_path, bad)
    lines = {int(m.group(1)) for m in re.finditer(r"user\.py:(\d+): error", result.stdout)}
    assert lines == {5, 6, 9, 10, 11, 13}, result.stdout


def test_session_options_strategies_and_fixture_types_are_precise(tmp_path):
    """A misspelt session option, a strategy drawn as the wrong type and misused fixture and
    reply types are errors under ``mypy --strict``, and the right uses pass."""
    source = """
from typing import Any
from hypothesis.strategies import SearchStrategy
from oxpreflight import Preflight, Rejected, Session, login_frame, raise_for_reply
from oxpreflight.strategies import frames, violating
from oxpreflight.testing.pytest_plugin import PreflightForTests, PreflightSend, RecordingSend
pf = Preflight()
good: Session = pf.session(api_key="k", rate_limit=5, track_orders=False)
ok_frames: SearchStrategy[dict[str, Any]] = frames("placeorder")
ok_bad: SearchStrategy[dict[str, Any]] = violating("20015")
ok_text: SearchStrategy[str | bytes] = violating("20009")
def use(preflight: PreflightForTests, preflight_send: PreflightSend) -> RecordingSend:
    preflight.assert_accepted({"op": "ping"})
    return preflight_send(print)
code: str = Rejected(pf.check("x")).code
frame: dict[str, Any] = login_frame("k", "s", tag=1)
raise_for_reply({"event": "login", "success": True})
pf.session(rate_limt=5)
wrong: SearchStrategy[int] = frames()
wrong_send: int = use
"""
    result = mypy(tmp_path, source)
    lines = {int(m.group(1)) for m in re.finditer(r"user\.py:(\d+): error", result.stdout)}
    assert lines == {18, 19, 20}, result.stdout
