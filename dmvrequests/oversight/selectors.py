"""Searches of the audit trail and the case history, for auditors' screens.

Auditors read everything (requests_visible_to answers every case for them);
the access table keeps everyone else out of these screens.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from accounts.models import Office
from dmvrequests.audit.models import AuditRecord
from dmvrequests.cases.models import DisclosureRequest

if TYPE_CHECKING:
    from collections.abc import Mapping

    from django.db.models import QuerySet

    from accounts.models import User
    from dmvrequests.agencies.models import Agency


def day_bounds(
    date_from: date | None, date_to: date | None
) -> tuple[datetime | None, datetime | None]:
    """Aware datetimes for [date_from 00:00, date_to + 1 day 00:00) in local time.

    Comparing the stored instant with bounds (rather than its __date) keeps
    the date indexes usable.
    """
    start = timezone.make_aware(datetime.combine(date_from, time.min)) if date_from else None
    # The last day Python knows has no day after it: no end bound at all, not an OverflowError.
    end = date_to + timedelta(days=1) if date_to and date_to < date.max else None
    end = timezone.make_aware(datetime.combine(end, time.min)) if end else None
    return start, end


def in_period(
    queryset: QuerySet[Any], field: str, date_from: date | None, date_to: date | None
) -> QuerySet[Any]:
    """`queryset` limited to `field` (a datetime) within the local days date_from to date_to,
    both included; either None leaves that side open."""
    start, end = day_bounds(date_from, date_to)
    if start:
        queryset = queryset.filter(**{f"{field}__gte": start})
    if end:
        queryset = queryset.filter(**{f"{field}__lt": end})
    return queryset


def _agency_case_numbers(agency: Agency) -> QuerySet[DisclosureRequest, Any]:
    return DisclosureRequest.objects.filter(agency=agency).values("number")


def audit_records_search(filters: Mapping[str, Any]) -> QuerySet[AuditRecord]:
    """AuditRecords matching the cleaned AccessLogFilterForm data, newest first."""
    records = AuditRecord.objects.select_related("user").order_by("-seq")
    if filters.get("username"):
        records = records.filter(username__iexact=filters["username"])
    if filters.get("case_number"):
        records = records.filter(case_number=filters["case_number"])
    if filters.get("agency"):
        records = records.filter(case_number__in=_agency_case_numbers(filters["agency"]))
    for name in ("kind", "action", "outcome"):
        if filters.get(name):
            records = records.filter(**{name: filters[name]})
    return in_period(records, "occurred_at", filters.get("date_from"), filters.get("date_to"))


def case_history_search(filters: Mapping[str, Any]) -> QuerySet[Any]:
    """Historical case rows matching the cleaned HistoryFilterForm data, newest first.

    Each row is annotated with the history_id of the row before it of the same
    case, so a page of results can be compared in one more query.
    """
    history = DisclosureRequest.history
    previous = history.filter(id=OuterRef("id")).filter(
        Q(history_date__lt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
    )
    rows = history.select_related("history_user", "agency").annotate(
        previous_history_id=Subquery(
            previous.order_by("-history_date", "-history_id").values("history_id")[:1]
        )
    )
    if filters.get("username"):
        rows = rows.filter(history_user__username__iexact=filters["username"])
    if filters.get("case_number"):
        rows = rows.filter(number=filters["case_number"])
    if filters.get("agency"):
        rows = rows.filter(agency_id=filters["agency"].pk)
    if filters.get("change_type"):
        rows = rows.filter(history_type=filters["change_type"])
    rows = in_period(rows, "history_date", filters.get("date_from"), filters.get("date_to"))
    return rows.order_by("-history_date", "-history_id")


def user_activity(
    user: User, date_from: date | None, date_to: date | None
) -> QuerySet[AuditRecord]:
    """Everything recorded about one user in a period: their own events, and
    failed sign-ins that tried their account name."""
    records = AuditRecord.objects.filter(
        Q(user=user) | Q(user__isnull=True, username__iexact=user.get_username())
    )
    return in_period(records, "occurred_at", date_from, date_to)


def activity_summary(records: QuerySet[AuditRecord]) -> tuple[list[tuple[str, int]], int]:
    """(action label, count) pairs and the number of distinct cases touched."""
    by_action = (
        records.order_by().values_list("action").annotate(n=Count("seq")).order_by("-n", "action")
    )
    labels = dict(AuditRecord._meta.get_field("action").flatchoices)
    counts = [(labels.get(action, action), n) for action, n in by_action]
    cases = records.exclude(case_number="").order_by().values("case_number").distinct().count()
    return counts, cases


def office_names() -> dict[str, str]:
    """{office code: office name}: audit records keep the code as text (it survives a
    rename); the auditor's pages show the name."""
    return dict(Office.objects.values_list("code", "name"))
