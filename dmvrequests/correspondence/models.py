"""Letters: the templates an office writes them from, the letters as issued, their sending.

A `Letter` is written once and never changed: its text, its HTML, its PDF and their
SHA-256 are what was issued (on PostgreSQL a trigger refuses UPDATE and DELETE,
migration 0002). How it left the office is a `LetterDispatch`, append-only too: at
most one per letter and method (the database's unique constraint), so nothing is
sent twice. See docs/letters.md.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from dmvrequests.validators import single_line


class LetterKind(models.TextChoices):
    ACKNOWLEDGMENT = "acknowledgment", "Acknowledgment of receipt"
    INFO_REQUEST = "info_request", "Request for information"
    DENIAL = "denial", "Denial letter"
    RELEASE = "release", "Approval and release cover letter"
    SUBJECT_NOTICE = "subject_notice", "Notice to the person whose records were asked for"


# Letters addressed to the requesting agency (the others go to the subject).
AGENCY_KINDS = (
    LetterKind.ACKNOWLEDGMENT,
    LetterKind.INFO_REQUEST,
    LetterKind.DENIAL,
    LetterKind.RELEASE,
)


class DispatchMethod(models.TextChoices):
    EMAIL = "email", "Emailed"
    MAIL = "mail", "Printed and mailed"


LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
# The longest text a letter template may have: about eight printed pages, far beyond any
# letter the office sends, and small enough that a pasted document cannot become a letter.
TEMPLATE_BODY_MAX = 20_000


class Language(models.Model):
    """A language letters are written in. English and Spanish are shipped; an
    administrator adds others (and then writes their templates)."""

    code = models.SlugField(
        max_length=12, unique=True, help_text="A short code such as zh or vi (ISO 639-1)."
    )
    name = models.CharField(
        max_length=60, validators=[single_line], help_text="As readers know it, e.g. Tiếng Việt."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.name

    def clean(self):
        """The code is an ISO 639 code: two letters (639-1, e.g. vi) or three (639-2/3,
        e.g. haw for a language 639-1 has none for), lowercase."""
        self.code = (self.code or "").strip().lower()
        if not LANGUAGE_CODE.fullmatch(self.code):
            raise ValidationError(
                {
                    "code": f"“{self.code}” is not a language code: enter its two or three "
                    "letter ISO 639 code, such as vi for Tiếng Việt or zh for 中文."
                }
            )

    def in_use(self):
        """True when a letter was issued in this language or an office wrote a text in it."""
        return self.templates.exists() or Letter.objects.filter(language=self.code).exists()


class OfficeLetterhead(models.Model):
    """What an office prints at the top and bottom of its letters, and the legal-aid
    resources its subject notices list."""

    office = models.OneToOneField(
        "accounts.Office", on_delete=models.PROTECT, related_name="letterhead"
    )
    address = models.TextField(blank=True, help_text="Postal address, one line per line.")
    phone = models.CharField(max_length=40, blank=True, validators=[single_line])
    email = models.EmailField(blank=True)
    signatory = models.CharField(
        max_length=200,
        blank=True,
        validators=[single_line],
        help_text="Who signs the letters, e.g. 'Legal Unit, Albany'.",
    )
    legal_aid = models.TextField(
        "legal-aid resources",
        blank=True,
        help_text="Organisations the subject notice lists, one per line.",
    )
    history = HistoricalRecords()

    def __str__(self):
        return f"Letterhead of {self.office}"


class LetterTemplate(models.Model):
    """An office's own text for one kind of letter in one language; without one, the
    shipped default (correspondence/defaults.py) is used. Every change is in the history."""

    office = models.ForeignKey(
        "accounts.Office", on_delete=models.PROTECT, related_name="letter_templates"
    )
    kind = models.CharField(max_length=24, choices=LetterKind.choices)
    language = models.ForeignKey(Language, on_delete=models.PROTECT, related_name="templates")
    subject = models.CharField(max_length=200, validators=[single_line])
    body = models.TextField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["office", "kind", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "kind", "language"], name="letter_template_unique"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.language}, {self.office})"


class Letter(models.Model):
    """One letter as issued. Never changed (trigger on PostgreSQL); `key` makes issuing
    idempotent: the same letter for the same event is issued once. A subject notice not
    mailed yet may be replaced by counsel (one issued without the mailing address): the new
    letter names it in `replaces`, and the old one stays, void (`replaced_by`)."""

    case = models.ForeignKey(
        "cases.DisclosureRequest", on_delete=models.PROTECT, related_name="letters"
    )
    office = models.ForeignKey("accounts.Office", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=24, choices=LetterKind.choices)
    language = models.CharField(max_length=12)
    language_name = models.CharField(max_length=60)
    key = models.CharField(max_length=200, unique=True)
    recipient = models.CharField(max_length=300, validators=[single_line])
    recipient_email = models.EmailField(blank=True)
    recipient_address = models.TextField(
        "mailing address",
        blank=True,
        max_length=500,
        help_text="A subject notice's postal address, as entered when it was issued.",
    )
    subject = models.CharField(max_length=250, validators=[single_line])
    text = models.TextField()
    html = models.TextField()
    pdf = models.BinaryField(blank=True, default=b"")
    text_sha256 = models.CharField(max_length=64)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    template_source = models.CharField(
        max_length=80, help_text="The template used: shipped default or office version."
    )
    notice = models.ForeignKey(
        "cases.SubjectNotice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters",
    )
    info_request = models.ForeignKey(
        "cases.InfoRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision = models.ForeignKey(
        "cases.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        help_text="The subject notice this one replaces: the same notice in the same language, "
        "issued without the person's mailing address (or with another one) and not mailed. "
        "That letter is kept, void: it is not to be mailed.",
    )
    erased_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When retention erased its text, PDF and the person's address (a tombstone "
        "stays: LetterErasure).",
    )

    class Meta:
        ordering = ["issued_at", "id"]
        indexes = [models.Index(fields=["case", "issued_at"], name="letter_case_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.language_name}) for {self.case_id}"


class LetterDispatch(models.Model):
    """How a letter left the office: emailed through the outbox, or printed and mailed
    on a date. One per letter and method."""

    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="dispatches")
    method = models.CharField(max_length=8, choices=DispatchMethod.choices)
    address = models.CharField(max_length=300, blank=True, validators=[single_line])
    mailed_on = models.DateField(null=True, blank=True)
    outbound = models.ForeignKey(
        "notifications.OutboundEmail",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["letter", "method"], name="letter_sent_once")
        ]

    def __str__(self):
        return f"{self.get_method_display()}: letter {self.letter_id}"

    @property
    def state(self):
        """'sent', 'failed', 'queued' (email) or 'mailed'."""
        if self.method == DispatchMethod.MAIL:
            return "mailed"
        if self.outbound is None:
            return "queued"
        if self.outbound.sent_at:
            return "sent"
        return "failed" if self.outbound.failed_at else "queued"


class ErasureKind(models.TextChoices):
    RETENTION = "retention", "Erased at the end of the retention period"
    REDACTION = "redaction", "Redacted"


class LetterErasure(models.Model):
    """The tombstone of an erasure or redaction of an issued letter (correspondence/erasure.py):
    which rule or reason, when, by whom (no one for the scheduled retention run), which fields,
    and the SHA-256 of what was removed; never the removed text. Append-only on PostgreSQL."""

    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="erasures")
    kind = models.CharField(max_length=12, choices=ErasureKind.choices)
    rule = models.CharField(max_length=300, help_text="The retention rule, or why it was redacted.")
    fields = models.JSONField(default=list, help_text="The letter's fields changed.")
    erased_sha256 = models.CharField(
        max_length=64, help_text="SHA-256 of the removed values (docs/letters.md)."
    )
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    erased_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["erased_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} of letter {self.letter_id}"

    def fields_display(self) -> str:
        """The fields changed, in words, in the order of ERASED_FIELD_LABELS ("the subject
        line, the text, the PDF"); a field this version does not name is given as stored."""
        known = [label for name, label in ERASED_FIELD_LABELS.items() if name in self.fields]
        unknown = [name for name in self.fields if name not in ERASED_FIELD_LABELS]
        return ", ".join(known + unknown)


# The letter's fields an erasure or redaction may change (correspondence/erasure.py), in words.
ERASED_FIELD_LABELS = {
    "recipient": "the person's name",
    "recipient_address": "the mailing address",
    "subject": "the subject line",
    "text": "the text",
    "html": "the web copy (HTML)",
    "pdf": "the PDF",
}
