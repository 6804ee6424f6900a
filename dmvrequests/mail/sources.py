"""Messages read from files as a mail system leaves them: .eml, mbox, Maildir, standard input.

Shared by `ingest_email` and `scan_outbound_email`. The bytes are read untouched (evidence is
the file's bytes); nothing here writes to its input.
"""

import mailbox
import sys
from collections.abc import Iterator
from pathlib import Path


class UnreadablePath(Exception):
    """A PATH that is neither a message, an mbox nor a Maildir we can read."""


def messages_in(path: str) -> Iterator[tuple[str, bytes]]:
    """(source, raw bytes) for each message at `path`, exactly as stored there."""
    if path == "-":
        yield "stdin", sys.stdin.buffer.read()
        return
    target = Path(path)
    if target.is_dir():
        yield from _maildir(target)
        return
    with target.open("rb") as handle:
        is_mbox = handle.read(5) == b"From "
    if is_mbox:
        yield from _mbox(target)
    else:
        yield "file", target.read_bytes()


def _maildir(folder):
    boxes = [folder / sub for sub in ("new", "cur") if (folder / sub).is_dir()]
    if not boxes:
        raise UnreadablePath("it is a folder but not a Maildir (it has no new/ or cur/ folder)")
    # Read the files ourselves rather than through mailbox.Maildir: evidence is the
    # file's bytes, untouched. tmp/ holds messages still being delivered.
    for box in boxes:
        for entry in sorted(box.iterdir()):
            if entry.is_file() and not entry.name.startswith("."):
                yield "file", entry.read_bytes()


def _mbox(path):
    box = mailbox.mbox(path, create=False)
    try:
        for key in box.iterkeys():
            yield "file", box.get_bytes(key)
    finally:
        box.close()


def unreadable_why(exc: BaseException) -> str:
    """Why a path could not be read, in a few words for a one-line message."""
    if isinstance(exc, FileNotFoundError):
        return "no such file or folder"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, IsADirectoryError):
        return "it is a folder"
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
