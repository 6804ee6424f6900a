"""Reading a text journal fast, in blocks (the import's path for files and standard input).

`read_stream(stream)` yields what `parsing.read_journal` yields for the same bytes (the same
messages, each as its row: `Message.entry()`; the same rejections with the same line numbers),
but reads BLOCK bytes at a time and takes a well-formed entry apart with one regular expression
instead of line by line, straight into its row (no Message object made and read again: with
the block split in C, 35 % fewer instructions to read an entry and make its row, measured with
callgrind: docs/performance.md). An entry the expression does not take whole (lower case, a stray carriage return, TXT on its own line,
anything to reject...) is read by `parsing`'s own line-by-line reader, so the rules live in one
place. A CSV journal goes to `parsing.read_journal` as it is. Memory holds one block.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from itertools import chain
from typing import BinaryIO

from dmvrequests.switchjournal.parsing import (
    MAX_TEXT,
    Entry,
    Rejection,
    _journal,
    as_entries,
    before_break,
    break_at,
    latest_allowed,
    read_journal,
)

BLOCK = 1 << 20  # bytes read and parsed at a time
PIECE = 1 << 16
MAX_BLOCK = 64 << 20
BOM = b"\xef\xbb\xbf"
SEPARATOR = re.compile(r"\n(?:[ \t]*\n)+")
BLANKISH = re.compile(r"\n[ \t]+\n")  # a line of nothing but spaces or tabs
ENTRY = re.compile(
    r"(\S+)[ \t]+(IN|OUT)[ \t]+([0-9]{1,18})\n"
    r"([A-Z][A-Z0-9]{0,7})\.([A-Z0-9]{9})\.([A-Z0-9]{9}|[A-Z]{2})\.(?:([A-Z0-9-]{1,40})\.)?"
    r"TXT([^\n]*)(?:\n(.*))?",
    re.S,
)
# A line that could be a journal line (which starts a new entry): such entries go the slow way.
INNER_JOURNAL_LINE = re.compile(r"(?:IN|OUT)[ \t]+\d+\s*$", re.M | re.I)
BREAKS = (OSError, EOFError, zlib.error)


def _slow(chunk: str, first: int) -> Iterator[Entry | Rejection]:
    numbered = ((first + i, line.rstrip("\r\n")) for i, line in enumerate(chunk.split("\n")))
    return as_entries(_journal(iter(numbered)))


# A UTC offset met (fromisoformat's tzinfo): the stream's one tzinfo object for it, and the
# block's latest allowed time in it.
Zones = dict[tzinfo, tuple[tzinfo, datetime]]


def _fast(chunk: str, latest: datetime, zones: Zones, shared: dict[tzinfo, tzinfo]) -> Entry | None:
    """The row of a well-formed entry dated at the latest `latest`, or None to read it the
    slow way. `zones` (the block's) and `shared` (the stream's) are filled here: every message
    of one UTC offset carries the same tzinfo object, because Python compares two datetimes of
    one tzinfo object field by field, and two of distinct (even equal) tzinfos with two
    utcoffset() calls: the import compares each message's time several times (the latest
    allowed, matching, ordering, the day it falls on)."""
    match = ENTRY.fullmatch(chunk)
    if match is None:
        return None
    stamp, direction, sequence, key, sender, destination, control, rest, body = match.groups()
    if body is None:
        body = ""
    elif (
        # INNER_JOURNAL_LINE needs a space or tab: most texts have none (`LIC/ABC123.`),
        # and the search of the expression, case-insensitive, cost 0.4 us an entry.
        (" " in body or "\t" in body) and INNER_JOURNAL_LINE.search(body)
    ) or ("\n" in body and any(not line.strip() for line in body.split("\n"))):
        return None
    if control is None:
        control = ""
    elif control.startswith("TXT"):
        return None
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    zone = moment.tzinfo
    if zone is None:  # fromisoformat's tzinfo with an offset is a fixed timezone: never None
        return None
    known = zones.get(zone)
    if known is None:
        one = shared.setdefault(zone, zone)
        known = zones[zone] = (one, latest.astimezone(one))
    if known[0] is not zone:
        moment = moment.replace(tzinfo=known[0])
    if moment > known[1]:
        return None
    rest = rest.strip()
    text = (f"{rest}\n{body}" if body else rest) if rest else body
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        return None
    return [moment, direction, int(sequence), key, sender, destination, control, text]


def _chunks(block: str, first: int) -> Iterator[tuple[str, int]]:
    """The block's entries as text (what lies between two SEPARATORs), each with its first
    line's number (`first`: the block's). A block whose separators are all one blank line
    (no blank line after another, none of spaces or tabs: every journal the switch writes)
    is split by str.split, in C; any other by SEPARATOR. The same pieces either way."""
    if "\n\n\n" not in block and BLANKISH.search(block) is None:
        line = first
        for chunk in block.split("\n\n"):
            yield chunk, line
            line += chunk.count("\n") + 2
        return
    start = 0
    line = first
    for separator in chain(SEPARATOR.finditer(block), [None]):
        end = separator.start() if separator else len(block)
        yield block[start:end], line
        if separator is None:
            return
        line += block.count("\n", start, separator.end())
        start = separator.end()


def _entries(block: str, first: int, shared: dict[tzinfo, tzinfo]) -> Iterator[Entry | Rejection]:
    """The entries of a decoded block whose first line is number `first` (`shared`: the
    stream's tzinfo of each UTC offset, see _fast)."""
    clean = "\r" not in block and "\0" not in block
    latest = latest_allowed()
    zones: Zones = {}
    for chunk, line in _chunks(block, first):
        if chunk.strip():
            entry = _fast(chunk, latest, zones, shared) if clean else None
            if entry is not None:
                yield entry
            else:
                yield from _slow(chunk, line)


def _numbered(data: bytes, first: int) -> Iterator[tuple[int, str | None]]:
    """The lines of `data`, the first numbered `first`, as parsing reads them: (number, text
    without its line end), None for a line that is not UTF-8 text."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for number, raw in enumerate(lines, start=first):
        try:
            yield number, raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            yield number, None


def _undecodable(data: bytes, first: int) -> Iterator[Entry | Rejection]:
    """A block that is not all UTF-8: line by line, as parsing reads it."""
    return as_entries(_journal(_numbered(data, first)))


@dataclass(frozen=True)
class _Tail:
    """What was read after the last whole block when the stream broke off, and the break."""

    data: bytes
    broke: Rejection


def _tail(tail: _Tail, first: int) -> Iterator[Entry | Rejection]:
    """The entries of the data read before the break (its first line numbered `first`), line
    by line, the last of them left out (parsing.before_break: the break may have cut it),
    then the break, numbered at the first line left out."""
    broken = [replace(tail.broke, line=first + tail.data.count(b"\n"))]
    yield from as_entries(before_break(_journal(_numbered(tail.data, first)), broken))
    yield broken[0]


def _pieces(stream: BinaryIO) -> Iterator[bytes | Rejection]:
    """The stream's bytes, PIECE at a time; a Rejection (line 0: the caller numbers it) where
    it breaks off (a truncated gzip file: parsing.BreakOff), keeping every piece read before."""
    while True:
        try:
            piece = stream.read(PIECE)
        except BREAKS as error:
            yield break_at(0, error)
            return
        if not piece:
            return
        yield piece


def _blocks(pieces: Iterator[bytes | Rejection], head: bytes) -> Iterator[bytes | _Tail]:
    """The bytes in blocks of about BLOCK ending at a blank line (MAX_BLOCK at most); where
    the stream breaks off, what was read after the last block and the break (_Tail)."""
    buffer = head
    for piece in pieces:
        if isinstance(piece, Rejection):
            yield _Tail(buffer, piece)
            return
        buffer += piece
        if len(buffer) < BLOCK:
            continue
        cut = buffer.rfind(b"\n\n")
        if cut < 0 and len(buffer) < MAX_BLOCK:
            continue
        cut = cut + 2 if cut >= 0 else len(buffer)
        yield buffer[:cut]
        buffer = buffer[cut:]
    if buffer:
        yield buffer


def read_stream(stream: BinaryIO) -> Iterator[Entry | Rejection]:
    """Each message (its row: parsing.Entry) or rejection of the journal in `stream` (an open
    binary file), in file order: parsing.read_journal's result, read in blocks."""
    pieces = _pieces(stream)
    head = b""
    for piece in pieces:
        if isinstance(piece, Rejection):
            pieces = iter([piece])
            break
        head += piece
        if head.strip() and b"\n" in head.lstrip():
            break
    first_line = next((line for line in head.splitlines() if line.strip()), b"")
    if first_line.strip().lower().startswith(b"timestamp,"):
        return _csv_journal(pieces, head)
    return _text_journal(pieces, head.removeprefix(BOM))


def _csv_journal(pieces: Iterator[bytes | Rejection], head: bytes) -> Iterator[Entry | Rejection]:
    """A CSV journal: parsing.read_journal over its lines; where the stream breaks off, the
    last row read left out (parsing.before_break) and the break reported at its line."""
    broken: list[Rejection] = []
    count = [0]

    def data() -> Iterator[bytes]:
        yield head
        for piece in pieces:
            if isinstance(piece, Rejection):
                broken.append(piece)
                return
            yield piece

    def lines() -> Iterator[bytes]:
        for line in _split(data()):
            count[0] += 1
            yield line

    yield from as_entries(before_break(read_journal(lines()), broken))
    for rejection in broken:  # numbered by before_break, or after the last line read
        yield rejection if rejection.line else replace(rejection, line=count[0] + 1)


def _split(pieces: Iterator[bytes]) -> Iterator[bytes]:
    """Lines (each with its end) from pieces of bytes."""
    carry = b""
    for piece in pieces:
        lines = (carry + piece).split(b"\n")
        carry = lines.pop()
        for line in lines:
            yield line + b"\n"
    if carry:
        yield carry


def _text_journal(pieces: Iterator[bytes | Rejection], head: bytes) -> Iterator[Entry | Rejection]:
    line = 1
    shared: dict[tzinfo, tzinfo] = {}
    for data in _blocks(pieces, head):
        if isinstance(data, _Tail):
            yield from _tail(data, line)
            return
        try:
            block = data.decode("utf-8")
        except UnicodeDecodeError:
            yield from _undecodable(data, line)
        else:
            yield from _entries(block, line, shared)
        line += data.count(b"\n")
