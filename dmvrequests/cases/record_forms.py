"""The case page's forms that record what happened: the callback to the agency, counsel's
checklist of a legal document, the release and the subject notice. A time given for
something that happened, and a checklist answer about the document, are checked at the
field against the case as the services check them (`services.requests.callback_time_refusal`,
`services.decisions.release_time_refusal`, `services.documents` contradictions), so the
page says it with the form's other errors and nothing is saved half-way."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError

from dmvrequests.cases.models import ReleaseMethod
from dmvrequests.cases.services.decisions import release_time_refusal
from dmvrequests.cases.services.documents import (
    CHECKS,
    docket_contradiction,
    judge_signature_contradiction,
)
from dmvrequests.cases.services.requests import CALLBACK_NOTES_MAX_LENGTH, callback_time_refusal
from dmvrequests.formfields import PlausibleDateTimeField, limited
from dmvrequests.forms import DateTimeInput, USWDSFormMixin
from dmvrequests.vocabulary import RecordCategory

if TYPE_CHECKING:
    from dmvrequests.cases.models import Decision, DisclosureRequest, LegalDocument

RELEASE_MAX_RECORDS = 100_000


class CallbackForm(USWDSFormMixin, forms.Form):
    prefix = "callback"
    number_called = forms.CharField(
        max_length=40,
        required=False,
        help_text="Leave empty if you called the published number shown above.",
    )
    answered_by = forms.CharField(
        max_length=200,
        label="Who answered (name and title)",
        error_messages={"required": "Enter the name and title of the person who answered."},
    )
    called_at = PlausibleDateTimeField(
        label="When you called",
        widget=DateTimeInput(),
        error_messages={"required": "Enter the date and time of the call."},
    )
    confirmed = forms.BooleanField(
        required=False,
        label="The agency confirmed that this officer works there and made this request",
    )
    notes = limited(
        forms.CharField(
            widget=forms.Textarea(attrs={"rows": 2}),
            required=False,
            max_length=CALLBACK_NOTES_MAX_LENGTH,
        ),
        "The note on the call",
    )

    def __init__(self, *args, case: DisclosureRequest | None = None, **kwargs):
        """`case`: the case called about, whose received time the call cannot precede."""
        super().__init__(*args, **kwargs)
        self.case = case

    def clean_called_at(self):
        called_at = self.cleaned_data["called_at"]
        refused = callback_time_refusal(self.case, called_at) if self.case else ""
        if refused:
            raise ValidationError(refused)
        return called_at


class VerificationForm(USWDSFormMixin, forms.Form):
    prefix = "verify"
    type_identified = forms.BooleanField(required=False, label="I identified the document's type")
    signed_by_judge = forms.BooleanField(
        required=False, label="It is signed by a judge (name and title of a judge, not an officer)"
    )
    court_named = forms.BooleanField(required=False, label="The issuing court is named")
    docket_present = forms.BooleanField(required=False, label="A docket or case number is present")
    dates_valid = forms.BooleanField(
        required=False, label="Its dates are valid and it has not expired"
    )
    subject_matches = forms.BooleanField(
        required=False, label="The person or vehicle named matches the request"
    )
    scope_covers = forms.BooleanField(
        required=False, label="Its scope covers the records asked for"
    )
    confirmed_with_court = forms.BooleanField(
        required=False, label="I confirmed it with the issuing court"
    )
    confirmed_by_name = forms.CharField(
        max_length=200, required=False, label="Who at the court confirmed it"
    )
    confirmed_at = PlausibleDateTimeField(required=False, label="When", widget=DateTimeInput())
    confirmation_phone = forms.CharField(max_length=40, required=False, label="Number called")
    result = forms.ChoiceField(
        choices=[
            ("verified", "Verified: it counts for the policy"),
            ("rejected", "Rejected: it does not count"),
        ],
        widget=forms.RadioSelect,
        label="Result",
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    CHECK_NAMES = CHECKS  # the checklist items the service records

    def __init__(self, *args, document: LegalDocument | None = None, **kwargs):
        """`document`: the document checked; an answer its record contradicts (signed by a
        judge, a docket number present) is refused at that item."""
        super().__init__(*args, **kwargs)
        self.document = document

    def clean(self):
        data = super().clean()
        if self.document is not None:
            checks = {name: bool(data.get(name)) for name in self.CHECK_NAMES}
            for name, contradiction in (
                ("signed_by_judge", judge_signature_contradiction),
                ("docket_present", docket_contradiction),
            ):
                said = contradiction(self.document, checks)
                if said:
                    self.add_error(name, said)
        return data

    def service_arguments(self):
        data = self.cleaned_data
        return {
            "checks": {name: data[name] for name in self.CHECK_NAMES},
            "result": data["result"],
            "notes": data["notes"],
            "confirmed_by_name": data["confirmed_by_name"],
            "confirmed_at": data["confirmed_at"],
            "confirmation_phone": data["confirmation_phone"],
        }


class ReleaseForm(USWDSFormMixin, forms.Form):
    prefix = "release"
    # A release is permanent: no method, category or count is chosen for the clerk.
    categories = forms.MultipleChoiceField(
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        label="Categories released",
        error_messages={"required": "Tick each category that was released: only what went out."},
    )
    recipient = forms.CharField(
        max_length=200,
        help_text="The officer or office the records went to.",
        error_messages={"required": "Enter the officer or office the records went to."},
    )
    method = forms.ChoiceField(
        choices=[("", "Choose how it was sent"), *ReleaseMethod.choices],
        error_messages={"required": "Choose how the records were sent, such as secure email."},
    )
    released_at = PlausibleDateTimeField(label="Released", widget=DateTimeInput())
    records_count = forms.IntegerField(
        min_value=1,
        max_value=RELEASE_MAX_RECORDS,
        label="Number of records",
        help_text="How many records were released: 1 for one driver's or one vehicle's record.",
        error_messages={
            "required": "Enter how many records were released: 1 or more.",
            "invalid": "Enter how many records were released as a whole number, such as 1 or 3.",
            "min_value": "A release has at least 1 record: enter how many were released (1 or "
            "more). If nothing was released, do not record a release.",
            "max_value": f"Enter at most {RELEASE_MAX_RECORDS:,} records; record a larger "
            "release as several releases.",
        },
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    status = forms.CharField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        approved=(),
        case: DisclosureRequest | None = None,
        approval: Decision | None = None,
        **kwargs,
    ):
        """`approved`: the categories offered; `case` and its `approval`: what the release
        time cannot precede (the approval taking effect, the request's receipt)."""
        super().__init__(*args, **kwargs)
        self.set_choices("categories", [(c, RecordCategory(c).label) for c in approved])
        self.case, self.approval = case, approval

    def clean_released_at(self):
        released_at = self.cleaned_data["released_at"]
        if self.case is not None:
            refused = release_time_refusal(self.case, self.approval, released_at)
            if refused:
                raise ValidationError(refused)
        return released_at


class NoticeSentForm(USWDSFormMixin, forms.Form):
    prefix = "notice"
    sent_at = PlausibleDateTimeField(
        label="Sent",
        widget=DateTimeInput(),
        error_messages={"required": "Enter the date and time the notice was sent."},
    )
    method = forms.CharField(
        max_length=120,
        help_text="For example: first-class mail to the address on file.",
        error_messages={"required": "Say how the notice was sent, such as first-class mail."},
    )


class NoticeExemptForm(USWDSFormMixin, forms.Form):
    prefix = "exempt"
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Legal reason for the exemption",
        help_text="For example: a court order delays notice (cite it).",
        error_messages={"required": "Write the legal reason no notice is due, and cite it."},
    )
