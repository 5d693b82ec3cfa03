"""The command line: ``oxpreflight check | audit | codes | explain | markets | serve``.

Exit codes: 0 all frames pass (check) or no disagreement (audit), 1 some frame is rejected or
some reply disagrees, 2 a usage error or a run that could not finish (a missing file, a bad
option or market catalogue, a worker process that failed: one line on standard error, never a
traceback), 130 Ctrl-C, 143 SIGTERM, 129 SIGHUP (handled like Ctrl-C). No worker process
outlives the command.

This module holds the parser and :func:`main`; each command lives in its own module and
registers itself with ``add_parser(subparsers)``.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import NoReturn, Optional

from .. import __version__
from . import audit_cmd, check, docs_cmd, markets_cmd, serve_cmd
from .options import EXIT_FOUND, EXIT_OK, EXIT_USAGE, UsageError
from .signals import Stopped, stopping_on_signals

__all__ = ["EXIT_FOUND", "EXIT_OK", "EXIT_USAGE", "UsageError", "build_parser", "main"]


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr (exit 2)."""

    def error(self, message: str) -> NoReturn:
        command = self.prog.partition(" ")[2]
        see = f"oxpreflight {command} --help" if command else "oxpreflight --help"
        self.exit(EXIT_USAGE, f"oxpreflight: error: {message} (see {see})\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``oxpreflight``."""
    parser = _Parser(
        prog="oxpreflight",
        description="Check OX.FUN / OPNX / CoinFLEX websocket frames the way the exchange "
                    "would, with the exchange's own codes.")
    parser.add_argument("--version", action="version", version=f"oxpreflight {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    check.add_parser(commands)
    audit_cmd.add_parser(commands)
    docs_cmd.add_parsers(commands)
    markets_cmd.add_parser(commands)
    serve_cmd.add_parser(commands)
    return parser


def main(argv: Optional[list] = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    if sys.stderr is None:  # started with 2>&-: errors have nowhere to go but the exit code
        sys.stderr = open(os.devnull, "w", encoding="utf-8")
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help, --version (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    if getattr(args, "run", None) is None:
        names = ", ".join(parser._subparsers._group_actions[0].choices)  # type: ignore
        sys.stderr.write(f"oxpreflight: error: a command is required ({names}); "
                         "see oxpreflight --help\n")
        return EXIT_USAGE
    if sys.stdout is None and getattr(args, "output", None) in (None, "-"):  # >&-
        sys.stderr.write("oxpreflight: error: standard output is closed: nowhere to write "
                         "the results\n")
        return EXIT_USAGE
    try:
        with stopping_on_signals():
            return args.run(args)
    except UsageError as exc:
        sys.stderr.write(f"oxpreflight: error: {exc}\n")
        return EXIT_USAGE
    except BrokenPipeError:  # output piped into `head` and closed: stop quietly
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return EXIT_FOUND
    except OSError as exc:  # e.g. a read error in the middle of the input
        sys.stderr.write(f"oxpreflight: error: {exc.strerror or exc}\n")
        return EXIT_USAGE
    except Stopped as exc:  # SIGTERM, SIGHUP: as Ctrl-C, every worker already stopped
        sys.stderr.write(f"\noxpreflight: terminated ({exc.name})\n")
        return 128 + exc.signum
    except KeyboardInterrupt:
        sys.stderr.write("\noxpreflight: interrupted\n")
        return 130
