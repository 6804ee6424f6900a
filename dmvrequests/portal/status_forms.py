"""The forms of a request's status page (the officer's answer, a message) and of the staff's
portal page for a case (a message to the officer, a file of released records)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from dmvrequests.formfields import PlausibleDateField
from dmvrequests.forms import DateInput, USWDSFormMixin
from dmvrequests.portal.models import MESSAGE_MAX_LENGTH
from dmvrequests.validators import single_line
from dmvrequests.vocabulary import STATE_CODES, Issuer, LegalProcessType

DOCUMENT_DETAILS = ("court", "court_state", "docket_number", "issued_on", "expires_on")


class AnswerForm(USWDSFormMixin, forms.Form):
    """The answer to the legal unit's open question, with a new legal document if one helps."""

    answer = forms.CharField(
        label="Your answer",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Answer what the legal unit asks (at most 5,000 characters).",
    )
    document_type = forms.ChoiceField(
        label="New legal document",
        choices=[(c.value, c.label) for c in LegalProcessType],
        initial=LegalProcessType.NONE,
        help_text="If the legal unit asked for legal process, say what you send.",
    )
    issuer = forms.ChoiceField(
        label="Signed or issued by", choices=[(c.value, c.label) for c in Issuer], initial="none"
    )
    court = forms.CharField(label="Court", max_length=200, required=False, validators=[single_line])
    court_state = forms.CharField(
        label="Court's state", max_length=2, required=False, help_text="Two letters, e.g. NY."
    )
    docket_number = forms.CharField(
        label="Docket or case number", max_length=80, required=False, validators=[single_line]
    )
    issued_on = PlausibleDateField(label="Issued on", required=False, widget=DateInput())
    expires_on = PlausibleDateField(label="Expires on", required=False, widget=DateInput())
    document_file = forms.FileField(
        label="The document (PDF, PNG, JPEG or TIFF)",
        required=False,
        help_text="Choose it again if the page shows an error: browsers do not keep a chosen file.",
    )

    def clean_court_state(self):
        state = (self.cleaned_data.get("court_state") or "").strip().upper()
        if state and state not in STATE_CODES:
            raise ValidationError(f"{state} is not a state code; use two letters such as NY.")
        return state

    def clean(self):
        data = super().clean()
        has_type = data.get("document_type") not in (None, "", LegalProcessType.NONE)
        if has_type and not data.get("document_file"):
            self.add_error(
                "document_file",
                "Attach the legal document you describe, or choose No legal document.",
            )
        if data.get("document_file") and not has_type:
            self.add_error("document_type", "Say what the attached document is.")
        return data

    def documents(self) -> list[dict[str, Any]]:
        """The new legal document as officer_document_add's arguments; [] for none."""
        data = self.cleaned_data
        if data.get("document_type") in (None, "", LegalProcessType.NONE):
            return []
        details = {f: data.get(f) or (None if f.endswith("_on") else "") for f in DOCUMENT_DETAILS}
        return [
            {
                "type": data["document_type"],
                "issuer": data.get("issuer") or "none",
                "upload": data["document_file"],
                **details,
            }
        ]


class MessageForm(USWDSFormMixin, forms.Form):
    body = forms.CharField(
        label="Message",
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="It goes on the request's record (at most 5,000 characters).",
    )


class ReleaseFileForm(USWDSFormMixin, forms.Form):
    file = forms.FileField(
        label="File of released records (PDF, PNG, JPEG or TIFF)",
        help_text="Only what counsel approved; the officer downloads it through a link that "
        "expires.",
    )
    description = forms.CharField(
        label="What it is",
        max_length=200,
        required=False,
        validators=[single_line],
        help_text="For example: Driver license record, 2 pages.",
    )
