"""Unrecorded-disclosure items in the statistics: items per month by agency kind, outcome of
counsel's review, and sending office (the dashboard's "Staff email to agencies" panel,
registered in apps.py through dmvrequests.panels).

An item is a flagged message (docs/outbound.md, rule 4), counted in the month it was sent (the
journal entry's date, in the installation's time zone). The dashboard's filters apply: its dates
to the sending date, its office to the sender's office, its agency kind to the recipients'.
Counts only: no message, sender or recipient is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth

from accounts.models import Office
from dmvrequests.outbound.models import OutboundMessage, ReviewStatus
from dmvrequests.panels import PanelScope
from dmvrequests.vocabulary import AgencyKind

NOT_KNOWN = "Not known"


@dataclass(frozen=True)
class MonthlyTable:
    title: str
    heading: str
    rows: list[tuple[str, list[int], int]]  # (label, count per month, total)
    totals: list[int]

    def by_month(self, months: list[date]) -> list[tuple[date, list[int], int]]:
        """The table turned: one row per month of `months` (the counts of each of `rows`, then
        the month's total), so that a year reads down the page instead of off its side."""
        return [
            (month, [counts[i] for _, counts, _ in self.rows], self.totals[i])
            for i, month in enumerate(months)
        ]


def months_between(start: date, end: date) -> list[date]:
    """The first day of every month from `start`'s to `end`'s, both included."""
    months, index = [], start.year * 12 + start.month - 1
    while index <= end.year * 12 + end.month - 1:
        months.append(date(index // 12, index % 12 + 1, 1))
        index += 1
    return months


def scoped_items(scope: PanelScope) -> QuerySet[OutboundMessage]:
    """Flagged items sent between the scope's dates, in its office and agency kind."""
    items = OutboundMessage.objects.order_by().exclude(review_status="")
    items = items.filter(entry__sent_on__gte=scope.date_from, entry__sent_on__lte=scope.date_to)
    if scope.office_id is not None:
        items = items.filter(office_id=scope.office_id)
    if scope.agency_kind:
        items = items.filter(agency_kind=scope.agency_kind)
    return items


def monthly(items, field: str, months: list[date]) -> dict[Any, list[int]]:
    """{value of `field`: [items per month of `months`]}: one grouped query."""
    found: dict[Any, list[int]] = {}
    position = {month: i for i, month in enumerate(months)}
    grouped = (
        items.annotate(month=TruncMonth("entry__sent_on"))
        .values(field, "month")
        .annotate(n=Count("pk"))
        .values_list(field, "month", "n")
    )
    for value, month, n in grouped:
        index = position.get(date(month.year, month.month, 1))
        if index is not None:
            found.setdefault(value, [0] * len(months))[index] += n
    return found


def table(
    found: dict[Any, list[int]], labels: list[tuple[Any, str]], title: str, heading: str, width: int
) -> MonthlyTable:
    """Rows in the order of `labels` (values with no item left out), then the totals."""
    rows = [(text, found[value], sum(found[value])) for value, text in labels if value in found]
    totals = [sum(column) for column in zip(*(r[1] for r in rows), strict=True)] or [0] * width
    return MonthlyTable(title, heading, rows, totals)


def office_labels(found: dict[Any, list[int]]) -> list[tuple[Any, str]]:
    names = dict(Office.objects.filter(pk__in=[k for k in found if k]).values_list("pk", "name"))
    known = sorted(((pk, name) for pk, name in names.items()), key=lambda pair: pair[1])
    return known + ([(None, NOT_KNOWN)] if None in found else [])


def dashboard_figures(scope: PanelScope) -> dict[str, Any]:
    """The panel's context: {"months": [date], "tables": [MonthlyTable], "total": int}."""
    months = months_between(scope.date_from, scope.date_to)
    items = scoped_items(scope)
    by_kind = monthly(items, "agency_kind", months)
    by_outcome = monthly(items, "review_status", months)
    by_office = monthly(items, "office", months)
    kinds = [*AgencyKind.choices, ("", NOT_KNOWN)]
    width = len(months)
    tables = [
        table(by_kind, kinds, "By kind of agency", "Agency kind", width),
        table(by_outcome, ReviewStatus.choices, "By outcome of counsel's review", "Outcome", width),
        table(by_office, office_labels(by_office), "By sending office", "Office", width),
    ]
    return {
        "months": months,
        "tables": tables,
        "turned": [(t, t.by_month(months)) for t in tables],
        "total": sum(tables[0].totals),
    }
