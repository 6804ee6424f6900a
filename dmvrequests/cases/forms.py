from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import dateformat, timezone

from accounts.models import User
from dmvrequests.agencies.models import Agency, Requester
from dmvrequests.cases.document_forms import (  # noqa: F401  (the forms' one import place)
    BaseDocumentFormSet,
    DescribeForm,
    DocumentForm,
    DocumentFormSet,
)
from dmvrequests.cases.models import Channel, DecisionOutcome, ReasonCode, ReleaseMethod
from dmvrequests.cases.selectors import office_counsel, share_candidates
from dmvrequests.cases.services.decisions import ENGINE_DENIES, rationale_missing
from dmvrequests.cases.services.documents import CHECKS
from dmvrequests.cases.services.requests import INTAKE_FIELDS
from dmvrequests.formfields import PlausibleDateField, PlausibleDateTimeField
from dmvrequests.forms import DateInput, DateTimeInput, USWDSFormMixin
from dmvrequests.policy.engine import EngineDecision
from dmvrequests.vocabulary import (
    CATEGORY_HELP,
    Purpose,
    RecordCategory,
)

CATEGORY_CHOICES = [(c.value, f"{c.label}: {CATEGORY_HELP[c]}") for c in RecordCategory]
CLERK_CHANNELS = [c for c in Channel.choices if c[0] != Channel.EMAIL]
NAME_MAX_LENGTH = 200
NARRATIVE_MAX_LENGTH = 5000
RELEASE_MAX_RECORDS = 100_000


class CountedMaxLengthValidator(MaxLengthValidator):
    """Django's MaxLengthValidator with both numbers in the message written alike
    ("at most 5,000 characters; this one has 6,000"): `show_value` is formatted with a
    thousands separator, as the limit is."""

    def __call__(self, value):
        shown = self.clean(value)
        if self.compare(shown, self.limit_value):
            raise ValidationError(
                self.message,
                code=self.code,
                params={
                    "limit_value": self.limit_value,
                    "show_value": f"{shown:,}",
                    "value": value,
                },
            )


def limited(field, what):
    """A text field whose limit the form states and enforces with a message, instead of
    the browser's maxlength, which cuts pasted text without a word."""
    limit = field.max_length
    field.widget.attrs.pop("maxlength", None)
    field.validators = [
        CountedMaxLengthValidator(v.limit_value) if type(v) is MaxLengthValidator else v
        for v in field.validators
    ]
    field.error_messages["max_length"] = (
        f"{what} can be at most {limit:,} characters; this one has %(show_value)s. Shorten it."
    )
    limit_words = f"Up to {limit:,} characters."
    field.help_text = f"{field.help_text} {limit_words}".strip()
    return field


def received_age_limit():
    return timedelta(days=settings.RECEIVED_AT_MAX_AGE_DAYS)


def _days_words(days):
    if days % 365 == 0:
        years = days // 365
        return "a year" if years == 1 else f"{years} years"
    return f"{days} days"


class RequestForm(USWDSFormMixin, forms.Form):
    """Intake of a request logged by a clerk (phone, fax, mail, in person, portal)."""

    channel = forms.ChoiceField(choices=CLERK_CHANNELS)
    received_at = PlausibleDateTimeField(
        label="Received",
        widget=DateTimeInput(),
        help_text="When the call, fax or letter came in, not when you log it.",
    )
    received_long_ago = forms.BooleanField(
        required=False,
        label="Yes, it was received that long ago",
        help_text="Needed only for a received time older than the limit the form names.",
    )
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.order_by("name"),
        help_text="Pick the agency from the directory. Ask an administrator to add a missing one.",
        empty_label="Choose an agency",
        error_messages={
            "required": "Choose the agency that sent the request; if it is not in the list, "
            "ask an administrator to add it."
        },
    )
    requester = forms.ModelChoiceField(
        queryset=Requester.objects.select_related("agency").order_by("name"),
        required=False,
        label="Requester (known officer)",
        help_text="Pick a known officer, or fill in a new requester below.",
        empty_label="New requester",
    )
    requester_name = limited(
        forms.CharField(max_length=NAME_MAX_LENGTH, required=False, label="New requester's name"),
        "The requester's name",
    )
    requester_title = forms.CharField(max_length=120, required=False, label="Title or rank")
    requester_badge = forms.CharField(max_length=60, required=False, label="Badge or ID number")
    requester_email = forms.EmailField(required=False, label="Email")
    requester_phone = forms.CharField(max_length=40, required=False, label="Phone")
    purpose = forms.ChoiceField(
        choices=[("", "Choose the stated purpose")] + Purpose.choices,
        error_messages={"required": "Choose the purpose the agency stated for the request."},
    )
    categories = forms.MultipleChoiceField(
        label="Records asked for",
        choices=CATEGORY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick every category the agency asked for.",
    )
    subject_name = limited(
        forms.CharField(max_length=NAME_MAX_LENGTH, required=False, label="Subject's name"),
        "The subject's name",
    )
    subject_dob = PlausibleDateField(
        required=False, label="Subject's date of birth", widget=DateInput()
    )
    subject_license_number = forms.CharField(max_length=40, required=False, label="License number")
    subject_plate = forms.CharField(max_length=20, required=False, label="Plate")
    subject_vin = forms.CharField(max_length=17, min_length=17, required=False, label="VIN")
    narrative = limited(
        forms.CharField(
            widget=forms.Textarea(attrs={"rows": 5}),
            required=False,
            max_length=NARRATIVE_MAX_LENGTH,
            help_text="What the agency asked for and why, in their words. Do not type immigration status here.",
        ),
        "The narrative",
    )
    emergency = forms.BooleanField(
        required=False, help_text="The agency claims an emergency (danger of death or injury)."
    )
    bulk = forms.BooleanField(
        required=False,
        label="Bulk request",
        help_text="A list by criteria (e.g. every vehicle at an address), not a named person or vehicle.",
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["agency"].widget.attrs["class"] += " usa-combo-box__select"
        days = settings.RECEIVED_AT_MAX_AGE_DAYS
        self.fields["received_long_ago"].help_text = (
            f"Tick only if the received time above is really more than {_days_words(days)} "
            "ago (for example, a letter found late)."
        )
        if case is None and not self.is_bound and "received_at" not in self.initial:
            # A new request usually came in just now.
            self.initial["received_at"] = timezone.localtime().replace(second=0, microsecond=0)
        if case is not None and case.channel not in dict(CLERK_CHANNELS):
            # An emailed case keeps its channel; a clerk cannot log a new email.
            kept = (case.channel, case.get_channel_display())
            self.set_choices("channel", [*CLERK_CHANNELS, kept])

    def clean_received_at(self):
        received = self.cleaned_data["received_at"]
        if received > timezone.now() + timedelta(minutes=5):
            raise ValidationError("The received time is in the future. Enter when it came in.")
        return received

    def clean_subject_dob(self):
        dob = self.cleaned_data.get("subject_dob")
        if dob and dob > timezone.localdate():
            raise ValidationError("The date of birth is in the future.")
        return dob

    def _check_received_age(self, data):
        received = data.get("received_at")
        if received is None or data.get("received_long_ago"):
            return
        if self.case is not None and received == self.case.received_at:
            return  # unchanged: confirmed when it was logged
        if received < timezone.now() - received_age_limit():
            when = dateformat.format(timezone.localtime(received), "M j, Y")
            days = _days_words(settings.RECEIVED_AT_MAX_AGE_DAYS)
            self.received_too_old = True  # the page then offers the tick box
            self.add_error(
                "received_at",
                f"The received time ({when}) is more than {days} ago. Check the year; if it "
                "is right, tick “Yes, it was received that long ago”.",
            )

    def clean(self):
        data = super().clean()
        self._check_received_age(data)
        requester, agency = data.get("requester"), data.get("agency")
        if requester and agency and requester.agency_id != agency.pk:
            self.add_error(
                "requester", f"{requester.name} works for {requester.agency}, not {agency}."
            )
        if not requester and not data.get("requester_name"):
            self.add_error(
                "requester_name", "Pick a known requester or enter the new requester's name."
            )
        subject = ("subject_name", "subject_license_number", "subject_plate", "subject_vin")
        # A subject field refused already (too long, say) has its own message.
        refused = any(name in self.errors for name in subject)
        if not refused and not any(data.get(f) for f in subject) and not data.get("bulk"):
            # At the subject's name, the first of its fields: marked, and linked from the summary.
            self.add_error(
                "subject_name",
                "Identify the subject (name, license number, plate or VIN), or mark the request "
                "as bulk.",
            )
        return data

    def requester_fields(self):
        data = self.cleaned_data
        return {
            "name": data["requester_name"],
            "title": data["requester_title"],
            "badge": data["requester_badge"],
            "email": data["requester_email"],
            "phone": data["requester_phone"],
        }

    def case_fields(self):
        # The intake fields the services take; the requester is resolved separately.
        return {name: self.cleaned_data[name] for name in INTAKE_FIELDS if name != "requester"}


# Each form of the case page has its own prefix, on the class so that the page renders
# it and the view reads it the same way (ids differ too: several forms have a "reason").
class SubmitForm(USWDSFormMixin, forms.Form):
    prefix = "submit"
    assigned_counsel = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Assign to counsel",
        empty_label="Office review queue (any counsel)",
    )

    def __init__(self, *args, office=None, switched_off=False, offered=None, **kwargs):
        """`offered`: the office's counsel read already (the case page reads them with its
        lists), shown without a query of their own."""
        super().__init__(*args, **kwargs)
        self.set_queryset("assigned_counsel", office_counsel(office))
        if offered is not None:
            self.offer_listed("assigned_counsel", offered)
        if switched_off:
            # Shown but not usable until the case has what submitting needs (the page lists it).
            self.fields["assigned_counsel"].disabled = True


class DecisionChoice(models.TextChoices):
    """What counsel picks on the decision form (the service is told an outcome)."""

    APPROVE_ALL = "approve_all", "Approve everything releasable that was asked"
    APPROVE_SOME = "approve_some", "Approve some categories"
    DENY = "deny", "Deny"


class DecisionForm(USWDSFormMixin, forms.Form):
    prefix = "decide"
    decision = forms.ChoiceField(
        choices=DecisionChoice.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a decision: approve everything, approve some, or deny."
        },
    )
    categories = forms.MultipleChoiceField(
        choices=RecordCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Categories to approve",
        help_text="Only for “approve some”: only releasable categories can be approved.",
    )
    reason = forms.ChoiceField(
        choices=[("", "Choose a reason (for a denial)")]
        + [c for c in ReasonCode.choices if not c[0].startswith("approved")],
        required=False,
        label="Reason for denial",
    )
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Required for denials, partial approvals and cases the engine sends to review.",
    )
    emergency = forms.BooleanField(
        required=False,
        label="Approve on an emergency basis",
        help_text="Only for an emergency claim: the legal process must follow by the time below.",
    )
    followup_due = PlausibleDateTimeField(
        required=False,
        label="Follow-up legal process due",
        widget=DateTimeInput(),
        help_text="Leave empty for the default (48 hours from now).",
    )
    status = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, releasable=(), asked=(), engine_decision="", **kwargs):
        """`releasable` and `asked`: the categories the engine releases and the case asks
        for; `engine_decision`: the engine's recommendation ("release", "review", "deny"),
        so that what the service would refuse is said with the form's other errors."""
        super().__init__(*args, **kwargs)
        self.releasable = list(releasable)
        self.asked = list(asked)
        self.engine_decision = engine_decision
        offered = [(c, RecordCategory(c).label) for c in asked if c in self.releasable]
        self.set_choices("categories", offered)

    def clean(self):
        data = super().clean()
        choice = data.get("decision")
        if not choice:
            return data
        deny = choice == DecisionChoice.DENY
        if not deny and self.engine_decision == EngineDecision.DENY:
            self.add_error("decision", ENGINE_DENIES)
            return data  # nothing else of an approval matters: it cannot be made
        if choice == DecisionChoice.APPROVE_SOME and not data.get("categories"):
            self.add_error("categories", "Tick the categories you approve.")
        if deny and not data.get("reason"):
            self.add_error("reason", "Choose the reason for the denial.")
        approved = (
            self.releasable if choice == DecisionChoice.APPROVE_ALL else data.get("categories")
        )
        missing = rationale_missing(
            outcome=DecisionOutcome.DENIED if deny else DecisionOutcome.APPROVED,
            categories=approved or (),
            asked=self.asked,
            engine_decision=self.engine_decision,
            rationale=data.get("rationale") or "",
        )
        if missing and "rationale" not in self.errors:
            self.add_error("rationale", missing)
        return data

    def service_arguments(self):
        data = self.cleaned_data
        if data["decision"] == DecisionChoice.DENY:
            return {"outcome": DecisionOutcome.DENIED, "reason": data["reason"]}
        categories = (
            self.releasable
            if data["decision"] == DecisionChoice.APPROVE_ALL
            else data["categories"]
        )
        return {
            "outcome": DecisionOutcome.APPROVED,
            "categories": categories,
            "emergency": data["emergency"],
            "followup_due": data["followup_due"],
        }


class ShareForm(USWDSFormMixin, forms.Form):
    prefix = "share"
    office: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="No office", label="Share with an office"
    )
    user: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="No one", label="…or with one person"
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why they need this case. Kept in the case history.",
        error_messages={"required": "Write why they need this case; it is kept in its history."},
    )

    def __init__(self, *args, case=None, offered=None, **kwargs):
        """`offered`: (offices, people) the page read already (`share_candidates`), shown
        without a query; a form sent is checked against the same choices in the database."""
        super().__init__(*args, **kwargs)
        offices, people = share_candidates(case)
        self.set_queryset("office", offices)
        self.set_queryset(
            "user",
            people.select_related("office").prefetch_related("groups"),
            label=User.with_role_and_office,
        )
        if offered is not None:
            self.offer_listed("office", offered[0])
            self.offer_listed("user", offered[1])

    def clean(self):
        data = super().clean()
        if not data.get("office") and not data.get("user"):
            self.add_error("office", "Choose an office or one person to share the case with.")
        elif data.get("office") and data.get("user"):
            self.add_error("office", "Choose either an office or one person, not both.")
        return data


class AssignForm(USWDSFormMixin, forms.Form):
    prefix = "assign"
    counsel: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, label="Assign to", empty_label=None
    )

    def __init__(self, *args, case=None, offered=None, **kwargs):
        """`offered` as for SubmitForm."""
        super().__init__(*args, **kwargs)
        self.set_queryset("counsel", office_counsel(case.office_id))
        if offered is not None:
            self.offer_listed("counsel", offered)


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
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class QuestionForm(USWDSFormMixin, forms.Form):
    prefix = "ask"
    question = forms.CharField(
        label="What the agency must provide",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: a copy of the warrant signed by the judge, with the docket number.",
        error_messages={"required": "Write what the agency must send or tell you."},
    )
    status = forms.CharField(widget=forms.HiddenInput)


class AnswerForm(USWDSFormMixin, forms.Form):
    prefix = "answer"
    answer = forms.CharField(
        label="The agency's answer",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Add any new document below the case's documents first.",
        error_messages={"required": "Write the agency's answer, or what it sent."},
    )
    status = forms.CharField(widget=forms.HiddenInput)


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


class SecondApprovalForm(USWDSFormMixin, forms.Form):
    prefix = "second"
    confirm = forms.ChoiceField(
        choices=[("yes", "Confirm the approval"), ("no", "Do not confirm: deny the request")],
        widget=forms.RadioSelect,
        label="Your review",
    )
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Required when you do not confirm.",
    )
    status = forms.CharField(widget=forms.HiddenInput)


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

    def __init__(self, *args, approved=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.set_choices("categories", [(c, RecordCategory(c).label) for c in approved])


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
