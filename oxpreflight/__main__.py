"""``python -m oxpreflight``: the command line (see :mod:`oxpreflight.cli`)."""
from .cli import main

if __name__ == "__main__":  # spawned --workers processes import this module without running it
    raise SystemExit(main())
