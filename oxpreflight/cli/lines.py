"""Reading JSON Lines input: files or stdin in blocks of whole lines, so memory stays flat
whatever the input's size."""
from __future__ import annotations

import os
import sys
from typing import Any, Iterator, Optional

from .options import UsageError

#: Bytes read at a time; a block is cut at its last newline, so it holds whole lines only.
BLOCK_SIZE = 1 << 20

_WHITESPACE = " \t\r"


def open_input(path: str) -> tuple[Any, Optional[int]]:
    """``(binary stream, size in bytes or None)`` for a path, or ``-`` for stdin."""
    if path == "-":
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
    if stream is not sys.stdin.buffer:
        stream.close()


def read_blocks(stream: Any, size: Optional[int] = None) -> Iterator[bytes]:
    """Blocks of whole lines (each ends with a newline, except perhaps the file's last)."""
    size = size or BLOCK_SIZE
    read = getattr(stream, "read1", stream.read)  # read1: a pipe's lines arrive without waiting
    carry = b""
    while True:
        data = read(size)
        if not data:
            if carry:
                yield carry
            return
        cut = data.rfind(b"\n")
        if cut < 0:
            carry += data
            continue
        yield carry + data[:cut + 1] if carry else data[:cut + 1]
        carry = data[cut + 1:]


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
