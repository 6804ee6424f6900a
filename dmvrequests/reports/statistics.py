"""The dashboard's figures, read from the rollups (rollups.py).

Six to nine queries whatever the number of cases: the counters of the period's whole
months (one row a month and agency kind, for the state or for one office) and of the
days at its edges, added up every way the dashboard shows them; the requests by agency
the same way; the histogram of time to decision of the whole months and the times of the
edge days' decided cases, from which the percentiles are interpolated
(decisiontimes.py); and the three counts of work overdue today (current state, not a
cohort: read from the cases with their indexes). filters.PeriodParts says which months
are whole and which days are edges: for the default twelve months, every month but the
one running today, which is read whole less the days after today.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

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
from dmvrequests.reports import decisiontimes
from dmvrequests.reports.casefacts import Outcome
from dmvrequests.reports.counters import COUNTERS
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
    """The Dashboard of `filters` (ReportFilters); `today` (the state's date) for tests."""
    parts = filters.parts(today)
    totals, timing = RollupTotals.of(filters, parts), decision_times(filters, parts)
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
    """The period's counters by month and agency kind, and its requests by agency, read
    from the rollups (at most a few hundred rows) and added up here every way the
    dashboard shows them."""

    all: Counter
    by_month: Counter
    by_kind: dict
    by_agency: dict  # (slug, name) -> requests

    @classmethod
    def of(cls, filters, parts):
        """Up to four queries: the whole months' counters and the edge days' (signed:
        taken days count negatively), then the requests by agency the same way."""
        found = cls(Counter(), Counter(), {}, Counter())
        monthly = filters.monthly_rollups(parts)
        if monthly is not None:
            found.add(monthly.values("month", "agency_kind", *COUNTERS))
        edges = filters.edge_rollups(parts)
        if edges is not None:
            sign = parts.sign()
            found.add(
                edges.annotate(month=TruncMonth("day"))
                .values("month", "agency_kind")
                .annotate(**{name: Sum(F(name) * sign) for name in COUNTERS})
            )
        for name in COUNTERS:
            found.all.setdefault(name, 0)
        names = ("agency__slug", "agency__name")
        by_agency = filters.monthly_agency_rollups(parts)
        if by_agency is not None:
            found.add_agencies(by_agency.values(*names).annotate(n=Sum("requests")))
        edges = filters.edge_agency_rollups(parts)
        if edges is not None:
            found.add_agencies(edges.values(*names).annotate(n=Sum(F("requests") * parts.sign())))
        return found

    def add(self, rows):
        """Add rows of counters (dicts with month, agency_kind and every counter)."""
        for row in rows:
            counts = Counter({name: row[name] or 0 for name in COUNTERS})
            self.all.update(counts)
            self.by_month[f"{row['month']:%Y-%m}"] += counts["requests"]
            self.by_kind.setdefault(row["agency_kind"], Counter()).update(counts)

    def add_agencies(self, rows):
        for row in rows:
            self.by_agency[row["agency__slug"], row["agency__name"]] += row["n"] or 0


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


def decision_times(filters, parts):
    """Median and 90th percentile of received → decided, in days, over decided requests,
    interpolated from the histogram of their times (decisiontimes.py: within 1 % of
    PostgreSQL's percentile_cont over the exact times, 60 s under a minute). Two queries
    at most: the whole months' buckets, the edge days' decided cases' times."""
    counts: dict[int, int] = {}
    buckets = filters.decision_buckets(parts)
    if buckets is not None:
        for bucket, n in buckets.values_list("bucket").annotate(n=Sum("cases")):
            counts[bucket] = counts.get(bucket, 0) + n
    edges = filters.edge_rollup_states(parts)
    if edges is not None:
        decided = edges.filter(decision_seconds__isnull=False).annotate(sign=parts.sign())
        for seconds, sign in decided.values_list("decision_seconds", "sign"):
            decisiontimes.add_times(counts, [seconds], sign)
    seconds = decisiontimes.percentiles(counts, PERCENTILES)
    return [
        Row("median_days", "Median time to decision (days, within 1 %)", _days(seconds["median"])),
        Row(
            "p90_days", "90th percentile time to decision (days, within 1 %)", _days(seconds["p90"])
        ),
    ]


def _days(seconds):
    return None if seconds is None else round(seconds / 86400, 1)


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
