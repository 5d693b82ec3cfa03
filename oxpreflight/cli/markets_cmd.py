"""``oxpreflight markets pull``: fetch the exchange's current market catalogue into a file."""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile

from ..validators.markets import MarketError
from ..validators.pull import DEFAULT_MARKETS_URL, fetch_markets

_USAGE = 2


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"not a positive number of seconds: {text!r}")
    return value


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``markets`` (with its ``pull`` action) on the CLI's subcommands."""
    markets = subparsers.add_parser("markets", help="the market catalogue: pull the current one")
    actions = markets.add_subparsers(dest="markets_action", metavar="ACTION", required=True)
    pull = actions.add_parser(
        "pull", help="fetch GET /v3/markets and write it as a catalogue file",
        description="Fetch the exchange's market catalogue (GET /v3/markets, public) and write "
                    "it as JSON, for --markets or Preflight(markets=FILE). Exit 0: written; 2: "
                    "the fetch or the file failed (one line on stderr).")
    pull.add_argument("--url", default=DEFAULT_MARKETS_URL,
                      help=f"the catalogue's URL (default {DEFAULT_MARKETS_URL})")
    pull.add_argument("-o", "--output", metavar="FILE",
                      help="write to FILE, replaced only once the catalogue is complete "
                           "(default: standard output)")
    pull.add_argument("--timeout", type=_seconds, default=10.0, metavar="S",
                      help="give up after S seconds (default 10)")
    pull.set_defaults(run=run_pull)


def run_pull(args: argparse.Namespace) -> int:
    """Fetch, check and write; a failure is one line on stderr and exit 2."""
    try:
        data = fetch_markets(args.url, args.timeout)
        text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
        count = len(data["data"]) if isinstance(data, dict) and "data" in data else len(data)
        if args.output is None or args.output == "-":
            sys.stdout.write(text)
        else:
            _write(args.output, text)
            sys.stderr.write(f"oxpreflight: {count} markets written to {args.output}\n")
    except MarketError as exc:
        sys.stderr.write(f"oxpreflight: error: {exc}\n")
        return _USAGE
    except OSError as exc:
        sys.stderr.write(f"oxpreflight: error: cannot write {args.output}: {exc.strerror}\n")
        return _USAGE
    return 0


def _write(path: str, text: str) -> None:
    """Write beside ``path`` then rename: a failed pull never leaves a partial catalogue."""
    folder = os.path.dirname(os.path.abspath(path))
    handle, temp = tempfile.mkstemp(prefix=".markets-", suffix=".json", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
