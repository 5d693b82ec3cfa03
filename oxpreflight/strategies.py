"""Hypothesis strategies (kept at this import name; the code lives in
``oxpreflight.testing.strategies``, loaded on first use of a name) and the ``hypothesis``
entry point.

The entry point runs on every ``import hypothesis`` in an environment where this package is
installed, so it imports nothing of the package and cannot raise: it registers the request
models' strategies once :mod:`oxpreflight.models` is loaded (at once when it already is,
else right after it loads).
"""
from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # type checkers see the real signatures; at run time names load lazily
    from .testing.strategies import enforced_codes, frames, violating  # noqa: F401

__all__ = ["frames", "violating", "enforced_codes"]
_MODULE = "oxpreflight.testing.strategies"
_MODELS = "oxpreflight.models"


def _hypothesis_setup_hook() -> None:
    """The ``hypothesis`` entry point (see the module docstring); never raises."""
    try:
        if _MODELS in sys.modules:
            _register()
        elif not any(isinstance(f, _AfterModels) for f in sys.meta_path):
            sys.meta_path.insert(0, _AfterModels())
    except Exception:  # a broken install must not break unrelated test runs
        pass


def _register() -> None:
    """Register the models' strategies (importing the strategies registers them; while that
    import is under way it registers them itself when it finishes)."""
    try:
        module = sys.modules.get(_MODULE)
        if module is None:
            importlib.import_module(_MODULE)
        elif hasattr(module, "register_models"):
            module.register_models()
    except Exception:
        pass


class _AfterModels:
    """A finder that finds nothing itself: it wraps the loader of :mod:`oxpreflight.models`
    so the strategies register right after the module ran, then leaves ``sys.meta_path``."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name != _MODELS:
            return None
        try:
            sys.meta_path.remove(self)
        except ValueError:
            pass
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec(name, path)
        loader = getattr(spec, "loader", None)
        run = getattr(loader, "exec_module", None)
        if run is not None:
            def exec_module(module: Any) -> None:
                run(module)
                _register()

            loader.exec_module = exec_module  # type: ignore[union-attr]
        return spec


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module(_MODULE), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
