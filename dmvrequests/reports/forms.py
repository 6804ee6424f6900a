from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Office
from dmvrequests.formfields import FIRST_YEAR, LAST_YEAR, YEAR_MESSAGE, PlausibleDateField
from dmvrequests.forms import DateInput, USWDSFormMixin
from dmvrequests.reports.filters import PeriodError, ReportFilters, check_period, months_back
from dmvrequests.reports.formats import CASES, CSV, DATASET_CHOICES, FORMAT_CHOICES, STATISTICS
from dmvrequests.reports.transparency import Period
from dmvrequests.vocabulary import AgencyKind


class ReportFilterForm(USWDSFormMixin, forms.Form):
    """Dates, office and agency kind: the filters of the dashboard and the exports."""

    summary_heading = "Fix the filter"  # the dashboard saves nothing

    date_from = PlausibleDateField(required=False, label="Received from", widget=DateInput())
    date_to = PlausibleDateField(required=False, label="Received to", widget=DateInput())
    office = forms.ModelChoiceField(
        queryset=Office.objects.order_by("name"), required=False, empty_label="All offices"
    )
    agency_kind = forms.ChoiceField(
        choices=[("", "All agency kinds"), *AgencyKind.choices], required=False
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if "date_from" in self.errors or "date_to" in self.errors:
            return data
        # A missing end is today; a missing start, twelve months before the end.
        end = data.get("date_to") or timezone.localdate()
        try:
            check_period(end, end)  # a plausible year, before counting months back from it
        except PeriodError as error:
            self.add_error("date_to", str(error))
            return data
        try:
            start = data.get("date_from") or months_back(end, 11)
            if end < start and not data.get("date_to"):
                # No end given: the end is today, and there is nothing to swap.
                self.add_error(
                    "date_from",
                    "The “Received from” date is after today: no case was received then. "
                    "Choose today or an earlier date.",
                )
                return data
            if end < start:
                # On the "Received to" field: the summary links to it and the field is marked.
                self.add_error(
                    "date_to",
                    "The “Received to” date is before the “Received from” date; swap them.",
                )
                return data
            check_period(start, end)
        except PeriodError as error:
            # At the "Received from" field (a period too long is shortened from its start; the
            # end is plausible), and the rest of the form still checked: every error at once.
            self.add_error("date_from", str(error))
            return data
        data["date_from"], data["date_to"] = start, end
        return data

    def filters(self):
        data = self.cleaned_data
        return ReportFilters(
            date_from=data["date_from"],
            date_to=data["date_to"],
            office=data.get("office"),
            agency_kind=data.get("agency_kind") or "",
        )


class ExportForm(ReportFilterForm):
    summary_heading = "Nothing was exported"
    dataset = forms.ChoiceField(
        choices=DATASET_CHOICES, initial=CASES, widget=forms.RadioSelect, label="What to export"
    )
    format = forms.ChoiceField(
        choices=FORMAT_CHOICES, initial=CSV, widget=forms.RadioSelect, label="Format"
    )
    include_identifiers = forms.BooleanField(
        required=False,
        label="Include subject identifiers and narratives",
        help_text="Names, dates of birth, license numbers, plates, VINs and the request's "
        "narrative. Only when your duty requires them: the export is recorded in the audit "
        "log with your name and reason.",
    )
    reason = forms.CharField(
        required=False,
        label="Why you need the identifiers",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        help_text="Required with identifiers; recorded in the audit log.",
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("include_identifiers"):
            if data.get("dataset") == STATISTICS:
                self.add_error(
                    "include_identifiers",
                    "Statistics hold no identifiers. Untick this box, or export cases.",
                )
            elif not (data.get("reason") or "").strip():
                self.add_error("reason", "Say why you need the subject identifiers.")
        return data


PERIOD_CHOICES = [
    ("q1", "First quarter"),
    ("q2", "Second quarter"),
    ("q3", "Third quarter"),
    ("q4", "Fourth quarter"),
    ("year", "Whole year"),
]


class PeriodForm(USWDSFormMixin, forms.Form):
    """A calendar quarter or year, for the published reports."""

    summary_heading = "Fix the period"  # choosing a period saves nothing

    year = forms.IntegerField(
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        label="Year",
        error_messages={"min_value": YEAR_MESSAGE, "max_value": YEAR_MESSAGE},
    )
    period = forms.ChoiceField(choices=PERIOD_CHOICES, label="Period")

    def __init__(self, *args, quarters_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        if quarters_only:
            cast(forms.ChoiceField, self.fields["period"]).choices = PERIOD_CHOICES[:4]

    @classmethod
    def for_period(cls, period, **kwargs):
        initial = {
            "year": period.year,
            "period": f"q{period.quarter}" if period.quarter else "year",
        }
        return cls(initial=initial, **kwargs)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year > timezone.localdate().year:
            raise ValidationError("That year has not begun; choose this year or an earlier one.")
        return year

    def period_chosen(self):
        data = self.cleaned_data
        quarter = None if data["period"] == "year" else int(data["period"][1])
        return Period(data["year"], quarter)
