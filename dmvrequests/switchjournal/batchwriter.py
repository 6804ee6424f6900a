"""The fast import's batches written beside the reading of the next (fastimport.Loader;
docs/network-queries.md, "Scale").

On PostgreSQL a batch's write is mostly the server's work: the client waits on the socket, and
psycopg releases Python's lock meanwhile. `BatchWriter(overlap=True)` runs each write in one
second thread with its own database connection (Django gives each thread its own), so the
server stores batch N while Python reads, attributes and matches batch N+1. Writes still go
one at a time and in order, each in its own transaction, so what is stored is what the writes
one after the other in the importing thread store; a write that fails is rolled back whole,
and its error is raised in the importing thread by the next `collect()`.

`quick_commit()` is the transaction of the fast import's own writes: its commit does not wait
for the disk (the last batch's commit does, and takes the earlier ones with it).

`overlap=False` (SQLite, or an import inside a transaction: a second connection could not see
its rows nor be rolled back with it) runs each write at once in the caller's thread.

While a writer's thread runs, Python's switch interval is HANDOFF (sys.setswitchinterval; 5 ms
by default): the importing thread holds Python's lock while it reads, and the writer, back
from each wait on the socket, waited up to the interval for the lock before sending the next
piece of its COPY, leaving the server idle meanwhile. With 1 ms the import of 500,000 entries
took 4 to 11 % less wall clock for the same CPU (docs/performance.md, "The switch journal's
Python and its writer's hand-offs"). The interval is given back when the last writer's thread
in the process ends (`close()`).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

from django.db import connection, transaction

HANDOFF = 0.001  # seconds: Python's switch interval while a writer's thread runs

# Writers' threads running in this process, and the switch interval the first of them found.
_handoffs_lock = threading.Lock()
_handoffs: dict[str, float] = {"writers": 0, "interval": 0.0}


def _quick_handoffs() -> None:
    with _handoffs_lock:
        if not _handoffs["writers"]:
            _handoffs["interval"] = sys.getswitchinterval()
            sys.setswitchinterval(min(HANDOFF, _handoffs["interval"]))
        _handoffs["writers"] += 1


def _usual_handoffs() -> None:
    with _handoffs_lock:
        _handoffs["writers"] -= 1
        if not _handoffs["writers"]:
            sys.setswitchinterval(_handoffs["interval"])


class BatchWriter:
    """Writes one batch at a time: `submit(write)` starts `write()` (a callable storing one
    batch in its own transaction and returning the number stored) once the previous one is
    collected; `collect()` waits for the write in progress and returns its number (0 when
    none), raising its exception if it failed; `close()` waits for it whatever happens, closes
    the thread's connection, ends the thread and gives the switch interval back (HANDOFF).
    Not reentrant: one importing thread. `name`: the thread's name (and a number)."""

    def __init__(self, *, overlap: bool, name: str = "journal-writer") -> None:
        self.executor = (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix=name) if overlap else None
        )
        self.pending: Future[int] | None = None
        if self.executor is not None:
            _quick_handoffs()

    @property
    def overlapping(self) -> bool:
        """Writes run in the second thread (else at once, in submit)."""
        return self.executor is not None

    def submit(self, write: Callable[[], int]) -> None:
        if self.pending is not None:
            raise RuntimeError("collect() the previous write first")
        if self.executor is not None:
            self.pending = self.executor.submit(write)
            return
        done: Future[int] = Future()
        try:
            done.set_result(write())
        except Exception as error:  # raised by collect(), as from the thread
            done.set_exception(error)
        self.pending = done

    def collect(self) -> int:
        pending, self.pending = self.pending, None
        return 0 if pending is None else pending.result()  # raises the write's own exception

    def close(self) -> None:
        if self.executor is None:
            return
        pending, self.pending = self.pending, None
        if pending is not None:
            pending.exception()  # waits; an error not collected is the caller's to report
        try:
            self.executor.submit(_close_connection).result()
        finally:
            self.executor.shutdown(wait=True)
            self.executor = None
            _usual_handoffs()


def _close_connection() -> None:
    """Close the calling thread's own connection (Django opens one per thread; `connection`
    is looked up here, in the writer's thread, not where the writer was made)."""
    connection.close()


@contextmanager
def quick_commit() -> Iterator[None]:
    """transaction.atomic() whose commit does not wait for the write-ahead log to reach the
    disk (`synchronous_commit = off` for that transaction only), for the fast import's own
    transactions (its batches but the last, its reservations of ids): its last batch's commit
    waits, and takes every earlier change of the log with it (docs/network-queries.md,
    "Scale"). Inside the caller's transaction nothing is changed: the caller's commit
    decides."""
    inside_callers = connection.in_atomic_block
    with transaction.atomic():
        if not inside_callers:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        yield
