"""The "Try a request" form (a hypothetical request in the policy vocabulary) and the
form that records counsel's review of a profile."""

from django import forms
from django.utils import timezone

from dmvrequests.formfields import PlausibleDateField
from dmvrequests.forms import FormMixinBase, USWDSFormMixin
from dmvrequests.policy.models import PolicyProfile
from dmvrequests.validators import single_line
from dmvrequests.vocabulary import (
    CATEGORY_HELP,
    STATE_CODES,
    AgencyKind,
    Confidence,
    Issuer,
    LegalProcessType,
    Purpose,
    RecordCategory,
)

MAX_DOCUMENTS = 3


class DateInput(forms.DateInput):
    input_type = "date"  # the browser's own date picker: no script needed under the strict CSP

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class UswdsFormMixin(FormMixinBase):
    """USWDS classes and ARIA links on every widget, error states included."""

    def style_widgets(self):
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                # A checkbox's help is part of its label (usa-checkbox__label-description).
                widget.attrs["class"] = "usa-checkbox__input"
                continue
            widget.attrs["class"] = (
                "usa-select" if isinstance(widget, forms.Select) else "usa-input"
            )
            if field.help_text:
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}-hint"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            attrs = self.fields[name].widget.attrs
            if attrs["class"] != "usa-checkbox__input":
                attrs["class"] += " usa-input--error"
            attrs["aria-invalid"] = "true"
            described = attrs.get("aria-describedby", "")
            attrs["aria-describedby"] = f"{described} {self[name].auto_id}-error".strip()


class ProfileChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        active = " (active)" if obj.is_active else ""
        return f"{obj.name}{active}: {obj.citation}, version {obj.version}"


class TryRequestForm(UswdsFormMixin, forms.Form):
    profile = ProfileChoiceField(
        queryset=PolicyProfile.objects.order_by("-is_active", "name"),
        empty_label=None,
        help_text="The rules to apply. The active profile is the one the case pages use.",
    )
    received = PlausibleDateField(
        label="Date the request was received",
        widget=DateInput(),
        help_text="Deadlines such as the subject notice count from this day.",
        error_messages={"invalid": "Enter the date as year-month-day, for example 2026-03-02."},
    )
    agency_kind = forms.ChoiceField(label="Kind of agency", choices=AgencyKind.choices)
    agency_name = forms.CharField(
        label="Agency name",
        required=False,
        max_length=200,
        help_text="For example ICE ERO New York.",
    )
    agency_blocked = forms.BooleanField(
        label="The agency is blocked in the agency directory", required=False
    )
    purpose = forms.ChoiceField(label="Purpose of the request", choices=Purpose.choices)
    records = forms.MultipleChoiceField(
        label="Record categories asked for",
        choices=RecordCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one record category."},
    )
    bulk = forms.BooleanField(
        label="Bulk request",
        required=False,
        help_text="A list selected by criteria, such as every vehicle registered at an address.",
    )
    emergency = forms.BooleanField(
        label="The requester claims an emergency",
        required=False,
        help_text="A threat to someone's life or safety that cannot wait for legal process.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def record_options(self):
        """Each category's checkbox with its one-line explanation."""
        return [
            {"checkbox": checkbox, "help": CATEGORY_HELP[RecordCategory(checkbox.data["value"])]}
            for checkbox in self["records"]
        ]

    def as_policy_request(self, documents):
        """The request object of docs/policy-check.md, from this form and its document forms."""
        data = self.cleaned_data
        return {
            "received": data["received"].isoformat(),
            "agency": {
                "kind": data["agency_kind"],
                "name": data["agency_name"],
                "blocked": data["agency_blocked"],
            },
            "purpose": data["purpose"],
            "records": data["records"],
            "legal_process": documents.as_policy_input(),
            "bulk": data["bulk"],
            "emergency": data["emergency"],
        }


class LegalDocumentForm(UswdsFormMixin, forms.Form):
    type = forms.ChoiceField(
        label="Type of document",
        choices=[("", "No document")] + LegalProcessType.choices,
        required=False,
    )
    issuer = forms.ChoiceField(
        label="Signed or issued by", choices=Issuer.choices, initial=Issuer.NONE
    )
    court_state = forms.ChoiceField(
        label="State of the court",
        choices=[("", "Not a state court")] + [(code, code) for code in sorted(STATE_CODES)],
        required=False,
        help_text="For a state judge's document: Maryland accepts only its own courts.",
    )
    issued = PlausibleDateField(
        label="Date issued",
        required=False,
        widget=DateInput(),
        error_messages={"invalid": "Enter the date as year-month-day, for example 2026-02-20."},
    )
    expires = PlausibleDateField(
        label="Date it expires",
        required=False,
        widget=DateInput(),
        help_text="A document that expired before the request was received is ignored.",
        error_messages={"invalid": "Enter the date as year-month-day, for example 2026-04-20."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if not data.get("type") and "type" not in self.errors:
            self.add_error(
                "type", "Choose the type of this document, or set its other fields back to empty."
            )
        issued, expires = data.get("issued"), data.get("expires")
        if issued and expires and expires < issued:
            self.add_error("expires", "The expiry date is before the date the document was issued.")
        return data

    def as_policy_input(self):
        data = self.cleaned_data
        return {
            "type": data["type"],
            "issuer": data["issuer"],
            "court_state": data["court_state"] or None,
            "issued": data["issued"].isoformat() if data["issued"] else None,
            "expires": data["expires"].isoformat() if data["expires"] else None,
        }


class BaseLegalDocumentFormSet(forms.BaseFormSet):
    def as_policy_input(self):
        # Rows left untouched are not documents; the formset skips their validation too.
        return [form.as_policy_input() for form in self.forms if form.has_changed()]


LegalDocumentFormSet = forms.formset_factory(
    LegalDocumentForm,
    formset=BaseLegalDocumentFormSet,
    extra=MAX_DOCUMENTS,
    max_num=MAX_DOCUMENTS,
    absolute_max=MAX_DOCUMENTS,
    validate_max=True,
)


class ProfileReviewForm(USWDSFormMixin, forms.Form):
    """An administrator records a state counsel's review of a profile (policy.services)."""

    reviewer = forms.CharField(
        label="Reviewed by",
        max_length=200,
        validators=[single_line],
        help_text="The name and title of the counsel who reviewed the profile, for example "
        "“Dana Ruiz, Deputy Attorney General”.",
    )
    reviewed_on = PlausibleDateField(label="Date of the review", widget=DateInput())
    note = forms.CharField(
        label="What counsel checked and concluded",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example the statutes read, the answers to the open questions and any "
        "change counsel asked for.",
    )
    confidence = forms.ChoiceField(
        label="Confidence after the review",
        choices=Confidence.choices,
        widget=forms.RadioSelect,
    )
    open_questions = forms.CharField(
        label="Questions that remain open",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One question a line. Remove those counsel answered; leave none for a "
        "confirmed profile.",
    )

    def __init__(self, *args, profile, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "confidence": profile.confidence,
                "open_questions": "\n".join(profile.open_questions),
                "reviewed_on": timezone.localdate(),
            },
        )
        super().__init__(*args, **kwargs)
        self.profile = profile

    def clean_reviewed_on(self):
        reviewed_on = self.cleaned_data["reviewed_on"]
        if problem := self.profile.review_date_problem(reviewed_on):
            raise forms.ValidationError(problem)
        return reviewed_on

    def clean_open_questions(self):
        lines = self.cleaned_data["open_questions"].splitlines()
        return [line.strip() for line in lines if line.strip()]
