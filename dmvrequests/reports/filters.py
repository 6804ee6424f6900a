"""Which cases a report covers: a period of received dates, an office, an agency kind.

Every figure of the dashboard, the exports and the command line is about the
requests *received* in the period (a cohort): a request received in March and
decided in April counts in March. Dates are the state's dates (TIME_ZONE).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import Case, Q, QuerySet, Value, When
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


def _days_up_to(first, last, today):
    """How many days of first..last (inclusive) are on or before today: the days that may
    have rows (no case is received in the future)."""
    return max(0, (min(last, today) - first).days + 1)


@dataclass(frozen=True)
class PeriodParts:
    """How a period of days is read from the rollups (reports/rollups.py): the whole
    months `months` ((first month, last month), first days, or None) from the monthly
    rows, plus the daily rows of the `added` days, minus the daily rows of the `taken`
    days. A month the period covers in part is read either as its days in the period, or
    as the whole month less its days outside it, whichever reads fewer days that can hold
    cases: the month running today is its monthly row less the days after today (none
    has a case), not a month of daily rows. Both ways give the same counts."""

    months: tuple[date, date] | None
    added: tuple  # ((first day, last day), ...), inclusive
    taken: tuple

    @classmethod
    def of(cls, start, end, today):
        """The parts of start..end (inclusive dates), `today` the state's date."""
        months, added, taken = [], [], []
        month = date(start.year, start.month, 1)
        while month <= end:
            following = months_back(month, -1)
            last = following - timedelta(days=1)
            first_in, last_in = max(start, month), min(end, last)
            outside = [
                (a, b)
                for a, b in (
                    (month, first_in - timedelta(days=1)),
                    (last_in + timedelta(days=1), last),
                )
                if a <= b
            ]
            by_days = _days_up_to(first_in, last_in, today)
            by_month = 1 + sum(_days_up_to(a, b, today) for a, b in outside)
            if not outside or by_month < by_days:
                months.append(month)
                taken += outside
            else:
                added.append((first_in, last_in))
            month = following
        span = (months[0], months[-1]) if months else None
        return cls(span, tuple(added), tuple(taken))

    @property
    def edges(self):
        return self.added + self.taken

    def month_bounds(self):
        """A filter on `month`: the whole months (ValueError when there are none)."""
        if self.months is None:
            raise ValueError("The period holds no whole month.")
        first, last = self.months
        return {"month__gte": first, "month__lte": last}

    @staticmethod
    def _days(ranges):
        found = Q(pk__in=[])
        for first, last in ranges:
            found |= Q(day__gte=first, day__lte=last)
        return found

    def edge_days(self):
        """A filter on `day`: the added and the taken days."""
        return self._days(self.edges)

    def sign(self):
        """An expression: 1 on an added day, -1 on a taken one."""
        if not self.taken:
            return Value(1)
        if not self.added:
            return Value(-1)
        return Case(When(self._days(self.added), then=Value(1)), default=Value(-1))


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

    def parts(self, today=None):
        """How the period is read from the rollups (PeriodParts)."""
        return PeriodParts.of(self.date_from, self.date_to, today or timezone.localdate())

    def _where(self, rows, *, kind=True):
        if self.office is not None:
            rows = rows.filter(office=self.office)
        if kind and self.agency_kind:
            rows = rows.filter(agency_kind=self.agency_kind)
        return rows

    def monthly_rollups(self, parts):
        """The whole months' counter rows: StateMonthlyRollup for every office,
        MonthlyRollup for one; None when the period has no whole month."""
        from dmvrequests.reports.models import MonthlyRollup, StateMonthlyRollup

        if parts.months is None:
            return None
        model = StateMonthlyRollup if self.office is None else MonthlyRollup
        return self._where(model.objects.order_by().filter(**parts.month_bounds()))

    def edge_rollups(self, parts):
        """The DailyRollup rows of the edge days (PeriodParts.sign() says which are
        added, which taken away); None when there are none."""
        from dmvrequests.reports.models import DailyRollup

        if not parts.edges:
            return None
        return self._where(DailyRollup.objects.order_by().filter(parts.edge_days()))

    def monthly_agency_rollups(self, parts):
        """The whole months' requests by agency (StateMonthlyAgencyRollup, or
        MonthlyAgencyRollup for one office); None when the period has no whole month."""
        from dmvrequests.reports.models import MonthlyAgencyRollup, StateMonthlyAgencyRollup

        if parts.months is None:
            return None
        rows: QuerySet
        if self.office is None:
            rows = StateMonthlyAgencyRollup.objects.order_by().filter(**parts.month_bounds())
        else:
            rows = MonthlyAgencyRollup.objects.order_by().filter(
                office=self.office, **parts.month_bounds()
            )
        if self.agency_kind:
            rows = rows.filter(agency__kind=self.agency_kind)
        return rows

    def edge_agency_rollups(self, parts):
        """The DailyAgencyRollup rows of the edge days; None when there are none."""
        from dmvrequests.reports.models import DailyAgencyRollup

        if not parts.edges:
            return None
        return self.scoped(DailyAgencyRollup.objects.order_by().filter(parts.edge_days()))

    def decision_buckets(self, parts):
        """The whole months' histogram rows of time to decision (StateDecisionTimeBucket,
        or DecisionTimeBucket for one office) for the agency kind, or every kind
        (models.EVERY_KIND); None when the period has no whole month."""
        from dmvrequests.reports.models import (
            EVERY_KIND,
            DecisionTimeBucket,
            StateDecisionTimeBucket,
        )

        if parts.months is None:
            return None
        model = StateDecisionTimeBucket if self.office is None else DecisionTimeBucket
        rows = self._where(model.objects.order_by().filter(**parts.month_bounds()), kind=False)
        return rows.filter(agency_kind=self.agency_kind or EVERY_KIND)

    def edge_rollup_states(self, parts):
        """The rollup states (CaseRollupState) of the edge days' cases; None when there
        are none."""
        from dmvrequests.reports.models import CaseRollupState

        if not parts.edges:
            return None
        return self._where(CaseRollupState.objects.order_by().filter(parts.edge_days()))

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
