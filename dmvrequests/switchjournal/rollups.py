"""The journal's counts grouped for the figures (selectors.py reads only `grouped`).

`grouped(filter, by)` sums the messages of the filter's period by the dimensions `by`: `month`
(first day of the local month), `direction`, `agency_kind`, `agency_id`, `message_key`, `ori`
(the query's sender, the response's destination). Each row holds its dimensions and the sums
`messages`, `image`, `name_only`, `partial_plate`, `blocked`, `block_leaks`, `carries_data`
(and `first_day`, `last_day` with `days=True`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Case, Count, F, Max, Min, Q, When
from django.db.models.functions import TruncDate, TruncMonth

from dmvrequests.switchjournal.models import Direction, JournalEntry

if TYPE_CHECKING:
    from dmvrequests.switchjournal.selectors import JournalFilter

DIMENSIONS = ("month", "direction", "agency_kind", "agency_id", "message_key", "ori")
SUMS = ("image", "name_only", "partial_plate", "blocked", "block_leaks", "carries_data")


def grouped(
    journal_filter: JournalFilter,
    by: list[str],
    *,
    direction: str | None = None,
    days: bool = False,
) -> list[dict[str, Any]]:
    """The sums of the filter's messages (of one `direction` when given) grouped by `by`."""
    unknown = set(by) - set(DIMENSIONS)
    if unknown:
        raise ValueError(f"cannot group by {sorted(unknown)}")
    start, end = journal_filter.bounds()
    rows = JournalEntry.objects.filter(timestamp__gte=start, timestamp__lt=end)
    if direction:
        rows = rows.filter(direction=direction)
    if journal_filter.agency_kind:
        rows = rows.filter(agency_kind=journal_filter.agency_kind)
    if journal_filter.agency_id is not None:
        rows = rows.filter(agency_id=journal_filter.agency_id)
    rows = rows.annotate(
        month=TruncMonth("timestamp"),
        ori=Case(When(direction=Direction.IN, then=F("sender_ori")), default=F("destination")),
    )
    sums: dict[str, Any] = {
        "messages": Count("id"),
        "image": Count("id", filter=Q(image=True)),
        "name_only": Count("id", filter=Q(name_only=True)),
        "partial_plate": Count("id", filter=Q(partial_plate=True)),
        "blocked": Count("id", filter=Q(blocked=True)),
        "block_leaks": Count("id", filter=Q(block_leak=True)),
        "carries_data": Count("id", filter=Q(carries_data=True)),
    }
    if days:
        rows = rows.annotate(day=TruncDate("timestamp"))
        sums.update(first_day=Min("day"), last_day=Max("day"))
    result = [dict(row) for row in rows.values(*by).annotate(**sums).order_by()]
    for row in result:
        if "month" in row and hasattr(row["month"], "date"):
            row["month"] = row["month"].date()
    return result
