"""Writes to the switch journal: importing a journal file, matching responses to their queries,
finding bursts, and attributing past messages again when the directory changes
(docs/network-queries.md; the rules are those of the journal's contract, restated there).

An import reads the file once, in batches of BATCH messages (PG_BATCH on PostgreSQL), each
batch written in its own transaction (fastimport.Loader): on PostgreSQL, when the file is newer
than what is stored, with `COPY` and its responses matched while reading, each batch written
by a second thread while the next is read (batchwriter.py; SWITCH_IMPORT_OVERLAP); otherwise
with `INSERT ... ON CONFLICT DO NOTHING` (a message already stored is a duplicate and is not
stored twice) and the responses matched afterwards. Memory holds two batches at most (the one
being written, the one being read), whatever the file's size.
"""

from __future__ import annotations

import gc
import threading
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any, BinaryIO, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Q

from dmvrequests.agencies.directory import OriDirectory, ori_directory
from dmvrequests.switchjournal import generation, rollups
from dmvrequests.switchjournal.alerts import import_alerts
from dmvrequests.switchjournal.copyload import (
    COLUMNS,
    DESTINATION,
    DIRECTION,
    KEY,
    SENDER,
    TEXT,
    TIMESTAMP,
    copy_insert,
)
from dmvrequests.switchjournal.fastimport import Loader, import_lock
from dmvrequests.switchjournal.fastjournal import read_stream
from dmvrequests.switchjournal.matching import pick_by_control, pick_by_time
from dmvrequests.switchjournal.models import (
    Burst,
    DailyCount,
    Direction,
    JournalEntry,
    MonthlyCount,
)
from dmvrequests.switchjournal.parsing import (
    ANSWERS,
    NAME_ONLY_KEYS,
    ORI,
    BreakOff,
    Entry,
    Rejection,
    as_entries,
    before_break,
    break_at,
    fields_of,
    read_journal,
)
from dmvrequests.switchjournal.partitions import (
    analyse_new_months,
    drop_months_before,
    partitioned,
)

BATCH = 1000  # SQLite: one multi-row INSERT; PostgreSQL: PG_BATCH rows a COPY
PG_BATCH = 20000
MATCH_CHUNK = 20000
REJECTED_SHOWN = 100


@dataclass
class ImportSummary:
    """What one file gave: the fields of `import_switch_log --json`, in its order (as_dict),
    and `broken_off`: where the file stopped being readable, `{"line": N, "cause": "..."}`
    (parsing.BreakOff), None for a whole file. The break is also one of the rejected lines,
    as the command's contract says; `broken_off` is kept apart, out of the command's output,
    for the upload's page (uploads.py), which must say so even past the first 100 rejected."""

    file: str
    entries: int = 0
    imported: int = 0
    duplicates: int = 0
    rejected_count: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    broken_off: dict[str, Any] | None = None

    def reject(self, rejection: Rejection) -> None:
        self.rejected_count += 1
        if len(self.rejected) < REJECTED_SHOWN:
            self.rejected.append({"line": rejection.line, "reason": rejection.reason})
        if isinstance(rejection, BreakOff):
            self.broken_off = {"line": rejection.line, "cause": rejection.cause}

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "entries": self.entries,
            "imported": self.imported,
            "duplicates": self.duplicates,
            "rejected_count": self.rejected_count,
            "rejected": self.rejected,
        }


def carries_data(text: str, phrases: tuple[str, ...] | None = None) -> bool:
    """True unless the response's text holds one of SWITCH_NO_DATA_PHRASES (any case);
    `phrases`, upper case, when the caller read the setting already. A plain loop of `in`
    over the upper-cased text once: 0.35 us a response where any() over a generator took
    1.0 us and one alternation regex 0.8 us (docs/performance.md)."""
    upper = text.upper()
    for phrase in no_data_phrases() if phrases is None else phrases:
        if phrase in upper:
            return False
    return True


def no_data_phrases() -> tuple[str, ...]:
    return tuple(phrase.upper() for phrase in settings.SWITCH_NO_DATA_PHRASES)


def _flags(key: str, text: str) -> tuple[bool, bool, bool]:
    """(image, name_only, partial_plate) of a query of message key `key` and text `text`
    (docs/network-queries.md, the flags)."""
    upper = text.upper()
    # A text holding none of these has no field that sets a flag (parsing.FIELD: a prefix,
    # then "/"): its fields need not be read (most queries give a licence or plate number).
    # A plate (LIC) sets one only with a wildcard, "*" or "?", somewhere in the text.
    if (
        "IMQ/" not in upper
        and "NAM/" not in upper
        and ("LIC/" not in upper or ("*" not in upper and "?" not in upper))
    ):
        return False, key in NAME_ONLY_KEYS, key == "RPQ"
    fields = fields_of(text)
    image = fields.get("IMQ", "") == "Y"
    name_only = key in NAME_ONLY_KEYS or (key == "DQ" and "NAM" in fields and "DOB" not in fields)
    plate = fields.get("LIC", "")
    partial = key == "RPQ" or "*" in plate or "?" in plate
    return image, name_only, partial


def _row(
    entry: Entry,
    directory: OriDirectory,
    phrases: tuple[str, ...] | None,
    parties: dict[str, tuple[int | None, str, bool]],
) -> Entry:
    """`entry` (a message's row, parsing.Entry) made the import's row: the COLUMNS values after
    the journal's own, its agency and flags worked out, appended in place (`phrases`: the
    no-data phrases, upper case, read once per import; `parties`: the import's own cache of
    each party's (agency id, kind, ever blocked), filled here: a file names a few thousand
    ORIs for millions of messages)."""
    query = entry[DIRECTION] == "IN"
    party = entry[SENDER] if query else entry[DESTINATION]
    known = parties.get(party)
    if known is None:
        agency = directory.attribute(party)
        # An ORI never blocked (most of them) needs no look at the time.
        ever = bool(ORI.match(party)) and bool(directory.block_intervals(party))
        known = parties[party] = (agency.agency_id, agency.kind, ever)
    agency_id, kind, ever_blocked = known
    if query:
        image, name_only, partial = _flags(entry[KEY], entry[TEXT])
        blocked = ever_blocked and directory.is_blocked(party, entry[TIMESTAMP])
        entry += (agency_id, kind, image, name_only, partial, blocked, False, False, False, False)
    else:
        carries = carries_data(entry[TEXT], phrases)
        leak = carries and ever_blocked and directory.is_blocked(party, entry[TIMESTAMP])
        entry += (agency_id, kind, False, False, False, False, False, carries, leak, True)
    return entry


def _insert(rows: list[list[Any]]) -> int:
    """Store `rows`, skipping those already stored; the number stored."""
    if not rows:
        return 0
    if partitioned():
        stored = copy_insert(rows)
        if stored:
            generation.bump()  # after the batch is stored: the cached figures are stale
        return stored
    table = connection.ops.quote_name(JournalEntry._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    one = "(" + ", ".join(["%s"] * len(COLUMNS)) + ")"
    values = ", ".join([one] * len(rows))
    # Fixed table and column names; the values are parameters.
    sql = f"INSERT INTO {table} ({columns}) VALUES {values} ON CONFLICT DO NOTHING RETURNING id"  # noqa: S608  # nosec B608
    params = [value for row in rows for value in [_sqlite_time(row[0]), *row[1:]]]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [row[0] for row in cursor.fetchall()]
        if ids:
            rollups.add_entries(JournalEntry.objects.filter(pk__in=ids))
            generation.bump()  # in the batch's transaction: the cached figures are stale
        return len(ids)


def _sqlite_time(moment: datetime) -> str:
    """As Django stores an aware time on SQLite: naive UTC, `YYYY-MM-DD HH:MM:SS[.ffffff]`."""
    return str(moment.astimezone(UTC).replace(tzinfo=None))


def _guarded(lines: Iterable[bytes], broken: list[Rejection]) -> Iterable[bytes]:
    """The lines until the stream breaks (a truncated gzip file, a read error); the break goes
    in `broken` (parsing.BreakOff, numbered as the line that could not be read)."""
    source = iter(lines)
    number = 0
    while True:
        try:
            line = next(source)
        except StopIteration:
            return
        except (OSError, EOFError, zlib.error) as error:
            broken.append(break_at(number + 1, error))
            return
        number += 1
        yield line


GC_YOUNG = 100_000  # allocations between two collections of the young generation, on import


# Imports under way in this process (two can overlap in threads where there is no import lock:
# SQLite) and the collector's settings the first of them found.
_collections_lock = threading.Lock()
_collections: dict[str, Any] = {"imports": 0, "thresholds": None, "frozen_before": 0}


@contextmanager
def _few_collections() -> Iterator[None]:
    """Python's cyclic garbage collector made to run seldom while a file is read. An import
    allocates several containers per message (its row, its match), nearly all freed at once by
    their reference count; at the default threshold (700) the collector ran every few dozen
    messages and, every tenth time, walked every object in flight, Django's own included: about
    a third of the import's CPU (measured on 500,000 entries). Here the objects alive before
    the import are frozen (gc.freeze: never walked) and the young generation is collected
    every GC_YOUNG allocations, so a reference cycle made meanwhile is still freed; the
    thresholds and the frozen objects are given back at the end, whatever happened (in a
    process that had frozen objects itself, a server preloading its code, those frozen here
    stay frozen: unfreezing would unfreeze the server's too). Imports that overlap in one
    process share this: the first one in sets it, the last one out gives it back."""
    with _collections_lock:
        if not _collections["imports"]:
            thresholds = gc.get_threshold()
            _collections.update(thresholds=thresholds, frozen_before=gc.get_freeze_count())
            gc.freeze()
            gc.set_threshold(GC_YOUNG, thresholds[1], thresholds[2])
        _collections["imports"] += 1
    try:
        yield
    finally:
        with _collections_lock:
            _collections["imports"] -= 1
            if not _collections["imports"]:
                gc.set_threshold(*_collections["thresholds"])
                if not _collections["frozen_before"]:
                    gc.unfreeze()


def journal_import(
    lines: Iterable[bytes],
    *,
    name: str,
    on_batch: Callable[[ImportSummary], None] | None = None,
    match_while_reading: bool = True,
) -> ImportSummary:
    """Import the journal `lines` (bytes; an open binary file is read in blocks, the fast
    way) named `name` in the summary. Rejected lines are counted with their line numbers and
    never stop the file; a message already stored is counted as a duplicate. Responses are
    matched (on PostgreSQL while the file is read when that gives the same matches:
    fastimport.py; `match_while_reading=False` always matches afterwards), the bursts of the
    file's senders worked out again, and counsel and administrators alerted (alerts.py).
    `on_batch(summary)`, when given, is called after each stored batch (for a progress bar: the
    summary's counts so far; the stream's position tells how far the file is read). Raises
    parsing.BadJournal when a CSV journal's header is wrong (nothing is stored then)."""
    phrases = no_data_phrases()
    summary = ImportSummary(file=name)
    senders: set[str] = set()
    broken: list[Rejection] = []
    items = (
        read_stream(cast(BinaryIO, lines))
        if hasattr(lines, "read")
        else as_entries(before_break(read_journal(_guarded(lines, broken)), broken))
    )
    with import_lock():  # one import at a time, from its first read to its alerts
        directory = ori_directory()
        after_id = JournalEntry.objects.aggregate(last=Max("id"))["last"] or 0
        loader = Loader(
            PG_BATCH if partitioned() else BATCH,
            _insert,
            fast=match_while_reading,
            # A second connection neither sees nor rolls back with the caller's transaction.
            overlap=(
                settings.SWITCH_IMPORT_OVERLAP and partitioned() and not connection.in_atomic_block
            ),
        )
        with _few_collections():
            try:
                earliest = _load(items, loader, summary, senders, directory, phrases, on_batch)
            finally:
                loader.close()
        for rejection in broken:
            summary.reject(rejection)
        if summary.imported:
            journal_match_responses()  # what the fast path left (nothing when it held)
            loader.final_walk(senders, earliest)
            new_bursts = loader.walks.new()
            import_alerts(after_id=after_id, new_bursts=new_bursts, name=name)
            analyse_new_months()  # the section's first page after a large import
    return summary


def _load(
    items: Iterable[Entry | Rejection],
    loader: Loader,
    summary: ImportSummary,
    senders: set[str],
    directory: OriDirectory,
    phrases: tuple[str, ...],
    on_batch: Callable[[ImportSummary], None] | None = None,
) -> datetime | None:
    """Hand every message of `items` to `loader` as its row (_row, with `directory` and the
    no-data `phrases`), count rejections and what each written batch stored in `summary`,
    note the queries' senders; the time of the earliest query (None without queries)."""
    earliest: datetime | None = None
    parties: dict[str, tuple[int | None, str, bool]] = {}
    # Once per message: the count kept in a local and written to the summary when a batch is
    # reported and at the end.
    entries = summary.entries
    add = loader.add
    for item in items:
        entries += 1
        if isinstance(item, Rejection):
            summary.reject(item)
            continue
        if item[DIRECTION] == "IN":
            senders.add(item[SENDER])
            if earliest is None or item[TIMESTAMP] < earliest:
                earliest = item[TIMESTAMP]
        stored = add(_row(item, directory, phrases, parties))
        if stored is not None:
            summary.entries = entries
            _count(summary, stored)
            if on_batch is not None:
                on_batch(summary)
    summary.entries = entries
    _count(summary, loader.finish())
    return earliest


def _count(summary: ImportSummary, stored: tuple[int, int]) -> None:
    summary.imported += stored[0]
    summary.duplicates += stored[1]


# -- Responses ----------------------------------------------------------------------------------


def _match_chunk(
    chunk: list[dict[str, Any]], window: timedelta
) -> tuple[dict[int, int], dict[int, datetime]]:
    """({response id: query id}, {query id: its timestamp}) for a chunk of responses in time
    order."""
    destinations = {r["destination"] for r in chunk}
    fields = ("id", "timestamp", "message_key", "sender_ori", "control")
    queries = JournalEntry.objects.filter(direction=Direction.IN, sender_ori__in=destinations)
    by_time = list(
        queries.filter(
            answered=False,
            timestamp__gte=chunk[0]["timestamp"] - window,
            timestamp__lte=chunk[-1]["timestamp"],
        )
        .order_by("timestamp", "id")
        .values(*fields)
    )
    controls = {r["control"] for r in chunk if r["control"]}
    by_control = list(queries.filter(control__in=controls).values(*fields)) if controls else []
    answering: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for query in by_time:
        answer = ANSWERS.get(query["message_key"])
        if answer:
            answering[(query["sender_ori"], answer)].append(query)
    controlled: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for query in by_control:
        controlled[query["control"]].append(query)
    times = {query["id"]: query["timestamp"] for query in by_time}
    times.update((query["id"], query["timestamp"]) for query in by_control)
    used: set[int] = set()
    matched: dict[int, int] = {}
    for response in chunk:
        if response["control"]:
            query = pick_by_control(response, controlled[response["control"]])
        else:
            candidates = answering.get((response["destination"], response["message_key"]), [])
            query = pick_by_time(response, candidates, used, window)
        if query is not None:
            used.add(query["id"])
            matched[response["id"]] = query["id"]
    return matched, times


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
        matched, times = _match_chunk(chunk, window)
        with transaction.atomic():
            if partitioned():
                _pg_write_matches(chunk, matched, times)
            else:
                _set_queries(matched)
                JournalEntry.objects.filter(pk__in=matched.values()).update(answered=True)
                JournalEntry.objects.filter(pk__in=[r["id"] for r in chunk]).update(
                    match_pending=False
                )
            generation.bump()
        total += len(matched)


def _pg_write_matches(
    chunk: list[dict[str, Any]], matched: dict[int, int], times: dict[int, datetime]
) -> None:
    """PostgreSQL: the chunk's matches COPYed into a temporary table, then two UPDATE joins
    by the journal's primary key (id, timestamp): responses get their query and are no longer
    pending, queries are answered."""
    table = JournalEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS journal_match "
            "(r bigint, rt timestamptz, q bigint, qt timestamptz) ON COMMIT DELETE ROWS"
        )
        with cursor.copy("COPY journal_match (r, rt, q, qt) FROM STDIN") as copy:
            for response in chunk:
                query = matched.get(response["id"])
                copy.write_row(
                    (response["id"], response["timestamp"], query, times.get(query or 0))
                )
        cursor.execute("ANALYZE journal_match")
        cursor.execute(
            f"UPDATE {table} AS j SET match_pending = false, query_id = m.q "  # noqa: S608  # nosec B608
            "FROM journal_match AS m WHERE j.id = m.r AND j.timestamp = m.rt"
        )
        cursor.execute(
            f"UPDATE {table} AS j SET answered = true FROM journal_match AS m "  # noqa: S608  # nosec B608
            "WHERE m.q IS NOT NULL AND j.id = m.q AND j.timestamp = m.qt"
        )


# -- Attribution --------------------------------------------------------------------------------


def _during(intervals: list[tuple[datetime, datetime | None]]) -> Q:
    condition = Q(pk__in=[])
    for start, end in intervals:
        part = Q(timestamp__gte=start)
        if end is not None:
            part &= Q(timestamp__lt=end)
        condition |= part
    return condition


def _reattribute_party(directory: OriDirectory, ori: str, direction: str) -> bool:
    """Attribute again the messages of `ori` in `direction`; True when any changed."""
    column = "sender_ori" if direction == Direction.IN else "destination"
    rows = JournalEntry.objects.filter(direction=direction, **{column: ori})
    agency = directory.attribute(ori)
    changed = rows.exclude(Q(agency_id=agency.agency_id) & Q(agency_kind=agency.kind)).update(
        agency_id=agency.agency_id, agency_kind=agency.kind
    )
    during = _during(directory.block_intervals(ori)) if ORI.match(ori) else Q(pk__in=[])
    flag = "blocked" if direction == Direction.IN else "block_leak"
    if direction == Direction.OUT:
        rows = rows.filter(carries_data=True)  # a refused response leaks nothing
    changed += rows.filter(during).exclude(**{flag: True}).update(**{flag: True})
    changed += rows.exclude(during).filter(**{flag: True}).update(**{flag: False})
    return changed > 0


def _concerned(ori: str, values: list[str] | None) -> bool:
    """True when `values` is None (every ORI) or `ori` is one of them or starts with the
    prefix of one of their patterns (`DCICE*`)."""
    if values is None:
        return True
    return any(ori == v or (v.endswith("*") and ori.startswith(v[:-1])) for v in values)


def journal_reattribute(values: list[str] | None = None) -> None:
    """Attribute the stored messages again from the directory as it stands (agency, kind, the
    `blocked` flag of queries and the block leaks of responses, over their whole history, so
    from any block's date), and count again the daily rollup of the ORIs that changed: called
    when an agency's ORIs or a block changed. `values`: the ORIs and ORI patterns concerned
    (upper case; None, every ORI in the journal)."""
    directory = ori_directory()
    values = None if values is None else [v.upper() for v in values]
    # One transaction for both directions: queries and responses are attributed again
    # together or not at all. The journal's rows first, then the rollups, then the generation:
    # the order an import's batch takes its locks in, so that the two cannot deadlock.
    with transaction.atomic():
        changed = {
            direction: [
                ori
                for ori in DailyCount.objects.filter(direction=direction)
                .values_list("ori", flat=True)
                .distinct()
                if _concerned(ori, values) and _reattribute_party(directory, ori, direction)
            ]
            for direction in (Direction.IN, Direction.OUT)
        }
        for direction, oris in changed.items():
            rollups.refill_parties(direction, oris)
        generation.bump()  # names, kinds and blocks of the figures may have changed


# -- Retention ----------------------------------------------------------------------------------


def journal_apply_retention(now: datetime | None = None) -> datetime:
    """Remove the messages and bursts older than RETENTION_SWITCH_LOG_DAYS before `now`
    (default: now): on PostgreSQL whole monthly partitions first, then the rows left before the
    cut in the month that straddles it. Returns the cut."""
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(days=settings.RETENTION_SWITCH_LOG_DAYS)
    cutoff_zone = ZoneInfo(rollups.time_zone())
    day = cutoff.astimezone(cutoff_zone).date()
    with transaction.atomic():
        drop_months_before(cutoff)
        JournalEntry.objects.filter(timestamp__lt=cutoff).delete()
        Burst.objects.filter(start__lt=cutoff).delete()
        DailyCount.objects.filter(day__lt=day).delete()
        # The day of the cut keeps the messages after it; its month, the days after the cut.
        day_end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=cutoff_zone)
        rollups.refill(Q(timestamp__gte=cutoff, timestamp__lt=day_end), Q(day=day))
        MonthlyCount.objects.filter(month__lt=day.replace(day=1)).delete()
        rollups.months_from_days(day.replace(day=1))
        generation.bump()
    return cutoff
