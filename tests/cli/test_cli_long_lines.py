"""One long line through a pipe: what is kept of it is capped (anything past the length limit
is 20027 anyway), so memory stays bounded and time linear. The input is a bounded generator
that hands out 64 KiB pieces, as a pipe does."""
from __future__ import annotations

import io
import json
import sys
import tracemalloc
from typing import Iterator

import pytest

from oxpreflight import cli
from oxpreflight.cli.lines import MAX_LINE, read_blocks

PIECE = 1 << 16
FRAME = json.dumps({"op": "placeorder", "tag": 1, "data": {
    "marketCode": "BTC-USD-SWAP-LIN", "side": "BUY", "orderType": "MARKET", "quantity": 1}})


class Pipe(io.RawIOBase):
    """A read-only stream made of pieces from a generator; ``read1`` returns at most one
    piece, like a pipe's read."""

    def __init__(self, pieces: Iterator[bytes]) -> None:
        self.pieces = pieces
        self.left = b""
        self.served = 0

    def readable(self) -> bool:
        return True

    def read1(self, size: int = -1) -> bytes:
        if not self.left:
            self.left = next(self.pieces, b"")
        out, self.left = self.left[:size], self.left[size:]
        self.served += len(out)
        return out

    read = read1


def long_line(megabytes: int, fill: bytes = b"a", then: bytes = b"") -> Iterator[bytes]:
    """A line of ``megabytes`` MiB of ``fill`` (``then`` at its very end), a newline and a
    frame: bounded, whatever reads it."""
    piece = fill * PIECE
    for _ in range(megabytes * (1 << 20) // PIECE):
        yield piece
    yield then + b"\n" + FRAME.encode() + b"\n"


def test_read_blocks_when_one_line_is_32_mib_then_memory_stays_bounded_and_the_line_is_cut():
    stream = Pipe(long_line(32))
    tracemalloc.start()
    try:
        blocks = [len(block) for block in read_blocks(stream)]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert stream.served == 32 * (1 << 20) + len(FRAME) + 2  # all of it was read
    assert blocks[0] == MAX_LINE + 1  # the long line, cut, with its newline
    assert sum(blocks) == MAX_LINE + len(FRAME) + 2
    assert peak < 8 * MAX_LINE  # was above 32 MiB: every byte of the line was kept


def check_stdin(capsys, monkeypatch, pieces: Iterator[bytes]) -> tuple:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(Pipe(pieces)))  # .buffer: the Pipe
    code = cli.main(["check", "-", "--json"])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def test_check_stdin_when_a_line_is_longer_than_kept_then_20027_and_the_next_line_checked(
        capsys, monkeypatch):
    code, verdicts, _ = check_stdin(capsys, monkeypatch, long_line(8))
    assert code == 1
    assert [(v["line"], v["code"]) for v in verdicts] == [(1, "20027"), (2, None)]


@pytest.mark.parametrize("fill, then, blank", [(b" ", b"{}", False), (b" ", b"", True),
                                                (b"\xff", b"", False)],
                         ids=["text after 2 MiB of spaces", "only spaces", "not UTF-8"])
def test_check_stdin_when_the_kept_start_of_a_long_line_is_blank_then_verdict_of_the_whole(
        capsys, monkeypatch, fill, then, blank):
    code, verdicts, err = check_stdin(capsys, monkeypatch, long_line(2, fill, then))
    if blank:  # skipped and counted, as the whole line would be
        assert [(v["line"], v["code"]) for v in verdicts] == [(2, None)]
        assert code == 0 and "blank lines (skipped)" in err
    else:
        assert [(v["line"], v["code"]) for v in verdicts] == [(1, "20027"), (2, None)]


@pytest.mark.parametrize("size", [1, 7, 4096])
def test_read_blocks_when_lines_are_short_then_unchanged_by_the_cap(size):
    text = b"".join(b"%d\n" % i for i in range(2000)) + b"last"
    blocks = list(read_blocks(io.BytesIO(text), size, max_line=64))
    assert b"".join(blocks) == text


def test_read_blocks_when_lines_pass_a_small_cap_then_each_is_cut_and_the_rest_kept():
    text = b"a" * 100 + b"\nok\n" + b" " * 50 + b"b" * 50 + b"\n" + b"c" * 10
    blocks = list(read_blocks(io.BytesIO(text), 16, max_line=20))
    assert b"".join(blocks).split(b"\n") == [b"a" * 20, b"ok", b"x" * 20, b"c" * 10]
