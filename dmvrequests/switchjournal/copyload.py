"""Loading journal rows on PostgreSQL with `COPY` (docs/network-queries.md, "Scale").

A row is a list of COLUMNS' values (services._row builds it), or of WITH_IDS' values: the
fast import (fastimport.py) gives each row its id and its query's id, and writes its batches
with batchcounts.copy_new (binary COPY straight into the journal). `copy_insert` is the plain
way: it COPYs rows into a temporary table, then one statement moves those not stored yet into
the journal (the unique key skips duplicates) and adds them to the daily and monthly rollups.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.db import connection, transaction

from dmvrequests.switchjournal import rollups
from dmvrequests.switchjournal.models import JournalEntry
from dmvrequests.switchjournal.parsing import CSV_HEADER
from dmvrequests.switchjournal.partitions import ensure_months

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
WITH_IDS = [*COLUMNS, "id", "query_id"]
# Indexes of a row's values.
TIMESTAMP, DIRECTION, SEQUENCE, KEY, SENDER, DESTINATION, CONTROL, TEXT = range(8)
ANSWERED, MATCH_PENDING, ID, QUERY_ID = 14, 17, 18, 19

_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})
_BOOLEANS = {True: "t", False: "f"}


def _escaped(text: str) -> str:
    if "\\" in text or "\n" in text or "\t" in text or "\r" in text:
        return text.translate(_ESCAPES)
    return text


def _copy_line(row: list[Any]) -> str:
    """One row in COPY's text format (COLUMNS' or WITH_IDS' order). The parser has checked every
    field but the text (no tab, no line end); the text is escaped."""
    b = _BOOLEANS
    agency = "\\N" if row[8] is None else str(row[8])
    ids = ""
    if len(row) > MATCH_PENDING + 1:
        query = "\\N" if row[QUERY_ID] is None else row[QUERY_ID]
        ids = f"\t{row[ID]}\t{query}"
    return (
        f"{row[0].isoformat()}\t{row[1]}\t{row[2]}\t{row[3]}\t{row[4]}\t{row[5]}\t{row[6]}\t"
        f"{_escaped(row[7])}\t{agency}\t{row[9]}\t{b[row[10]]}\t{b[row[11]]}\t"
        f"{b[row[12]]}\t{b[row[13]]}\t{b[row[14]]}\t{b[row[15]]}\t{b[row[16]]}\t{b[row[17]]}"
        f"{ids}\n"
    )


def copy_insert(rows: list[list[Any]]) -> int:
    """PostgreSQL: COPY `rows` (all of COLUMNS' or all of WITH_IDS' length) into a temporary
    table, then move the new ones into the journal (its month partitions created first) and
    add them to the daily and monthly rollups, skipping those already stored; the number
    stored."""
    if not rows:
        return 0
    table = JournalEntry._meta.db_table
    names = WITH_IDS if len(rows[0]) == len(WITH_IDS) else COLUMNS
    load = "journal_load_ids" if names is WITH_IDS else "journal_load"
    columns = ", ".join(connection.ops.quote_name(c) for c in names)
    ensure_months({(row[0].astimezone(UTC).year, row[0].astimezone(UTC).month) for row in rows})
    with transaction.atomic(), connection.cursor() as cursor:
        empty = f"SELECT {columns} FROM {table} WITH NO DATA"  # noqa: S608  # nosec B608
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {load} ON COMMIT DELETE ROWS AS {empty}")
        with cursor.copy(f"COPY {load} ({columns}) FROM STDIN") as copy:  # nosec B608
            copy.write("".join(map(_copy_line, rows)))
        cursor.execute(
            f"WITH stored AS (INSERT INTO {table} ({columns}) SELECT {columns} "  # noqa: S608  # nosec B608
            f"FROM {load} ON CONFLICT DO NOTHING "
            f"RETURNING {rollups.PG_RETURNED}), "
            f"counted AS ({rollups.PG_ADD_INSERTED}), "
            f"months AS ({rollups.pg_add_months()}) SELECT count(*) FROM stored",
            [rollups.time_zone(), rollups.time_zone()],
        )
        stored = cursor.fetchone()[0]
        cursor.execute(f"TRUNCATE {load}")
        return int(stored)
