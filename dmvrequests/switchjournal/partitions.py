"""The journal's monthly partitions on PostgreSQL (declarative partitioning by range of
`timestamp`, one partition per calendar month in UTC). On SQLite the journal is one plain table
and these functions do nothing. docs/network-queries.md, "Scale"."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from django.db import connection, transaction

TABLE = "switchjournal_journalentry"
# What analyse_new_months samples: the columns the section's queries filter, group and join on
# (not the text, the control field, the sequence, ids), with a sample of 300 x this many rows
# instead of the server's default (100: 30,000 rows). What the planner needs of a month just
# imported is its size and the share of its flags; a month's full sample of every column took
# 0.13 s, this 0.02 s (docs/performance.md, "Fewer objects and waits per message"). A month
# changed much later (a late file) is analysed again by autovacuum, with the server's settings.
NEW_MONTH_STATISTICS = 20
ANALYSED = (
    '"timestamp", direction, message_key, sender_ori, destination, agency_id, agency_kind, '
    "image, name_only, partial_plate, blocked, answered, carries_data, block_leak, match_pending"
)


def partitioned() -> bool:
    return connection.vendor == "postgresql"


def _bounds(year: int, month: int) -> tuple[datetime, datetime]:
    start = datetime(year, month, 1, tzinfo=UTC)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    return start, end


def partition_name(year: int, month: int) -> str:
    return f"{TABLE}_p{year:04d}{month:02d}"


def ensure_months(months: Iterable[tuple[int, int]]) -> None:
    """Create the partitions of these (year, month) pairs (UTC) that do not exist yet."""
    if not partitioned():
        return
    with connection.cursor() as cursor:
        for year, month in sorted(set(months)):
            start, end = _bounds(year, month)
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {partition_name(year, month)} "  # nosec B608
                f"PARTITION OF {TABLE} FOR VALUES FROM (%s) TO (%s)",
                [start, end],
            )


def _partitions(cursor, *, never_analysed: bool = False) -> list[str]:
    """The names of the journal's partitions, sorted (`never_analysed`: only those that have no
    statistics yet, `reltuples` -1 until the first ANALYZE or VACUUM)."""
    cursor.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s "
        "AND (NOT %s OR c.reltuples < 0)",
        [TABLE, never_analysed],
    )
    return sorted(row[0] for row in cursor.fetchall())


def drop_months_before(cutoff: datetime) -> int:
    """Drop every partition whose whole month ends at or before `cutoff`; the number dropped."""
    if not partitioned():
        return 0
    with connection.cursor() as cursor:
        names = _partitions(cursor)
        dropped = 0
        for name in names:
            suffix = name.rsplit("_p", 1)[-1]
            if not (len(suffix) == 6 and suffix.isdigit()):
                continue
            _, end = _bounds(int(suffix[:4]), int(suffix[4:]))
            if end <= cutoff:
                cursor.execute(f"DROP TABLE {name}")  # nosec B608 - a name from the catalogue
                dropped += 1
    return dropped


def analyse_new_months(before: tuple[int, int] | None = None) -> list[str]:
    """ANALYZE the journal's partitions that were never analysed (the months an import has
    just created; with `before`, a (year, month) in UTC, only those of earlier months: the
    months an import has finished while it reads on, fastimport.Loader); their names. Until a
    partition has statistics the planner estimates one block leak in it and reads the
    section's leaks through the unique key rather than the partial index of leaks: over a
    second for a page right after a large import, before autovacuum comes by
    (docs/performance.md, "Cached figures"). A month that already had statistics is left to
    autovacuum."""
    if not partitioned():
        return []
    with transaction.atomic(), connection.cursor() as cursor:
        names = _partitions(cursor, never_analysed=True)
        if before is not None:
            names = [name for name in names if name < partition_name(*before)]
        if names:
            cursor.execute(f"SET LOCAL default_statistics_target = {NEW_MONTH_STATISTICS}")
        for name in names:
            cursor.execute(f"ANALYZE {name} ({ANALYSED})")  # nosec B608 - names from the catalogue
    return names
