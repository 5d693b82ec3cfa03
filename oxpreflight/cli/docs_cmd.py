"""``oxpreflight codes`` and ``oxpreflight explain CODE``: the exchange's table and the rules
behind each code, as text or as JSON."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..docs import UnknownCode, codes_data, codes_table, codes_table_markdown, explain, explain_data
from .options import EXIT_OK, UsageError, add_config_options, preflight, preflight_options


def _scope(args: argparse.Namespace) -> Any:
    """The Preflight of the configuration and ``--rules`` / ``--policy`` when they add rows
    or a policy, else ``None`` (the exchange's table alone)."""
    options = preflight_options(args)
    if not (options.get("rules") or options.get("policy") or options.get("limits")):
        return None
    return preflight(args, None, options)


def _code(args: argparse.Namespace) -> str:
    return args.code.strip().upper()


def run_codes(args: argparse.Namespace) -> int:
    """``oxpreflight codes``: the exchange's table and what the project does for each code."""
    if args.json:
        sys.stdout.write(json.dumps(codes_data(_scope(args)), indent=2) + "\n")
    else:
        sys.stdout.write(codes_table_markdown() if args.markdown else codes_table(_scope(args)))
    return EXIT_OK


def run_explain(args: argparse.Namespace) -> int:
    """``oxpreflight explain CODE``: the rules behind a code, with examples run for real."""
    scope = _scope(args)
    try:
        if args.json:
            sys.stdout.write(json.dumps(explain_data(_code(args), scope), indent=2) + "\n")
        else:
            sys.stdout.write(explain(_code(args), scope=scope))
    except UnknownCode:
        raise UsageError(f"unknown code {args.code!r} (see `oxpreflight codes`)") from None
    return EXIT_OK


def add_parsers(commands: Any) -> None:
    """Register ``codes`` and ``explain`` on the ``oxpreflight`` sub-command parsers."""
    codes = commands.add_parser("codes", help="the exchange's codes and what oxpreflight does")
    form = codes.add_mutually_exclusive_group()
    form.add_argument("--markdown", action="store_true", help="as a markdown table")
    form.add_argument("--json", action="store_true",
                      help='as a JSON list: {"code", "message", "enforced_by", "rules"} per code')
    add_config_options(codes)
    codes.set_defaults(run=run_codes)

    explain_cmd = commands.add_parser("explain", help="the rules behind a code, with examples")
    explain_cmd.add_argument("code", metavar="CODE", help="e.g. 20029")
    explain_cmd.add_argument("--json", action="store_true",
                             help='as a JSON object: {"code", "message", "enforced_by", '
                                  '"rules", "reason"}')
    add_config_options(explain_cmd)
    explain_cmd.set_defaults(run=run_explain)
