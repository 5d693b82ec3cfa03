"""What ``check`` and ``audit`` share: exit codes, usage errors, the market and clock options."""
from __future__ import annotations

import argparse
from functools import partial
from typing import Callable, Optional

from ..validators.clock import system_clock
from ..preflight import Preflight
from ..validators.markets import MarketError

EXIT_OK, EXIT_FOUND, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A problem with the command line or its files: one line on stderr, exit 2."""


def integer(text: str) -> int:
    """An argparse type: a decimal integer."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None


#: ``--now`` must be epoch milliseconds: 13 digits, from September 2001 to the year 2286. A
#: value in seconds (10 digits) would make every timestamp look 50 years old.
NOW_RANGE = (10 ** 12, 10 ** 13)


def epoch_ms(text: str) -> int:
    """An argparse type: epoch milliseconds within :data:`NOW_RANGE`."""
    value = integer(text)
    low, high = NOW_RANGE
    if not low <= value < high:
        hint = "; it looks like seconds" if low // 1000 <= value < high // 1000 else ""
        raise argparse.ArgumentTypeError(
            f"not epoch milliseconds (13 digits, e.g. 1717348160000){hint}: {text!r}")
    return value


def one_line(exc: BaseException) -> str:
    """An exception's message on one line (pydantic's span several), at most 300 characters."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if not isinstance(exc, (MarketError, OSError)):
        text = f"{type(exc).__name__}: {text}"
    return text if len(text) <= 300 else text[:297] + "..."


def add_input_options(parser: argparse.ArgumentParser) -> None:
    """``--markets``, ``--now`` / ``--no-clock``, ``--json``, ``--no-progress``."""
    parser.add_argument("--markets", metavar="PATH",
                        help="market catalogue: a GET /v3/markets reply or a list of markets "
                             "(default: the embedded catalogue, which has no price bounds)")
    clock = parser.add_mutually_exclusive_group()
    clock.add_argument("--now", metavar="MS", type=epoch_ms,
                       help="fixed clock, epoch milliseconds (default: the system clock)")
    clock.add_argument("--no-clock", action="store_true",
                       help="switch time-dependent rules off (100015, 200050)")
    parser.add_argument("--json", action="store_true",
                        help="one JSON object per line on stdout; the summary goes to stderr")
    parser.add_argument("--no-progress", action="store_true",
                        help="no progress bar (it is only drawn when stderr is a terminal)")


def clock_spec(args: argparse.Namespace) -> tuple:
    """The clock options as a picklable value (for worker processes)."""
    if args.no_clock:
        return ("none",)
    if args.now is not None:
        return ("fixed", args.now)
    return ("system",)


def make_clock(spec: tuple) -> Optional[Callable[[], int]]:
    """``("system",)``, ``("fixed", ms)`` or ``("none",)`` -> the ``clock`` argument."""
    if spec[0] == "fixed":
        return partial(int, spec[1])
    if spec[0] == "none":
        return None
    return system_clock


def preflight(args: argparse.Namespace, clock: Optional[Callable[[], int]]) -> Preflight:
    """The ``Preflight`` of ``--markets`` and the clock, or a :class:`UsageError` (whatever
    is wrong with the catalogue file: one line, never a traceback)."""
    try:
        return Preflight(markets=args.markets, clock=clock)
    except Exception as exc:
        if args.markets is None:
            raise UsageError(f"cannot start: {one_line(exc)}") from None
        text = one_line(exc)
        if str(args.markets) not in text:
            text = f"cannot use market catalogue {args.markets}: {text}"
        raise UsageError(text) from None
