"""The forms of the API's pages on the portal: an officer's new token, an agency's webhook."""

from __future__ import annotations

from django import forms

from dmvrequests.agencies.models import Agency
from dmvrequests.api.tokens import DEFAULT_DAYS, MAX_DAYS
from dmvrequests.forms import USWDSFormMixin
from dmvrequests.validators import single_line


class TokenForm(USWDSFormMixin, forms.Form):
    summary_heading = "No token was made"

    name = forms.CharField(
        label="What the token is for",
        max_length=100,
        validators=[single_line],
        help_text="For example: our case system's server. It helps you tell your tokens apart.",
    )
    days = forms.IntegerField(
        label="Days it lasts",
        min_value=1,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
        help_text=f"From 1 to {MAX_DAYS}; it stops working after that, or when you revoke it.",
    )


class WebhookForm(USWDSFormMixin, forms.Form):
    summary_heading = "The webhook was not changed"

    url = forms.URLField(
        label="Your endpoint (https:// address)",
        max_length=500,
        assume_scheme="https",
        help_text="Called with a signed POST whenever one of the agency's requests changes status.",
    )
    active = forms.BooleanField(
        label="Call it (untick to keep the address but stop the calls)",
        required=False,
        initial=True,
    )


class StaffWebhookForm(WebhookForm):
    agency = forms.ModelChoiceField(
        label="Agency", queryset=Agency.objects.order_by("name"), empty_label="Choose the agency"
    )
    rotate = forms.BooleanField(
        label="Make a new signing secret (the old one stops working at once)", required=False
    )

    field_order = ["agency", "url", "active", "rotate"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A DMV administrator sets another agency's address: not "your" endpoint.
        self.fields["url"].label = "The agency's endpoint (https:// address)"
