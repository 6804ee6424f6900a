"""The rule that picks a response's query (docs/network-queries.md, "Responses"), shared by the
two ways of matching: after the rows are stored (services.journal_match_responses) and while
the journal is read (fastimport.py). Both walk the responses in (timestamp, id) order and call
these functions, so both give the same matches (the fast import holds its messages as rows
and calls `latest_unused`, the time rule for any shape, with its own accessors).

A query or response is a dict with at least `id`, `timestamp` (aware) and `control`; a query
also has its `sender_ori`, a response its `destination` and `message_key` (what the rule reads).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Container
from datetime import datetime, timedelta
from operator import itemgetter
from typing import Any, TypeVar

Q = TypeVar("Q")


def pick_by_control(
    response: dict[str, Any], candidates: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """The query with the response's control field sent by its destination: the latest at or
    before the response, or, when none is earlier, the latest of them; by (timestamp, id)."""
    same = [
        c
        for c in candidates
        if c["control"] == response["control"] and c["sender_ori"] == response["destination"]
    ]
    earlier = [c for c in same if c["timestamp"] <= response["timestamp"]]
    return max(earlier or same, key=lambda c: (c["timestamp"], c["id"]), default=None)


def pick_by_time(
    response: dict[str, Any],
    candidates: list[dict[str, Any]],
    used: Container[int],
    window: timedelta,
) -> dict[str, Any] | None:
    """The latest query of `candidates` (one ORI's queries of the key the response answers, in
    (timestamp, id) order) not in `used` at most `window` before the response."""
    return latest_unused(candidates, response["timestamp"], used, window, moment_of, id_of)


def latest_unused(
    candidates: list[Q],
    moment: datetime,
    used: Container[int],
    window: timedelta,
    time_of: Callable[[Q], datetime],
    number_of: Callable[[Q], int],
) -> Q | None:
    """pick_by_time's rule over queries of any shape: the latest of `candidates` (in (time,
    id) order) at or before `moment` whose id is not in `used`, at most `window` before it.
    `time_of` and `number_of` read a query's time and id (the fast import holds its queries
    as rows, streammatcher.StreamMatcher)."""
    index = bisect_right(candidates, moment, key=time_of)
    while index > 0:
        index -= 1
        query = candidates[index]
        if time_of(query) < moment - window:
            return None
        if number_of(query) not in used:
            return query
    return None


# A message's time and id, the keys of bisect over a list of messages: itemgetter runs in C,
# where a Python function cost a call at each step of each bisection (0.1 us a message).
moment_of: Callable[[dict[str, Any]], datetime] = itemgetter("timestamp")
id_of: Callable[[dict[str, Any]], int] = itemgetter("id")
