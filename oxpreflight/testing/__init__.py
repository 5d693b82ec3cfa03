"""Test helpers, the only part of the package that imports hypothesis or pytest.

``strategies`` (public: ``frames``, ``violating``, ``enforced_codes``; also importable as
``oxpreflight.strategies``) is built from ``book`` (catalogue, clock, number forms), ``valid``
(valid items from ``FIELDS`` and ``ENUMS``), ``derived`` (breakers derived from each rule
row's condition) and ``handwritten`` (breakers for frame-level, market-figure and clock rows).
``pytest_plugin`` holds the fixtures (entry point ``oxpreflight.pytest_plugin``).
``Exchange`` (:mod:`.exchange`, needs ``websockets``) is the exchange double, imported on
first use so that ``oxpreflight.testing`` stays free of websockets.
"""
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .exchange import Exchange

__all__ = ["Exchange"]


def __getattr__(name: str) -> Any:
    if name == "Exchange":
        from .exchange import Exchange

        return Exchange
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
