"""The pytest plugin's entry point (kept at this import name; the code lives in
``oxpreflight.testing.pytest_plugin``)."""
from .testing.pytest_plugin import *  # noqa: F401,F403
from .testing.pytest_plugin import _preflight_marked_markets  # noqa: F401 (autouse fixture)
from .testing.exchange_fixture import ox_exchange  # noqa: F401 (the exchange double)
