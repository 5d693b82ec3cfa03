"""Hypothesis strategies (kept at this import name; the code lives in ``oxpreflight.testing``)."""
from .testing.strategies import *  # noqa: F401,F403
from .testing.strategies import __all__, _hypothesis_setup_hook  # noqa: F401
