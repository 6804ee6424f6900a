"""Writing chained records in SQL of our own: the head locked, the records inserted, the head
moved, three statements whatever the number of records (services._append calls them inside
its transaction).

Every page that shows case data writes its reads here before it shows them: fifty records for
a queue or a search page, one for a case page, a record per case for an export. Django's
`bulk_create` and `Model.save` compile their SQL and prepare each value field by field on every
call: about 1.8 ms of CPU for a page of fifty records, where these statements take about 0.8
(docs/performance.md). The values stored are the same: on PostgreSQL one `INSERT ... SELECT
FROM unnest(...)` of one array per column (as `bulk_create` itself sends them on PostgreSQL),
elsewhere (SQLite) `executemany`; times adapted by the connection as Django adapts them, the
detail as the JSON text Django's JSONField would store.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connection

from dmvrequests.audit.models import AuditChainHead, AuditRecord

RECORDS = AuditRecord._meta.db_table
HEAD = AuditChainHead._meta.db_table
# The record's columns in the order of `record_row`, with their PostgreSQL array types.
COLUMNS = (
    ("seq", "bigint"),
    ("occurred_at", "timestamptz"),
    ("kind", "text"),
    ("action", "text"),
    ("outcome", "text"),
    ("user_id", "bigint"),
    ("username", "text"),
    ("office", "text"),
    ("ip_address", "text"),
    ("object_type", "text"),
    ("object_id", "text"),
    ("case_number", "text"),
    ("detail", "text"),
    ("prev_hash", "text"),
    ("hash", "text"),
)
_NAMES = ", ".join(name for name, _ in COLUMNS)
_UNNEST_SQL = (
    f"INSERT INTO {RECORDS} ({_NAMES}) "  # noqa: S608  # nosec B608 - constant names
    f"SELECT {', '.join(f'c{n}::jsonb' if name == 'detail' else f'c{n}' for n, (name, _) in enumerate(COLUMNS))} "
    f"FROM unnest({', '.join(f'%s::{kind}[]' for _, kind in COLUMNS)}) "
    f"AS r({', '.join(f'c{n}' for n in range(len(COLUMNS)))})"
)
_VALUES_SQL = (
    f"INSERT INTO {RECORDS} ({_NAMES}) "  # noqa: S608  # nosec B608 - constant names
    f"VALUES ({', '.join(['%s'] * len(COLUMNS))})"
)
_LOCK_SQL = f"SELECT seq, hash FROM {HEAD} WHERE id = 1 FOR UPDATE"  # noqa: S608  # nosec B608
_MOVE_SQL = f"UPDATE {HEAD} SET seq = %s, hash = %s WHERE id = 1"  # noqa: S608  # nosec B608


def lock_head() -> tuple[int, str] | None:
    """(seq, hash) of the chain's head, its row locked until the transaction ends (`FOR
    UPDATE` on PostgreSQL; SQLite locks the whole database at the first write), or None when
    the row does not exist yet. Call it inside a transaction."""
    sql = (
        _LOCK_SQL if connection.features.has_select_for_update else _LOCK_SQL[: -len(" FOR UPDATE")]
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        found = cursor.fetchone()
    return (found[0], found[1]) if found else None


def record_row(record: AuditRecord) -> list[Any]:
    """The record's values in COLUMNS' order, as the database receives them."""
    return [
        record.seq,
        connection.ops.adapt_datetimefield_value(record.occurred_at),
        record.kind,
        record.action,
        record.outcome,
        record.user_id,
        record.username,
        record.office,
        record.ip_address,
        record.object_type,
        record.object_id,
        record.case_number,
        json.dumps(record.detail),
        record.prev_hash,
        record.hash,
    ]


def insert_records(records: Sequence[AuditRecord]) -> None:
    """INSERT `records` (new, their seq and hashes set) in one statement, and mark them saved.
    Raises DatabaseError as the database does (a seq already taken: IntegrityError)."""
    if not records:
        return
    rows = [record_row(record) for record in records]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_UNNEST_SQL, [list(column) for column in zip(*rows, strict=True)])
        else:
            cursor.executemany(_VALUES_SQL, rows)
    for record in records:
        record._state.adding = False
        record._state.db = connection.alias


def move_head(seq: int, hash_: str) -> None:
    """The head at (seq, hash_): the last record written."""
    with connection.cursor() as cursor:
        cursor.execute(_MOVE_SQL, [seq, hash_])
