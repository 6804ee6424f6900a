"""Counsel's review forms for an unrecorded-disclosure item."""

from django import forms

from dmvrequests.codes import Purpose, RecordCategory


class LinkForm(forms.Form):
    number = forms.CharField(
        label="Case number",
        max_length=20,
        help_text="The case this email belongs to, e.g. DR-2026-000123.",
    )

    def clean_number(self):
        number = self.cleaned_data["number"].strip().upper()
        if not number.startswith("DR-"):
            raise forms.ValidationError("Write the case number as on the case: DR-2026-000123.")
        return number


class OpenCaseForm(forms.Form):
    purpose = forms.ChoiceField(
        label="Purpose of the disclosure, as far as the email shows it", choices=Purpose.choices
    )
    categories = forms.MultipleChoiceField(
        label="What was sent",
        choices=RecordCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Ticked from the identifiers found; correct it from the email and attachments.",
    )


class DismissForm(forms.Form):
    reason = forms.CharField(
        label="Why it is not a disclosure to record",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="E.g. the identifiers are the officer's own case numbers, not DMV records.",
    )
