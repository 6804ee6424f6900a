"""The published reports: the transparency report and the quarterly attestation.

Both cover every office, for a calendar quarter or year of received dates.
The transparency report counts requests, subjects and the requests in which
some data was produced, by legal process and by agency kind, with small
counts suppressed (suppression.py). The attestation states that every
request was logged and none was granted for a prohibited purpose, and lists
the exceptions found (docs/reports.md).
"""

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from dmvrequests.cases.models import Channel, DecisionOutcome, DisclosureRequest, Status
from dmvrequests.policy.engine import EngineDecision
from dmvrequests.reports import casefacts, suppression
from dmvrequests.reports.casefacts import Outcome
from dmvrequests.reports.filters import day_start
from dmvrequests.vocabulary import AgencyKind, Purpose

DEFAULT_THRESHOLD = 5
PROHIBITED_PURPOSES = (Purpose.CIVIL_IMMIGRATION_ENFORCEMENT,)
QUARTERS = {1: (1, 3), 2: (4, 6), 3: (7, 9), 4: (10, 12)}


def suppression_threshold():
    return getattr(settings, "REPORTS_SUPPRESSION_THRESHOLD", DEFAULT_THRESHOLD)


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int | None = None  # None: the whole year

    @classmethod
    def last_complete_quarter(cls, today=None):
        today = today or timezone.localdate()
        quarter = (today.month - 1) // 3  # the quarter before this one
        return cls(today.year - 1, 4) if quarter == 0 else cls(today.year, quarter)

    @classmethod
    def of(cls, day):
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def default(cls, today=None):
        """What the reports open on: the last complete quarter if it has requests,
        otherwise the latest quarter that has any (a new installation's first weeks),
        otherwise the last complete quarter all the same."""
        complete = cls.last_complete_quarter(today)
        if complete.received().exists():
            return complete
        cases = DisclosureRequest.objects.order_by()
        latest = cases.aggregate(latest=Max("received_at"))["latest"]  # the date index
        return cls.of(timezone.localtime(latest).date()) if latest else complete

    @property
    def start(self):
        first_month = QUARTERS[self.quarter][0] if self.quarter else 1
        return date(self.year, first_month, 1)

    @property
    def end(self):
        """The last day, inclusive."""
        if not self.quarter or self.quarter == 4:
            return date(self.year, 12, 31)
        return date(self.year, QUARTERS[self.quarter][1] + 1, 1) - timedelta(days=1)

    @property
    def label(self):
        return f"Q{self.quarter} {self.year}" if self.quarter else str(self.year)

    @property
    def slug(self):
        return f"{self.year}-q{self.quarter}" if self.quarter else str(self.year)

    def received(self):
        return DisclosureRequest.objects.order_by().filter(**self.bounds("received_at"))

    def bounds(self, name):
        return {
            f"{name}__gte": day_start(self.start),
            f"{name}__lt": day_start(self.end + timedelta(days=1)),
        }


# The transparency report -------------------------------------------------------------


@dataclass
class PublishedRow:
    key: str
    label: str
    cells: dict  # column → suppression.Cell
    share: float | None  # percent of requests where data was produced; None if hidden

    @property
    def share_hidden(self):
        return self.cells["requests"].suppressed or self.cells["produced"].suppressed


@dataclass
class PublishedTable:
    slug: str
    title: str
    heading: str
    rows: list
    total: PublishedRow


@dataclass
class TransparencyReport:
    period: Period
    threshold: int
    total: PublishedRow
    tables: list = field(default_factory=list)
    after_the_fact: PublishedTable | None = None  # disclosures found after the fact


def _annotated(period):
    return period.received().annotate(subject=casefacts.subject_key())


def _subjects(cases, name=None):
    """Distinct subjects, in all (`name` None) or grouped by the annotation `name`.
    Not additive across days, so counted from the cases, not from the rollups."""
    distinct = Count("subject", distinct=True)
    if name is None:
        return cases.aggregate(n=distinct)["n"]
    return dict(cases.values_list(name).annotate(n=distinct).order_by())


def _rollup_counts(period):
    """{agency kind: Counter} of the period's StateMonthlyRollup rows (requests, produced,
    primary_*, produced_primary_*), every office together: one query over at most twelve
    months' rows a kind (a period is whole months)."""
    from dmvrequests.reports.models import StateMonthlyRollup

    names = ["requests", "produced"] + [
        f"{prefix}_{kind.value}"
        for kind in casefacts.PROCESS_STRENGTH
        for prefix in ("primary", "produced_primary")
    ]
    rows = (
        StateMonthlyRollup.objects.order_by()
        .filter(month__gte=period.start, month__lte=period.end)
        .values("agency_kind")
        .annotate(**{name: Sum(name) for name in names})
    )
    return {
        row["agency_kind"]: Counter({k: v or 0 for k, v in row.items() if k != "agency_kind"})
        for row in rows
    }


def transparency_report(period, threshold=None):
    """Requests and requests with data produced come from the monthly rollups; subjects
    (distinct people or vehicles, which do not add up across days) from the cases."""
    threshold = threshold or suppression_threshold()
    by_kind = _rollup_counts(period)
    every: Counter[str] = sum(by_kind.values(), Counter())
    cases = _annotated(period)
    total = {
        "requests": every["requests"],
        "subjects": _subjects(cases),
        "produced": every["produced"],
    }
    by_process_subjects = _subjects(
        cases.annotate(process=casefacts.primary_legal_process()), "process"
    )
    by_process = {
        kind.value: {
            "requests": every[f"primary_{kind.value}"],
            "subjects": by_process_subjects.get(kind.value, 0),
            "produced": every[f"produced_primary_{kind.value}"],
        }
        for kind in casefacts.PROCESS_STRENGTH
    }
    kind_subjects = _subjects(cases, "agency__kind")
    by_agency_kind = {
        kind: {
            "requests": counts["requests"],
            "subjects": kind_subjects.get(kind, 0),
            "produced": counts["produced"],
        }
        for kind, counts in by_kind.items()
    }
    processes = [(kind.value, kind.label) for kind in casefacts.PROCESS_STRENGTH]
    raw = [
        ("by_legal_process", "By legal process", "Legal process", processes, by_process),
        ("by_agency_kind", "By kind of agency", "Agency kind", AgencyKind.choices, by_agency_kind),
    ]
    tables = _suppressed_tables(raw, total, threshold)
    report = TransparencyReport(period, threshold, tables[0].total, tables)
    report.after_the_fact = after_the_fact(period, threshold)
    return report


AFTER_THE_FACT = "found_after_the_fact"


def after_the_fact(period, threshold):
    """Disclosures found after the fact: records that left the DMV outside the request
    process (staff emailing an outside agency directly), found in the mail journal, for which
    counsel opened a case after the fact (channel "Outbound, unrecorded", docs/outbound.md).
    Counted in the period the email was sent (the case's received date), by agency kind: the
    disclosures (as "requests" and, since each released data, "produced") and the subjects
    they named. Suppressed like the other tables, against its own totals."""
    cases = period.received().filter(channel=Channel.OUTBOUND_UNRECORDED)
    cases = cases.annotate(subject=casefacts.subject_key())
    distinct = Count("subject", distinct=True)
    grouped = cases.values("agency__kind").annotate(n=Count("pk"), subjects=distinct)
    found = {
        row["agency__kind"]: {
            "requests": row["n"],
            "subjects": row["subjects"],
            "produced": row["n"],
        }
        for row in grouped.values("agency__kind", "n", "subjects")
    }
    every = cases.aggregate(n=Count("pk"), subjects=distinct)
    total = {"requests": every["n"], "subjects": every["subjects"], "produced": every["n"]}
    title = "Disclosures found after the fact"
    table = _published(
        AFTER_THE_FACT, title, "Agency kind", AgencyKind.choices, found, total, threshold, ()
    )
    # "Produced" is "requests" again: it is published, or not, exactly as requests are.
    same = [
        _row(row.key, row.label, {**row.cells, "produced": replace(row.cells["requests"])})
        for row in [*table.rows, table.total]
    ]
    return PublishedTable(table.slug, table.title, table.heading, same[:-1], same[-1])


def _suppressed_tables(raw, total, threshold):
    """Suppress every table; tables share the totals, so a total one table must
    withhold is withheld in all of them, and they are suppressed again."""
    withheld: set[str] = set()
    while True:
        tables = [
            _published(slug, title, heading, choices, found, total, threshold, withheld)
            for slug, title, heading, choices, found in raw
        ]
        now = {
            column
            for table in tables
            for column, cell in table.total.cells.items()
            if cell.mark == suppression.WITHHELD
        }
        if now <= withheld:
            return tables
        withheld |= now


def _published(slug, title, heading, choices, found, total, threshold, withheld):
    empty = dict.fromkeys(suppression.COLUMNS, 0)
    counts = [found.get(value, empty) for value, _ in choices]
    grid, total_cells = suppression.suppress(counts, total, threshold, withheld)
    rows = [_row(value, label, cells) for (value, label), cells in zip(choices, grid, strict=True)]
    return PublishedTable(slug, title, heading, rows, _row("total", "Total", total_cells))


def _row(key, label, cells):
    row = PublishedRow(key, label, cells, None)
    requests = cells["requests"].value
    if requests and not row.share_hidden:
        row.share = round(100 * cells["produced"].value / requests)
    return row


def display(cell, threshold):
    """What the published page and CSV show for a cell."""
    if cell.mark == suppression.SMALL:
        return f"fewer than {threshold}"
    if cell.mark == suppression.WITHHELD:
        return "withheld"
    return str(cell.value)


def share_display(row):
    if row.share_hidden:
        return "withheld"
    return "–" if row.share is None else f"{row.share}%"


def transparency_csv_rows(report, notice_rows=()):
    """The CSV of the published report: a header, then every row of every table as
    published (suppressed counts as "fewer than N"), then the subject notices' timeliness
    (`notice_rows`: (key, label, shown) from notices.published_rows), table
    "subject_notices", the number of notices in the "requests" column."""
    yield [
        "table",
        "key",
        "label",
        "requests",
        "subjects",
        "requests_with_data_produced",
        "share_with_data_produced",
    ]
    tables = [*report.tables, *([report.after_the_fact] if report.after_the_fact else [])]
    for table in tables:
        for row in [*table.rows, table.total]:
            yield [
                table.slug,
                row.key,
                row.label,
                *(display(row.cells[c], report.threshold) for c in suppression.COLUMNS),
                share_display(row),
            ]
    for key, label, shown in notice_rows:
        yield ["subject_notices", key, label, shown, "", "", ""]


# The attestation ----------------------------------------------------------------------


@dataclass(frozen=True)
class AttestationException:
    number: str
    received_at: object
    decided_at: object
    agency: str
    agency_kind: str
    purpose: str
    outcome: str
    reasons: tuple


@dataclass
class Attestation:
    period: Period
    by_channel: list  # (value, label, count)
    total: int
    decided: dict  # outcome → count of decisions made in the period
    exceptions: list
    generated_at: object

    @property
    def clean(self):
        return not self.exceptions


# The attestation follows Colorado's statute (C.R.S. 24-74-105); under another
# profile it cites that profile's law instead.
ATTESTATION_STATUTES = {"co": "C.R.S. 24-74-105"}


def attestation_statute(profile):
    """The law the attestation is made under: the active profile's."""
    if profile is None:
        return ""
    return ATTESTATION_STATUTES.get(profile.slug, profile.citation)


def attestation_report(period):
    logged = dict(period.received().values_list("channel").annotate(n=Count("pk")))
    by_channel = [(value, label, logged.get(value, 0)) for value, label in Channel.choices]
    return Attestation(
        period=period,
        by_channel=by_channel,
        total=sum(n for _, _, n in by_channel),
        decided=_decided_in(period),
        exceptions=_exceptions(period),
        generated_at=timezone.now(),
    )


def _standing_in(period):
    """The standing decisions of the cases decided in the period (withdrawn cases had
    none that stood)."""
    decided = DisclosureRequest.objects.filter(**period.bounds("decided_at"))
    return casefacts.standing_decisions(decided.exclude(status=Status.WITHDRAWN))


def _decided_in(period):
    counted = _standing_in(period).values_list("outcome", "reason").annotate(n=Count("pk"))
    found: Counter[str] = Counter()
    for outcome, reason, n in counted.order_by():
        found[casefacts.decision_outcome(outcome, reason)] += n
    decided = (Outcome.APPROVED, Outcome.APPROVED_PARTIAL, Outcome.DENIED)
    return {code: found[code] for code in decided}


def _exceptions(period):
    """Grants (approvals that took effect in the period) that the law forbids: for a
    prohibited purpose, or against the policy engine's own "deny" stored with them."""
    granted = (
        _standing_in(period)
        .filter(outcome=DecisionOutcome.APPROVED)
        .filter(
            Q(case__purpose__in=PROHIBITED_PURPOSES)
            | Q(evaluation__decision=EngineDecision.DENY.value)
        )
        .select_related("case", "case__agency")
        .order_by("case__decided_at", "case__number")
    )
    return [_exception(decision) for decision in granted]


def _exception(decision):
    case = decision.case
    reasons = []
    if case.purpose in PROHIBITED_PURPOSES:
        reasons.append(f"purpose: {Purpose(case.purpose).label.lower()}")
    if (decision.evaluation or {}).get("decision") == EngineDecision.DENY:
        reasons.append("the policy engine's evaluation stored with the decision was “deny”")
    return AttestationException(
        number=case.number,
        received_at=case.received_at,
        decided_at=case.decided_at,
        agency=case.agency.name,
        agency_kind=AgencyKind(case.agency.kind).label,
        purpose=Purpose(case.purpose).label,
        outcome=dict(Outcome.choices)[
            casefacts.decision_outcome(decision.outcome, decision.reason)
        ],
        reasons=tuple(reasons),
    )


def attestation_csv_rows(attestation):
    yield ["section", "key", "label", "value"]
    yield ["period", "start", "First day", attestation.period.start.isoformat()]
    yield ["period", "end", "Last day", attestation.period.end.isoformat()]
    for value, label, n in attestation.by_channel:
        yield ["logged_by_channel", value, label, n]
    yield ["logged_by_channel", "total", "Total", attestation.total]
    for code, n in attestation.decided.items():
        yield ["decided", code, dict(Outcome.choices)[code], n]
    for item in attestation.exceptions:
        yield ["exception", item.number, item.agency, "; ".join(item.reasons)]
