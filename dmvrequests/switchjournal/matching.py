"""The rule that picks a response's query (docs/network-queries.md, "Responses"), shared by the
two ways of matching: after the rows are stored (services.journal_match_responses) and while
the journal is read (fastimport.py). Both walk the responses in (timestamp, id) order and call
these functions, so both give the same matches.

A query or response is a dict with at least `id`, `timestamp` (aware), `sender_ori`,
`destination`, `message_key` and `control`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Container
from datetime import datetime, timedelta
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


def moment_of(message: dict[str, Any]) -> datetime:
    moment: datetime = message["timestamp"]
    return moment
