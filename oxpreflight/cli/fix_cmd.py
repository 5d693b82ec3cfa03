"""``oxpreflight fix``: every frame of a JSON Lines file, fixed where it can be.

Each input line is written back as one line: the corrected frame (compact JSON) where a fix
applied, else the line exactly as given. Blank lines are skipped and counted. The summary goes
to stderr: frames, frames changed, changes by code, frames still rejected by code.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from typing import Any, BinaryIO

from ..docs import printable
from ..preflight import Preflight
from .lines import close_input, is_blank, numbered_blocks, open_input, split_lines
from .options import (
    EXIT_FOUND, EXIT_OK, UsageError, add_catalogue_options, add_config_options, clock_spec, make_clock,
    preflight,
)


class _Counts:
    def __init__(self) -> None:
        self.frames = self.blank = self.changed = 0
        self.by_code: dict[str, int] = {}
        self.unsafe = 0
        self.rejected: dict[str, int] = {}


def fix_lines(pf: Preflight, stream: Any, out: BinaryIO, unsafe: bool) -> _Counts:
    """Fix every line of ``stream`` into ``out``; the counts of the run."""
    counts = _Counts()
    for _, block in numbered_blocks(stream):
        for line in split_lines(block):
            if is_blank(line):
                counts.blank += 1
                continue
            counts.frames += 1
            result = pf.fix(line, unsafe=unsafe)
            if result.changes:
                counts.changed += 1
                for change in result.changes:
                    counts.by_code[change.code] = counts.by_code.get(change.code, 0) + 1
                    counts.unsafe += not change.safe
            if not result.ok:
                code = result.verdict.code or "?"
                counts.rejected[code] = counts.rejected.get(code, 0) + 1
            text = result.frame
            out.write((text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text)
                      + b"\n")
    return counts


def summary_text(counts: _Counts) -> str:
    """The summary written on stderr."""
    still = sum(counts.rejected.values())
    rows = [("frames", counts.frames), ("frames changed", counts.changed),
            ("changes", sum(counts.by_code.values())), ("unsafe changes", counts.unsafe),
            ("still rejected", still)]
    if counts.blank:
        rows.append(("blank lines (skipped)", counts.blank))
    width = max(len(name) for name, _ in rows)
    out = [f"{name:<{width}}  {value:>10,}" for name, value in rows]
    if counts.by_code:
        out += ["", "changes by code:"]
        out += [f"  {code:<7} {n:>9,}" for code, n in sorted(counts.by_code.items())]
    if counts.rejected:
        out += ["", "still rejected by code:"]
        out += [f"  {code:<7} {n:>9,}" for code, n in sorted(counts.rejected.items())]
    return printable("\n".join(out)) + "\n"


def run(args: argparse.Namespace) -> int:
    """``oxpreflight fix``: exit 0 when every frame passes afterwards, 1 when one is still
    rejected."""
    pf = preflight(args, make_clock(clock_spec(args)))
    stream, _ = open_input(args.file)
    try:
        if args.output is None:
            sys.stdout.flush()
            counts = fix_lines(pf, stream, sys.stdout.buffer, args.unsafe)
            sys.stdout.buffer.flush()
        else:
            counts = _to_file(pf, stream, args.output, args.unsafe)
    finally:
        close_input(stream)
    sys.stderr.write(summary_text(counts))
    return EXIT_FOUND if counts.rejected else EXIT_OK


def _to_file(pf: Preflight, stream: Any, path: str, unsafe: bool) -> _Counts:
    """Write atomically: a failed run leaves any old ``path`` in place (``-o`` may name the
    input itself)."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        handle, temp = tempfile.mkstemp(dir=folder, prefix=".oxpreflight-fix-")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            counts = fix_lines(pf, stream, out, unsafe)
        os.replace(temp, path)
    except BaseException:
        os.unlink(temp)
        raise
    return counts


def add_parser(commands: Any) -> None:
    """Register ``fix`` on the ``oxpreflight`` sub-command parsers."""
    fix = commands.add_parser(
        "fix", help="fix what can be fixed in a JSON Lines file of frames",
        description="Write every frame as a JSON line, fixed where a safe fix (or, with "
                    "--unsafe, an unsafe one) makes it pass; summary on stderr. Exit 0: every "
                    "frame passes afterwards; 1: some frame is still rejected; 2: usage error.")
    fix.add_argument("file", metavar="FILE", help="JSON Lines file, or - for stdin")
    fix.add_argument("-o", "--output", metavar="OUT",
                     help="write the frames to OUT (atomically) instead of stdout")
    fix.add_argument("--unsafe", action="store_true",
                     help="also apply unsafe fixes (enumeration case, quantity raised to the "
                          "minimum, price moved inside the bounds)")
    add_catalogue_options(fix)
    add_config_options(fix)
    fix.set_defaults(run=run)
