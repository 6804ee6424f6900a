from datetime import date, timedelta

from django import forms

from accounts.models import User
from dmvrequests.agencies.models import Agency
from dmvrequests.audit.models import Action, Kind, Outcome
from dmvrequests.formfields import PlausibleDateField
from dmvrequests.forms import DateInput, FormMixinBase, USWDSFormMixin
from dmvrequests.oversight.erasure import REDACTABLE_FIELDS, field_label

CHANGE_TYPES = [("", "Any change"), ("+", "Case logged"), ("~", "Case changed"), ("-", "Deleted")]


class DateRangeMixin(FormMixinBase):
    """`date_from` and `date_to` (both days included), in order."""

    def clean(self):
        super().clean()
        data = self.cleaned_data
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            # On the "To" field: the summary links to it and the field is marked.
            self.add_error("date_to", "The end date is before the start date; swap them.")
        return data


def _date_field(label):
    return PlausibleDateField(required=False, label=label, widget=DateInput())


def _case_number_field():
    return forms.CharField(
        required=False,
        max_length=16,
        label="Case number",
        help_text="The whole number, for example DR-2026-000012.",
    )


def _changed_by_field():
    return forms.CharField(
        required=False,
        max_length=150,
        label="Changed by (user name)",
        help_text="The sign-in name of the person who made the change.",
    )


def _agency_field():
    return forms.ModelChoiceField(
        queryset=Agency.objects.order_by("name"),
        required=False,
        label="Agency",
        empty_label="Any agency",
        help_text="Records of the cases this agency sent.",
    )


class AccessLogFilterForm(DateRangeMixin, USWDSFormMixin, forms.Form):
    summary_heading = "Fix the filter"  # a search saves nothing
    username = forms.CharField(
        required=False,
        max_length=150,
        label="User name",
        help_text="The sign-in name, for example jsmith. Failed sign-ins are found by the name tried.",
    )
    case_number = _case_number_field()
    agency = _agency_field()
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind")] + Kind.choices)
    action = forms.ChoiceField(required=False, choices=[("", "Any action")] + Action.choices)
    outcome = forms.ChoiceField(required=False, choices=[("", "Any outcome")] + Outcome.choices)
    date_from = _date_field("From")
    date_to = _date_field("To")

    def clean_case_number(self):
        return self.cleaned_data["case_number"].strip().upper()

    def clean_username(self):
        return self.cleaned_data["username"].strip()


class HistoryFilterForm(DateRangeMixin, USWDSFormMixin, forms.Form):
    summary_heading = "Fix the filter"  # a search saves nothing
    username = _changed_by_field()
    case_number = _case_number_field()
    agency = _agency_field()
    change_type = forms.ChoiceField(required=False, choices=CHANGE_TYPES, label="Change")
    date_from = _date_field("From")
    date_to = _date_field("To")

    def clean_case_number(self):
        return self.cleaned_data["case_number"].strip().upper()

    def clean_username(self):
        return self.cleaned_data["username"].strip()


class DirectoryHistoryFilterForm(DateRangeMixin, USWDSFormMixin, forms.Form):
    """Filters of the directory's change history; cleaned: `agency_name`, `username`
    (stripped text), `date_from`, `date_to` (dates or None), `only_blocks` (bool)."""

    summary_heading = "Fix the filter"  # a search saves nothing
    agency_name = forms.CharField(
        required=False,
        max_length=200,
        label="Agency name contains",
        help_text="Part of the name, for example Police. ORI blocks are found by their ORI.",
    )
    username = _changed_by_field()
    date_from = _date_field("From")
    date_to = _date_field("To")
    only_blocks = forms.BooleanField(
        required=False,
        label="Only blocks",
        help_text="Agencies blocked or unblocked, and changes to ORI blocks.",
    )

    def clean_agency_name(self):
        return self.cleaned_data["agency_name"].strip()

    def clean_username(self):
        return self.cleaned_data["username"].strip()


def last_month(today):
    first_of_this_month = today.replace(day=1)
    last_day = first_of_this_month - timedelta(days=1)
    return last_day.replace(day=1), last_day


class UserActivityForm(DateRangeMixin, USWDSFormMixin, forms.Form):
    summary_heading = "Fix the filter"  # a search saves nothing
    user = forms.ModelChoiceField(
        queryset=User.objects.order_by("username"),
        label="User",
        empty_label="Choose a user",
    )
    date_from = PlausibleDateField(label="From", widget=DateInput())
    date_to = PlausibleDateField(label="To", widget=DateInput())

    @classmethod
    def initial_period(cls, today: date):
        start, end = last_month(today)
        return {"date_from": start, "date_to": end}


class RedactionForm(USWDSFormMixin, forms.Form):
    field = forms.ChoiceField(
        label="Field",
        choices=[("", "Choose the field")] + [(n, field_label(n)) for n in REDACTABLE_FIELDS],
    )
    text = forms.CharField(
        label="Text to remove",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "Copy the text exactly as it appears, with the same capitals and spaces. It is "
            "removed from the case and from every earlier version in its history."
        ),
    )
    reason = forms.CharField(
        label="Reason",
        max_length=200,
        help_text=(
            "Why the text is removed, for example “immigration status entered by mistake”. "
            "The reason is kept permanently in the audit log: do not repeat the removed text."
        ),
    )
