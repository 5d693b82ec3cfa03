"""pytest plugin (entry point ``pytest11``): the ``preflight`` fixture."""
from __future__ import annotations

import pytest

from . import Preflight


@pytest.fixture
def preflight() -> Preflight:
    """A Preflight on the embedded catalogue."""
    return Preflight()
