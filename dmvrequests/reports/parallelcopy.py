"""One export in several `COPY ... TO STDOUT` statements on as many connections, all reading
one snapshot, the way `pg_dump --jobs` reads a database (docs/performance.md, "Exports").

The caller splits its query by ranges of case ids, in order (`id_ranges`); `copy_chunks`
runs the first range on Django's own connection and each other one on a connection of its
own, in a thread, all at once: PostgreSQL formats the rows on as many cores. The first
connection's transaction is REPEATABLE READ and exports its snapshot
(`pg_export_snapshot()`); every other transaction imports it (`SET TRANSACTION SNAPSHOT`)
before its first query, so each range sees exactly the rows one COPY would have seen, and
the ranges together are that COPY's output, byte for byte.

The first range is handed on as PostgreSQL sends it; each other range is spooled to an
anonymous temporary file while it runs, then read back in order once the ranges before it
have gone out. Memory stays bounded (a chunk per connection); the spool takes about
(K - 1) / K of the file on disk (300 MB for a million cases' CSV at K = 2: 200 MB).

Errors: a failed range (a lost connection, a cancelled query, a full disk) raises its
error in the caller's thread once the ranges before it are out, so the output stops short
and the export fails: never a partial file taken for a whole one. If the caller stops
reading (a closed download), the other queries are cancelled, their threads joined and
their spool files removed. Used for the case CSV on PostgreSQL (copyexport.csv_chunks).
"""

import contextlib
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, BinaryIO

import psycopg
from django.db import connection, transaction
from psycopg import sql as pgsql

from dmvrequests.reports.formats import CHUNK_CHARS

# (COPY ... TO STDOUT statement, its parameters)
Statement = tuple[str, Sequence[Any]]
# A range of case ids: low included, high excluded; None: no bound on that side.
IdRange = tuple[int | None, int | None]
# Runs on each connection's cursor inside its transaction, before its COPY (time zone, JIT).
Setup = Callable[[Any], None]
READ_BYTES = 1024 * 1024  # read back from a spool file this much at a time


def id_ranges(low: int | None, high: int | None, parts: int) -> list[IdRange]:
    """`parts` consecutive ranges of ids from `low` to `high` included (the smallest and
    largest id of the export's cases, read in the snapshot), split evenly; fewer when
    there are fewer ids than `parts`. [(None, None)], every id, when there is no case."""
    if low is None or high is None:
        return [(None, None)]
    parts = max(1, min(parts, high - low + 1))
    step = (high - low + 1) / parts
    bounds = [low + round(step * i) for i in range(parts)] + [high + 1]
    return list(zip(bounds[:-1], bounds[1:], strict=True))


def crlf_chunks(copy: Iterable[Any]) -> Iterator[bytes]:
    """COPY's rows (one message each, ending in LF) as chunks of about CHUNK_CHARS bytes,
    each row's final LF made CRLF (the line end of Python's csv writer); a newline inside a
    quoted value stays as it is."""
    pending: list[bytes] = []
    size = 0
    for block in copy:
        row = bytes(block)
        if row[-1:] == b"\n":
            row = row[:-1] + b"\r\n"
        pending.append(row)
        size += len(row)
        if size >= CHUNK_CHARS:
            yield b"".join(pending)
            pending, size = [], 0
    if pending:
        yield b"".join(pending)


class Spooler(threading.Thread):
    """One range's COPY on a connection of its own, in the exported snapshot, written to an
    anonymous temporary file. `error` holds what stopped it; `cancel()` stops it early."""

    def __init__(self, params: dict[str, Any], snapshot: str, statement: Statement, setup: Setup):
        super().__init__(daemon=True)
        self.params, self.snapshot, self.statement, self.setup = params, snapshot, statement, setup
        self.spool: BinaryIO = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the caller
        self.error: BaseException | None = None
        self.stopping = threading.Event()
        self.conn: psycopg.Connection | None = None

    def run(self) -> None:
        try:
            with psycopg.connect(**self.params) as conn:
                self.conn = conn
                self._copy(conn)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            self.error = exc

    def _copy(self, conn: psycopg.Connection) -> None:
        with conn.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute(
                pgsql.SQL("SET TRANSACTION SNAPSHOT {}").format(pgsql.Literal(self.snapshot))
            )
            self.setup(cursor)
            sql, params = self.statement
            with cursor.copy(sql, params) as copy:
                for chunk in crlf_chunks(copy):
                    if self.stopping.is_set():
                        raise InterruptedError("the export was stopped")
                    self.spool.write(chunk)
        conn.rollback()  # read only: nothing to keep

    def cancel(self) -> None:
        self.stopping.set()
        conn = self.conn
        if conn is not None and self.is_alive():
            # Already gone: the thread ends on its own.
            with contextlib.suppress(psycopg.Error):
                conn.cancel_safe()

    def output(self) -> Iterator[bytes]:
        """The range's bytes, once its COPY has ended; its error if it failed."""
        self.join()
        if self.error is not None:
            raise self.error
        self.spool.seek(0)
        while block := self.spool.read(READ_BYTES):
            yield block


def _worker_params() -> dict[str, Any]:
    """Django's connection parameters, for a connection of our own (same server, user,
    options, adapters)."""
    params = connection.get_connection_params()
    params.pop("prepare_threshold", None)
    return params


def copy_chunks(statements: Callable[[], Sequence[Statement]], setup: Setup) -> Iterator[bytes]:
    """The output of the COPYs `statements()` gives (those of consecutive ranges), in
    order, as byte chunks with CRLF line ends; run at once, one connection each, in one
    snapshot. `statements` is called in that snapshot, on Django's connection (the
    ranges' bounds are read there).

    Needs Django's connection outside any transaction (`connection.in_atomic_block` false):
    its transaction must be the snapshot's first, and rows not committed yet would be
    invisible to the other connections."""
    if connection.in_atomic_block:
        raise RuntimeError("a parallel COPY needs the connection outside a transaction")
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor, for copy()
        raw.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        setup(raw)
        raw.execute("SELECT pg_export_snapshot()")
        (snapshot,) = raw.fetchone()
        ranges = statements()
        params = _worker_params()
        spoolers = [Spooler(params, snapshot, statement, setup) for statement in ranges[1:]]
        try:
            for spooler in spoolers:
                spooler.start()
            sql, sql_params = ranges[0]
            with raw.copy(sql, sql_params) as copy:
                yield from crlf_chunks(copy)
            for spooler in spoolers:
                yield from spooler.output()
        finally:
            for spooler in spoolers:
                spooler.cancel()
                if spooler.ident is not None:
                    spooler.join()
                spooler.spool.close()
