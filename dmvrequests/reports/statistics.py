"""The dashboard's figures, each one a database aggregation.

The number of queries is fixed (14 on PostgreSQL, 16 on SQLite) whatever the
number of cases: every breakdown is one or two GROUP BYs or aggregates with
conditional counts, and percentiles are computed by the database. Nothing
here loops over cases.
"""

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from dmvrequests.cases.models import (
    Channel,
    Decision,
    DisclosureRequest,
    LegalDocument,
    NoticeStatus,
    Release,
    Status,
    SubjectNotice,
)
from dmvrequests.reports import casefacts
from dmvrequests.reports.casefacts import Outcome
from dmvrequests.reports.expressions import (
    EpochSeconds,
    JSONArrayContains,
    PercentileCont,
    time_to_decision,
)
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

    def breakdown(self, slug):
        return next(b for b in self.breakdowns if b.slug == slug)


def dashboard_figures(filters, *, today=None):
    cases = filters.cases()
    outcomes = _outcomes_by_kind(cases)
    return Dashboard(
        filters=filters,
        summary=_summary(cases),
        breakdowns=[
            _by_month(cases, filters.date_from, filters.date_to),
            _by_field(cases, "agency__kind", AgencyKind.choices, "by_agency_kind", "agency kind"),
            _by_agency(cases),
            _by_field(cases, "channel", Channel.choices, "by_channel", "channel"),
            _by_legal_process(cases),
            _outcome_breakdown(outcomes, None),
            _outcome_breakdown(outcomes, AgencyKind.IMMIGRATION),
            _by_category_released(cases),
        ],
        timing=decision_times(cases),
        overdue=overdue_counts(filters, today=today),
    )


def _summary(cases):
    found = cases.aggregate(
        requests=Count("pk"),
        decided=Count("pk", filter=Q(decided_at__isnull=False)),
        produced=Count("pk", filter=casefacts.produced()),
        immigration=Count("pk", filter=Q(agency__kind=AgencyKind.IMMIGRATION)),
    )
    return [
        Row("requests", "Requests received", found["requests"]),
        Row("decided", "Requests decided", found["decided"]),
        Row("produced", "Requests where some data was released", found["produced"]),
        Row("immigration", "Requests from immigration agencies", found["immigration"]),
    ]


def _month_keys(start, end):
    month = date(start.year, start.month, 1)
    while month <= end:
        yield month
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _by_month(cases, start, end):
    counted = (
        cases.annotate(month=TruncMonth("received_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = {f"{row['month']:%Y-%m}": row["n"] for row in counted}
    rows = [
        Row(f"{month:%Y-%m}", f"{month:%B %Y}", found.get(f"{month:%Y-%m}", 0))
        for month in _month_keys(start, end)
    ]
    return Breakdown("by_month", "Requests by month received", "Month", rows, chart="line")


def _by_field(cases, name, choices, slug, heading):
    found = dict(cases.values_list(name).annotate(n=Count("pk")).order_by())
    rows = [Row(value, label, found.get(value, 0)) for value, label in choices]
    return Breakdown(slug, f"Requests by {heading}", heading.capitalize(), rows)


def _by_agency(cases):
    counted = (
        cases.values("agency__slug", "agency__name", "agency__kind")
        .annotate(n=Count("pk"))
        .order_by("-n", "agency__name")
    )
    rows = [Row(r["agency__slug"], r["agency__name"], r["n"]) for r in counted]
    return Breakdown(
        "by_agency",
        "Requests by agency",
        "Agency",
        rows,
        note="Agencies with at least one request, most requests first.",
        limit=15,
    )


def _by_legal_process(cases):
    """Cases counted under each type of document they offered: a case with a warrant
    and a subpoena counts under both, so the column does not add up to the total."""
    found = dict(
        LegalDocument.objects.filter(case__in=cases)
        .values_list("type")
        .annotate(n=Count("case", distinct=True))
        .order_by()
    )
    without = cases.filter(~casefacts.offered()).count()
    found[LegalProcessType.NONE] = found.get(LegalProcessType.NONE, 0) + without
    rows = [Row(value, label, found.get(value, 0)) for value, label in LegalProcessType.choices]
    return Breakdown(
        "by_legal_process",
        "Requests by legal process offered",
        "Legal process",
        rows,
        note="A request that offered several kinds of document counts under each; a request "
        "that offered none counts under “No legal document”.",
    )


def _outcomes_by_kind(cases):
    """{(agency kind, outcome): n}, for both outcome tables, in two queries.

    The same outcome as casefacts.outcome(), counted from the other side: each
    case's standing decision is the one no later standing decision follows (a
    NOT EXISTS the database runs as an anti-join), where a correlated
    "latest decision" subquery per case would cost an index lookup per case.
    """
    per_kind = cases.values_list("agency__kind").annotate(
        total=Count("pk"), withdrawn=Count("pk", filter=Q(status=Status.WITHDRAWN))
    )
    decided = (
        casefacts.standing_decisions(cases.exclude(status=Status.WITHDRAWN))
        .values_list("case__agency__kind", "outcome", "reason")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = Counter()
    for kind, outcome, reason, n in decided:
        found[kind, casefacts.decision_outcome(outcome, reason)] += n
    for kind, total, withdrawn in per_kind.order_by():
        found[kind, Outcome.WITHDRAWN] += withdrawn
        decided_here = sum(n for (k, _), n in found.items() if k == kind)
        found[kind, Outcome.PENDING] = total - decided_here
    return found


def _outcome_breakdown(outcomes, kind):
    def count(code):
        return sum(n for (k, c), n in outcomes.items() if c == code and kind in (None, k))

    rows = [Row(code, label, count(code)) for code, label in Outcome.choices]
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


def _by_category_released(cases):
    found = Release.objects.filter(case__in=cases).aggregate(
        **{
            value: Count("case", distinct=True, filter=JSONArrayContains("categories", value))
            for value in RecordCategory.values
        }
    )
    rows = [Row(value, label, found[value]) for value, label in RecordCategory.choices]
    return Breakdown(
        "by_category_released",
        "Requests by record category released",
        "Category",
        rows,
        note="From the release ledger: a request counts under each category released.",
    )


def decision_times(cases):
    """Median and 90th percentile of received → decided, in days, over decided requests."""
    decided = cases.filter(decided_at__isnull=False)
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
    duration = EpochSeconds(time_to_decision())
    return decided.aggregate(
        **{name: PercentileCont(duration, fraction) for name, fraction in PERCENTILES.items()}
    )


def _percentiles_by_offset(decided):
    """percentile_cont's definition (linear interpolation between the two nearest
    ranks) where the database lacks it: a count, then for each percentile the two
    values around its rank, fetched with ORDER BY … LIMIT 2 OFFSET k."""
    n = decided.count()
    ordered = (
        decided.annotate(duration=time_to_decision())
        .order_by("duration")
        .values_list("duration", flat=True)
    )
    found = {}
    for name, fraction in PERCENTILES.items():
        if n == 0:
            found[name] = None
            continue
        rank = fraction * (n - 1)
        low = math.floor(rank)
        pair = [d.total_seconds() for d in ordered[low : low + 2]]
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
