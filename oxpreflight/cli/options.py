"""What ``check`` and ``audit`` share: exit codes, usage errors, the market, clock and
configuration options."""
from __future__ import annotations

import argparse
from functools import partial
from pathlib import Path
from typing import Any, Callable, Optional

from ..config import Config, ConfigError, import_rules, load_config, merged
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
    """``--markets``, ``--now`` / ``--no-clock``, ``--json``, ``--no-progress``, the config."""
    add_catalogue_options(parser)
    parser.add_argument("--json", action="store_true",
                        help="one JSON object per line on stdout; the summary goes to stderr")
    parser.add_argument("--no-progress", action="store_true",
                        help="no progress bar (it is only drawn when stderr is a terminal)")
    add_config_options(parser)


def add_catalogue_options(parser: argparse.ArgumentParser) -> None:
    """``--markets`` and ``--now`` / ``--no-clock``: the catalogue and the clock."""
    parser.add_argument("--markets", metavar="PATH",
                        help="market catalogue: a GET /v3/markets reply or a list of markets "
                             "(default: the embedded catalogue, which has no price bounds)")
    clock = parser.add_mutually_exclusive_group()
    clock.add_argument("--now", metavar="MS", type=epoch_ms,
                       help="fixed clock, epoch milliseconds (default: the system clock)")
    clock.add_argument("--no-clock", action="store_true",
                       help="switch time-dependent rules off (100015, 200050)")


def _policy_item(text: str) -> tuple[str, str]:
    selector, sep, action = text.partition("=")
    if not sep or not selector.strip() or not action.strip():
        raise argparse.ArgumentTypeError(f"not SELECTOR=ACTION (e.g. W002=error): {text!r}")
    return selector.strip(), action.strip()


def add_config_options(parser: argparse.ArgumentParser) -> None:
    """``--config FILE`` / ``--no-config``, ``--policy SELECTOR=ACTION``, ``--rules MODULE``."""
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--config", metavar="FILE",
                        help="read [tool.oxpreflight] from FILE (default: the nearest "
                             "pyproject.toml that has one, from the current directory up)")
    source.add_argument("--no-config", action="store_true",
                        help="read no [tool.oxpreflight] configuration")
    parser.add_argument("--policy", metavar="SELECTOR=ACTION", action="append", default=[],
                        type=_policy_item,
                        help="error | warn | ignore for a code, rule name or CODE* prefix "
                             "(repeatable; over the configuration's policy)")
    parser.add_argument("--rules", metavar="MODULE", action="append", default=[],
                        help="a rule module, as a dotted path (repeatable; replaces the "
                             "configuration's rules)")


def preflight_options(args: argparse.Namespace) -> dict[str, Any]:
    """The Preflight keywords of the configuration (unless ``--no-config``) with the command
    line's over them (``--markets``, ``--rules``, ``--policy``), or a :class:`UsageError`."""
    try:
        config = Config() if getattr(args, "no_config", False) else load_config(
            getattr(args, "config", None))
        names = tuple(getattr(args, "rules", ()) or ())
        modules = import_rules(names, Path.cwd()) if names else ()
    except ConfigError as exc:
        raise UsageError(one_line(exc).removeprefix("ConfigError: ")) from None
    policy = dict(getattr(args, "policy", ()) or ()) or None
    return merged(config, markets=getattr(args, "markets", None), rules=modules,
                  policy=policy)


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


def preflight(args: argparse.Namespace, clock: Optional[Callable[[], int]],
              options: Optional[dict[str, Any]] = None) -> Preflight:
    """The ``Preflight`` of the configuration, ``--markets``, ``--rules``, ``--policy`` and the
    clock, or a :class:`UsageError` (whatever is wrong with the catalogue file, a rule module
    or the policy: one line, never a traceback)."""
    if options is None:
        options = preflight_options(args)
    markets = options.get("markets")
    try:
        return Preflight(clock=clock, **options)
    except Exception as exc:
        # rule modules, policy and limits fail with a ValueError of their own
        if markets is not None and (isinstance(exc, MarketError)
                                    or not isinstance(exc, ValueError)):
            text = one_line(exc)
            if str(markets) not in text:
                text = f"cannot use market catalogue {markets}: {text}"
            raise UsageError(text) from None
        raise UsageError(f"cannot start: {one_line(exc)}") from None
