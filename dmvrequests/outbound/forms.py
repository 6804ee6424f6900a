"""Counsel's review forms for an unrecorded-disclosure item."""

from django import forms

from dmvrequests.codes import Purpose, RecordCategory
from dmvrequests.forms import USWDSFormMixin
from dmvrequests.outbound.identifiers import PatternError, license_patterns


class LinkForm(USWDSFormMixin, forms.Form):
    number = forms.CharField(
        label="Case number",
        max_length=20,
        help_text="The case this email belongs to, e.g. DR-2026-000123.",
        error_messages={"required": "Enter the number of the case this email belongs to."},
    )

    def clean_number(self):
        number = self.cleaned_data["number"].strip().upper()
        if not number.startswith("DR-"):
            raise forms.ValidationError("Write the case number as on the case: DR-2026-000123.")
        return number


class OpenCaseForm(USWDSFormMixin, forms.Form):
    purpose = forms.ChoiceField(
        label="Purpose of the disclosure, as far as the email shows it", choices=Purpose.choices
    )
    categories = forms.MultipleChoiceField(
        label="What was sent",
        choices=RecordCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Ticked from the identifiers found; correct it from the email and attachments.",
    )


class DismissForm(USWDSFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why it is not a disclosure to record",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="E.g. the identifiers are the officer's own case numbers, not DMV records.",
        error_messages={
            "required": "Say why this email is not a disclosure to record; the reason is kept "
            "in the item's history."
        },
    )


class PatternTryForm(USWDSFormMixin, forms.Form):
    """Sample text and, optionally, license-number patterns to try instead of the setting."""

    summary_heading = "Nothing is stored on this page"

    patterns = forms.CharField(
        label="License-number patterns (one regular expression per line)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Left empty, the patterns in force (DMV_LICENSE_NUMBER_PATTERNS) are used.",
    )
    text = forms.CharField(
        label="Sample text", max_length=20000, widget=forms.Textarea(attrs={"rows": 8})
    )

    def clean_patterns(self):
        source = self.cleaned_data["patterns"]
        if source.strip():
            try:
                license_patterns(source)
            except PatternError as exc:
                raise forms.ValidationError(str(exc)) from None
        return source
