"""The queue's filter, read from the address (?status=&sort=&tab=)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import Truncator

from dmvrequests.cases.models import Status
from dmvrequests.forms import USWDSFormMixin

QUEUE_SORT_KEYS = ("due", "received", "number", "agency", "status")
QUEUE_TABS = (
    ("", "Review queue"),
    ("mine", "Assigned to me"),
    ("office-cases", "All office cases"),
    ("shared", "Shared with us"),
)
# The views whose cases the status filter narrows (the review queues have no status filter).
FILTERED_TABS = ("office-cases", "shared")


ECHO_MAX_CHARS = 40


class ShortEchoChoiceField(forms.ChoiceField):
    """A choice read from the address: an unknown value is echoed in the message cut to
    ECHO_MAX_CHARS characters (an address can carry any length of text)."""

    def validate(self, value):
        try:
            super().validate(value)
        except ValidationError as error:
            raise ValidationError(
                error.message,
                code=error.code,
                params={"value": Truncator(value).chars(ECHO_MAX_CHARS)},
            ) from None


class QueueFilterForm(USWDSFormMixin, forms.Form):
    """The queue's filter, read from the address (?status=&sort=&tab=). A value it does not
    know is said at the top and beside the field, and the queue shows what it would show
    without that value (open cases, soonest due first): a filter saves nothing."""

    summary_heading = "Fix the filter"
    status = ShortEchoChoiceField(
        required=False,
        label="Status",
        choices=[("", "Open cases")] + Status.choices,
        error_messages={
            "invalid_choice": "“%(value)s” is not a status. Choose one from the list (“Open "
            "cases” shows every case still open) and press Filter; open cases are shown below."
        },
    )
    sort = ShortEchoChoiceField(
        required=False,
        choices=[(k, k) for k in QUEUE_SORT_KEYS] + [(f"-{k}", k) for k in QUEUE_SORT_KEYS],
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": "The list cannot be sorted by “%(value)s”; it is sorted by what "
            "is due. Sort it with a column heading."
        },
    )
    tab = ShortEchoChoiceField(
        required=False,
        choices=QUEUE_TABS,
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": "There is no queue view “%(value)s”; the review queue is shown. "
            "Choose a view with the buttons above."
        },
    )

    def __init__(self, data, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.fields["status"].widget.attrs["id"] = "status-filter"

    def value(self, name):
        """The field's value when it is valid, else "" (what the queue shows without it)."""
        if self.is_valid() or name not in self.errors:
            return self.cleaned_data.get(name, "")
        return ""
