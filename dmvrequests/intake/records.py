"""The stored message: its raw bytes in private storage, its row, and the ingest result.

`store_raw` and `read_raw` keep and read the bytes (content-addressed, so a retry
reuses them); `save_message` writes the InboundMessage row; `hold` records a message
as quarantined for a clerk; `IngestResult` is the JSON object of the ingest_email
contract (docs/intake.md).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from dmvrequests.cases.services import WorkflowError
from dmvrequests.intake.models import QuarantineStatus, Result

if TYPE_CHECKING:
    from accounts.models import User
    from dmvrequests.agencies.models import Agency
    from dmvrequests.intake.models import InboundMessage


@dataclass
class IngestResult:
    """The JSON object of the ingest_email contract (docs/intake.md), plus the agency's
    label for humans."""

    message_id: str | None
    result: str
    case: str | None
    agency_kind: str | None
    sender_verified: bool
    documents: int
    rejected_attachments: list = field(default_factory=list)
    reason: str | None = None
    agency_label: str | None = None

    @classmethod
    def of(cls, message: InboundMessage) -> IngestResult:
        agency = message.agency
        return cls(
            message_id=message.message_id,
            result=message.result,
            case=message.case.number if message.case else None,
            agency_kind=agency.kind if agency else None,
            sender_verified=message.sender_verified,
            documents=message.document_count,
            rejected_attachments=list(message.rejected_attachments),
            reason=message.reason or None,
            agency_label=agency_label(agency) if agency else None,
        )

    def as_json(self) -> dict[str, Any]:
        fields = asdict(self)
        del fields["agency_label"]
        return fields


def agency_label(agency: Agency) -> str:
    """A short name for one-line output: 'ICE ERO' for slug ice-ero, else the full name."""
    parts = agency.slug.split("-")
    # Directory slugs of federal agencies are their abbreviations (fbi, ice-ero, usms).
    if len(parts) <= 2 and all(p.isalpha() and len(p) <= 5 for p in parts):
        return " ".join(parts).upper()
    return agency.name


def store_raw(raw: bytes, sha256: str) -> str:
    """Store the raw bytes under their SHA-256 and return the storage name.

    Content addressing makes this idempotent: a retried or duplicate delivery
    finds its bytes already there, and a transaction that rolled back leaves a
    file the retry reuses rather than an orphan per attempt. A file of the
    wrong size (a crash mid-write) is not trusted; the storage picks a new name.
    """
    name = f"inbound-messages/{sha256[:2]}/{sha256}.eml"
    if default_storage.exists(name) and default_storage.size(name) == len(raw):
        return name
    return default_storage.save(name, ContentFile(raw))


def read_raw(message: InboundMessage) -> bytes:
    """The stored bytes; WorkflowError when the file is gone from private storage."""
    try:
        with message.raw.open("rb") as stored:
            return stored.read()
    except OSError as exc:
        raise WorkflowError(
            "The stored copy of this message cannot be read; ask an administrator to check "
            "the private storage."
        ) from exc


def save_message(message: InboundMessage, actor: User | None = None) -> InboundMessage:
    message._history_user = actor  # type: ignore[attr-defined]  # django-simple-history
    # The database enforces the unique constraints: checking them here first would
    # only race, and the IntegrityError is what tells a concurrent duplicate apart.
    message.full_clean(validate_constraints=False)
    message.save()
    return message


def hold(message: InboundMessage, reason: str) -> IngestResult:
    message.result = Result.QUARANTINED
    message.quarantine_status = QuarantineStatus.HELD
    message.reason = reason
    message.case = None
    return IngestResult.of(save_message(message))
