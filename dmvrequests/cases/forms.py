from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
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
from dmvrequests.cases.models import Channel, DecisionOutcome, ReasonCode
from dmvrequests.cases.record_forms import (  # noqa: F401  (the forms' one import place)
    RELEASE_MAX_RECORDS,
    CallbackForm,
    NoticeExemptForm,
    NoticeSentForm,
    ReleaseForm,
    VerificationForm,
)
from dmvrequests.cases.selectors import office_counsel, share_candidates
from dmvrequests.cases.services.decisions import ENGINE_DENIES, rationale_missing
from dmvrequests.cases.services.requests import INTAKE_FIELDS
from dmvrequests.formfields import (  # noqa: F401  (limited: re-exported, the forms' own)
    CountedMaxLengthValidator,
    PlausibleDateField,
    PlausibleDateTimeField,
    limited,
)
from dmvrequests.forms import DateInput, DateTimeInput, USWDSFormMixin
from dmvrequests.policy.engine import EngineDecision
from dmvrequests.vocabulary import (
    CATEGORY_HELP,
    Purpose,
    RecordCategory,
)

CATEGORY_CHOICES = [(c.value, f"{c.label}: {CATEGORY_HELP[c]}") for c in RecordCategory]
# What a clerk logs by hand. Email intake, the agency portal (and its API) and the outbound
# journal's review make cases of their own channels (email, portal, outbound).
CLERK_CHANNELS: list[tuple[str, str]] = [
    (c.value, str(c.label)) for c in (Channel.PHONE, Channel.FAX, Channel.MAIL, Channel.IN_PERSON)
]
CHANNEL_REFUSED = (
    "Choose how the request came in: phone, fax, mail or in person. Emails, agency portal "
    "requests and mail found in the outbound journal become cases by themselves."
)
NAME_MAX_LENGTH = 200
NARRATIVE_MAX_LENGTH = 5000


def received_age_limit():
    return timedelta(days=settings.RECEIVED_AT_MAX_AGE_DAYS)


def _days_words(days):
    if days % 365 == 0:
        years = days // 365
        return "a year" if years == 1 else f"{years} years"
    return f"{days} days"


class RequestForm(USWDSFormMixin, forms.Form):
    """Intake of a request logged by a clerk (phone, fax, mail, in person); the intake of any
    case while it is with the clerk, which keeps the channel it came by."""

    channel = forms.ChoiceField(
        choices=CLERK_CHANNELS,
        error_messages={"invalid_choice": CHANNEL_REFUSED, "required": CHANNEL_REFUSED},
    )
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
            # An emailed (or portal, or outbound) case keeps its channel; a clerk cannot
            # choose one of those for a case.
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
