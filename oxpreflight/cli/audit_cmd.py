"""``oxpreflight audit``: replay a capture through :mod:`oxpreflight.audit` and print each
disagreement as it is found, then the report."""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from typing import Any

from ..audit import Auditor, ReplayClock
from ..docs import json_text
from .lines import close_input, numbered_blocks, open_input, split_lines
from .options import EXIT_FOUND, EXIT_OK, UsageError, add_input_options, preflight
from .progress import Progress


def run(args: argparse.Namespace) -> int:
    """``oxpreflight audit``: replay a capture, report where local verdicts and replies differ."""
    clock = None if args.no_clock else ReplayClock(args.now)
    auditor = Auditor(preflight(args, clock), clock, logged_in=args.logged_in,
                      track_orders=not args.no_track_orders, rate_limit=not args.no_rate_limit)
    stream, size = open_input(args.file)
    progress = Progress(sys.stderr, size, enabled=not args.no_progress)
    out = sys.stdout
    total = 0
    try:
        for first, block in numbered_blocks(stream):
            found = []
            lines = split_lines(block)
            total += len(lines)
            for i, line in enumerate(lines):
                found.extend(auditor.feed(first + i, line))
            if found:
                out.write("".join((json_text(d.as_dict()) if args.json else d.text()) + "\n"
                                  for d in found))
            progress.advance(len(block), len(lines))
    finally:
        progress.close()
        close_input(stream)
    report = auditor.finish()
    if not report.sent and not report.received:
        raise UsageError(nothing_to_audit(args.file, total, report.skipped))
    (sys.stderr if args.json else out).write(("" if args.json else "\n") + report.summary())
    return EXIT_FOUND if report.disagreements else EXIT_OK


def nothing_to_audit(name: str, lines: int, skipped: list[tuple[int, str]]) -> str:
    """Why a file held no capture record: how many lines were skipped, for which reasons."""
    where = "standard input" if name == "-" else name
    if not skipped:
        return f"nothing to audit in {where}: " + (
            f"{lines:,} blank line{'s' * (lines != 1)} only" if lines else "it is empty")
    reasons = Counter(reason for _, reason in skipped)
    why = ", ".join(f"{count:,} {reason}" for reason, count in
                    sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])))
    return (f"nothing to audit in {where}: {len(skipped):,} of {lines:,} "
            f"line{'s' * (lines != 1)} skipped ({why}); a capture line is "
            '{"direction": "sent" or "received", "frame": ...}')


def add_parser(commands: Any) -> None:
    """Register ``audit`` on the ``oxpreflight`` sub-command parsers."""
    audit = commands.add_parser(
        "audit", help="replay a capture of sent frames and replies; report disagreements",
        description="Replay a capture ({\"direction\": \"sent\"|\"received\", \"frame\": ..., "
                    "\"ts\": ms} per line) through a session and report every reply that "
                    "disagrees with the local verdict. Exit 0: none; 1: some; 2: usage error, or "
                    "no line of the file is a capture record.")
    audit.add_argument("file", metavar="CAPTURE", help="capture file (JSON Lines), or -")
    add_input_options(audit)
    audit.add_argument("--logged-in", action="store_true",
                       help="the capture starts on a connection that already logged in")
    audit.add_argument("--no-track-orders", action="store_true",
                       help="do not check cancels/modifies against observed open orders")
    audit.add_argument("--no-rate-limit", action="store_true",
                       help="do not check the order rate (20007)")
    audit.set_defaults(run=run)
