import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from dmvrequests.cases.case_urls import case_url
from dmvrequests.cases.indexes import case_indexes
from dmvrequests.cases.searchkeys import KEYED_FIELDS, search_keys
from dmvrequests.validators import single_line
from dmvrequests.vocabulary import Issuer, LegalProcessType, Purpose, RecordCategory


class Status(models.TextChoices):
    RECEIVED = "received", "Received"
    IN_REVIEW = "in_review", "In legal review"
    NEEDS_INFO = "needs_info", "Needs information"
    APPROVED = "approved", "Approved"
    DENIED = "denied", "Denied"
    FULFILLED = "fulfilled", "Released"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


# The one definition of each state of a case; the model, its queryset, the services, views
# and templates all ask these (docs/decisions/0006-app-boundaries.md, "One place per rule").
# Open: not yet released, denied, closed or withdrawn.
OPEN_STATUSES = (Status.RECEIVED, Status.IN_REVIEW, Status.NEEDS_INFO, Status.APPROVED)
# Ended: nothing more happens to the case (its retention clock runs from here).
ENDED_STATUSES = (Status.CLOSED, Status.WITHDRAWN)
# Intake may be completed or corrected while the case is with the clerk.
INTAKE_STATUSES = (Status.RECEIVED, Status.NEEDS_INFO)


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    FAX = "fax", "Fax"
    MAIL = "mail", "Mail"
    IN_PERSON = "in_person", "In person"
    PORTAL = "portal", "Agency portal"
    # Staff email found in the mail journal, a case opened after the fact (docs/outbound.md).
    OUTBOUND_UNRECORDED = "outbound", "Outbound, unrecorded"


class ReasonCode(models.TextChoices):
    APPROVED_FULL = "approved_full", "Approved: everything asked"
    APPROVED_PARTIAL = "approved_partial", "Approved in part"
    INSUFFICIENT_PROCESS = "insufficient_process", "No accepted legal process"
    NON_JUDICIAL_DOCUMENT = "non_judicial_document", "Administrative (non-judicial) document"
    PROHIBITED_PURPOSE = "prohibited_purpose", "Prohibited purpose"
    BULK_REQUEST = "bulk_request", "Bulk request"
    AGENCY_BLOCKED = "agency_blocked", "Agency blocked"
    CATEGORY_RESTRICTED = "category_restricted", "Category restricted"
    REQUESTER_UNVERIFIED = "requester_unverified", "Requester could not be verified"
    OUTSIDE_SCOPE = "outside_scope", "Outside the document's scope"
    NO_RECORDS = "no_records", "No matching record"
    WITHDRAWN = "withdrawn", "Withdrawn by the agency"
    DUPLICATE = "duplicate", "Duplicate of another case"
    OTHER = "other", "Other (explain in the rationale)"


APPROVAL_REASONS = (ReasonCode.APPROVED_FULL, ReasonCode.APPROVED_PARTIAL)


class CaseNumberSequence(models.Model):
    """The last case number issued in a year.

    Locked row by row while a case is created, in the same transaction as the
    case itself: a rolled-back creation rolls its number back too, so numbers
    have no gaps within a year even under concurrent creation.
    """

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


class DisclosureRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def ended(self):
        return self.filter(status__in=ENDED_STATUSES)

    def for_queue(self):
        return self.select_related("agency", "office", "assigned_counsel")

    def urgent_first(self):
        return self.order_by("-emergency", models.F("due_date").asc(nulls_last=True), "received_at")


class DisclosureRequest(models.Model):
    number = models.CharField(max_length=16, unique=True, editable=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RECEIVED)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    received_at = models.DateTimeField(
        help_text="When the DMV received the request (a call logged later keeps the real time)."
    )
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="requests")
    requester = models.ForeignKey(
        "agencies.Requester",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
    )
    office = models.ForeignKey("accounts.Office", on_delete=models.PROTECT, related_name="requests")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_counsel = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_requests",
    )
    purpose = models.CharField(max_length=40, choices=Purpose.choices)
    categories = models.JSONField(
        default=list,
        blank=True,
        help_text="Record categories asked for (policy vocabulary); empty until intake is done.",
    )
    subject_name = models.CharField(max_length=200, blank=True, validators=[single_line])
    subject_dob = models.DateField("subject's date of birth", null=True, blank=True)
    subject_license_number = models.CharField(max_length=40, blank=True, validators=[single_line])
    subject_plate = models.CharField("plate", max_length=20, blank=True, validators=[single_line])
    subject_vin = models.CharField("VIN", max_length=17, blank=True, validators=[single_line])
    # What search compares (cases/searchkeys.py), kept by save(); not in the history,
    # so a redaction or retention that rewrites the history leaves no copy behind.
    subject_name_key = models.CharField(max_length=255, blank=True, editable=False)
    subject_plate_key = models.CharField(max_length=20, blank=True, editable=False)
    subject_license_key = models.CharField(max_length=40, blank=True, editable=False)
    narrative = models.TextField(blank=True)
    emergency = models.BooleanField(default=False)
    bulk = models.BooleanField(default=False)
    requester_verified = models.BooleanField(
        default=False,
        help_text="The requester's identity is confirmed (authenticated email or a callback).",
    )
    due_date = models.DateField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(
        excluded_fields=["subject_name_key", "subject_plate_key", "subject_license_key"]
    )

    objects = DisclosureRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        verbose_name = "disclosure request"
        indexes = case_indexes(OPEN_STATUSES)

    def __str__(self):
        return self.number

    def save(self, *args, **kwargs):
        """Keep the search keys in step with the fields they are made from."""
        keys = search_keys({f: getattr(self, f) for f in KEYED_FIELDS})
        for key_field, value in keys.items():
            limit = getattr(self._meta.get_field(key_field), "max_length", None)
            setattr(self, key_field, value[:limit])
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            extra = {KEYED_FIELDS[f][0] for f in update_fields if f in KEYED_FIELDS}
            kwargs["update_fields"] = list(update_fields) + sorted(extra - set(update_fields))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return case_url(self.number)  # reverse("cases:detail", args=[number]), faster

    @property
    def category_labels(self):
        return [RecordCategory(c).label for c in self.categories if c in RecordCategory.values]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_ended(self) -> bool:
        return self.status in ENDED_STATUSES

    @property
    def intake_editable(self) -> bool:
        """Intake fields may change: the case is with the clerk (received, or sent back
        for information)."""
        return self.status in INTAKE_STATUSES

    @property
    def accepts_agency_documents(self) -> bool:
        """An agency (portal, API) may add documents while the case waits for a decision, or
        while an emergency approval waits for its follow-up legal process; once counsel has
        decided, new legal process is a new request."""
        if self.is_open and self.decided_at is None:
            return True
        return self.decisions.filter(emergency=True, followup_received_at=None).exists()

    @property
    def accepts_documents(self) -> bool:
        """Documents may be added, described and verified: the case is open, or an
        emergency approval of it still waits for its follow-up legal process (one query
        then)."""
        if self.is_open:
            return True
        return self.decisions.filter(emergency=True, followup_received_at=None).exists()

    @property
    def received_date(self):
        return timezone.localtime(self.received_at).date()


def legal_document_path(instance, filename):
    # Never the uploaded name: it is user input and may collide or traverse.
    return f"legal-documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class LegalDocument(models.Model):
    case = models.ForeignKey(DisclosureRequest, on_delete=models.PROTECT, related_name="documents")
    type = models.CharField(max_length=32, choices=LegalProcessType.choices)
    issuer = models.CharField(max_length=32, choices=Issuer.choices, default=Issuer.NONE)
    signer_name = models.CharField(max_length=200, blank=True, validators=[single_line])
    signer_title = models.CharField(max_length=200, blank=True, validators=[single_line])
    court = models.CharField(max_length=200, blank=True, validators=[single_line])
    court_state = models.CharField(max_length=2, blank=True, validators=[single_line])
    docket_number = models.CharField(max_length=80, blank=True, validators=[single_line])
    issued_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    file = models.FileField(upload_to=legal_document_path, blank=True)
    original_filename = models.CharField(max_length=255, blank=True, validators=[single_line])
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    verified = models.BooleanField(
        default=False,
        help_text="Counsel's latest checklist verified it; only verified documents count.",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["file"])

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return f"{self.get_type_display()} ({self.case.number})"

    def as_policy_input(self):
        item = {"type": self.type, "issuer": self.issuer}
        if self.court_state:
            item["court_state"] = self.court_state
        if self.issued_on:
            item["issued"] = self.issued_on.isoformat()
        if self.expires_on:
            item["expires"] = self.expires_on.isoformat()
        return item


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", "Approved"
    DENIED = "denied", "Denied"


class Decision(models.Model):
    case = models.ForeignKey(DisclosureRequest, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=16, choices=DecisionOutcome.choices)
    categories_approved = models.JSONField(default=list, blank=True)
    reason = models.CharField(max_length=32, choices=ReasonCode.choices)
    rationale = models.TextField(blank=True)
    evaluation = models.JSONField(
        default=dict, help_text="The policy engine's result when the decision was made."
    )
    profile_slug = models.CharField(max_length=40, blank=True)
    profile_version = models.PositiveIntegerField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    # Two-counsel rule: an approval that needs a second counsel waits here,
    # and the case stays in review until it is confirmed.
    second_approval_required = models.BooleanField(default=False)
    second_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    second_approved_at = models.DateTimeField(null=True, blank=True)
    # Emergency approvals: the legal process must follow by this time.
    emergency = models.BooleanField(default=False)
    followup_due = models.DateTimeField(null=True, blank=True)
    followup_received_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [
            models.Index(
                fields=["followup_due"],
                name="decision_followup_idx",
                condition=models.Q(emergency=True, followup_received_at__isnull=True),
            )
        ]

    def __str__(self):
        return f"{self.get_outcome_display()} ({self.case.number})"

    @property
    def outcome_label(self) -> str:
        """The outcome in words: "Approved in part" for an approval that withholds some
        categories (reason approved_partial), else the outcome's label ("Approved", "Denied")."""
        if self.reason == ReasonCode.APPROVED_PARTIAL:
            return str(ReasonCode.APPROVED_PARTIAL.label)
        return str(self.get_outcome_display())

    @property
    def awaiting_second_approval(self):
        return self.second_approval_required and self.second_approved_at is None

    @property
    def followup_overdue(self):
        return (
            self.emergency
            and self.followup_received_at is None
            and self.followup_due is not None
            and self.followup_due < timezone.now()
        )


class VerificationResult(models.TextChoices):
    VERIFIED = "verified", "Verified: counts for the policy"
    REJECTED = "rejected", "Rejected: does not count"


class DocumentVerification(models.Model):
    """Counsel's checklist for one legal document. Only a verified document counts."""

    document = models.ForeignKey(
        LegalDocument, on_delete=models.PROTECT, related_name="verifications"
    )
    type_identified = models.BooleanField("the document's type is identified", default=False)
    signed_by_judge = models.BooleanField("signed by a judge", default=False)
    court_named = models.BooleanField("the issuing court is named", default=False)
    docket_present = models.BooleanField("a docket or case number is present", default=False)
    dates_valid = models.BooleanField("dates are valid and not expired", default=False)
    subject_matches = models.BooleanField("the subject matches the request", default=False)
    scope_covers = models.BooleanField("its scope covers the categories asked", default=False)
    confirmed_with_court = models.BooleanField("confirmed with the issuing court", default=False)
    confirmed_by_name = models.CharField(
        "who at the court confirmed", max_length=200, blank=True, validators=[single_line]
    )
    confirmed_at = models.DateTimeField("when it was confirmed", null=True, blank=True)
    confirmation_phone = models.CharField(
        "number called", max_length=40, blank=True, validators=[single_line]
    )
    result = models.CharField(max_length=16, choices=VerificationResult.choices)
    notes = models.TextField(blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-verified_at", "-id"]

    def __str__(self):
        return f"{self.get_result_display()} ({self.document})"


class InfoRequest(models.Model):
    """Counsel asks the agency for what is missing; the decision clock pauses meanwhile."""

    case = models.ForeignKey(
        DisclosureRequest, on_delete=models.PROTECT, related_name="info_requests"
    )
    question = models.TextField()
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-asked_at", "-id"]

    def __str__(self):
        return f"Question on {self.case.number}"


class Callback(models.Model):
    """A clerk's call to the agency's published number to confirm the requester."""

    case = models.ForeignKey(DisclosureRequest, on_delete=models.PROTECT, related_name="callbacks")
    number_called = models.CharField(max_length=40, validators=[single_line])
    answered_by = models.CharField("who answered", max_length=200, validators=[single_line])
    called_at = models.DateTimeField()
    confirmed = models.BooleanField("the agency confirmed the requester and the request")
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-called_at", "-id"]

    def __str__(self):
        return f"Callback for {self.case.number}"


class ReleaseMethod(models.TextChoices):
    SECURE_EMAIL = "secure_email", "Secure email"
    PORTAL = "portal", "Agency portal"
    FAX = "fax", "Fax"
    MAIL = "mail", "Mail"
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Read over the phone"


class Release(models.Model):
    """The disclosure ledger: what was released, to whom, how and when."""

    case = models.ForeignKey(DisclosureRequest, on_delete=models.PROTECT, related_name="releases")
    categories = models.JSONField()
    recipient = models.CharField(max_length=200, validators=[single_line])
    method = models.CharField(
        max_length=20, choices=ReleaseMethod.choices, validators=[single_line]
    )
    released_at = models.DateTimeField()
    records_count = models.PositiveIntegerField(default=1)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-released_at", "-id"]

    def __str__(self):
        return f"Release for {self.case.number}"


class NoticeStatus(models.TextChoices):
    DUE = "due", "Due"
    SENT = "sent", "Sent"
    EXEMPTED = "exempted", "Exempted"


class SubjectNotice(models.Model):
    """The obligation to tell the person their record was asked for (the profile's rule)."""

    case = models.OneToOneField(DisclosureRequest, on_delete=models.PROTECT, related_name="notice")
    due_date = models.DateField(
        null=True, blank=True, help_text="Empty: required, no fixed deadline."
    )
    rule = models.CharField(
        max_length=200,
        blank=True,
        help_text="The provision that requires it.",
        validators=[single_line],
    )
    status = models.CharField(max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.DUE)
    sent_at = models.DateTimeField(null=True, blank=True)
    method = models.CharField(max_length=120, blank=True, validators=[single_line])
    exemption_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["status", "due_date"], name="notice_due_idx")]

    def __str__(self):
        return f"Subject notice for {self.case.number}"


class WorkflowSettings(models.Model):
    """Switches an administrator sets for the whole installation (one row)."""

    two_counsel_immigration = models.BooleanField(
        "second counsel approves immigration requests",
        default=True,
        help_text="An approval of a request from an immigration agency needs a second counsel.",
    )
    emergency_followup_hours = models.PositiveIntegerField(
        "hours for emergency follow-up process",
        default=48,
        help_text="After an emergency approval, the legal process must arrive within this time.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "workflow settings"
        verbose_name_plural = "workflow settings"

    def __str__(self):
        return "Workflow settings"

    @classmethod
    def current(cls):
        return cls.objects.order_by("pk").first() or cls.objects.create()


class CaseShare(models.Model):
    """A case opened to another office or a named user, with a reason, until revoked."""

    case = models.ForeignKey(DisclosureRequest, on_delete=models.PROTECT, related_name="shares")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    office = models.ForeignKey(
        "accounts.Office", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["granted_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, office__isnull=True)
                    | models.Q(user__isnull=True, office__isnull=False)
                ),
                name="caseshare_user_xor_office",
            )
        ]
        indexes = [models.Index(fields=["office", "revoked_at"], name="caseshare_office_idx")]

    def __str__(self):
        return f"{self.case.number} shared with {self.user or self.office}"

    @property
    def active(self):
        return self.revoked_at is None


# Direct-foreign-key object permission tables (django-guardian): the generic
# tables store object ids as text and slow down on large tables.
class DisclosureRequestUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(DisclosureRequest, on_delete=models.CASCADE)


class DisclosureRequestGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(DisclosureRequest, on_delete=models.CASCADE)
