"""The fast import's matcher (fastimport.py; docs/network-queries.md, "Scale"): the state of
matching responses while the journal is read. It gives each message its id from the journal's
sequence, holds the queries a later response may still take and the responses not matched
yet, and matches a response once the file has gone LAG past its time, with the rule of
matching.py, in the same (timestamp, id) order as the matching afterwards. A message is its
row (copyload.WITH_IDS once given its id): no other object is made for it.
"""

from __future__ import annotations

from bisect import bisect_right, insort
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from operator import itemgetter
from typing import Any, cast

from django.conf import settings
from django.db import connection, transaction

from dmvrequests.switchjournal import generation
from dmvrequests.switchjournal.batchwriter import quick_commit
from dmvrequests.switchjournal.copyload import (
    ANSWERED,
    CONTROL,
    DESTINATION,
    DIRECTION,
    ID,
    KEY,
    MATCH_PENDING,
    QUERY_ID,
    SENDER,
    TIMESTAMP,
)
from dmvrequests.switchjournal.matching import latest_unused, pick_by_control
from dmvrequests.switchjournal.models import Direction, JournalEntry
from dmvrequests.switchjournal.parsing import ANSWERS
from dmvrequests.switchjournal.partitions import TABLE

LAG = timedelta(minutes=2)  # how far back in time a file may step and stay on the fast path
SEQUENCE = f"{TABLE}_pid_seq"
IDS_AT_ONCE = 20_000  # ids taken from the sequence at a time (StreamMatcher._next_id)
# A row's direction as the parser gives it (a plain str: comparing one with the Direction
# member costs three times as much, and the matcher compares once or twice per message).
OUT = Direction.OUT.value

Row = list[Any]


class LeaveFastPath(Exception):
    """The file cannot be matched while read with certainty; the plain path takes over."""


class StreamMatcher:
    """The fast path's state: the queries a later response may still take, the responses not
    matched yet, the ids taken. `take(row)` gives a row its id (False: a duplicate of a row of
    the file); `settle()` matches the responses the file has gone LAG past (all at the end).
    Raises LeaveFastPath when the file steps back LAG or more in time, or a response's control
    field names no earlier query."""

    def __init__(self, first: datetime, before_reading: Callable[[], None] = lambda: None) -> None:
        self.before_reading = before_reading  # waits for the batches handed to be written
        self.window = timedelta(minutes=settings.SWITCH_RESPONSE_WINDOW_MINUTES)
        self.settled = first - LAG  # responses up to this time are matched
        self.latest = first
        self.forgotten = first - LAG - self.window  # queries up to this time: in the journal
        # Queries (their rows) by (sender, the key of their answer) in (timestamp, id) order,
        # and by (sender, control field); the responses not matched yet (their rows).
        self.by_answer: dict[tuple[str, str], list[Row]] = defaultdict(list)
        self.by_control: dict[tuple[str, str], list[Row]] = defaultdict(list)
        self.waiting: list[Row] = []
        # The queries already taken (id: time), forgotten with the queries (prune): memory
        # holds the last response window's, whatever the file's size.
        self.used: dict[int, datetime] = {}
        self.keys: dict[tuple[Any, ...], datetime] = {}
        self.ids: Iterator[int] = iter(())
        self.first_id: int | None = None
        self.last_written = 0
        self.late: dict[int, tuple[int, datetime]] = {}  # response id: its written query
        self.answered_before: dict[int, bool] = {}  # stored before the import: query id: flag

    def _next_id(self) -> int:
        """The next id from the journal's sequence, taken IDS_AT_ONCE at a time (0 never is
        one): the sequence is moved on by IDS_AT_ONCE in one statement, and the ids are the
        range it stepped over. Nothing else takes an id meanwhile: every writer of the journal
        is an import, and imports take turns (import_lock). One nextval() per id cost 10 ms
        of the server's time for 20,000 of them, half a second of a 1,000,000-entry import
        in which the reading waited (docs/performance.md)."""
        # No wait for the disk (4 ms of the 5 this took): any row given one of these ids is
        # committed later, and a commit that reaches the disk takes this change with it.
        with quick_commit(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(%s, nextval(%s) + %s - 1)", [SEQUENCE, SEQUENCE, IDS_AT_ONCE]
            )
            last = cursor.fetchone()[0]
        self.ids = iter(range(last - IDS_AT_ONCE + 1, last + 1))
        number = next(self.ids)
        if self.first_id is None:
            self.first_id = number
        return number

    def take(self, row: Row) -> bool:
        # Called once per message: kept to plain operations (no helper calls but a refill).
        # A message is its row (copyload.WITH_IDS once given its id): what the rule reads of it
        # is read by index, and no other object is made for it.
        moment = row[TIMESTAMP]
        if moment <= self.settled:
            raise LeaveFastPath
        direction = row[DIRECTION]
        sender = row[SENDER]
        key = (moment, direction, row[2], sender)
        keys = self.keys
        if key in keys:
            return False
        keys[key] = moment
        if moment > self.latest:
            self.latest = moment
        number = next(self.ids, 0) or self._next_id()
        row += (number, None)
        if direction == OUT:  # match_pending: true already (services._row)
            self.waiting.append(row)
            return True
        answer = ANSWERS.get(row[KEY])
        if answer:
            queries = self.by_answer[(sender, answer)]
            # Files come in time order, and ids grow: appending keeps most lists sorted.
            if not queries or queries[-1][TIMESTAMP] <= moment:
                queries.append(row)
            else:
                insort(queries, row, key=_row_order)
        control = row[CONTROL]
        if control:
            self.by_control[(sender, control)].append(row)
        return True

    def settle(self, *, final: bool) -> None:
        bound = self.latest if final else self.latest - LAG
        waiting = self.waiting
        ready = sorted((r for r in waiting if r[TIMESTAMP] <= bound), key=_row_order)
        if ready:
            self.waiting = [r for r in waiting if r[TIMESTAMP] > bound]
        match = self._match
        for response in ready:
            match(response)
        self.settled = max(self.settled, bound)

    def _match(self, response: Row) -> None:
        response[MATCH_PENDING] = False
        moment = response[TIMESTAMP]
        control = response[CONTROL]
        query: Row | None
        if control:
            held = self.by_control.get((response[DESTINATION], control))
            if held and len(held) == 1 and self.forgotten < held[0][TIMESTAMP] <= moment:
                query = held[0]  # nearly always: _by_control's pick, without its dicts
            else:
                self._match_stored(response, self._by_control(response))
                return
        else:
            candidates = self.by_answer.get((response[DESTINATION], response[KEY]))
            if not candidates:
                return
            # latest_unused's rule, its first look inlined (nearly always the pick).
            index = bisect_right(candidates, moment, key=_row_moment)
            if not index:
                return
            query = candidates[index - 1]
            if query[ID] in self.used:
                query = latest_unused(
                    candidates[: index - 1], moment, self.used, self.window, _row_moment, _row_id
                )
                if query is None:
                    return
            elif query[TIMESTAMP] < moment - self.window:
                return
        number = query[ID]
        self.used[number] = query[TIMESTAMP]
        response[QUERY_ID] = number
        if number > self.last_written:
            query[ANSWERED] = True
        else:
            self.late[response[ID]] = (number, query[TIMESTAMP])

    def _match_stored(self, response: Row, query: dict[str, Any]) -> None:
        """Record the match of a response with a control field (`query`: _by_control's)."""
        self.used[query["id"]] = query["timestamp"]
        response[QUERY_ID] = query["id"]
        if query.get("row") is not None and query["id"] > self.last_written:
            query["row"][ANSWERED] = True
            return
        self.late[response[ID]] = (query["id"], query["timestamp"])
        if self.first_id is None or query["id"] < self.first_id:
            self.answered_before.setdefault(query["id"], query["answered"])

    def _by_control(self, row: Row) -> dict[str, Any]:
        """The plain rule's pick among the queries held and the stored ones (as matching.py's
        dicts: a response with a control field is rare, its query looked up in the journal)."""
        response = {
            "id": row[ID],
            "timestamp": row[TIMESTAMP],
            "destination": row[DESTINATION],
            "control": row[CONTROL],
        }
        held = [
            {
                "id": query[ID],
                "timestamp": query[TIMESTAMP],
                "sender_ori": query[SENDER],
                "control": query[CONTROL],
                "row": query,
            }
            for query in self.by_control.get((row[DESTINATION], row[CONTROL]), [])
        ]
        # Held by (sender, control field): each has the response's control field and its
        # destination as sender, so a lone one is pick_by_control's pick (nearly always).
        chosen = held[0] if len(held) == 1 else pick_by_control(response, held)
        if chosen is not None and chosen["timestamp"] <= response["timestamp"]:
            if chosen["timestamp"] > self.forgotten:
                return chosen  # every query not held is older
        else:
            chosen = None
        self.before_reading()
        stored = cast(
            dict[str, Any] | None,
            JournalEntry.objects.filter(
                direction=Direction.IN,
                sender_ori=response["destination"],
                control=response["control"],
                timestamp__lte=response["timestamp"],
            )
            .order_by("-timestamp", "-id")
            .values("id", "timestamp", "answered")
            .first(),
        )
        found: list[dict[str, Any]] = [q for q in (chosen, stored) if q is not None]
        if not found:
            # The plain rule would take the latest query with this control field, which may be
            # further on in the file.
            raise LeaveFastPath
        return max(found, key=_order)

    def first_waiting(self) -> int | None:
        """The smallest id of the responses not matched yet (None when none): in file order,
        the first row that must wait for the next batch."""
        return min(map(_row_id, self.waiting), default=None)

    def late_answers(self, rows: list[Row]) -> list[tuple[int, datetime]]:
        """The queries already written that responses among `rows` answered."""
        return [self.late.pop(row[ID]) for row in rows if row[ID] in self.late]

    def written(self, last_id: int) -> None:
        self.last_written = last_id

    def prune(self) -> None:
        """Forget what no later response can need: queries older than the window before the
        matched time (for control fields: those written), rows' keys up to the matched time."""
        cut = self.settled - self.window
        by_answer = self.by_answer
        for ori_key, queries in list(by_answer.items()):
            if queries[0][TIMESTAMP] > cut:
                continue
            del queries[: bisect_right(queries, cut, key=_row_moment)]
            if not queries:
                del by_answer[ori_key]
        by_control, last = self.by_control, self.last_written
        for ori_control, queries in list(by_control.items()):
            if len(queries) == 1:  # nearly always: no list made again
                if queries[0][TIMESTAMP] <= cut and queries[0][ID] <= last:
                    del by_control[ori_control]
                continue
            kept = [q for q in queries if q[TIMESTAMP] > cut or q[ID] > last]
            if kept:
                by_control[ori_control] = kept
            else:
                del by_control[ori_control]
        self.forgotten = max(self.forgotten, cut)
        settled = self.settled
        self.keys = {key: moment for key, moment in self.keys.items() if moment > settled}
        # A query at or before the cut is no longer a candidate (by_answer forgot it).
        self.used = {qid: moment for qid, moment in self.used.items() if moment > cut}

    def undo_written(self) -> None:
        """Set the rows written so far back as the plain path leaves them before matching."""
        if self.first_id is None or self.last_written < self.first_id:
            return
        span = [self.first_id, self.last_written]
        unanswered = [qid for qid, flag in self.answered_before.items() if not flag]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {TABLE} SET match_pending = true, query_id = NULL "  # noqa: S608  # nosec B608
                "WHERE direction = 'OUT' AND id BETWEEN %s AND %s",
                span,
            )
            cursor.execute(
                f"UPDATE {TABLE} SET answered = false "  # noqa: S608  # nosec B608
                "WHERE direction = 'IN' AND answered AND id BETWEEN %s AND %s",
                span,
            )
            if unanswered:
                cursor.execute(
                    f"UPDATE {TABLE} SET answered = false WHERE id = ANY(%s)",  # noqa: S608  # nosec B608
                    [unanswered],
                )
            generation.bump()


# A message's (timestamp, id): the order of the matching's walk, as a dict (matching.py's
# shape) and as a row. itemgetter runs in C (the sort of each batch's responses called a
# Python function per response).
_order: Callable[[dict[str, Any]], tuple[datetime, int]] = itemgetter("timestamp", "id")
_row_order: Callable[[Row], tuple[datetime, int]] = itemgetter(TIMESTAMP, ID)
_row_moment: Callable[[Row], datetime] = itemgetter(TIMESTAMP)
_row_id: Callable[[Row], int] = itemgetter(ID)
