"""``[tool.oxpreflight]`` in ``pyproject.toml``: what a project enforces, read with the standard
library's ``tomllib``.

    [tool.oxpreflight]
    markets = "markets.json"                  # a path relative to this file
    rules = ["desk.rules"]                    # dotted module paths, each exposing RULES
    policy = { "W002" = "error", "W008" = "ignore" }

    [tool.oxpreflight.limits]
    max_quantity = "5"
    max_notional = "250000"
    price_band = "0.05"

    [tool.oxpreflight.limits.markets."BTC-USD-SWAP-LIN"]
    max_quantity = "2"

:func:`find_config` finds the nearest ``pyproject.toml`` with a ``[tool.oxpreflight]`` table,
from a directory upward; :func:`load_config` reads and checks one. Anything wrong is a
:class:`ConfigError` naming the file and the key.
"""
from __future__ import annotations

import importlib
import os
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Mapping, Optional, Union

from .rules.limits import Limits

#: The keys of ``[tool.oxpreflight]``.
KEYS = ("markets", "rules", "policy", "limits", "max_message_length")


class ConfigError(ValueError):
    """A ``[tool.oxpreflight]`` table that cannot be used: the file, the key, what is wrong."""


@dataclass(frozen=True)
class Config:
    """A checked ``[tool.oxpreflight]``: the Preflight keywords it sets (``options``) and the
    file it came from (``None``: no configuration)."""

    path: Optional[Path] = None
    options: dict[str, Any] = field(default_factory=dict)
    #: the dotted names of ``rules`` (their modules are in ``options["rules"]``)
    rule_names: tuple[str, ...] = ()


def _table(path: Path) -> Optional[dict[str, Any]]:
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    tool = data.get("tool")
    table = tool.get("oxpreflight") if isinstance(tool, dict) else None
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.oxpreflight] must be a table")
    return table


def find_config(start: Union[str, "os.PathLike[str]", None] = None) -> Optional[Path]:
    """The nearest ``pyproject.toml`` holding ``[tool.oxpreflight]``, from ``start`` (default:
    the current directory) upward; ``None`` when there is none."""
    here = Path(start if start is not None else os.getcwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                if _table(candidate) is not None:
                    return candidate
            except ConfigError:
                raise
    return None


def import_rules(names: tuple[str, ...], base: Optional[Path] = None) -> tuple[ModuleType, ...]:
    """The modules of ``names``; one not importable as it is is looked for in ``base`` (the
    configuration's folder) too."""
    out = []
    for name in names:
        try:
            out.append(importlib.import_module(name))
            continue
        except ModuleNotFoundError as exc:
            if base is None or not (exc.name and name.startswith(exc.name)):
                raise ConfigError(f"rules: cannot import {name} ({exc})") from None
        except Exception as exc:
            raise ConfigError(f"rules: cannot import {name} ({type(exc).__name__}: {exc})") \
                from None
        sys.path.insert(0, str(base))
        try:
            out.append(importlib.import_module(name))
        except Exception as exc:
            raise ConfigError(f"rules: cannot import {name} ({type(exc).__name__}: {exc})") \
                from None
        finally:
            try:
                sys.path.remove(str(base))
            except ValueError:
                pass
    return tuple(out)


def _strings(value: Any, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValueError(f"{what} must be a list of dotted module paths")
    return tuple(value)


def _policy(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
        raise ValueError('policy must be a table of selector = "error" | "warn" | "ignore"')
    return dict(value)


def parse_config(table: Mapping[str, Any], path: Optional[Path] = None) -> Config:
    """A checked :class:`Config` from the ``[tool.oxpreflight]`` table of ``path``."""
    where = str(path) if path is not None else "[tool.oxpreflight]"
    base = path.parent if path is not None else Path.cwd()
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} in [tool.oxpreflight] "
                          f"(known: {', '.join(KEYS)})")
    options: dict[str, Any] = {}
    names: tuple[str, ...] = ()
    try:
        if "markets" in table:
            if not isinstance(table["markets"], str) or not table["markets"]:
                raise ValueError("markets must be a path to a market catalogue")
            options["markets"] = str(base / table["markets"])
        if "max_message_length" in table:
            options["max_message_length"] = table["max_message_length"]
        if "policy" in table:
            options["policy"] = _policy(table["policy"])
        if "limits" in table:
            limits = table["limits"]
            if not isinstance(limits, Mapping):
                raise ValueError("limits must be a table")
            options["limits"] = Limits(**limits)
        if "rules" in table:
            names = _strings(table["rules"], "rules")
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{where}: {exc}") from None
    if names:
        try:
            options["rules"] = import_rules(names, base)
        except ConfigError as exc:
            raise ConfigError(f"{where}: {exc}") from None
    return Config(path, options, names)


def load_config(path: Union[str, "os.PathLike[str]", None] = None) -> Config:
    """The configuration of ``path`` (a ``pyproject.toml``, or a folder to search upward from;
    default: the current directory, upward). An empty :class:`Config` when none is found; a
    file given by name must hold ``[tool.oxpreflight]``."""
    if path is not None and Path(path).is_file():
        found: Optional[Path] = Path(path).resolve()
        table = _table(found)  # type: ignore[arg-type]
        if table is None:
            raise ConfigError(f"{path} has no [tool.oxpreflight] table")
    else:
        if path is not None and not Path(path).exists():
            raise ConfigError(f"cannot read {path}: no such file or directory")
        found = find_config(path)
        if found is None:
            return Config()
        table = _table(found)
    return parse_config(table or {}, found)


def merged(config: Config, **given: Any) -> dict[str, Any]:
    """The Preflight keywords of ``config`` with ``given`` ones over them: ``policy`` merges by
    selector (``given`` wins); any other keyword given (not ``None``, ``rules`` not empty)
    replaces the configuration's."""
    options = dict(config.options)
    for key, value in given.items():
        if key == "policy" and value is not None:
            options["policy"] = {**options.get("policy", {}), **value}
        elif key == "rules":
            if value:
                options["rules"] = value
        elif value is not None:
            options[key] = value
    return options


__all__ = ["Config", "ConfigError", "KEYS", "find_config", "load_config", "parse_config",
           "import_rules", "merged"]
