"""Case exports, streamed: rows are produced while they are sent, in constant memory."""

import csv

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from dmvrequests.cases.models import Decision, DisclosureRequest

# Subject identifiers and narratives are left out of exports by default.
CASE_COLUMNS = [
    ("number", "case number"),
    ("status", "status"),
    ("channel", "channel"),
    ("received_at", "received (ISO 8601)"),
    ("office", "office"),
    ("agency", "agency"),
    ("agency_kind", "agency kind"),
    ("purpose", "purpose"),
    ("categories", "categories asked, ';'-separated"),
    ("emergency", "emergency claimed"),
    ("bulk", "bulk request"),
    ("decided_at", "decided (ISO 8601)"),
    ("outcome", "decision outcome"),
    ("reason", "reason code"),
    ("categories_approved", "categories approved"),
]


def cases_for_export(date_from=None, date_to=None):
    latest = Decision.objects.filter(case=OuterRef("pk")).order_by("-decided_at", "-id")
    cases = DisclosureRequest.objects.annotate(
        outcome=Subquery(latest.values("outcome")[:1]),
        reason=Subquery(latest.values("reason")[:1]),
        categories_approved=Subquery(latest.values("categories_approved")[:1]),
    )
    if date_from:
        cases = cases.filter(received_at__date__gte=date_from)
    if date_to:
        cases = cases.filter(received_at__date__lte=date_to)
    return cases.order_by("received_at", "pk").values(
        "number",
        "status",
        "channel",
        "received_at",
        "office__name",
        "agency__name",
        "agency__kind",
        "purpose",
        "categories",
        "emergency",
        "bulk",
        "decided_at",
        "outcome",
        "reason",
        "categories_approved",
    )


def _iso(value):
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def _joined(value):
    if isinstance(value, str):  # Some backends return JSON from a subquery as text.
        import json

        value = json.loads(value or "[]")
    return ";".join(value or [])


def case_row(row):
    return [
        row["number"],
        row["status"],
        row["channel"],
        _iso(row["received_at"]),
        row["office__name"],
        row["agency__name"],
        row["agency__kind"],
        row["purpose"],
        _joined(row["categories"]),
        "yes" if row["emergency"] else "no",
        "yes" if row["bulk"] else "no",
        _iso(row["decided_at"]),
        row["outcome"] or "",
        row["reason"] or "",
        _joined(row["categories_approved"]),
    ]


class _Echo:
    def write(self, value):
        return value


def csv_lines(rows):
    writer = csv.writer(_Echo())
    yield writer.writerow([name for name, _ in CASE_COLUMNS])
    for row in rows.iterator(chunk_size=2000):
        yield writer.writerow(case_row(row))
