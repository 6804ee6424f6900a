"""How an import stores its rows, and on PostgreSQL the fast path: each response matched to its
query while the journal is read, every row written once with its match (docs/network-queries.md,
"Scale").

The plain path stores the rows as they come (responses marked pending) and matches afterwards
(services.journal_match_responses): it reads the pending responses and their candidate queries
back and writes every match twice (the response's query, the query answered). Its rule is a
walk over the responses in (timestamp, id) order. The fast path walks them in the same order
while reading, with the same functions (matching.py), so the matches are the same:

- ids are taken from the journal's sequence as messages are read, in file order (the order in
  which the plain path's INSERT numbers them), so a response carries its query's id when written;
- a response is matched once the file has gone LAG past its time: a file in time order within
  LAG has then given every message at or before that time. Queries stay in memory while a later
  response may still take them (the response window); for a control field, an older query is
  looked up in the journal;
- a query written before its response is marked answered in the response's transaction.

The fast path is taken only when its result is certainly the plain path's: on PostgreSQL, with no
response left pending by an earlier import, and when the journal holds nothing from within LAG
and the response window before the file's first message (a file newer than what is stored: it
duplicates no stored message, and no stored query is within a response's window). When the file
breaks that (a message LAG or more earlier than one read before, a duplicate of a stored message,
a response with a control field and no earlier query with it), the matches written so far are
undone, and the import carries on the plain way: rows stored as they come, matched at the end.
Each batch is still its own transaction, as on the plain path.
"""

from __future__ import annotations

import logging
from bisect import bisect_left
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from functools import partial
from operator import itemgetter

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Max

from dmvrequests.switchjournal import generation
from dmvrequests.switchjournal.batchcounts import NewBatch, copy_new, prepare_new
from dmvrequests.switchjournal.batchwriter import BatchWriter, quick_commit
from dmvrequests.switchjournal.bursts import BurstWalks
from dmvrequests.switchjournal.copyload import (
    ANSWERED,
    DIRECTION,
    ID,
    MATCH_PENDING,
    TIMESTAMP,
)
from dmvrequests.switchjournal.models import Direction, JournalEntry
from dmvrequests.switchjournal.partitions import TABLE, analyse_new_months, partitioned
from dmvrequests.switchjournal.streammatcher import (
    LAG,
    LeaveFastPath,
    Row,
    StreamMatcher,
)

logger = logging.getLogger(__name__)
IMPORT_LOCK = 0x534A_494D  # PostgreSQL advisory lock: one import at a time
IN = Direction.IN.value
Stored = tuple[int, int]  # (rows stored, duplicates) of one written batch


@contextmanager
def import_lock() -> Iterator[bool]:
    """PostgreSQL: waits for the journal's import lock (a session advisory lock) and holds it
    until the import is over (stored, matched, bursts and alerts), then yields True: imports
    take turns (the upload job and the drop folder, two workers), each as if alone, so two
    imports at once give the rows of one after the other, and each may match while reading.
    An import waiting for the lock has read nothing yet. False on SQLite (one writer at a
    time anyway)."""
    if not partitioned():
        yield False
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [IMPORT_LOCK])
    try:
        yield True
    finally:
        _unlock()


def _unlock() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [IMPORT_LOCK])
    except DatabaseError:
        # The import's transaction failed: the lock goes when the connection closes; until
        # then other imports wait.
        logger.warning("The switch journal's import lock could not be released.", exc_info=True)


def fast_path_possible() -> bool:
    """PostgreSQL, and no response left pending by an earlier import."""
    if not partitioned():
        return False
    pending = JournalEntry.objects.filter(direction=Direction.OUT, match_pending=True)
    return not pending.exists()


class Loader:
    """Takes an import's rows (services._row, in file order) and stores them in batches of
    `size`: `add(row)` returns, after each batch handed to be written, what the writes finished
    since the last report stored (rows stored, duplicates), else None; `finish()` writes the
    rest, waits for every write and returns what was not reported yet. `insert(rows)` is the
    plain way of storing a batch (the number stored); `fast` asks for the fast path, taken when
    fast_path_possible() and the file's first message allow it. On the fast path each batch is
    written by `writer` (batchwriter.BatchWriter: with `overlap`, in a second thread while the
    next batch is read). `close()` waits for a write in progress and ends the writer's thread,
    whatever happened (call it in a `finally`)."""

    def __init__(
        self,
        size: int,
        insert: Callable[[list[Row]], int],
        *,
        fast: bool,
        overlap: bool = False,
    ) -> None:
        self.size = size
        self.insert = insert
        self.fast: bool | None = None if fast and fast_path_possible() else False
        self.rows: list[Row] = []
        self.duplicates = 0  # found in the file by the fast path, not yet reported
        self.matcher: StreamMatcher | None = None
        self.flush_at = size  # the fast path keeps the rows of the last LAG: flush `size` later
        self.writer = BatchWriter(overlap=overlap and self.fast is None)
        # The walks of bursts beside the reading run in a third thread (_walk_beside).
        self.walker = BatchWriter(overlap=overlap and self.fast is None, name="journal-bursts")
        self.writing: list[Row] = []  # the rows of the write in progress
        self.done = [0, 0]  # stored and duplicates not reported yet
        self.month: tuple[int, int] | None = None  # (year, month) in UTC of the last batch's start
        # The import's walks of bursts, and the senders and earliest time of the queries
        # written since the last walk (_unwalked; walked after a finished month and at the end).
        self.walks = BurstWalks()
        self.walk: tuple[set[str], datetime | None] = (set(), None)

    def add(self, row: Row) -> Stored | None:
        if self.fast is None:
            self.fast = _newer_than_stored(row[TIMESTAMP])
            if self.fast:
                self.matcher = StreamMatcher(row[TIMESTAMP], before_reading=self._collect)
        if self.fast:
            assert self.matcher is not None  # noqa: S101  # nosec B101 - set with fast
            try:
                if not self.matcher.take(row):
                    self.duplicates += 1
                    return None
            except LeaveFastPath:
                self._leave()
        self.rows.append(row)
        if len(self.rows) < self.flush_at:
            return None
        self._flush(final=False)
        self.flush_at = len(self.rows) + self.size
        return self._report()

    def finish(self) -> Stored:
        self._flush(final=True)
        return self._report()

    def close(self) -> None:
        try:
            self.writer.close()
        finally:
            self.walker.close()

    def _report(self) -> Stored:
        (stored, duplicates), self.done = self.done, [0, 0]
        return stored, duplicates

    def _collect(self) -> None:
        """Wait for the write in progress and count what it stored. Raises LeaveFastPath, its
        rows put back before those not written yet, when it found one of them stored."""
        try:
            self.done[0] += self.writer.collect()
        except IntegrityError as error:  # another import stored some of them meanwhile
            self.rows = self.writing + self.rows
            raise LeaveFastPath from error
        finally:
            self.writing = []

    def _flush(self, *, final: bool) -> None:
        if self.fast:
            try:
                self._flush_fast(final)
                return
            except LeaveFastPath:
                self._leave()
        rows, self.rows = self.rows, []
        stored = self.insert(rows)
        self.done[0] += stored
        self.done[1] += self.duplicates + len(rows) - stored
        self.duplicates = 0

    def _flush_fast(self, final: bool) -> None:
        matcher = self.matcher
        assert matcher is not None  # noqa: S101  # nosec B101 - set with fast
        matcher.settle(final=final)
        # The rows up to the first response still waiting for its match (rows are in file
        # order, their ids growing: a bisection instead of a look at every row).
        waiting = matcher.first_waiting()
        cut = len(self.rows) if waiting is None else bisect_left(self.rows, waiting, key=_id)
        self._collect()  # one write at a time, in order
        rows = self.rows[:cut]
        if rows:
            # From here on the rows are the writer's: a later match of one of their queries
            # goes to `late` (their ids are at most matcher.last_written).
            late = matcher.late_answers(rows)
            batch = prepare_new(rows)
            self._unwalked(batch)
            finished = self._finished_month(rows[0])
            walk = None
            if finished is not None:
                walk, self.walk = self.walk, (set(), None)
            self.writing = rows
            self.writer.submit(
                partial(
                    _write_new,
                    batch,
                    late,
                    finished,
                    durable=final,
                    walk=None if walk is None else partial(self._walk_beside, *walk),
                )
            )
            matcher.written(rows[-1][ID])
        self.rows = self.rows[cut:]
        matcher.prune()
        self.done[1] += self.duplicates
        self.duplicates = 0
        if final or not self.writer.overlapping:
            self._collect()

    def _unwalked(self, batch: NewBatch) -> None:
        """Add the senders of a batch's queries and the earliest of them to `walk`."""
        senders, since = self.walk
        senders.update(count[2] for count in batch.counts if count[1] == IN)
        # The batch's earliest row of either direction (found in C by prepare_new): never
        # later than its earliest query, and a walk from an earlier time walks more, never
        # less; a look at every row's direction cost 1.7 % of the import.
        if since is None or batch.earliest < since:
            since = batch.earliest
        self.walk = (senders, since)

    def _walk_beside(self, senders: set[str], since: datetime | None) -> None:
        """In the writer's thread, after a batch that starts a month is stored: hand the walk of
        the bursts of the queries stored since the last walk to the walker's thread (once the
        last walk is over), so that it runs beside the next batches' writes. The walk sees
        those batches too, as far as they are committed: it walks more than it must, never
        less (BurstWalks: every query stored after it is in a later walk)."""
        self.walker.collect()
        self.walker.submit(partial(_walk, self.walks, senders, since))

    def final_walk(self, senders: set[str], earliest: datetime | None) -> None:
        """After the last batch (`senders` and `earliest`: every query's of the file): walk
        the bursts the walks beside the reading have not (bursts.BurstWalks), or all of them
        again when the fast path was left or a walk failed."""
        if self.fast and self.walks.complete:
            self.walks.walk(*self.walk)
        else:
            self.walks.walk(senders, earliest)

    def _finished_month(self, first: Row) -> tuple[int, int] | None:
        """The (year, month) in UTC of `first`, the first row of a batch about to be written,
        when the batches written beside the reading have moved on to a later month than the
        last one's: the months before it are finished (a journal in time order gives nothing
        more of them), and the writer's thread analyses their new partitions while the file is
        read on (partitions.analyse_new_months; else the import did it at the end, a quarter of
        a second a month: docs/performance.md) and walks the bursts of the queries written since
        its last walk (bursts.BurstWalks; else the import walked them all at the end, a second
        for 1,000,000 entries). None otherwise."""
        moment = first[TIMESTAMP].astimezone(UTC)
        month = (moment.year, moment.month)
        previous, self.month = self.month, month
        if not self.writer.overlapping or previous is None or month <= previous:
            return None
        return month

    def _leave(self) -> None:
        """Undo the matches of the fast path (those written and those in memory) and go on the
        plain way."""
        # A write that found a row stored puts its rows back: the plain way stores them.
        with suppress(LeaveFastPath):
            self._collect()
        self.fast = False
        matcher, self.matcher = self.matcher, None
        for row in self.rows:
            del row[ID:]
            row[ANSWERED] = False
            row[MATCH_PENDING] = row[DIRECTION] == Direction.OUT
        if matcher is not None:
            matcher.undo_written()


_id = itemgetter(ID)


def _write_new(
    batch: NewBatch,
    late: list[tuple[int, datetime]],
    analyse_before: tuple[int, int] | None = None,
    *,
    durable: bool = True,
    walk: Callable[[], None] | None = None,
) -> int:
    """One batch of the fast path, in its own transaction: the rows (batchcounts.copy_new), the
    queries of earlier batches its responses answered, a new generation; the number stored.
    Then, with `analyse_before` (a (year, month) in UTC), the new partitions of the months
    before it are analysed, after the commit (statistics only: a failure is logged, and the
    import's own analyse_new_months at the end tries again), and `walk` (the import's walk
    of the bursts of the queries stored since its last walk, BurstWalks.walk_beside) is run.

    Not `durable` (every batch but the last): the commit does not wait for the write-ahead
    log to reach the disk (`synchronous_commit = off` for this transaction; PostgreSQL writes
    it within a fraction of a second). The last batch's commit waits, and with it every
    earlier one: when the import reports its rows stored, they are on disk. A server crash in
    the middle of an import may lose its latest batches, as if it had stopped there: importing
    the file again stores them (re-importing is harmless). The waits were 4 ms a batch."""
    with transaction.atomic() if durable else quick_commit():
        stored = copy_new(batch)
        _set_answered(late)
        # Last in the batch's transaction, as every writer (generation.py).
        generation.bump()
    if analyse_before is not None:
        try:
            analyse_new_months(before=analyse_before)
        except DatabaseError:
            logger.warning("Finished months of the journal not analysed.", exc_info=True)
    if walk is not None:
        walk()
    return stored


def _walk(walks: BurstWalks, senders: set[str], since: datetime | None) -> int:
    walks.walk_beside(senders, since)
    return 0  # a BatchWriter's job returns a number


def _newer_than_stored(first: datetime) -> bool:
    """True when the journal holds nothing from LAG and the response window before `first`."""
    window = timedelta(minutes=settings.SWITCH_RESPONSE_WINDOW_MINUTES)
    last = JournalEntry.objects.aggregate(last=Max("timestamp"))["last"]
    return last is None or last < first - LAG - window


def _set_answered(queries: list[tuple[int, datetime]]) -> None:
    """Mark these stored queries (id, timestamp) answered, in one statement."""
    if not queries:
        return
    pairs = ", ".join(["(%s, %s)"] * len(queries))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} AS j SET answered = true FROM (VALUES {pairs}) AS v (id, moment) "  # noqa: S608  # nosec B608
            'WHERE j.id = v.id AND j."timestamp" = v.moment',
            [value for pair in queries for value in pair],
        )
