"""Packaging: license, classifiers, URLs, extras a user can pick without the benchmark
contenders, and the install as CI and the README do it."""
from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
CONTENDERS = {"fastjsonschema", "jsonschema", "pytest-benchmark", "msgspec"}


def names(requirements: list[str]) -> set[str]:
    return {re.match(r"[A-Za-z0-9_.-]+", r).group(0).lower() for r in requirements}


def expanded(extra: str) -> set[str]:
    """The packages an extra installs, following ``oxpreflight[...]`` self-references."""
    out: set[str] = set()
    for requirement in PROJECT["optional-dependencies"][extra]:
        own = re.fullmatch(r"oxpreflight\[([\w,\s-]+)\]", requirement)
        if own:
            for name in own.group(1).split(","):
                out |= expanded(name.strip())
        else:
            out |= names([requirement])
    return out


def test_license_is_mit_and_shipped():
    assert PROJECT["license"] == "MIT" and PROJECT["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License") and "WITHOUT WARRANTY OF ANY KIND" in text


def test_classifiers_say_typed_and_python_versions_and_urls_exist():
    classifiers = set(PROJECT["classifiers"])
    assert "Typing :: Typed" in classifiers
    assert "Programming Language :: Python :: 3.11" in classifiers
    assert PROJECT["requires-python"] == ">=3.11"
    assert PROJECT["urls"] and all(u.startswith("https://") for u in PROJECT["urls"].values())


def test_extras_let_a_user_take_test_helpers_without_benchmark_contenders():
    assert expanded("testing") == {"hypothesis", "pytest", "websockets"}  # the exchange double
    assert expanded("websocket") == {"websockets"}
    assert expanded("bench") == CONTENDERS
    assert expanded("dev") == {"hypothesis", "pytest", "websockets", "mypy", "pytest-xdist"} | CONTENDERS
    assert not CONTENDERS & names(PROJECT["dependencies"])


def test_installed_metadata_matches_the_project():
    meta = metadata.metadata("oxpreflight")
    assert "Typing :: Typed" in meta.get_all("Classifier")
    assert meta["License-Expression"] == "MIT"
    assert set(meta.get_all("Provides-Extra")) >= {"testing", "websocket", "bench", "dev"}
    entry_points = {(ep.group, ep.name)
                    for ep in metadata.distribution("oxpreflight").entry_points}
    assert {("pytest11", "oxpreflight"), ("hypothesis", "oxpreflight"),
            ("console_scripts", "oxpreflight")} <= entry_points


def test_ci_installs_everything_itself_and_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "pip install --quiet -e '.[dev]'" in ci and "pip install -e '.[dev]'" in readme
    assert ci.rstrip().endswith("python -m pytest -q -n 2") and "python -m pytest -q -n 2" in readme
