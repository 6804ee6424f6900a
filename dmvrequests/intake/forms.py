from django import forms

from accounts.models import Office
from dmvrequests.agencies.models import Agency
from dmvrequests.forms import USWDSFormMixin


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, agency):
        blocked = ", blocked" if agency.blocked else ""
        return f"{agency.name} ({agency.get_kind_display()}{blocked})"


class ReleaseForm(USWDSFormMixin, forms.Form):
    agency = AgencyChoiceField(
        queryset=Agency.objects.order_by("name"),
        label="Agency that sent the request",
        empty_label="- Choose the agency -",
        error_messages={
            "required": "Choose the agency that sent the request.",
            "invalid_choice": "Choose an agency from the list; add a missing one in Administration.",
        },
    )
    office = forms.ModelChoiceField(
        queryset=Office.objects.order_by("name"),
        label="Office that handles the case",
        empty_label="- Choose the office -",
        error_messages={
            "required": "Choose the office that handles the case.",
            "invalid_choice": "Choose an office from the list.",
        },
    )


class DiscardForm(USWDSFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is this message discarded?",
        help_text="For example: spam, or a duplicate that arrived by another route. It is recorded.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Say why the message is discarded; the reason is recorded.",
            "max_length": "Keep the reason under 2000 characters.",
        },
    )
