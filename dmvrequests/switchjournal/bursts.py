"""Bursts in the switch journal (docs/network-queries.md, "Bursts"): one ORI's queries walked
in time order; a window opens at a query and holds every later query from that ORI less than
SWITCH_BURST_WINDOW_MINUTES after it; with at least SWITCH_BURST_MIN_QUERIES queries it is a
burst and the next window opens after it, otherwise at the next query (the journal's
contract). On PostgreSQL the windows are counted in SQL; on SQLite in Python."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Max, QuerySet

from dmvrequests.switchjournal import generation
from dmvrequests.switchjournal.models import Burst, Direction, JournalEntry
from dmvrequests.switchjournal.partitions import partitioned

logger = logging.getLogger(__name__)


def find_bursts(
    times: Iterable[datetime], *, window: timedelta, minimum: int
) -> Iterable[tuple[datetime, datetime, int]]:
    """The bursts among one ORI's query times (in time order): (start, last, count).

    A window opens at a query and holds every later query less than `window` after it; with at
    least `minimum` queries (the opening one included) it is a burst and the next window opens
    at the first query after it, otherwise at the next query. Memory holds one window."""
    held: deque[datetime] = deque()

    def close() -> Iterable[tuple[datetime, datetime, int]]:
        # The window opening at held[0] is complete.
        if len(held) >= minimum:
            yield held[0], held[-1], len(held)
            held.clear()
        else:
            held.popleft()

    for moment in times:
        while held and moment - held[0] >= window:
            yield from close()
        held.append(moment)
    while held:
        yield from close()


# PostgreSQL: for each query of the ORIs, the number of queries in the window it opens (itself
# and the later ones less than the window after it) and the last of them, kept when at least
# the minimum: the queries that would open a burst. Ordered by (timestamp, id) as the walk.
PG_WINDOWS = """
SELECT sender_ori, "timestamp", last, rn, upto - rn + 1 AS n FROM (
    SELECT sender_ori, "timestamp",
        row_number() OVER (PARTITION BY sender_ori ORDER BY "timestamp", id) AS rn,
        count(*) OVER (PARTITION BY sender_ori ORDER BY "timestamp"
            RANGE BETWEEN UNBOUNDED PRECEDING AND %(span)s FOLLOWING) AS upto,
        max("timestamp") OVER (PARTITION BY sender_ori ORDER BY "timestamp"
            RANGE BETWEEN CURRENT ROW AND %(span)s FOLLOWING) AS last
    FROM switchjournal_journalentry
    WHERE direction = 'IN' AND sender_ori = ANY(%(oris)s) {since}
) AS windows WHERE upto - rn + 1 >= %(minimum)s ORDER BY sender_ori, rn
"""


def _pg_bursts(
    oris: list[str],
    window: timedelta,
    minimum: int,
    boundary: datetime | None,
    kept_until: dict[str, datetime],
) -> list[Burst]:
    """The bursts of `oris` from `boundary` on (None: from the first query), the windows
    counted in SQL: a query opening a full window is a burst unless an earlier burst holds it
    (its row number within that burst's rows, or its time within a kept burst: `kept_until`,
    the last query's time of each ORI's last burst kept from before `boundary`)."""
    found: list[Burst] = []
    span = window - timedelta(microseconds=1)  # "less than the window after it"
    with connection.cursor() as cursor:
        params: dict[str, Any] = {"span": span, "oris": oris, "minimum": minimum}
        since = ""
        if boundary is not None:
            since, params["boundary"] = 'AND "timestamp" >= %(boundary)s', boundary
        cursor.execute(PG_WINDOWS.format(since=since), params)
        held_until: dict[str, int] = {}
        for ori, start, last, number, count in cursor.fetchall():
            if number <= held_until.get(ori, 0):
                continue
            if ori in kept_until and start <= kept_until[ori]:
                continue
            found.append(Burst(ori=ori, start=start, end=last, queries=count))
            held_until[ori] = number + count - 1
    return found


def journal_find_bursts(oris: Iterable[str], since: datetime | None = None) -> list[Burst]:
    """Work out again the bursts of each ORI in `oris`; the bursts that were not there before
    (by ORI and start). `since`: the earliest of the queries just stored (an import's), or None
    to walk each ORI's queries from its first.

    With `since`, only the queries from one window before it are walked again, whatever the
    journal holds before: a burst that starts at least a window before `since` holds only
    queries older than every new one, so it stands, and so does every window opened before it
    (each holds only older queries); the walk goes on from there, after the last burst kept
    (the queries it holds open no window). The result is the whole walk's (tested equal): a
    day's file costs a day's queries, not the journal's."""
    walks = BurstWalks()
    walks.walk(oris, since)
    return walks.new()


BurstKey = tuple[str, datetime]  # a burst's ORI and start: what tells two bursts apart


class BurstWalks:
    """The walks of one import, and the bursts they made that were not there before it.

    `walk(oris, since)` is journal_find_bursts' walk: the bursts of `oris` worked out again
    from one window before `since` (None: from each ORI's first query). An import may walk
    several times as its batches are stored (fastimport.Loader: after each finished month, in
    the writer's thread, so that the end of the import only walks its last month), each time
    with the senders of the queries stored since the last walk and the earliest of them: the
    stored bursts are then the whole walk's over what is stored, as after one walk at the end
    (the reasoning of journal_find_bursts, applied at each step). `new()`: the bursts stored
    now that were not before the first walk (a burst a walk removed and a later one made
    again, same ORI and start, is not new if it was there before the import)."""

    def __init__(self) -> None:
        self.complete = True  # False when a walk failed: the import walks everything again
        self._before: set[BurstKey] = set()  # there before the import, removed by a walk
        self._made: set[BurstKey] = set()  # made by a walk, still stored

    def walk(self, oris: Iterable[str], since: datetime | None) -> None:
        chosen = sorted(set(oris))
        if not chosen:
            return
        removed, made = _find_bursts(chosen, since)
        for key in removed:
            if key in self._made:
                self._made.discard(key)
            else:
                self._before.add(key)
        self._made |= made
        generation.bump()  # after the bursts are written: the cached figures are stale

    def walk_beside(self, oris: Iterable[str], since: datetime | None) -> None:
        """walk() beside an import's reading: a failure is logged and leaves `complete` False
        (the import then walks every query of its file again at the end)."""
        try:
            self.walk(oris, since)
        except DatabaseError:
            logger.warning("The bursts were not walked beside the reading.", exc_info=True)
            self.complete = False

    def new(self) -> list[Burst]:
        """The bursts made by the walks and not there before, by start and ORI."""
        keys = self._made - self._before
        if not keys:
            return []
        stored = Burst.objects.filter(
            ori__in={ori for ori, _ in keys}, start__in={start for _, start in keys}
        ).order_by("start", "ori")
        return [burst for burst in stored if (burst.ori, burst.start) in keys]


def _find_bursts(oris: list[str], since: datetime | None) -> tuple[set[BurstKey], set[BurstKey]]:
    """Walk `oris` again from one window before `since` (None: from the first query); the
    bursts removed and the bursts stored, by ORI and start."""
    window = timedelta(minutes=settings.SWITCH_BURST_WINDOW_MINUTES)
    minimum = settings.SWITCH_BURST_MIN_QUERIES
    boundary = None if since is None else since - window
    stale = Burst.objects.all() if boundary is None else Burst.objects.filter(start__gte=boundary)
    kept_until: dict[str, datetime] = {}
    if boundary is not None:
        kept = Burst.objects.filter(ori__in=oris, start__lt=boundary).values("ori")
        kept_until = dict(kept.annotate(last=Max("end")).values_list("ori", "last"))
    if partitioned():
        found = _pg_bursts(oris, window, minimum, boundary, kept_until)
        with transaction.atomic():
            gone = stale.filter(ori__in=oris)
            removed = _keys(gone)
            gone.delete()
            Burst.objects.bulk_create(found, batch_size=5000)
        return removed, {(burst.ori, burst.start) for burst in found}
    removed, made = set(), set()
    for ori in oris:
        queries = JournalEntry.objects.filter(direction=Direction.IN, sender_ori=ori)
        if boundary is not None:
            queries = queries.filter(timestamp__gte=boundary)
        if ori in kept_until:
            queries = queries.filter(timestamp__gt=kept_until[ori])
        times = (
            queries.order_by("timestamp", "id")
            .values_list("timestamp", flat=True)
            .iterator(chunk_size=10_000)
        )
        found = [
            Burst(ori=ori, start=start, end=last, queries=count)
            for start, last, count in find_bursts(times, window=window, minimum=minimum)
        ]
        with transaction.atomic():
            gone = stale.filter(ori=ori)
            removed |= _keys(gone)
            gone.delete()
            Burst.objects.bulk_create(found)
        made |= {(burst.ori, burst.start) for burst in found}
    return removed, made


def _keys(bursts: QuerySet[Burst]) -> set[BurstKey]:
    return set(bursts.values_list("ori", "start"))
