from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class Result(models.TextChoices):
    """What became of a message: the `result` of the ingest_email contract (docs/intake.md)."""

    CREATED = "created", "New case"
    APPENDED = "appended", "Added to a case"
    DUPLICATE = "duplicate", "Duplicate"
    QUARANTINED = "quarantined", "Quarantined"


class QuarantineStatus(models.TextChoices):
    HELD = "held", "Held"
    RELEASED = "released", "Released into a case"
    DISCARDED = "discarded", "Discarded"


class InboundMessageQuerySet(models.QuerySet):
    def originals(self):
        """First deliveries: the rows a later copy of the same message is a duplicate of."""
        return self.exclude(result=Result.DUPLICATE)

    def quarantined(self):
        return self.filter(result=Result.QUARANTINED)

    def held(self):
        return self.quarantined().filter(quarantine_status=QuarantineStatus.HELD)


class InboundMessage(models.Model):
    """One email as it arrived, kept byte for byte as evidence, and what intake made of it."""

    raw = models.FileField(
        max_length=200, help_text="The message exactly as received, in private storage."
    )
    raw_sha256 = models.CharField("SHA-256 of the raw message", max_length=64, db_index=True)
    raw_size = models.PositiveBigIntegerField()
    message_id = models.CharField(
        "Message-ID", max_length=255, null=True, blank=True, db_index=True
    )
    from_address = models.CharField(max_length=320, blank=True)
    subject = models.CharField(max_length=500, blank=True)
    date_header = models.DateTimeField(
        null=True, blank=True, help_text="The Date header as written by the sender."
    )
    received_at = models.DateTimeField(help_text="When the message reached the DMV.")
    source = models.CharField(
        max_length=120, help_text="Where it came from: file, stdin or imap:<mailbox>."
    )
    result = models.CharField(max_length=16, choices=Result.choices)
    case = models.ForeignKey(
        "cases.DisclosureRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inbound_messages",
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sender_verified = models.BooleanField(default=False)
    document_count = models.PositiveIntegerField(
        default=0, help_text="Attachments stored as legal documents."
    )
    rejected_attachments = models.JSONField(
        default=list, blank=True, help_text="Attachments refused: [{filename, reason}]."
    )
    reason = models.TextField(
        blank=True, help_text="Why it was quarantined, or why attachments were refused."
    )
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates"
    )
    quarantine_status = models.CharField(
        max_length=16, choices=QuarantineStatus.choices, blank=True
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    discard_reason = models.TextField(blank=True)
    content_sha256 = models.CharField(
        "SHA-256 of the content",
        max_length=64,
        blank=True,
        help_text="From, To, Cc, Date, Subject and body, without the trace fields relays add.",
    )
    message_id_reused = models.BooleanField(
        default=False,
        help_text="Its Message-ID was already used by a different message (held, not a duplicate).",
    )
    automatic = models.CharField(
        max_length=300,
        blank=True,
        help_text="Why it is an automatic message (RFC 3834, 3464, 8098); it flags its case.",
    )
    summary = models.JSONField(
        default=dict,
        blank=True,
        help_text="What was read at ingest (header fields, text parts, attachments, notes), so "
        "that no web request parses the raw message again.",
    )
    # The summary is derived from the raw message and never changes: not copied into history.
    history = HistoricalRecords(excluded_fields=["summary"])

    objects = InboundMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(
                fields=["quarantine_status", "received_at"], name="inbound_quarantine_idx"
            ),
        ]
        constraints = [
            # Dedupe is enforced here, not only checked in Python: of fifty concurrent
            # deliveries of one message exactly one original row can commit; the others
            # fail on these indexes and are recorded as duplicates of it.
            models.UniqueConstraint(
                fields=["message_id"],
                condition=Q(message_id__isnull=False)
                & ~Q(result=Result.DUPLICATE)
                & Q(message_id_reused=False),
                name="inbound_unique_message_id",
            ),
            # Without a Message-ID, or with one a different message used first, the
            # raw bytes identify the message.
            models.UniqueConstraint(
                fields=["raw_sha256"],
                condition=(Q(message_id__isnull=True) | Q(message_id_reused=True))
                & ~Q(result=Result.DUPLICATE),
                name="inbound_unique_raw_without_message_id",
            ),
            models.CheckConstraint(
                condition=(Q(result=Result.QUARANTINED) & ~Q(quarantine_status=""))
                | (~Q(result=Result.QUARANTINED) & Q(quarantine_status="")),
                name="inbound_quarantine_status_only_when_quarantined",
            ),
            models.CheckConstraint(
                condition=Q(result=Result.DUPLICATE, duplicate_of__isnull=False)
                | (~Q(result=Result.DUPLICATE) & Q(duplicate_of__isnull=True)),
                name="inbound_duplicate_names_its_original",
            ),
        ]

    def __str__(self):
        return self.message_id or f"message {self.raw_sha256[:12]}"

    @property
    def flags_case(self):
        """An automatic message on a case (a delivery failure, an auto-reply) needs a look."""
        return bool(self.automatic) and self.case_id is not None

    @property
    def is_held(self):
        return self.result == Result.QUARANTINED and self.quarantine_status == QuarantineStatus.HELD
