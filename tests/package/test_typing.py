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
