"""Writing chained records in SQL of our own: the head locked, the records inserted, the head
moved, three statements whatever the number of records (services._append calls them inside
its transaction).

Every page that shows case data writes its reads here before it shows them: fifty records for
a queue or a search page, one for a case page, a record per case for an export. Django's
`bulk_create` and `Model.save` compile their SQL and prepare each value field by field on every
call: about 1.8 ms of CPU for a page of fifty records, where these statements take about 0.4
(docs/performance.md). The values stored are the same: on PostgreSQL one `INSERT ... SELECT
FROM json_populate_recordset(...)` of one JSON array of the records (an array per column, as
`bulk_create` sends them, cost twice as much: psycopg quotes each value in Python), elsewhere
(SQLite) `executemany`, times adapted by the connection as Django adapts them and the detail
as the JSON text Django's JSONField would store.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection

from dmvrequests.audit.chain import HASHED_FIELDS
from dmvrequests.audit.models import AuditChainHead, AuditRecord

RECORDS = AuditRecord._meta.db_table
HEAD = AuditChainHead._meta.db_table
# The record's columns, in the order of `record_row`: the hashed ones and the hash.
COLUMNS = (*HASHED_FIELDS, "hash")
_NAMES = ", ".join(COLUMNS)
# PostgreSQL makes the rows of one JSON array of objects, each column from its key: one text
# parameter, where an array per column cost psycopg a quoting per value in Python.
_JSON_SQL = (
    f"INSERT INTO {RECORDS} ({_NAMES}) "  # noqa: S608  # nosec B608 - constant names
    f"SELECT {_NAMES} FROM json_populate_recordset(NULL::{RECORDS}, %s::json)"
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


def record_object(row: Mapping[str, Any]) -> dict[str, Any]:
    """The record `row` (its columns by name) as one object of the JSON array PostgreSQL
    reads: the time in ISO 8601 with its UTC offset and microseconds, the detail as JSON."""
    values = {name: row[name] for name in COLUMNS}
    values["occurred_at"] = row["occurred_at"].isoformat()
    return values


def record_row(row: Mapping[str, Any]) -> list[Any]:
    """The record `row`'s values in COLUMNS' order as executemany sends them: the time adapted
    by the connection, the detail as JSON text."""
    values = record_object(row)
    values["occurred_at"] = connection.ops.adapt_datetimefield_value(row["occurred_at"])
    values["detail"] = json.dumps(row["detail"])
    return [values[name] for name in COLUMNS]


def insert_rows(rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT the records `rows` (each a mapping of every name in COLUMNS to its value, seq and
    hashes set) in one statement. Raises DatabaseError as the database does (a seq already
    taken: IntegrityError)."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_JSON_SQL, [json.dumps([record_object(row) for row in rows])])
        else:
            cursor.executemany(_VALUES_SQL, [record_row(row) for row in rows])


def stored_record(row: Mapping[str, Any]) -> AuditRecord:
    """The AuditRecord of a row insert_rows wrote (not to be saved again)."""
    record = AuditRecord(**row)
    record._state.adding = False
    record._state.db = connection.alias
    return record


def move_head(seq: int, hash_: str) -> None:
    """The head at (seq, hash_): the last record written."""
    with connection.cursor() as cursor:
        cursor.execute(_MOVE_SQL, [seq, hash_])
