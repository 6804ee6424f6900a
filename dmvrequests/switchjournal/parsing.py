"""Reading the state switch's journal: text journal or CSV, one message at a time.

Pure Python (no Django): `read_journal(lines)` takes the file's lines as bytes and yields, in
file order, a `Message` for each well-formed message and a `Rejection` (line number, reason) for
each line or entry that breaks the format; a broken entry never stops the file. The format is
described in docs/network-queries.md ("The journal"): a journal line `TIMESTAMP DIRECTION
SEQUENCE`, the Nlets header `MKE.ORI.DESTINATION[.CONTROL].TXT`, then the text's `PREFIX/value.`
fields; or CSV with the header `timestamp,direction,sequence,message_key,sender_ori,destination,
control,text`.
"""

from __future__ import annotations

import csv
import gzip
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings

CSV_HEADER = [
    "timestamp",
    "direction",
    "sequence",
    "message_key",
    "sender_ori",
    "destination",
    "control",
    "text",
]
DIRECTIONS = ("IN", "OUT")
# Nlets message keys (Nlets User and Technical Guide): queries and their responses.
QUERY_KEYS = ("DQ", "DNQ", "RQ", "RNQ", "RPQ")
ANSWERS = {"DQ": "DR", "DNQ": "DNR", "RQ": "RR", "RNQ": "RR", "RPQ": "RPR"}
NAME_ONLY_KEYS = ("DNQ", "RNQ")

JOURNAL_LINE = re.compile(r"^(\S+)[ \t]+(IN|OUT)[ \t]+(\d+)$", re.IGNORECASE)
ORI = re.compile(r"^[A-Z0-9]{9}$")
STATE = re.compile(r"^[A-Z]{2}$")
KEY = re.compile(r"^[A-Z][A-Z0-9]{0,7}$")
CONTROL = re.compile(r"^[A-Z0-9\-]{1,40}$")
FIELD = re.compile(r"([A-Z0-9]{2,4})/([^./]*)")
MAX_SEQUENCE = 10**18
MAX_TEXT = 100_000


@dataclass(slots=True)
class Message:
    """One journal message. `timestamp` is aware; ORIs and keys are upper case. (Slots and
    no frozen: the import makes millions; see fastjournal.py.)"""

    line: int
    timestamp: datetime
    direction: str
    sequence: int
    message_key: str
    sender_ori: str
    destination: str
    control: str
    text: str

    def entry(self) -> Entry:
        """The message as the import's row of it: the journal's own columns, CSV_HEADER's
        order (fastjournal.read_stream gives a well-formed entry in this shape straight away)."""
        return [
            self.timestamp,
            self.direction,
            self.sequence,
            self.message_key,
            self.sender_ori,
            self.destination,
            self.control,
            self.text,
        ]


# A message as the import holds it: a list of its CSV_HEADER values (timestamp aware, sequence
# an int), to which the import appends what it derives (copyload.COLUMNS). A list, not an
# object: the import makes millions, and a list is what the COPY writes.
Entry = list[Any]


BREAK_PREFIX = "the file breaks off here: "


def break_cause(error: BaseException) -> str:
    """What happened where a file stops being readable (`error`: what reading it raised: a
    gzip file cut short or damaged, a read error), in the reader's words, not Python's:
    "the compressed file is cut short: it ends before its end marker"."""
    if isinstance(error, EOFError):
        return "the compressed file is cut short: it ends before its end marker"
    if isinstance(error, zlib.error) or (
        isinstance(error, gzip.BadGzipFile) and "check failed" in str(error).lower()
    ):
        return "the compressed file is damaged: its content does not match its checksum"
    if isinstance(error, gzip.BadGzipFile):
        return "what follows is not gzip data"
    return f"the file could not be read further ({type(error).__name__})"


def broken_off(error: BaseException) -> str:
    """The reason given for the line where a file stops being readable: what happened
    (break_cause) and what to do. The words of the `import_switch_log` contract
    (docs/network-queries.md): "the file breaks off here: ... send the whole file again"."""
    return (
        f"{BREAK_PREFIX}{break_cause(error)}. The entries before this line are imported; "
        "send the whole file again (entries already imported are skipped)"
    )


def break_at(line: int, error: BaseException) -> BreakOff:
    """The rejection of line `line`, where reading raised `error` (broken_off, break_cause)."""
    return BreakOff(line, broken_off(error), break_cause(error))


def before_break(
    items: Iterable[Message | Rejection], broken: list[Rejection]
) -> Iterator[Message | Rejection]:
    """`items`, read from lines that may break off, one behind. `broken` is empty, or holds
    the break (a BreakOff) once the lines end. When they broke off, the last item read is
    left out: the break may have cut its entry (a text cut short would be stored so, and the
    whole entry, sent again, skipped as a duplicate), and the break is numbered at its first
    line. So every entry before the break's line is whole, and importing the whole file again
    stores what was left out (the contract's "The entries before this line are imported")."""
    held: Message | Rejection | None = None
    for item in items:
        if held is not None:
            yield held
        held = item
    if held is None:
        return
    if broken:
        broken[0] = replace(broken[0], line=held.line)
    else:
        yield held


def as_entries(items: Iterable[Message | Rejection]) -> Iterator[Entry | Rejection]:
    """Messages as their rows (Message.entry), rejections as they are."""
    for item in items:
        yield item if isinstance(item, Rejection) else item.entry()


def fields_of(text: str) -> dict[str, str]:
    """The `PREFIX/value` fields of a message's text (the first of each prefix), upper case."""
    found: dict[str, str] = {}
    for prefix, value in FIELD.findall(text.upper()):
        found.setdefault(prefix, value.strip())
    return found


@dataclass(frozen=True)
class Rejection:
    """A line or entry left out of the import: its (first) line number and why."""

    line: int
    reason: str


@dataclass(frozen=True)
class LateRejection(Rejection):
    """An entry or row of the journal's form refused only for its timestamp in the future
    (the switch's clock set wrong: InTheFuture): the file is a journal all the same, which
    uploads.py's look at a file's start needs to know."""


@dataclass(frozen=True)
class BreakOff(Rejection):
    """The line where the file stops being readable (break_at): `reason` as the contract
    words it (broken_off), `cause` what happened (break_cause), for the upload's page."""

    cause: str = ""


class BadJournal(ValueError):
    """The file cannot be read as a journal at all (a CSV header that is not CSV_HEADER)."""


class BadMessage(ValueError):
    """A message breaks the format; the message says how."""


class InTheFuture(BadMessage):
    """A message of the journal's form dated after latest_allowed()."""


def _rejected(line: int, error: BadMessage) -> Rejection:
    """The rejection of the entry or row at `line` for `error` (LateRejection for a date in
    the future)."""
    kind = LateRejection if isinstance(error, InTheFuture) else Rejection
    return kind(line, str(error))


def _timestamp(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadMessage(
            f"the timestamp {value[:40]!r} is not ISO 8601 (e.g. 2026-03-14T09:12:44-04:00)"
        ) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise BadMessage(f"the timestamp {value[:40]!r} has no UTC offset (e.g. -04:00)")
    if moment > latest_allowed():
        raise InTheFuture(
            f"the timestamp {value[:40]!r} is in the future (more than "
            f"{allowance_words()} after now): "
            "check the switch's clock, correct or remove the entry and import the file again"
        )
    return moment


def future_allowance() -> timedelta:
    """How far after the time of the import a message may be dated: the switch's clock and
    this server's may differ a little; a later message is refused (a clock set wrong, a typing
    error). Setting SWITCH_LOG_FUTURE_ALLOWANCE_SECONDS (default 300; checks.py refuses a
    negative value)."""
    return timedelta(seconds=settings.SWITCH_LOG_FUTURE_ALLOWANCE_SECONDS)


def allowance_words() -> str:
    """The allowance in words: "5 minutes", "90 seconds", "1 minute"."""
    seconds = int(future_allowance().total_seconds())
    if seconds % 60 == 0 and seconds:
        minutes = seconds // 60
        return f"{minutes} minute{'' if minutes == 1 else 's'}"
    return f"{seconds} second{'' if seconds == 1 else 's'}"


def latest_allowed() -> datetime:
    """The latest time a message may carry: now and the future allowance."""
    return datetime.now(UTC) + future_allowance()


def _sequence(value: str) -> int:
    if not value.isdigit() or int(value) >= MAX_SEQUENCE:
        raise BadMessage(f"the sequence {value[:40]!r} is not a message number (digits)")
    return int(value)


def _direction(value: str) -> str:
    value = value.upper()
    if value not in DIRECTIONS:
        raise BadMessage(f"the direction {value[:10]!r} is neither IN nor OUT")
    return value


def _address(key: str, sender: str, destination: str, control: str) -> tuple[str, ...]:
    key, sender, destination, control = (
        key.upper(),
        sender.upper(),
        destination.upper(),
        control.upper(),
    )
    if not KEY.match(key):
        raise BadMessage(f"the message key {key[:10]!r} is not a key such as DQ or RR")
    if not ORI.match(sender):
        raise BadMessage(f"the sender {sender[:20]!r} is not an ORI (9 letters or digits)")
    if not (ORI.match(destination) or STATE.match(destination)):
        raise BadMessage(
            f"the destination {destination[:20]!r} is neither an ORI nor a 2-letter state code"
        )
    if control and not CONTROL.match(control):
        raise BadMessage(f"the control field {control[:20]!r} is not letters or digits")
    return key, sender, destination, control


def _text(text: str) -> str:
    text = text.strip()
    if not text:
        raise BadMessage("the message has no text after TXT")
    if len(text) > MAX_TEXT:
        raise BadMessage(f"the text is longer than {MAX_TEXT:,} characters")
    return text


def _header(line: str) -> tuple[tuple[str, ...], str]:
    """`MKE.ORI.DEST[.CONTROL].TXT[text]` -> ((key, sender, destination, control), text
    after TXT on that line). A header without TXT gives the marker 'no TXT'."""
    parts = line.strip().split(".")
    for index, part in enumerate(parts):
        if index >= 3 and part.upper().startswith("TXT"):
            head, rest = parts[:index], ".".join(parts[index:])[3:]
            if len(head) > 4:
                break
            control = head[3] if len(head) == 4 else ""
            return _address(head[0], head[1], head[2], control), rest
    if len(parts) in (4, 5) and parts[-1] == "":
        head = parts[:-1]
        control = head[3] if len(head) == 4 else ""
        return _address(head[0], head[1], head[2], control), "\0no TXT"
    raise BadMessage(
        "the second line is not an Nlets header KEY.ORI.DESTINATION.TXT (e.g. DQ.DCICE0100.NY.TXT)"
    )


def parse_entry(start: int, lines: list[str]) -> Message:
    """One text-journal entry (its first line number and its lines). Raises BadMessage."""
    match = JOURNAL_LINE.match(lines[0].strip())
    if not match:
        raise BadMessage(
            "the entry does not start with a journal line TIMESTAMP IN|OUT SEQUENCE "
            "(e.g. 2026-03-14T09:12:44-04:00 IN 1042)"
        )
    timestamp = _timestamp(match.group(1))
    direction = _direction(match.group(2))
    sequence = _sequence(match.group(3))
    if len(lines) < 2:
        raise BadMessage("the entry has no Nlets message after its journal line")
    address, rest = _header(lines[1])
    body = lines[2:]
    if rest == "\0no TXT":
        if not body or body[0].strip().upper()[:3] != "TXT":
            raise BadMessage("the Nlets header is not followed by TXT")
        rest, body = body[0].strip()[3:], body[1:]
    text = _text("\n".join([rest.strip(), *body]) if rest.strip() else "\n".join(body))
    key, sender, destination, control = address
    return Message(start, timestamp, direction, sequence, key, sender, destination, control, text)


def parse_row(line: int, row: list[str]) -> Message:
    """One CSV row (CSV_HEADER's columns). Raises BadMessage."""
    if len(row) != len(CSV_HEADER):
        raise BadMessage(f"the row has {len(row)} columns, not {len(CSV_HEADER)}")
    stamp, direction, sequence, key, sender, destination, control, text = (
        value.strip() for value in row
    )
    key, sender, destination, control = _address(key, sender, destination, control)
    return Message(
        line,
        _timestamp(stamp),
        _direction(direction),
        _sequence(sequence),
        key,
        sender,
        destination,
        control,
        _text(text),
    )


def _decoded(lines: Iterable[bytes]) -> Iterator[tuple[int, str | None]]:
    """(line number, text without its line end), None for a line that is not UTF-8 text."""
    for number, raw in enumerate(lines, start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            yield number, None
            continue
        if number == 1:
            text = text.lstrip("\ufeff")
        yield number, text.rstrip("\r\n")


def _journal(numbered: Iterator[tuple[int, str | None]]) -> Iterator[Message | Rejection]:
    entry: list[str] = []
    start = 0
    not_text = 0  # the first line of the entry that is not UTF-8 text

    def flush() -> Message | Rejection:
        if not_text:
            return Rejection(start, f"line {not_text} of the entry is not UTF-8 text")
        try:
            return parse_entry(start, entry)
        except BadMessage as error:
            return _rejected(start, error)

    for number, text in numbered:
        bad = text is None or "\0" in text
        if not bad and not (text or "").strip():
            if entry or not_text:
                yield flush()
                entry, not_text = [], 0
            continue
        if entry and not bad and JOURNAL_LINE.match((text or "").strip()):
            # A new journal line without a blank line before it starts a new entry.
            yield flush()
            entry, not_text = [], 0
        if not entry and not not_text:
            start = number
        if bad:
            not_text = not_text or number
            entry.append("")
        else:
            entry.append(text or "")
    if entry or not_text:
        yield flush()


class _Lines:
    """The decoded lines for the csv module, remembering the number of each."""

    def __init__(self, numbered: Iterator[tuple[int, str | None]]) -> None:
        self.numbered = numbered
        self.number = 0
        self.bad: list[int] = []

    def __iter__(self) -> Iterator[str]:
        for number, text in self.numbered:
            self.number = number
            if text is None or "\0" in text:
                self.bad.append(number)
                text = ""
            yield text + "\n"


def _csv(numbered: Iterator[tuple[int, str | None]]) -> Iterator[Message | Rejection]:
    source = _Lines(numbered)
    reader = csv.reader(source)
    header_line = 0
    for row in reader:
        header_line = source.number
        if any(v.strip() for v in row):
            if [h.strip().lower() for h in row] != CSV_HEADER:
                raise BadJournal(
                    f"line {header_line}: the CSV header must be " + ",".join(CSV_HEADER)
                )
            break
    start = source.number + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield Rejection(start, f"the CSV row cannot be read ({error})")
            start = source.number + 1
            continue
        end = source.number
        if source.bad:
            yield Rejection(start, f"line {source.bad[0]} of the row is not UTF-8 text")
            source.bad.clear()
        elif any(v.strip() for v in row):
            try:
                yield parse_row(start, row)
            except BadMessage as error:
                yield _rejected(start, error)
        start = end + 1


def read_journal(lines: Iterable[bytes]) -> Iterator[Message | Rejection]:
    """Each message or rejection of the journal `lines` (bytes, e.g. an open binary file),
    in file order. The shape is told by the first non-empty line: a CSV header beginning
    `timestamp,`, else the text journal. Memory holds one entry at a time."""
    numbered = _decoded(lines)
    waiting: list[tuple[int, str | None]] = []
    for item in numbered:
        waiting.append(item)
        if item[1] is None or item[1].strip():
            break
    first = waiting[-1][1] if waiting else None
    chained = _chain(waiting, numbered)
    if first is not None and first.strip().lower().startswith("timestamp,"):
        return _csv(chained)
    return _journal(chained)


def _chain(
    head: list[tuple[int, str | None]], rest: Iterator[tuple[int, str | None]]
) -> Iterator[tuple[int, str | None]]:
    yield from head
    yield from rest
