"""The forms of a request's status page (the officer's answer, a message) and of the staff's
portal page for a case (a message to the officer, a file of released records)."""

from __future__ import annotations

from typing import Any

from django import forms

from dmvrequests.formfields import limited
from dmvrequests.forms import USWDSFormMixin
from dmvrequests.portal.document_fields import ATTACH_IT, DOCUMENT_FORM_FIELDS, LegalDocumentFields
from dmvrequests.portal.models import MESSAGE_MAX_LENGTH
from dmvrequests.validators import single_line
from dmvrequests.vocabulary import LegalProcessType


class AnswerForm(USWDSFormMixin, LegalDocumentFields):
    """The answer to the legal unit's open question, with a new legal document if one helps."""

    field_order = ("answer", *DOCUMENT_FORM_FIELDS)

    answer = limited(
        forms.CharField(
            label="Your answer",
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 5}),
            help_text="Answer what the legal unit asks (at most 5,000 characters).",
        ),
        "Your answer",
    )
    document_type = forms.ChoiceField(
        label="New legal document",
        choices=[(c.value, c.label) for c in LegalProcessType],
        initial=LegalProcessType.NONE,
        help_text="If the legal unit asked for legal process, say what you send.",
    )

    def clean(self):
        data = super().clean()
        if self.has_document_type() and not data.get("document_file"):
            self.add_error("document_file", ATTACH_IT)
        if data.get("document_file") and not self.has_document_type():
            self.add_error("document_type", "Say what the attached document is.")
        return data

    def documents(self) -> list[dict[str, Any]]:
        """The new legal document as officer_document_add's arguments; [] for none."""
        return [self.document_arguments()] if self.has_document_type() else []


class MessageForm(USWDSFormMixin, forms.Form):
    body = limited(
        forms.CharField(
            label="Message",
            max_length=MESSAGE_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text="It goes on the request's record (at most 5,000 characters).",
        ),
        "A message",
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
