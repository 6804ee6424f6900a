"""Subject notices in the statistics: how many were sent on time, sent late, are still
due or overdue, or were exempted, by the quarter the request was received.

On time: sent on or before the notice's due date (in the installation's time zone),
or sent at all where the profile sets no deadline. Late: sent after it
(casefacts.notice_state). The dashboard shows the last four quarters, the transparency
report its own period.

Two queries whatever the number of cases: the settled notices and the open ones come
from the monthly rollups (counters ``notice_*``, reports/rollups.py), a quarter being
whole months; whether an open notice is overdue depends on today, so the open notices
past their due date are counted from the notices themselves, grouped by quarter (few:
a notice is open for days, and the count reads the ``notice_due_idx`` index on status
and due date). A notice falls due N days after its request was received (the profile's
rule, docs/profiles.md: never before the day of receipt), so the count reads only the
notices due from the period's first day on, not all of history's open ones.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, DateField, Sum
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from dmvrequests.cases.models import NoticeStatus, SubjectNotice
from dmvrequests.reports.counters import NOTICE_STATES
from dmvrequests.reports.filters import ReportFilters, day_start

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


def _counts(filters: ReportFilters, today: date) -> dict[date, Counter]:
    """{first day of a quarter: Counter of ROWS' keys} for the notices of the requests
    `filters` covers (dates of whole quarters, office, agency kind), in two queries: the
    rollups' notice counters by month, the open notices past due by quarter."""
    found: dict[date, Counter] = {}
    monthly = filters.monthly_rollups(filters.parts(today))
    if monthly is not None:
        sums = {state: Sum(f"notice_{state}") for state in NOTICE_STATES}
        for row in monthly.values("month").annotate(**sums):
            counts = found.setdefault(_quarter_of(row["month"]), Counter())
            counts.update({state: row[state] or 0 for state in NOTICE_STATES})
    overdue = SubjectNotice.objects.order_by().filter(
        status=NoticeStatus.DUE,
        # Due on or after the day of receipt: bounds the index range to the period.
        due_date__gte=filters.date_from,
        due_date__lt=today,
        case__received_at__gte=day_start(filters.date_from),
        case__received_at__lt=day_start(filters.date_to + timedelta(days=1)),
    )
    quarters = (
        filters.scoped(overdue, "case__")
        .annotate(quarter=TruncQuarter("case__received_at", output_field=DateField()))
        .values("quarter")
        .annotate(n=Count("pk"))
    )
    for row in quarters:
        found.setdefault(row["quarter"], Counter())["overdue"] += row["n"]
    return found


def _quarter_of(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _quarter(period, counts: Counter) -> NoticeQuarter:
    """The NoticeQuarter of `period` from its Counter (`_counts`): the open notices not
    overdue are pending."""
    found = {key: counts[key] for key in ("on_time", "late", "overdue", "exempted")}
    found["pending"] = counts["open"] - counts["overdue"]
    return NoticeQuarter(period.label, {key: found[key] for key, _ in ROWS})


def notice_timeliness(
    period, *, office=None, agency_kind: str = "", today: date | None = None
) -> NoticeQuarter:
    """The counts of ROWS for the notices of requests received in `period` (a
    transparency.Period: a quarter or a year), of `office` (None: every office) and
    agencies of `agency_kind` ("": every kind); `today` (the state's date) for tests."""
    today = today or timezone.localdate()
    filters = ReportFilters(period.start, period.end, office, agency_kind)
    return _quarter(period, sum(_counts(filters, today).values(), Counter()))


def last_quarters(filters, *, count: int = 4, today: date | None = None) -> list[NoticeQuarter]:
    """The last `count` quarters, oldest first, with the dashboard's office and agency
    kind filters (its dates do not apply: a quarter is a quarter). Two queries."""
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
    periods.reverse()
    span = ReportFilters(periods[0].start, periods[-1].end, filters.office, filters.agency_kind)
    found = _counts(span, today)
    return [_quarter(p, found.get(p.start, Counter())) for p in periods]


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
