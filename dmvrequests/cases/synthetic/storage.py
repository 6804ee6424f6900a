"""Writing synthetic rows: COPY on PostgreSQL, batched INSERTs elsewhere; and the two
shared counters a bulk load must continue and leave right, case numbers and the
audit chain's head."""

import json
import queue
import threading
from typing import Any

from django.db import connection
from django.db.models import JSONField

from dmvrequests.audit.chain import GENESIS_HASH, record_hash
from dmvrequests.audit.models import AuditChainHead, AuditRecord
from dmvrequests.cases.models import CaseNumberSequence, DisclosureRequest


class Table:
    """Rows for one model's table, in column order; a value not given is the field's default."""

    def __init__(self, model, *, with_pk=True):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        self.attnames = [f.attname for f in self.fields]
        self.defaults = {f.attname: None if f.null else f.get_default() for f in self.fields}
        self.json_positions = [i for i, f in enumerate(self.fields) if isinstance(f, JSONField)]
        self.rows = []

    def add(self, **values):
        row = {**self.defaults, **values}
        self.rows.append([row[name] for name in self.attnames])

    def __len__(self):
        return len(self.rows)


def _quoted(table, ops):
    quote = ops.quote_name
    return quote(table.model._meta.db_table), ", ".join(quote(f.column) for f in table.fields)


class PostgresWriter:
    """COPY each batch in a background thread while the next batch is generated.

    Generating is Python's work and indexing the rows is PostgreSQL's: side by
    side they take about as long as the slower of the two. While batches are
    written the thread is the only user of the Django connection's session (so
    the rows are in the command's transaction); ids come from the sequences
    through a second connection, which is safe because sequences are not
    transactional.
    """

    def __init__(self):
        self.pending: queue.Queue[Any] = queue.Queue(maxsize=1)
        self.failure = None
        self.thread: threading.Thread | None = None
        self.sequences = {}
        self.side: Any = None  # a second DB-API connection, for the sequences

    def begin(self, models, cases):
        with connection.cursor() as cursor:
            # Check foreign keys as each COPY ends: deferred to the commit, millions
            # of pending checks would pile up in memory.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            # For the index builds at the end; SET LOCAL ends with the transaction.
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        self.deferred = self._defer_indexes(models) if self._large(cases) else []
        # Django's `connection` is per thread: hand the thread the session itself.
        connection.ensure_connection()
        self.session, self.ops = connection.connection, connection.ops
        self.side = connection.get_new_connection(connection.get_connection_params())
        self.side.autocommit = True
        self.thread = threading.Thread(target=self._copy_batches, daemon=True)
        self.thread.start()

    def reserve_ids(self, model, count):
        table = model._meta.db_table
        with self.side.cursor() as cursor:
            if table not in self.sequences:
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                self.sequences[table] = cursor.fetchone()[0]
            cursor.execute(
                "SELECT nextval(%s) FROM generate_series(1, %s)", [self.sequences[table], count]
            )
            return [row[0] for row in cursor.fetchall()]

    def write_batch(self, tables):
        self._raise_failure()
        self.pending.put(tables)

    def finish(self):
        """Wait for the last batch, re-raise what went wrong in the thread, rebuild the
        indexes set aside."""
        self.pending.put(None)
        if self.thread is not None:
            self.thread.join()
        self.side.close()
        self._raise_failure()
        with connection.cursor() as cursor:
            for definition in self.deferred:
                cursor.execute(definition)

    @staticmethod
    def _large(cases):
        """A load at least as large as what the case table holds already."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                [DisclosureRequest._meta.db_table],
            )
            return cases >= max(cursor.fetchone()[0], 0)

    @staticmethod
    def _defer_indexes(models):
        """Drop the indexes no constraint needs, to build them again once the rows are in.

        Maintaining dozens of indexes row by row is most of a large load's cost; one
        sorted build at the end is several times faster. The drops are part of the
        transaction: should the load fail, the indexes come back with the rollback.
        Meanwhile the tables are locked, so nobody reads them half-indexed.
        """
        tables = [model._meta.db_table for model in models]
        with connection.cursor() as cursor:
            cursor.execute(SECONDARY_INDEXES, [tables])
            found = cursor.fetchall()
            for name, _ in found:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        return [definition for _, definition in found]

    def _raise_failure(self):
        if self.failure is not None:
            raise self.failure

    def _copy_batches(self):
        while (tables := self.pending.get()) is not None:
            if self.failure is not None:
                continue  # drain the queue so the generator is never blocked
            try:
                for table in tables:
                    self._copy(table)
            except Exception as exc:  # re-raised in the generating thread
                self.failure = exc

    def _copy(self, table):
        if not table.rows:
            return
        name, columns = _quoted(table, self.ops)
        texts: dict[
            int, str
        ] = {}  # JSON values shared by many rows (an evaluation) are encoded once
        sql = f"COPY {name} ({columns}) FROM STDIN"
        with self.session.cursor() as cursor, cursor.copy(sql) as copy:
            for row in table.rows:
                for i in table.json_positions:
                    row[i] = _json_text(row[i], texts)
                copy.write_row(row)

    def analyze(self, models):
        """Statistics for the planner; outside a transaction also VACUUM, which marks the
        new pages all-visible so that counts read the indexes alone from the start."""
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")


# Indexes on these tables that back no constraint (primary keys and unique
# constraints stay: they guard the data as it is written).
SECONDARY_INDEXES = """
    SELECT index.relname, pg_get_indexdef(index.oid)
    FROM pg_index
    JOIN pg_class index ON index.oid = pg_index.indexrelid
    JOIN pg_class tbl ON tbl.oid = pg_index.indrelid
    JOIN pg_namespace ns ON ns.oid = tbl.relnamespace AND ns.nspname = current_schema()
    WHERE tbl.relname = ANY(%s)
      AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE pg_constraint.conindid = index.oid)
    ORDER BY index.relname
"""


def _json_text(value, texts):
    # Keyed by identity: every value is alive in its row while the table is written.
    key = id(value)
    if key not in texts:
        texts[key] = json.dumps(value)
    return texts[key]


class InsertWriter:
    """SQLite, or any other database: executemany, each value prepared by its field."""

    def __init__(self):
        self.next_ids = {}

    def begin(self, models, cases):
        pass

    def reserve_ids(self, model, count):
        # One writer at a time holds SQLite's lock for the whole transaction.
        table = model._meta.db_table
        if table not in self.next_ids:
            with connection.cursor() as cursor:
                quoted = connection.ops.quote_name(table)
                cursor.execute(f"SELECT MAX(id) FROM {quoted}")  # noqa: S608  # nosec B608 - a quoted table name  # nosec B608
                self.next_ids[table] = (cursor.fetchone()[0] or 0) + 1
        first = self.next_ids[table]
        self.next_ids[table] = first + count
        return list(range(first, first + count))

    def write_batch(self, tables):
        for table in tables:
            if table.rows:
                self._insert(table)

    def _insert(self, table):
        name, columns = _quoted(table, connection.ops)
        marks = ", ".join(["%s"] * len(table.fields))
        sql = f"INSERT INTO {name} ({columns}) VALUES ({marks})"  # noqa: S608  # nosec B608 - model metadata  # nosec B608
        rows = [
            [f.get_db_prep_save(v, connection) for f, v in zip(table.fields, row, strict=True)]
            for row in table.rows
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)

    def finish(self):
        pass

    def analyze(self, models):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def writer_for_connection():
    return PostgresWriter() if connection.vendor == "postgresql" else InsertWriter()


class Numbering:
    """DR-YYYY-NNNNNN per year of creation, continuing each year's counter without a gap.

    The counters stay locked until the load commits, so a case logged meanwhile
    waits and then takes the next number (docs/decisions/0001-case-numbers.md).
    """

    def __init__(self, years):
        CaseNumberSequence.objects.bulk_create(
            [CaseNumberSequence(year=y, last=0) for y in years], ignore_conflicts=True
        )
        locked = CaseNumberSequence.objects.select_for_update().filter(year__in=years)
        self.sequences = {s.year: s for s in locked}
        self.issued = dict.fromkeys(self.sequences, 0)

    def next(self, year):
        sequence = self.sequences[year]
        sequence.last += 1
        self.issued[year] += 1
        return f"DR-{year}-{sequence.last:06d}"

    def save(self):
        for year, sequence in self.sequences.items():
            if self.issued[year]:
                sequence.save(update_fields=["last"])


class Chain:
    """Appends records after the audit chain's head, each hashed onto the one before.

    The head row stays locked until the load commits, as in audit.services: a
    record written meanwhile waits and then chains onto our last one.
    """

    def __init__(self):
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            last = AuditRecord.objects.order_by("-seq").first()
            start = AuditChainHead(pk=1, seq=last.seq if last else 0)
            start.hash = last.hash if last else GENESIS_HASH
            AuditChainHead.objects.bulk_create([start], ignore_conflicts=True)
            head = AuditChainHead.objects.select_for_update().get(pk=1)
        self.head = head
        self.appended = 0

    def append(self, table, **fields):
        fields.update(seq=self.head.seq + 1, prev_hash=self.head.hash)
        fields["hash"] = record_hash(fields)
        table.add(**fields)
        self.head.seq, self.head.hash = fields["seq"], fields["hash"]
        self.appended += 1

    def save(self):
        if self.appended:
            self.head.save(update_fields=["seq", "hash"])
