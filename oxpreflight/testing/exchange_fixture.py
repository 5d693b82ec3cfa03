"""The ``ox_exchange`` fixture: a started :class:`~oxpreflight.testing.Exchange` per test.

``@pytest.mark.ox_exchange(markets=..., api_key=..., api_secret=..., prices=...)`` configures
it (any other :class:`Exchange` keyword too; a ``markets`` path is relative to the test file).
Like pytest-httpx, it fails loudly: a failure queued with ``fail_next`` that no command drew
fails the test at teardown.
"""
from __future__ import annotations

from os import PathLike
from pathlib import Path
from typing import Any, Iterator

import pytest


@pytest.fixture
def ox_exchange(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A running exchange double (``ex.url``, ``ex.received``, ``ex.fail_next`` ...), stopped
    after the test with nothing left running."""
    try:
        from .exchange import Exchange
    except ImportError as exc:  # websockets missing
        raise pytest.UsageError("the ox_exchange fixture needs websockets: "
                                "pip install 'oxpreflight[testing]'") from exc
    marker = request.node.get_closest_marker("ox_exchange")
    options: dict[str, Any] = dict(marker.kwargs) if marker is not None else {}
    if marker is not None and marker.args:
        options.setdefault("markets", marker.args[0])
    markets = options.get("markets")
    if isinstance(markets, (str, PathLike)):
        options["markets"] = Path(request.path.parent, markets)
    with Exchange(**options) as exchange:
        yield exchange
        unused = exchange.pending_failures
    if unused:
        pytest.fail(f"ox_exchange: {unused} failure(s) queued with fail_next were never "
                    "answered (no matching command arrived)", pytrace=False)
