"""Writes of the outbound journal: `journal_scan` (one message, every rule, stored in one
transaction). The contract is docs/outbound.md; its JSON object is `ScanOutcome.as_json()`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from dmvrequests.cases.selectors import case_by_number
from dmvrequests.mail.parsing import parse_message
from dmvrequests.mail.text import one_line
from dmvrequests.outbound.alerts import alert_if_immigration
from dmvrequests.outbound.identifiers import zero_counts
from dmvrequests.outbound.journal import unwrap
from dmvrequests.outbound.models import JournalEntry, OutboundMessage, ReviewStatus, ScanResult
from dmvrequests.outbound.scanning import Analysis, analyse, recipients_by_field


@dataclass
class ScanOutcome:
    """The JSON object of the scan_outbound_email contract (docs/outbound.md)."""

    message_id: str | None
    result: str
    case: str | None
    agency_kind: str | None
    identifiers: dict[str, int] = field(default_factory=zero_counts)
    attachments: int = 0
    item_id: int | None = None  # the stored message, for linked and flagged

    def as_json(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "result": self.result,
            "case": self.case,
            "agency_kind": self.agency_kind,
            "identifiers": dict(self.identifiers),
            "attachments": self.attachments,
        }


def dedupe_key(message_id: str | None, raw: bytes) -> str:
    """SHA-256 of the Message-ID when there is one, else of the bytes (rule 5)."""
    if message_id:
        return hashlib.sha256(b"message-id:" + message_id.encode("utf-8", "replace")).hexdigest()
    return hashlib.sha256(raw).hexdigest()


def journal_scan(*, raw: bytes, source: str = "file") -> ScanOutcome:
    """Scan one message of the journal and store what the rules keep.

    Returns the outcome; raises only when the database or storage fails (nothing of the
    message is then committed, and scanning it again is safe).
    """
    unwrapped = unwrap(raw)
    parsed = parse_message(unwrapped.raw)
    if unwrapped.too_large:
        # A journal report over the size limit: its original's headers only were read, and
        # the report itself is what is kept.
        parsed.content_read, parsed.problem = False, unwrapped.too_large
        parsed.text_parts, parsed.attachments = [], []
        parsed.size, parsed.raw_sha256 = len(raw), hashlib.sha256(raw).hexdigest()
        unwrapped.raw = raw
    analysis = analyse(parsed, unwrapped.envelope)
    outcome = ScanOutcome(
        message_id=parsed.message_id,
        result=analysis.result,
        case=analysis.case_number,
        agency_kind=analysis.agency_kind,
        identifiers=analysis.identifiers,
        attachments=analysis.attachments,
    )
    key = dedupe_key(parsed.message_id, raw)
    if _seen_before(key):
        outcome.result = ScanResult.DUPLICATE
        return outcome
    try:
        with transaction.atomic():
            entry = _entry(key, parsed, analysis, source)
            if analysis.result in (ScanResult.LINKED, ScanResult.FLAGGED):
                item = _store(entry, parsed, unwrapped, analysis)
                outcome.item_id = item.pk
                alert_if_immigration(item)
    except IntegrityError:
        # The same message committed by a concurrent scan since the lookup.
        if not _seen_before(key):
            raise
        outcome.result = ScanResult.DUPLICATE
        outcome.item_id = None
    return outcome


def _seen_before(key: str) -> bool:
    return bool(JournalEntry.objects.filter(key=key).update(duplicates=F("duplicates") + 1))


def sender_of(address: str) -> User | None:
    """The staff account whose email is the From address, for its office; None when unknown."""
    if not address:
        return None
    return User.objects.filter(email__iexact=address).select_related("office").first()


def _entry(key, parsed, analysis: Analysis, source) -> JournalEntry:
    sender = sender_of(parsed.from_address) if analysis.ignored_reason != "not_from_dmv" else None
    return JournalEntry.objects.create(
        key=key,
        result=analysis.result,
        ignored_reason=analysis.ignored_reason,
        sent_on=(parsed.date or timezone.now()).date(),
        office=sender.office if sender else None,
        agency_kind=analysis.agency_kind or "",
        source=one_line(source, 120),
    )


def _store(entry, parsed, unwrapped, analysis: Analysis) -> OutboundMessage:
    sender = sender_of(parsed.from_address)
    case = case_by_number(analysis.case_number) if analysis.case_number else None
    return OutboundMessage.objects.create(
        entry=entry,
        message_id=parsed.message_id or "",
        raw_sha256=parsed.raw_sha256,
        raw_file=store_raw(unwrapped.raw, parsed.raw_sha256),
        size=parsed.size,
        unread_reason=analysis.unread_reason,
        journal=unwrapped.journal,
        sender_address=parsed.from_address,
        sender_name=parsed.from_name,
        sender=sender,
        office=sender.office if sender else None,
        recipients=recipients_by_field(parsed, unwrapped.envelope),
        agency=analysis.agency,
        agency_kind=analysis.agency_kind or "",
        sent_at=parsed.date,
        subject=parsed.subject,
        text=parsed.body,
        headers=[list(pair) for pair in parsed.headers],
        identifiers=analysis.identifiers,
        attachment_names=[a.filename for a in parsed.attachments],
        case=case,
        review_status=ReviewStatus.OPEN if analysis.result == ScanResult.FLAGGED else "",
    )


def store_raw(raw: bytes, sha256: str) -> str:
    """The raw bytes in private storage under their SHA-256 (idempotent); the storage name."""
    name = f"outbound-messages/{sha256[:2]}/{sha256}.eml"
    if default_storage.exists(name) and default_storage.size(name) == len(raw):
        return name
    return default_storage.save(name, ContentFile(raw))


def read_raw(message: OutboundMessage) -> bytes:
    with default_storage.open(message.raw_file, "rb") as handle:
        return handle.read()


def retention_apply(*, now=None) -> int:
    """Delete dismissed items, with their stored bytes, dismissed more than
    OUTBOUND_RETENTION_YEARS years before `now`; the journal entry stays as a count. An item
    on a case (linked, or a case opened for it) is part of the case's record and follows the
    case; an item waiting for counsel is never deleted. Returns the number deleted."""
    now = now or timezone.now()
    years = getattr(settings, "OUTBOUND_RETENTION_YEARS", 3)
    limit = (
        now.replace(year=now.year - years)
        if not (now.month == 2 and now.day == 29)
        else (now.replace(year=now.year - years, day=28))
    )
    expired = OutboundMessage.objects.filter(
        review_status=ReviewStatus.DISMISSED, reviewed_at__lt=limit
    )
    deleted = 0
    for item in expired:
        name = item.raw_file
        with transaction.atomic():
            item.delete()
        still_used = OutboundMessage.objects.filter(raw_file=name).exists()
        if name and not still_used and default_storage.exists(name):
            default_storage.delete(name)
        deleted += 1
    return deleted
