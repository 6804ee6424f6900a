"""What the outbound journal keeps (docs/outbound.md, "What is kept").

`JournalEntry`: one row per message scanned the first time, whatever its result. For an ignored
message it is all there is: the day it was sent, the sending office where known, the agency
kind, why it was ignored, and a SHA-256 (of the Message-ID, else of the bytes) so that the
same message scanned again is a duplicate. Never its content.

`OutboundMessage`: a linked or flagged message, stored whole (raw bytes in private storage, the
text, headers, recipients and attachments' names), and for a flagged one counsel's review.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class ScanResult(models.TextChoices):
    LINKED = "linked", "Linked to its case"
    FLAGGED = "flagged", "Flagged for counsel"
    IGNORED = "ignored", "Ignored"
    DUPLICATE = "duplicate", "Already scanned"


class IgnoredReason(models.TextChoices):
    NOT_FROM_DMV = "not_from_dmv", "Not sent from a DMV address"
    NO_AGENCY = "no_agency", "No directory agency among the recipients"
    NO_RECORD_DATA = "no_record_data", "Contact with an agency without record data"


class ReviewStatus(models.TextChoices):
    OPEN = "open", "Waiting for counsel"
    LINKED = "linked", "Linked to a case"
    CASE_OPENED = "case_opened", "Case opened after the fact"
    DISMISSED = "dismissed", "Dismissed"


class JournalEntry(models.Model):
    key = models.CharField(
        max_length=64, unique=True, help_text="SHA-256 of the Message-ID, else of the bytes."
    )
    result = models.CharField(max_length=16, choices=ScanResult.choices)
    ignored_reason = models.CharField(max_length=20, choices=IgnoredReason.choices, blank=True)
    sent_on = models.DateField(null=True, blank=True)
    office = models.ForeignKey(
        "accounts.Office", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agency_kind = models.CharField(max_length=32, blank=True)
    source = models.CharField(max_length=120, blank=True)
    scanned_at = models.DateTimeField(default=timezone.now)
    duplicates = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "journal entries"
        indexes = [models.Index(fields=["result", "sent_on"], name="outbound_entry_result_idx")]

    def __str__(self):
        return f"{self.get_result_display()} ({self.sent_on or 'undated'})"


class OutboundMessage(models.Model):
    entry = models.OneToOneField(JournalEntry, on_delete=models.CASCADE, related_name="message")
    message_id = models.CharField(max_length=255, blank=True)
    raw_sha256 = models.CharField(max_length=64)
    raw_file = models.CharField(max_length=200, help_text="Private storage name of the raw bytes.")
    size = models.PositiveIntegerField(default=0)
    journal = models.BooleanField(default=False, help_text="Unwrapped from a journal report.")
    sender_address = models.CharField(max_length=320)
    sender_name = models.CharField(max_length=200, blank=True)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbound_messages",
    )
    office = models.ForeignKey(
        "accounts.Office", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipients = models.JSONField(default=dict)
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agency_kind = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    subject = models.CharField(max_length=500, blank=True)
    text = models.TextField(blank=True)
    headers = models.JSONField(default=list)
    identifiers = models.JSONField(default=dict)
    attachment_names = models.JSONField(default=list)
    unread_reason = models.TextField(
        blank=True, help_text="Why its text and attachments were not read (too large...)."
    )
    case = models.ForeignKey(
        "cases.DisclosureRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbound_messages",
    )
    review_status = models.CharField(max_length=16, choices=ReviewStatus.choices, blank=True)
    review_reason = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["review_status"], name="outbound_msg_review_idx")]

    def __str__(self):
        return f"{self.subject or '(no subject)'} from {self.sender_address}"

    @property
    def result(self) -> str:
        return self.entry.result

    @property
    def recipient_list(self) -> list[str]:
        """To, Cc and Bcc addresses (the journal envelope's included), each once."""
        addresses = [a for name in ("to", "cc", "bcc") for a in self.recipients.get(name, [])]
        return list(dict.fromkeys(addresses))

    @property
    def identifier_total(self) -> int:
        return sum(self.identifiers.values())

    @property
    def attachment_count(self) -> int:
        return len(self.attachment_names)
