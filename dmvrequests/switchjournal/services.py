"""Writes to the switch journal: importing a journal file, matching responses to their queries,
finding bursts, and attributing past messages again when the directory changes
(docs/network-queries.md; the rules are those of the journal's contract, restated there).

An import reads the file once, in batches of BATCH messages, each batch written in its own
transaction with `INSERT ... ON CONFLICT DO NOTHING` (a message already stored is a duplicate
and is not stored twice). Memory holds one batch, whatever the file's size.
"""

from __future__ import annotations

import zlib
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

from dmvrequests.agencies.directory import OriDirectory, ori_directory
from dmvrequests.switchjournal.models import Burst, Direction, JournalEntry
from dmvrequests.switchjournal.parsing import (
    ANSWERS,
    CSV_HEADER,
    NAME_ONLY_KEYS,
    ORI,
    Message,
    Rejection,
    read_journal,
)
from dmvrequests.switchjournal.partitions import drop_months_before, ensure_months, partitioned

BATCH = 1000  # SQLite: one multi-row INSERT; PostgreSQL: PG_BATCH rows a COPY
PG_BATCH = 20000
MATCH_CHUNK = 5000
REJECTED_SHOWN = 100
# The journal's own fields (the contract's CSV columns), then what the import derives.
COLUMNS = [
    *CSV_HEADER,
    "agency_id",
    "agency_kind",
    "image",
    "name_only",
    "partial_plate",
    "blocked",
    "answered",
    "carries_data",
    "block_leak",
    "match_pending",
]


@dataclass
class ImportSummary:
    """What one file gave: the fields of `import_switch_log --json`, in its order."""

    file: str
    entries: int = 0
    imported: int = 0
    duplicates: int = 0
    rejected_count: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def reject(self, rejection: Rejection) -> None:
        self.rejected_count += 1
        if len(self.rejected) < REJECTED_SHOWN:
            self.rejected.append({"line": rejection.line, "reason": rejection.reason})

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "entries": self.entries,
            "imported": self.imported,
            "duplicates": self.duplicates,
            "rejected_count": self.rejected_count,
            "rejected": self.rejected,
        }


def carries_data(text: str) -> bool:
    """True unless the response's text holds one of SWITCH_NO_DATA_PHRASES (any case)."""
    upper = text.upper()
    return not any(phrase.upper() in upper for phrase in settings.SWITCH_NO_DATA_PHRASES)


def _flags(message: Message) -> tuple[bool, bool, bool]:
    """(image, name_only, partial_plate) of a query."""
    fields = message.fields()
    key = message.message_key
    image = fields.get("IMQ", "") == "Y"
    name_only = key in NAME_ONLY_KEYS or (key == "DQ" and "NAM" in fields and "DOB" not in fields)
    plate = fields.get("LIC", "")
    partial = key == "RPQ" or "*" in plate or "?" in plate
    return image, name_only, partial


def _row(message: Message, directory: OriDirectory) -> list[Any]:
    """The COLUMNS values of `message`, its agency and flags worked out."""
    query = message.is_query
    party = message.sender_ori if query else message.destination
    agency = directory.attribute(party)
    image = name_only = partial = blocked = carries = leak = False
    if query:
        image, name_only, partial = _flags(message)
        blocked = directory.is_blocked(message.sender_ori, message.timestamp)
    else:
        carries = carries_data(message.text)
        leak = (
            carries
            and bool(ORI.match(message.destination))
            and directory.is_blocked(message.destination, message.timestamp)
        )
    stamp = JournalEntry._meta.get_field("timestamp").get_db_prep_value(
        message.timestamp, connection
    )
    return [
        stamp,
        message.direction,
        message.sequence,
        message.message_key,
        message.sender_ori,
        message.destination,
        message.control,
        message.text,
        agency.agency_id,
        agency.kind,
        image,
        name_only,
        partial,
        blocked,
        False,
        carries,
        leak,
        not query,
    ]


def _copy_insert(rows: list[list[Any]]) -> int:
    """PostgreSQL: COPY `rows` into a temporary table, then move the new ones into the
    journal (its month partitions created first); the number stored."""
    table = JournalEntry._meta.db_table
    columns = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    ensure_months({(row[0].astimezone(UTC).year, row[0].astimezone(UTC).month) for row in rows})
    with transaction.atomic(), connection.cursor() as cursor:
        empty = f"SELECT {columns} FROM {table} WITH NO DATA"  # noqa: S608  # nosec B608
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS journal_load ON COMMIT DELETE ROWS AS {empty}"
        )
        with cursor.copy(f"COPY journal_load ({columns}) FROM STDIN") as copy:  # nosec B608
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM journal_load "  # noqa: S608  # nosec B608
            "ON CONFLICT DO NOTHING"
        )
        stored = cursor.rowcount
        cursor.execute("TRUNCATE journal_load")
        return stored


def _insert(rows: list[list[Any]]) -> int:
    """Store `rows`, skipping those already stored; the number stored."""
    if not rows:
        return 0
    if partitioned():
        return _copy_insert(rows)
    table = connection.ops.quote_name(JournalEntry._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    one = "(" + ", ".join(["%s"] * len(COLUMNS)) + ")"
    values = ", ".join([one] * len(rows))
    # Fixed table and column names; the values are parameters.
    sql = f"INSERT INTO {table} ({columns}) VALUES {values} ON CONFLICT DO NOTHING RETURNING id"  # noqa: S608  # nosec B608
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])
        return len(cursor.fetchall())


def _guarded(lines: Iterable[bytes], broken: list[Rejection]) -> Iterable[bytes]:
    """The lines until the stream breaks (a truncated gzip file); the break goes in `broken`."""
    source = iter(lines)
    number = 0
    while True:
        try:
            line = next(source)
        except StopIteration:
            return
        except (OSError, EOFError, zlib.error) as error:
            reason = str(error) or type(error).__name__
            broken.append(Rejection(number + 1, f"the file breaks off here ({reason})"))
            return
        number += 1
        yield line


def journal_import(lines: Iterable[bytes], *, name: str) -> ImportSummary:
    """Import the journal `lines` (bytes, e.g. an open binary file) named `name` in the
    summary. Rejected lines are counted with their line numbers and never stop the file; a
    message already stored is counted as a duplicate. Then responses are matched, and the
    bursts of the file's senders worked out again. Raises parsing.BadJournal when a CSV
    journal's header is wrong (nothing is stored then)."""
    directory = ori_directory()
    summary = ImportSummary(file=name)
    batch: list[list[Any]] = []
    senders: set[str] = set()
    broken: list[Rejection] = []
    size = PG_BATCH if partitioned() else BATCH
    for item in read_journal(_guarded(lines, broken)):
        summary.entries += 1
        if isinstance(item, Rejection):
            summary.reject(item)
            continue
        if item.is_query:
            senders.add(item.sender_ori)
        batch.append(_row(item, directory))
        if len(batch) >= size:
            stored = _insert(batch)
            summary.imported += stored
            summary.duplicates += len(batch) - stored
            batch = []
    stored = _insert(batch)
    summary.imported += stored
    summary.duplicates += len(batch) - stored
    for rejection in broken:
        summary.reject(rejection)
    if summary.imported:
        journal_match_responses()
        journal_find_bursts(senders)
    return summary


# -- Responses ----------------------------------------------------------------------------------


def _pick_by_control(response: dict[str, Any], candidates: list[dict[str, Any]]) -> int | None:
    same = [
        c
        for c in candidates
        if c["control"] == response["control"] and c["sender_ori"] == response["destination"]
    ]
    earlier = [c for c in same if c["timestamp"] <= response["timestamp"]]
    chosen = max(earlier or same, key=lambda c: (c["timestamp"], c["id"]), default=None)
    return chosen["id"] if chosen else None


def _pick_by_time(
    response: dict[str, Any], candidates: list[dict[str, Any]], used: set[int], window: timedelta
) -> int | None:
    best = None
    for c in candidates:
        if (
            c["id"] not in used
            and ANSWERS.get(c["message_key"]) == response["message_key"]
            and response["timestamp"] - window <= c["timestamp"] <= response["timestamp"]
            and (best is None or (c["timestamp"], c["id"]) > (best["timestamp"], best["id"]))
        ):
            best = c
    return best["id"] if best else None


def _match_chunk(chunk: list[dict[str, Any]], window: timedelta) -> dict[int, int]:
    """{response id: query id} for a chunk of responses in time order."""
    destinations = {r["destination"] for r in chunk}
    fields = ("id", "timestamp", "message_key", "sender_ori", "control")
    queries = JournalEntry.objects.filter(direction=Direction.IN, sender_ori__in=destinations)
    by_time = queries.filter(
        answered=False,
        timestamp__gte=chunk[0]["timestamp"] - window,
        timestamp__lte=chunk[-1]["timestamp"],
    ).values(*fields)
    controls = {r["control"] for r in chunk if r["control"]}
    by_control = queries.filter(control__in=controls).values(*fields) if controls else []
    per_ori: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for query in by_time:
        per_ori[query["sender_ori"]].append(query)
    controlled: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for query in by_control:
        controlled[query["control"]].append(query)
    used: set[int] = set()
    matched: dict[int, int] = {}
    for response in chunk:
        if response["control"]:
            query_id = _pick_by_control(response, controlled[response["control"]])
        else:
            query_id = _pick_by_time(response, per_ori[response["destination"]], used, window)
        if query_id is not None:
            used.add(query_id)
            matched[response["id"]] = query_id
    return matched


def _set_queries(matched: dict[int, int]) -> None:
    """Write each response's query id in one statement (UPDATE ... FROM VALUES)."""
    if not matched:
        return
    table = connection.ops.quote_name(JournalEntry._meta.db_table)
    pairs = ", ".join(["(%s, %s)"] * len(matched))
    sql = (
        f"UPDATE {table} SET query_id = v.q FROM (SELECT column1 AS r, column2 AS q FROM (VALUES {pairs}) AS p) AS v "  # noqa: S608  # nosec B608
        f"WHERE {table}.id = v.r"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [n for pair in matched.items() for n in pair])


def journal_match_responses() -> int:
    """Match every response not yet looked at to its query: the query with the same control
    field sent by the response's destination; without a control field, the latest earlier
    unanswered query from that ORI whose key the response answers (DQ->DR, DNQ->DNR,
    RQ/RNQ->RR, RPQ->RPR) at most SWITCH_RESPONSE_WINDOW_MINUTES older. Returns the number
    matched."""
    window = timedelta(minutes=settings.SWITCH_RESPONSE_WINDOW_MINUTES)
    total = 0
    pending = JournalEntry.objects.filter(direction=Direction.OUT, match_pending=True)
    while True:
        rows = pending.order_by("timestamp", "id").values(
            "id", "timestamp", "message_key", "destination", "control"
        )[:MATCH_CHUNK]
        chunk: list[dict[str, Any]] = [dict(row) for row in rows]
        if not chunk:
            return total
        matched = _match_chunk(chunk, window)
        with transaction.atomic():
            _set_queries(matched)
            JournalEntry.objects.filter(pk__in=matched.values()).update(answered=True)
            JournalEntry.objects.filter(pk__in=[r["id"] for r in chunk]).update(match_pending=False)
        total += len(matched)


# -- Bursts -------------------------------------------------------------------------------------


def find_bursts(
    times: Iterable[datetime], *, window: timedelta, minimum: int
) -> Iterable[tuple[datetime, datetime, int]]:
    """The bursts among one ORI's query times (in time order): (start, last, count).

    A window opens at a query and holds every later query less than `window` after it; with at
    least `minimum` queries (the opening one included) it is a burst and the next window opens
    at the first query after it, otherwise at the next query. Memory holds one window."""
    held: deque[datetime] = deque()

    def close() -> Iterable[tuple[datetime, datetime, int]]:
        # The window opening at held[0] is complete.
        if len(held) >= minimum:
            yield held[0], held[-1], len(held)
            held.clear()
        else:
            held.popleft()

    for moment in times:
        while held and moment - held[0] >= window:
            yield from close()
        held.append(moment)
    while held:
        yield from close()


def journal_find_bursts(oris: Iterable[str]) -> None:
    """Work out again the bursts of each ORI in `oris` over all its queries."""
    window = timedelta(minutes=settings.SWITCH_BURST_WINDOW_MINUTES)
    minimum = settings.SWITCH_BURST_MIN_QUERIES
    for ori in sorted(set(oris)):
        times = (
            JournalEntry.objects.filter(direction=Direction.IN, sender_ori=ori)
            .order_by("timestamp", "id")
            .values_list("timestamp", flat=True)
            .iterator(chunk_size=10_000)
        )
        found = [
            Burst(ori=ori, start=start, end=last, queries=count)
            for start, last, count in find_bursts(times, window=window, minimum=minimum)
        ]
        with transaction.atomic():
            Burst.objects.filter(ori=ori).delete()
            Burst.objects.bulk_create(found)


# -- Attribution --------------------------------------------------------------------------------


def _during(intervals: list[tuple[datetime, datetime | None]]) -> Q:
    condition = Q(pk__in=[])
    for start, end in intervals:
        part = Q(timestamp__gte=start)
        if end is not None:
            part &= Q(timestamp__lt=end)
        condition |= part
    return condition


def _reattribute_party(directory: OriDirectory, ori: str, direction: str) -> None:
    column = "sender_ori" if direction == Direction.IN else "destination"
    rows = JournalEntry.objects.filter(direction=direction, **{column: ori})
    agency = directory.attribute(ori)
    rows.exclude(Q(agency_id=agency.agency_id) & Q(agency_kind=agency.kind)).update(
        agency_id=agency.agency_id, agency_kind=agency.kind
    )
    during = _during(directory.block_intervals(ori)) if ORI.match(ori) else Q(pk__in=[])
    flag = "blocked" if direction == Direction.IN else "block_leak"
    if direction == Direction.OUT:
        rows = rows.filter(carries_data=True)  # a refused response leaks nothing
    rows.filter(during).exclude(**{flag: True}).update(**{flag: True})
    rows.exclude(during).filter(**{flag: True}).update(**{flag: False})


def journal_reattribute() -> None:
    """Attribute every stored message again from the directory as it stands (agency, kind, the
    `blocked` flag of queries and the block leaks of responses): called when an agency's ORIs
    or a block changed."""
    directory = ori_directory()
    for direction, column in ((Direction.IN, "sender_ori"), (Direction.OUT, "destination")):
        oris = (
            JournalEntry.objects.filter(direction=direction)
            .values_list(column, flat=True)
            .distinct()
        )
        for ori in list(oris):
            _reattribute_party(directory, ori, direction)


# -- Retention ----------------------------------------------------------------------------------


def journal_apply_retention(now: datetime | None = None) -> datetime:
    """Remove the messages and bursts older than RETENTION_SWITCH_LOG_DAYS before `now`
    (default: now): on PostgreSQL whole monthly partitions first, then the rows left before the
    cut in the month that straddles it. Returns the cut."""
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(days=settings.RETENTION_SWITCH_LOG_DAYS)
    with transaction.atomic():
        drop_months_before(cutoff)
        JournalEntry.objects.filter(timestamp__lt=cutoff).delete()
        Burst.objects.filter(start__lt=cutoff).delete()
    return cutoff
