"""Subject notices in the statistics: how many were sent on time, sent late, are still
due or overdue, or were exempted, by the quarter the request was received.

On time: sent on or before the notice's due date (in the installation's time zone),
or sent at all where the profile sets no deadline. Late: sent after it. The
dashboard shows the last four quarters, the transparency report its own period.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from dmvrequests.cases.models import NoticeStatus, SubjectNotice

ROWS = (
    ("on_time", "Sent on time"),
    ("late", "Sent late"),
    ("overdue", "Not sent, past the due date"),
    ("pending", "Not sent yet, not due yet"),
    ("exempted", "Exempted by counsel"),
)


@dataclass(frozen=True)
class NoticeQuarter:
    label: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _filters(today: date) -> dict[str, Count]:
    sent = Q(status=NoticeStatus.SENT)
    due = Q(status=NoticeStatus.DUE)
    return {
        "on_time": Count("pk", filter=sent & (Q(due_date=None) | Q(sent_day__lte=F("due_date")))),
        "late": Count("pk", filter=sent & Q(sent_day__gt=F("due_date"))),
        "overdue": Count("pk", filter=due & Q(due_date__lt=today)),
        "pending": Count("pk", filter=due & (Q(due_date=None) | Q(due_date__gte=today))),
        "exempted": Count("pk", filter=Q(status=NoticeStatus.EXEMPTED)),
    }


def notice_timeliness(
    period, *, notices: QuerySet[SubjectNotice] | None = None, today: date | None = None
) -> NoticeQuarter:
    """The counts of ROWS for the notices of requests received in `period` (a
    transparency.Period); `notices` narrows them (the dashboard's office filter)."""
    today = today or timezone.localdate()
    rows = SubjectNotice.objects.order_by() if notices is None else notices.order_by()
    rows = rows.filter(**period.bounds("case__received_at")).annotate(sent_day=TruncDate("sent_at"))
    return NoticeQuarter(period.label, rows.aggregate(**_filters(today)))


def last_quarters(filters, *, count: int = 4, today: date | None = None) -> list[NoticeQuarter]:
    """The last `count` quarters, oldest first, with the dashboard's office and agency
    kind filters (its dates do not apply: a quarter is a quarter)."""
    from dmvrequests.reports.transparency import Period

    today = today or timezone.localdate()
    period = Period.of(today)
    periods = []
    for _ in range(count):
        periods.append(period)
        year, quarter = (
            (period.year - 1, 4) if period.quarter == 1 else (period.year, period.quarter - 1)
        )
        period = Period(year, quarter)
    notices = filters.scoped(SubjectNotice.objects.order_by(), "case__")
    return [notice_timeliness(p, notices=notices, today=today) for p in reversed(periods)]


def quarter_table(quarters: list[NoticeQuarter]) -> list[tuple[str, list[int]]]:
    """(label, [count per quarter]) for each of ROWS: the dashboard's table."""
    return [(label, [q.counts[key] for q in quarters]) for key, label in ROWS]


def published(quarter: NoticeQuarter, threshold: int) -> list[tuple[str, str]]:
    """(label, shown value) rows for the public report: a count above zero and below the
    suppression threshold is shown as "fewer than N", like the report's other tables."""
    return [(label, shown) for _, label, shown in published_rows(quarter, threshold)]


def published_rows(quarter: NoticeQuarter, threshold: int) -> list[tuple[str, str, str]]:
    """(key, label, shown value) for each of ROWS, suppressed as `published`: the CSV's."""
    shown = []
    for key, label in ROWS:
        value = quarter.counts[key]
        shown.append(
            (key, label, f"fewer than {threshold}" if 0 < value < threshold else str(value))
        )
    return shown
