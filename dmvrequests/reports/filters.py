"""Which cases a report covers: a period of received dates, an office, an agency kind.

Every figure of the dashboard, the exports and the command line is about the
requests *received* in the period (a cohort): a request received in March and
decided in April counts in March. Dates are the state's dates (TIME_ZONE).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from dmvrequests.cases.models import DisclosureRequest
from dmvrequests.formfields import FIRST_YEAR, LAST_YEAR, MESSAGE
from dmvrequests.panels import PanelScope
from dmvrequests.vocabulary import AgencyKind

if TYPE_CHECKING:
    from accounts.models import Office

# Reports cover the years any date may have (dmvrequests/formfields.py): one rule, one
# wording everywhere; a date outside them is a typo.
# A report over a longer span is a mistake, not a question.
MAX_SPAN_YEARS = 25


class PeriodError(ValueError):
    """The period asked for cannot be reported on; the message says what to change."""


def check_period(start, end):
    """Raise PeriodError unless start..end (inclusive) is a period reports can cover."""
    for day in (start, end):
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise PeriodError(f"{MESSAGE} {day:%B %-d, %Y} is outside that.")
    if end < start:
        raise PeriodError(f"The end ({end}) is before the start ({start}); swap them.")
    if end.year - start.year > MAX_SPAN_YEARS:
        raise PeriodError(f"Choose a period of {MAX_SPAN_YEARS} years or less.")


def day_start(day):
    """The first instant of `day` in the state's time zone, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


def months_back(day, months):
    """The first day of the month `months` before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class ReportFilters:
    date_from: date
    date_to: date
    office: Office | None = None  # None for every office
    agency_kind: str = ""

    @classmethod
    def default(cls, today=None):
        """The last twelve months, this one included: a year of trend at a glance."""
        today = today or timezone.localdate()
        return cls(date_from=months_back(today, 11), date_to=today)

    @classmethod
    def from_detail(cls, detail):
        """Back from as_detail() (a stored export job's filters)."""
        from accounts.models import Office

        office_id = detail.get("office_id")
        return cls(
            date_from=date.fromisoformat(detail["date_from"]),
            date_to=date.fromisoformat(detail["date_to"]),
            office=Office.objects.get(pk=office_id) if office_id else None,
            agency_kind=detail.get("agency_kind") or "",
        )

    def panel_scope(self) -> PanelScope:
        """These filters for the panels other apps add to the dashboard (dmvrequests.panels)."""
        return PanelScope(
            self.date_from, self.date_to, self.office.pk if self.office else None, self.agency_kind
        )

    def received_between(self, cases):
        # Bounds as instants, not `received_at__date`: the column's index is used and
        # no per-row time-zone conversion is needed.
        return cases.filter(
            received_at__gte=day_start(self.date_from),
            received_at__lt=day_start(self.date_to + timedelta(days=1)),
        )

    def scoped(self, rows, prefix=""):
        """Office and agency kind only: for figures about now, such as overdue work.
        `prefix` reaches the case from a related model ("case__")."""
        if self.office is not None:
            rows = rows.filter(**{f"{prefix}office": self.office})
        if self.agency_kind:
            rows = rows.filter(**{f"{prefix}agency__kind": self.agency_kind})
        return rows

    def cases(self):
        return self.scoped(self.received_between(DisclosureRequest.objects.order_by()))

    def rollups(self):
        """The DailyRollup rows of the period, office and agency kind (rollups.py)."""
        from dmvrequests.reports.models import DailyRollup

        rows = DailyRollup.objects.order_by().filter(day__gte=self.date_from, day__lte=self.date_to)
        if self.office is not None:
            rows = rows.filter(office=self.office)
        if self.agency_kind:
            rows = rows.filter(agency_kind=self.agency_kind)
        return rows

    def agency_rollups(self):
        """The DailyAgencyRollup rows of the period, office and agency kind."""
        from dmvrequests.reports.models import DailyAgencyRollup

        rows = DailyAgencyRollup.objects.order_by()
        return self.scoped(rows.filter(day__gte=self.date_from, day__lte=self.date_to))

    def rollup_states(self):
        """Each case's rollup state (CaseRollupState) for the same cases as cases()."""
        from dmvrequests.reports.models import CaseRollupState

        rows = CaseRollupState.objects.order_by()
        rows = rows.filter(day__gte=self.date_from, day__lte=self.date_to)
        if self.office is not None:
            rows = rows.filter(office=self.office)
        if self.agency_kind:
            rows = rows.filter(agency_kind=self.agency_kind)
        return rows

    def as_params(self):
        """The filters as query parameters, so that links and forms carry them along."""
        params = {"date_from": self.date_from.isoformat(), "date_to": self.date_to.isoformat()}
        if self.office is not None:
            params["office"] = str(self.office.pk)
        if self.agency_kind:
            params["agency_kind"] = self.agency_kind
        return params

    def as_detail(self):
        """The filters as plain data, for audit records and export headers."""
        return {
            "date_from": self.date_from.isoformat(),
            "date_to": self.date_to.isoformat(),
            "office": self.office.code if self.office is not None else "",
            # The id too: a stored job finds its office even after a change of code.
            "office_id": self.office.pk if self.office is not None else None,
            "agency_kind": self.agency_kind,
        }

    def describe(self):
        office = self.office.name if self.office is not None else "all offices"
        kind = AgencyKind(self.agency_kind).label if self.agency_kind else "all agency kinds"
        return (
            f"Requests received from {self.date_from:%B %-d, %Y} to {self.date_to:%B %-d, %Y}; "
            f"{office}; {kind}."
        )
