"""Opening a journal for import: a file, a gzip file, or standard input (`-`).

A source that is not a readable text file at all (missing, a folder, not allowed, binary, a
broken gzip stream) raises UnreadableJournal before anything is read from it into the journal,
with a one-line reason for the user.
"""

from __future__ import annotations

import codecs
import gzip
import io
import sys
import zlib
from typing import IO, Any, cast

GZIP_MAGIC = b"\x1f\x8b"
SNIFF = 8192


class UnreadableJournal(Exception):
    """The source cannot be read as a journal at all; the message says why."""


NOT_TEXT_SHARE = 0.1


def _check_text(head: bytes) -> None:
    """Refuse binary data (a NUL byte) and data that is mostly not UTF-8 text; a few stray
    bytes are left to the parser, which rejects their lines only."""
    if b"\0" in head:
        raise UnreadableJournal("not a text file (it holds binary data).")
    text = codecs.getincrementaldecoder("utf-8")(errors="replace").decode(head, final=False)
    bad = sum(1 for c in text if c == "\ufffd" or (c < " " and c not in "\t\n\r\f"))
    if text and bad > NOT_TEXT_SHARE * len(text):
        raise UnreadableJournal("not UTF-8 text; export the journal as UTF-8 text.")


def open_journal(name: str, stdin: IO[bytes] | None = None) -> io.BufferedReader:
    """The journal named `name` opened for reading bytes, line by line: `-` is `stdin`
    (standard input by default); a gzip stream (by its name ending `.gz` or its first bytes)
    is decompressed. Raises UnreadableJournal."""
    try:
        if name == "-":
            raw = io.BufferedReader(cast(Any, stdin or sys.stdin.buffer))
        else:
            raw = open(name, "rb")  # noqa: SIM115 - the caller closes it
    except FileNotFoundError:
        raise UnreadableJournal("no such file.") from None
    except IsADirectoryError:
        raise UnreadableJournal("is a folder, not a file.") from None
    except PermissionError:
        raise UnreadableJournal("not allowed to read it.") from None
    except OSError as error:
        raise UnreadableJournal(f"cannot be read ({error.strerror or error}).") from None
    try:
        head = raw.peek(SNIFF)[:SNIFF]
        if name.endswith(".gz") or head.startswith(GZIP_MAGIC):
            stream = io.BufferedReader(cast(Any, gzip.GzipFile(fileobj=raw)))
            head = stream.peek(SNIFF)[:SNIFF]
        else:
            stream = raw
        _check_text(head)
    except UnreadableJournal:
        raw.close()
        raise
    except (OSError, EOFError, zlib.error) as error:
        raw.close()
        reason = "not a gzip file" if isinstance(error, gzip.BadGzipFile) else str(error)
        raise UnreadableJournal(f"cannot be read ({reason}).") from None
    return stream
