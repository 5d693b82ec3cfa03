"""Hypothesis strategies (kept at this import name; the code lives in
``oxpreflight.testing.strategies``, loaded on first use of a name)."""
from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # type checkers see the real signatures; at run time names load lazily
    from .testing.strategies import enforced_codes, frames, violating  # noqa: F401

__all__ = ["frames", "violating", "enforced_codes"]
_MODULE = "oxpreflight.testing.strategies"


def _hypothesis_setup_hook() -> None:
    """The ``hypothesis`` entry point: register the request models' strategies.

    Importing the strategies imports hypothesis, which runs this hook; while that import is
    under way the module registers them itself when it finishes."""
    module = sys.modules.get(_MODULE)
    if module is None:
        importlib.import_module(_MODULE)  # registers as it loads
    elif hasattr(module, "_register_models"):
        module._register_models()


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module(_MODULE), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
