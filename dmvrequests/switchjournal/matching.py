"""The rule that picks a response's query (docs/network-queries.md, "Responses"), shared by the
two ways of matching: after the rows are stored (services.journal_match_responses) and while
the journal is read (fastimport.py). Both walk the responses in (timestamp, id) order and call
these functions, so both give the same matches.

A query or response is a dict with at least `id`, `timestamp` (aware) and `control`; a query
also has its `sender_ori`, a response its `destination` and `message_key` (what the rule reads).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Container
from datetime import datetime, timedelta
from operator import itemgetter
from typing import Any


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
    moment = response["timestamp"]
    index = bisect_right(candidates, moment, key=moment_of)
    while index > 0:
        index -= 1
        query = candidates[index]
        if query["timestamp"] < moment - window:
            return None
        if query["id"] not in used:
            return query
    return None


# A message's time, the key of bisect over a list of messages: itemgetter runs in C, where a
# Python function cost a call at each step of each bisection (0.1 us a message imported).
moment_of: Callable[[dict[str, Any]], datetime] = itemgetter("timestamp")
