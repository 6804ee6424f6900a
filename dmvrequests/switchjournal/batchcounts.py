"""Writing a batch of rows certainly new (PostgreSQL's fast import, fastimport.py): `copy_new`
COPYs them straight into the journal, and their daily and monthly counts, added up in Python
from the rows themselves, go to the rollups with one small COPY and two upserts.

The plain way (copyload.copy_insert) groups the rows an `INSERT ... RETURNING` gave back in SQL:
per message, a time zone conversion and six `count(*) FILTER` twice (daily and monthly), about
a third of PostgreSQL's time for a batch (docs/performance.md, "PostgreSQL's share"). Here the
rows are counted as they are (about a microsecond a row in Python) and PostgreSQL receives one
row per day, direction, party ORI and message key: about one row for every seven messages of
demo traffic. The sums are the same as the SQL's (rollups.PG_ADD_INSERTED and
pg_add_months, tested equal): the party is a query's sender and a response's destination;
agency and kind are those of the party, the same for every row of one party in one import.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import psycopg.copy
from django.db import IntegrityError, connection, transaction

from dmvrequests.switchjournal import rollups
from dmvrequests.switchjournal.copyload import (
    DESTINATION,
    DIRECTION,
    KEY,
    SENDER,
    TIMESTAMP,
    WITH_IDS,
)
from dmvrequests.switchjournal.models import DailyCount, Direction, JournalEntry
from dmvrequests.switchjournal.partitions import ensure_months

# Row indexes (copyload.COLUMNS) of the agency, its kind and the counted flags in rollups.SUMS'
# order: image, name_only, partial_plate, blocked, block_leak, carries_data.
AGENCY, KIND = 8, 9
FLAGS = (10, 11, 12, 13, 16, 15)
LOAD = "journal_counts_load"
# The PostgreSQL types of copyload.WITH_IDS' columns, for binary COPY.
BINARY_TYPES = [
    "timestamptz",
    *["varchar", "int8", "varchar", "varchar", "varchar", "varchar", "text"],
    *["int8", "varchar"],
    *["bool"] * 8,
    *["int8", "int8"],
]
# The types of rollups.COLUMNS in the counts' temporary table (the daily rollup's own), for
# binary COPY: day, direction, ORI, message key, agency id, kind, then the seven counts.
COUNT_TYPES = ["date", "varchar", "varchar", "varchar", "int8", "varchar", *["int4"] * 7]


class LocalDays:
    """The local date (`zone`) of aware datetimes, remembering the last day's bounds in UTC:
    rows come in time order, so most need two comparisons instead of a conversion. A day's
    bounds are its local midnights (a midnight that does not exist, a DST gap at 00:00,
    maps to the instant the day starts; a repeated one to its first occurrence)."""

    def __init__(self, zone: str) -> None:
        self.zone = ZoneInfo(zone)
        self.start = self.end = datetime.min.replace(tzinfo=UTC)
        self.day = date.min

    def of(self, moment: datetime) -> date:
        if self.start <= moment < self.end:
            return self.day
        day = moment.astimezone(self.zone).date()
        self.start = datetime.combine(day, time(0), self.zone).astimezone(UTC)
        self.end = datetime.combine(day + timedelta(days=1), time(0), self.zone).astimezone(UTC)
        self.day = day
        return day


def day_counts(rows: list[list[Any]], zone: str) -> list[list[Any]]:
    """The rollup rows of `rows` (copyload.COLUMNS order, or WITH_IDS'): one list per (local
    day, direction, party ORI, message key) in rollups.COLUMNS' order, agency and kind
    included, the counts summed."""
    days = LocalDays(zone)
    incoming = Direction.IN.value  # a plain str compares faster than the member
    counts: dict[tuple[Any, ...], list[Any]] = {}
    start, end, day = days.start, days.end, days.day
    for row in rows:
        query = row[DIRECTION] == incoming
        moment = row[TIMESTAMP]
        if not start <= moment < end:  # LocalDays.of's own test, without the call
            day = days.of(moment)
            start, end = days.start, days.end
        key = (
            day,
            row[DIRECTION],
            row[SENDER] if query else row[DESTINATION],
            row[KEY],
        )
        found = counts.get(key)
        if found is None:
            found = counts[key] = [*key, row[AGENCY], row[KIND], 0, 0, 0, 0, 0, 0, 0]
        found[6] += 1
        # Booleans add as 0 and 1: the flags in rollups.SUMS' order (FLAGS).
        found[7] += row[10]
        found[8] += row[11]
        found[9] += row[12]
        found[10] += row[13]
        found[11] += row[16]
        found[12] += row[15]
    return list(counts.values())


def add_counts(cursor: Any, counts: list[list[Any]]) -> None:
    """Add `counts` (day_counts' rows) to the daily rollup and, grouped by month, to the
    monthly one, on `cursor` in its transaction: binary COPY into a temporary table (psycopg
    formats each row in C: about a third of the text lines' Python time, which ran in the
    writer's thread beside the reading), then two `INSERT ... ON CONFLICT DO UPDATE`
    (rollups' own upserts)."""
    if not counts:
        return
    columns = ", ".join(rollups.COLUMNS)
    daily = DailyCount._meta.db_table
    cursor.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {LOAD} ON COMMIT DELETE ROWS AS "  # noqa: S608  # nosec B608
        f"SELECT {columns} FROM {daily} WITH NO DATA"
    )
    with cursor.copy(f"COPY {LOAD} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:  # nosec B608
        copy.set_types(COUNT_TYPES)
        for count in counts:
            copy.write_row(count)
    sums = ", ".join(f"sum({name})" for name in ["messages", *rollups.SUMS])
    # Table and column names from the models and rollups' constants: no input.
    cursor.execute(
        f"{rollups.insert_head()} SELECT {columns} FROM {LOAD} "  # noqa: S608  # nosec B608
        f"{rollups.upsert_tail()}"
    )
    cursor.execute(
        f"{rollups.insert_head(months=True)} SELECT date_trunc('month', day)::date, "  # noqa: S608  # nosec B608
        f"direction, ori, message_key, max(agency_id), max(agency_kind), {sums}, "
        f"min(day), max(day) FROM {LOAD} GROUP BY 1, 2, 3, 4 "
        f"{rollups.upsert_tail(months=True)}"
    )
    cursor.execute(f"TRUNCATE {LOAD}")


@dataclass(frozen=True)
class NewBatch:
    """A batch of new rows made ready to write (`prepare_new`): the rows (no longer changed by
    the import), the journal's months they fall in ((year, month), UTC), their rollup rows, the
    earliest row's time (UTC)."""

    rows: list[list[Any]]
    months: frozenset[tuple[int, int]]
    counts: list[list[Any]]
    earliest: datetime


def prepare_new(rows: list[list[Any]]) -> NewBatch:
    """The Python side of writing `rows` (copyload.WITH_IDS' values: ids given, matches made),
    done in the importing thread so that the writer's thread only waits for PostgreSQL."""
    first = min(rows, key=itemgetter(TIMESTAMP))[TIMESTAMP].astimezone(UTC)
    last = max(rows, key=itemgetter(TIMESTAMP))[TIMESTAMP].astimezone(UTC)
    # Every month from the first row's to the last's (a batch spans days: one or two).
    months = frozenset(
        divmod(number, 12)
        for number in range(first.year * 12 + first.month - 1, last.year * 12 + last.month)
    )
    return NewBatch(
        rows,
        frozenset((year, month + 1) for year, month in months),
        day_counts(rows, rollups.time_zone()),
        first,
    )


def copy_new(batch: NewBatch) -> int:
    """PostgreSQL: store a prepared batch of rows none of which is stored yet with one COPY
    straight into the journal (its month partitions created first), and add them to the daily
    and monthly rollups, in one transaction; the number stored. Raises IntegrityError (nothing
    stored) when one of them is stored after all."""
    if not batch.rows:
        return 0
    table = JournalEntry._meta.db_table
    columns = ", ".join(connection.ops.quote_name(c) for c in WITH_IDS)
    ensure_months(batch.months)
    with transaction.atomic(), connection.cursor() as cursor:
        try:
            # Binary COPY: psycopg formats each row in C (0.8 us a row where copyload's text
            # lines took 2.5 us), and the server parses no text (docs/performance.md).
            statement = f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)"  # nosec B608
            with cursor.copy(statement) as copy:
                copy.set_types(BINARY_TYPES)
                for row in batch.rows:
                    copy.write_row(row)
        except psycopg.errors.UniqueViolation as error:
            # COPY is not among the calls Django translates into its own errors.
            raise IntegrityError(str(error)) from error
        add_counts(cursor, batch.counts)
    return len(batch.rows)
