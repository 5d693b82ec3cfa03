"""Reading JSON Lines input: files or stdin in blocks of whole lines, so memory stays flat
whatever the input's size."""
from __future__ import annotations

import os
import sys
from typing import Any, Iterator, Optional

from .options import UsageError

#: Bytes read at a time; a block is cut at its last newline, so it holds whole lines only.
BLOCK_SIZE = 1 << 20
#: Bytes of one line kept: 262,144 characters at least, far over the frame length limit
#: (20027 at 4,000 characters), so cutting a longer line changes no verdict.
MAX_LINE = 1 << 20

_WHITESPACE = " \t\r"


def open_input(path: str) -> tuple[Any, Optional[int]]:
    """``(binary stream, size in bytes or None)`` for a path, or ``-`` for stdin."""
    if path == "-":
        if sys.stdin is None:  # started with <&-
            raise UsageError("standard input is closed: nothing to read from -")
        return sys.stdin.buffer, None
    try:
        handle = open(path, "rb")
    except IsADirectoryError:
        raise UsageError(f"cannot read {path}: it is a directory") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return handle, os.fstat(handle.fileno()).st_size
    except OSError:
        return handle, None


def close_input(stream: Any) -> None:
    """Close what :func:`open_input` opened (never stdin)."""
    if stream is not getattr(sys.stdin, "buffer", None):
        stream.close()


def read_blocks(stream: Any, size: Optional[int] = None,
                max_line: int = MAX_LINE) -> Iterator[bytes]:
    """Blocks of whole lines (each ends with a newline, except perhaps the file's last).

    A line longer than ``max_line`` bytes is kept cut to its first ``max_line`` bytes (the
    rest is read and dropped): such a line is over any frame length limit (20027) whatever
    its end, so one endless line through a pipe costs linear time and bounded memory.
    """
    size = size or BLOCK_SIZE
    read = getattr(stream, "read1", stream.read)  # read1: a pipe's lines arrive without waiting
    carry = bytearray()  # the start of a line not ended yet
    cut_short = False    # that line passed max_line: the rest of it is dropped
    dropped_text = False  # what was dropped is more than blanks
    while True:
        data = read(size)
        if not data:
            if carry:
                yield _kept(carry, dropped_text)
            return
        if cut_short:
            end = data.find(b"\n")
            dropped_text = dropped_text or not _blank(data if end < 0 else data[:end])
            if end < 0:
                continue
            yield _kept(carry, dropped_text) + b"\n"
            carry.clear()
            cut_short = dropped_text = False
            data = data[end + 1:]
        cut = data.rfind(b"\n")
        if cut >= 0:
            if carry:
                yield bytes(carry) + data[:cut + 1]
                carry.clear()
            else:
                yield data[:cut + 1]
            data = data[cut + 1:]
        carry += data
        if len(carry) > max_line:
            dropped_text = not _blank(carry[max_line:])
            del carry[max_line:]
            cut_short = True


def _blank(data: Any) -> bool:
    return not data.strip(b" \t\r")


def _kept(carry: bytearray, dropped_text: bool) -> bytes:
    """What stands for a line cut short: its start, unless only its dropped part had text
    (then as many ``x``: a long line that is not blank, whose verdict is 20027 too)."""
    if dropped_text and _blank(carry):
        return b"x" * len(carry)
    return bytes(carry)


def numbered_blocks(stream: Any, size: Optional[int] = None) -> Iterator[tuple[int, bytes]]:
    """``(number of the block's first line, block)``."""
    first = 1
    for block in read_blocks(stream, size):
        yield first, block
        first += block.count(b"\n")


def split_lines(block: bytes) -> list:
    """The lines of a block without their line ends (``\\n`` or ``\\r\\n``). Lines that are not
    UTF-8 stay bytes, so ``check`` answers them (20009) instead of the reader failing."""
    try:
        text = block.decode("utf-8")
    except UnicodeDecodeError:
        lines = [_decoded(raw) for raw in block.split(b"\n")]
        if lines[-1] == b"" or lines[-1] == "":
            lines.pop()
        return lines
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def _decoded(raw: bytes) -> Any:
    if raw.endswith(b"\r"):
        raw = raw[:-1]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw


def is_blank(line: Any) -> bool:
    """Only spaces, tabs or a carriage return (such lines are skipped and counted)."""
    return not (line.strip(_WHITESPACE) if line.__class__ is str else line.strip(b" \t\r"))
