"""The dashboard's figures, read from the daily rollups (rollups.py).

Six queries on PostgreSQL (eight on SQLite) whatever the number of cases: the
period's DailyRollup rows summed by month and agency kind in one query (every
breakdown is added up from its few hundred rows), the requests by agency from
DailyAgencyRollup in another, the percentiles of time to
decision from the cases' rollup states, and the three counts of work overdue
today (current state, not a cohort: read from the cases with their indexes).
"""

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from dmvrequests.cases.models import (
    Channel,
    Decision,
    DisclosureRequest,
    NoticeStatus,
    Status,
    SubjectNotice,
)
from dmvrequests.reports.casefacts import Outcome
from dmvrequests.reports.counters import COUNTERS
from dmvrequests.reports.expressions import PercentileCont
from dmvrequests.vocabulary import AgencyKind, LegalProcessType, RecordCategory

# Statuses in which the DMV owes a decision. A case waiting for the agency's
# answer (needs_info) is not overdue: its clock stops until the answer comes.
AWAITING_DECISION = (Status.RECEIVED, Status.IN_REVIEW)
PERCENTILES = {"median": 0.5, "p90": 0.9}


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    value: float | int | None


@dataclass
class Breakdown:
    """One table of the dashboard (and one chart): requests counted by a key."""

    slug: str
    title: str
    heading: str
    rows: list
    chart: str = "bar"
    note: str = ""
    # Show at most this many rows on screen; the exports always have them all.
    limit: int | None = None

    @property
    def total(self):
        return sum(row.value or 0 for row in self.rows)

    @property
    def shown_rows(self):
        if not self.limit or len(self.rows) <= self.limit:
            return self.rows
        rest = self.rows[self.limit :]
        other = Row("other", f"All {len(rest)} other agencies", sum(r.value for r in rest))
        return [*self.rows[: self.limit], other]


@dataclass
class Dashboard:
    filters: object
    summary: list
    breakdowns: list = field(default_factory=list)
    timing: list = field(default_factory=list)
    overdue: list = field(default_factory=list)
    # When the figures were read. The daily rollups change in the same transaction as each
    # case (reports/rollups.py), so they are exact as of this moment.
    as_of: datetime | None = None

    def breakdown(self, slug):
        return next(b for b in self.breakdowns if b.slug == slug)


def dashboard_figures(filters, *, today=None):
    totals, timing = _with_work_mem(lambda: (RollupTotals.of(filters), decision_times(filters)))
    immigration = totals.by_kind.get(AgencyKind.IMMIGRATION, Counter())
    return Dashboard(
        filters=filters,
        as_of=timezone.now(),
        summary=[
            Row("requests", "Requests received", totals.all["requests"]),
            Row("decided", "Requests decided", totals.all["decided"]),
            Row("produced", "Requests where some data was released", totals.all["produced"]),
            Row("immigration", "Requests from immigration agencies", immigration["requests"]),
        ],
        breakdowns=[
            _by_month(totals, filters.date_from, filters.date_to),
            _by_agency_kind(totals),
            _by_agency(totals),
            _by_counter(totals.all, "channel", Channel.choices, "by_channel", "channel"),
            _by_legal_process(totals.all),
            _outcome_breakdown(totals.all, None),
            _outcome_breakdown(immigration, AgencyKind.IMMIGRATION),
            _by_category_released(totals.all),
        ],
        timing=timing,
        overdue=overdue_counts(filters, today=today),
    )


@dataclass
class RollupTotals:
    """The period's DailyRollup rows summed in one query, by month and agency, then
    added up here every way the dashboard shows them (a few hundred rows at most)."""

    all: Counter
    by_month: Counter
    by_kind: dict
    by_agency: dict  # (slug, name) -> requests

    @classmethod
    def of(cls, filters):
        """Two queries: the counters by month and agency kind, the requests by agency."""
        rows = (
            filters.rollups()
            .annotate(month=TruncMonth("day"))
            .values("month", "agency_kind")
            .annotate(**{name: Sum(name) for name in COUNTERS})
        )
        found = cls(Counter(), Counter(), {}, Counter())
        for row in rows:
            counts = Counter({name: row[name] or 0 for name in COUNTERS})
            found.all.update(counts)
            found.by_month[f"{row['month']:%Y-%m}"] += counts["requests"]
            found.by_kind.setdefault(row["agency_kind"], Counter()).update(counts)
        for name in COUNTERS:
            found.all.setdefault(name, 0)
        agencies = (
            filters.agency_rollups()
            .values("agency__slug", "agency__name")
            .annotate(n=Sum("requests"))
        )
        for row in agencies:
            found.by_agency[row["agency__slug"], row["agency__name"]] += row["n"] or 0
        return found


# PostgreSQL guesses thousands of groups for DATE_TRUNC('month', day) × kind where a
# year has about a hundred, and so sorts the year's wide rows (9.8 MB at 1,000,000 cases)
# on disk at the default work_mem of 4 MB; the percentiles sort the year's 190,000
# values on disk too. Enough memory for these two queries keeps both sorts in memory;
# nothing else is affected.
ROLLUP_WORK_MEM = "64MB"


def _with_work_mem(read):
    """What `read()` returns, its queries run with ROLLUP_WORK_MEM on PostgreSQL."""
    if connection.vendor != "postgresql":
        return read()
    with transaction.atomic(), connection.cursor() as cursor:
        # Set for this transaction only, and put back at once in case it is a savepoint.
        cursor.execute(
            "SELECT current_setting('work_mem'), set_config('work_mem', %s, true)",
            [ROLLUP_WORK_MEM],
        )
        before = cursor.fetchone()[0]
        found = read()
        cursor.execute("SELECT set_config('work_mem', %s, true)", [before])
    return found


def _month_keys(start, end):
    month = date(start.year, start.month, 1)
    while month <= end:
        yield month
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _by_month(totals, start, end):
    rows = [
        Row(f"{month:%Y-%m}", f"{month:%B %Y}", totals.by_month.get(f"{month:%Y-%m}", 0))
        for month in _month_keys(start, end)
    ]
    return Breakdown("by_month", "Requests by month received", "Month", rows, chart="line")


def _by_agency_kind(totals):
    rows = [
        Row(value, label, totals.by_kind.get(value, Counter())["requests"])
        for value, label in AgencyKind.choices
    ]
    return Breakdown("by_agency_kind", "Requests by agency kind", "Agency kind", rows)


def _by_counter(counts, prefix, choices, slug, heading):
    rows = [Row(value, label, counts[f"{prefix}_{value}"]) for value, label in choices]
    return Breakdown(slug, f"Requests by {heading}", heading.capitalize(), rows)


def _by_agency(totals):
    ranked = sorted(
        ((slug, name, n) for (slug, name), n in totals.by_agency.items() if n),
        key=lambda item: (-item[2], item[1]),
    )
    rows = [Row(slug, name, n) for slug, name, n in ranked]
    return Breakdown(
        "by_agency",
        "Requests by agency",
        "Agency",
        rows,
        note="Agencies with at least one request, most requests first.",
        limit=15,
    )


def _by_legal_process(counts):
    """Cases counted under each type of document they offered: a case with a warrant
    and a subpoena counts under both, so the column does not add up to the total."""
    found = {value: counts[f"offered_{value}"] for value in LegalProcessType.values}
    found[LegalProcessType.NONE] += counts["offered_nothing"]
    rows = [Row(value, label, found[value]) for value, label in LegalProcessType.choices]
    return Breakdown(
        "by_legal_process",
        "Requests by legal process offered",
        "Legal process",
        rows,
        note="A request that offered several kinds of document counts under each; a request "
        "that offered none counts under “No legal document”.",
    )


def _outcome_breakdown(counts, kind):
    rows = [Row(code, label, counts[f"outcome_{code}"]) for code, label in Outcome.choices]
    if kind is None:
        return Breakdown("by_outcome", "Requests by outcome", "Outcome", rows, chart="doughnut")
    return Breakdown(
        "immigration_outcomes",
        "Requests from immigration agencies, by outcome",
        "Outcome",
        rows,
        chart="doughnut",
        note="Agencies of the kind “Immigration enforcement” in the directory (ICE, CBP, USCIS…).",
    )


def _by_category_released(counts):
    rows = [
        Row(value, label, counts[f"released_{value}"]) for value, label in RecordCategory.choices
    ]
    return Breakdown(
        "by_category_released",
        "Requests by record category released",
        "Category",
        rows,
        note="From the release ledger: a request counts under each category released.",
    )


def decision_times(filters):
    """Median and 90th percentile of received → decided, in days, over decided requests
    (each case's seconds are kept in its rollup state, CaseRollupState)."""
    decided = filters.rollup_states().filter(decision_seconds__isnull=False)
    if connection.vendor == "postgresql":
        seconds = _percentiles_postgresql(decided)
    else:
        seconds = _percentiles_by_offset(decided)
    return [
        Row("median_days", "Median time to decision (days)", _days(seconds["median"])),
        Row("p90_days", "90th percentile time to decision (days)", _days(seconds["p90"])),
    ]


def _days(seconds):
    return None if seconds is None else round(seconds / 86400, 1)


def _percentiles_postgresql(decided):
    duration = F("decision_seconds")
    aggregates = {
        name: PercentileCont(duration, fraction) for name, fraction in PERCENTILES.items()
    }
    return decided.aggregate(**aggregates)


def _percentiles_by_offset(decided):
    """percentile_cont's definition (linear interpolation between the two nearest
    ranks) where the database lacks it: a count, then for each percentile the two
    values around its rank, fetched with ORDER BY … LIMIT 2 OFFSET k."""
    n = decided.count()
    ordered = decided.order_by("decision_seconds").values_list("decision_seconds", flat=True)
    found: dict[str, Any] = {}
    for name, fraction in PERCENTILES.items():
        if n == 0:
            found[name] = None
            continue
        rank = fraction * (n - 1)
        low = math.floor(rank)
        pair = list(ordered[low : low + 2])
        upper = pair[1] if len(pair) > 1 else pair[0]
        found[name] = pair[0] + (upper - pair[0]) * (rank - low)
    return found


def overdue_counts(filters, *, today=None):
    """Work past its due date now; the office and agency-kind filters apply, the
    dates do not (an overdue case received last year is overdue today)."""
    today = today or timezone.localdate()
    current = filters.scoped(DisclosureRequest.objects.order_by())
    decisions = current.filter(status__in=AWAITING_DECISION, due_date__lt=today).count()
    notices = filters.scoped(
        SubjectNotice.objects.filter(status=NoticeStatus.DUE, due_date__lt=today), "case__"
    ).count()
    followups = filters.scoped(
        Decision.objects.filter(
            emergency=True, followup_received_at=None, followup_due__lt=timezone.now()
        ),
        "case__",
    ).count()
    return [
        Row("decisions_overdue", "Requests awaiting a decision past their due date", decisions),
        Row("notices_overdue", "Subject notices past their due date", notices),
        Row("followups_overdue", "Emergency approvals whose legal process is overdue", followups),
    ]


def statistic_rows(dashboard):
    """Every figure as (section, key, label, value): the statistics export's rows."""
    for name, value in dashboard.filters.as_detail().items():
        yield ("filters", name, name.replace("_", " ").capitalize(), value)
    for row in dashboard.summary:
        yield ("summary", row.key, row.label, row.value)
    for breakdown in dashboard.breakdowns:
        for row in breakdown.rows:
            yield (breakdown.slug, row.key, row.label, row.value)
    for row in dashboard.timing:
        yield ("time_to_decision", row.key, row.label, row.value)
    for row in dashboard.overdue:
        yield ("overdue", row.key, row.label, row.value)
