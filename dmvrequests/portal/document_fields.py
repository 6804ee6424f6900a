"""The legal document's fields, as an officer describes one on the request form and with an
answer to the legal unit's question: one declaration for both forms and both pages
(templates/portal/includes/document_fields.html)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from dmvrequests.cases.services.documents import issue_date_refusal
from dmvrequests.formfields import PlausibleDateField
from dmvrequests.forms import DateInput
from dmvrequests.portal.submission import DOCUMENT_FIELDS as DOCUMENT_DETAILS
from dmvrequests.validators import single_line
from dmvrequests.vocabulary import STATE_CODES, Issuer, LegalProcessType

DOCUMENT_FORM_FIELDS = (
    "document_type",
    "issuer",
    "court",
    "court_state",
    "docket_number",
    "issued_on",
    "expires_on",
    "document_file",
)
ATTACH_IT = "Attach the legal document you describe, or choose No legal document."


class LegalDocumentFields(forms.Form):
    """The document's type, issuer, court, docket, dates and file. A form that uses it puts
    its own fields around these with `field_order`; `document_type` may be redeclared for
    its own label and help."""

    document_type = forms.ChoiceField(
        label="Legal document",
        choices=[(c.value, c.label) for c in LegalProcessType],
        initial=LegalProcessType.NONE,
    )
    issuer = forms.ChoiceField(
        label="Signed or issued by", choices=[(c.value, c.label) for c in Issuer], initial="none"
    )
    court = forms.CharField(label="Court", max_length=200, required=False, validators=[single_line])
    # No max_length (the browser's maxlength would cut "New York" to "Ne", Nebraska, without
    # a word): anything but a state's code is refused with a message (clean_court_state).
    court_state = forms.CharField(
        label="Court's state",
        required=False,
        help_text="Two letters, for example NY.",
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

    def clean_court_state(self) -> str:
        state = (self.cleaned_data.get("court_state") or "").strip().upper()
        if state and state not in STATE_CODES:
            shown = state if len(state) <= 40 else f"{state[:40]}…"
            raise ValidationError(f"{shown} is not a state code; use two letters such as NY.")
        return state

    def clean_issued_on(self):
        """A legal document is not issued on a day still to come (in the state's time zone:
        the DMV's today, not the server's): the rule of every way a document is added
        (cases.services.documents.issue_date_refusal)."""
        issued = self.cleaned_data.get("issued_on")
        refusal = issue_date_refusal(issued)
        if refusal:
            raise ValidationError(refusal)
        return issued

    def has_document_type(self) -> bool:
        """True when a legal document other than "No legal document" is chosen."""
        return self.cleaned_data.get("document_type") not in (None, "", LegalProcessType.NONE)

    def document_arguments(self) -> dict[str, Any]:
        """The document as officer_document_add's arguments: type, issuer, upload and the
        details (empty text, or None for a date not given). Call after is_valid()."""
        data = self.cleaned_data
        details = {f: data.get(f) or (None if f.endswith("_on") else "") for f in DOCUMENT_DETAILS}
        return {
            "type": data["document_type"],
            "issuer": data.get("issuer") or "none",
            "upload": data.get("document_file"),
            **details,
        }
