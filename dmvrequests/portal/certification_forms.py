"""The forms that put a certification on file: signed on the portal by the agency's portal
administrator (attestation ticked, name typed), or recorded by a DMV administrator from a
signed paper (docs/portal.md, "Certifications on file")."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone

from dmvrequests.agencies.models import Agency, CertificationKind
from dmvrequests.formfields import PlausibleDateField
from dmvrequests.forms import DateInput, USWDSFormMixin
from dmvrequests.validators import single_line

DOCUMENT_HELP = (
    "The signed document as a PDF, if there is one. Choose it again if the page shows an "
    "error: browsers do not keep a chosen file."
)


def _one_year_on():
    return timezone.localdate() + timedelta(days=365)


def _normalised(name: str) -> str:
    return " ".join((name or "").split()).casefold()


class _CertificationFields(USWDSFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="What is certified",
        choices=[("", "Choose one"), *CertificationKind.choices],
    )
    text = forms.CharField(
        label="The words certified or agreed to",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="As signed; at most 10,000 characters.",
    )
    expires_on = PlausibleDateField(
        label="Holds until",
        widget=DateInput(),
        initial=_one_year_on,
        help_text="The last day the certification holds; an annual certification holds a year.",
    )
    document = forms.FileField(
        label="Signed document (PDF)", required=False, help_text=DOCUMENT_HELP
    )


class CertificationSignForm(_CertificationFields):
    """The agency's portal administrator signs on the portal, under penalty of perjury."""

    summary_heading = "Nothing was signed"

    signed_by_title = forms.CharField(
        label="Your title or rank", max_length=120, validators=[single_line]
    )
    attest = forms.BooleanField(
        label="I certify under penalty of perjury that I am authorised to sign for my agency "
        "and that the agency will abide by the words above.",
        required=False,
    )
    typed_name = forms.CharField(
        label="Type your full name to sign",
        max_length=200,
        validators=[single_line],
        help_text="Exactly as on your portal account.",
    )

    def __init__(self, *args, signer_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.signer_name = signer_name
        self.fields["typed_name"].help_text = f"Exactly as on your portal account: {signer_name}."

    def clean_typed_name(self):
        typed = self.cleaned_data["typed_name"]
        if _normalised(typed) != _normalised(self.signer_name):
            raise forms.ValidationError(
                f"Type your name as on your portal account, {self.signer_name}, to sign."
            )
        return typed

    def clean_attest(self):
        if not self.cleaned_data.get("attest"):
            raise forms.ValidationError(
                "Tick the attestation to sign; it is made under penalty of perjury."
            )
        return True


class CertificationRecordForm(_CertificationFields):
    """A DMV administrator records a certification the agency signed on paper."""

    summary_heading = "Nothing was recorded"

    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.order_by("name"),
        empty_label="Choose the agency",
    )
    signed_by_name = forms.CharField(
        label="Signed by (full name)", max_length=200, validators=[single_line]
    )
    signed_by_title = forms.CharField(
        label="Signer's title", max_length=120, required=False, validators=[single_line]
    )
    signed_on = PlausibleDateField(label="Signed on", widget=DateInput())

    field_order = [
        "agency",
        "kind",
        "text",
        "signed_by_name",
        "signed_by_title",
        "signed_on",
        "expires_on",
        "document",
    ]

    def clean(self):
        data = super().clean()
        signed, expires = data.get("signed_on"), data.get("expires_on")
        if signed and signed > timezone.localdate():
            self.add_error("signed_on", "A certification cannot be signed in the future.")
        elif signed and expires and expires < signed:
            self.add_error("expires_on", "A certification holds until after it is signed.")
        return data
