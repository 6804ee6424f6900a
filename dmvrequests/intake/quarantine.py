"""Quarantine: a clerk releases a held message into a case, or discards it with a reason.

The raw bytes of a discarded message are kept as evidence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from dmvrequests.cases.services import WorkflowError
from dmvrequests.intake.filing import case_from, count_stored, store_documents
from dmvrequests.intake.ingestion import message_summary
from dmvrequests.intake.models import InboundMessage, QuarantineStatus
from dmvrequests.intake.records import read_raw, save_message
from dmvrequests.intake.routing import sender_verification
from dmvrequests.intake.screening import screen_attachments
from dmvrequests.mail import parsing

if TYPE_CHECKING:
    from accounts.models import Office, User
    from dmvrequests.agencies.models import Agency
    from dmvrequests.cases.models import DisclosureRequest


def _lock_held(message: InboundMessage, actor: User) -> InboundMessage:
    if not actor.is_clerk:
        raise WorkflowError("Only clerks handle quarantined messages.")
    locked = InboundMessage.objects.select_for_update().get(pk=message.pk)
    if not locked.is_held:
        who = locked.handled_by or "someone"
        raise WorkflowError(
            f"This message was already {locked.get_quarantine_status_display().lower()} "
            f"by {who}. Reload the page to see it."
        )
    return locked


@transaction.atomic
def quarantine_release(
    *, message: InboundMessage, agency: Agency, office: Office, actor: User
) -> DisclosureRequest:
    """Make a held message into a case of `agency` at `office`, with its documents."""
    message = _lock_held(message, actor)
    parsed = parsing.parse_message(read_raw(message), enforce_size=False)
    if not parsed.content_read:
        raise WorkflowError(
            f"This message cannot be made into a case automatically ({parsed.problem}) "
            "Log the request from New request instead, and discard this message."
        )
    message.agency = agency
    verified, why_not = sender_verification(parsed)
    message.sender_verified = agency.matches_domain(parsed.from_domain) and verified
    if not message.summary:
        message.summary = message_summary(parsed, why_not)
    message.summary["verification"] = (
        "" if message.sender_verified else why_not or "the sender is not of the chosen agency"
    )
    accepted, rejected = screen_attachments(parsed.attachments)
    if parsed.automatic:
        accepted, rejected = (
            [],
            rejected
            + [
                {"filename": item.filename, "reason": "it came with an automatic message"}
                for item in accepted
            ],
        )
    case = case_from(
        parsed, message, agency, office, actor=actor, accepted=accepted, rejected=rejected
    )
    message.case = case
    message.document_count = len(accepted)
    message.rejected_attachments = rejected
    message.quarantine_status = QuarantineStatus.RELEASED
    message.handled_by = actor
    message.handled_at = timezone.now()
    save_message(message, actor)
    count_stored(message, store_documents(case, accepted, actor=actor))
    return case


@transaction.atomic
def quarantine_discard(*, message: InboundMessage, reason: str, actor: User) -> InboundMessage:
    """Close a held message without a case; its raw bytes are kept as evidence."""
    message = _lock_held(message, actor)
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("Say why the message is discarded; the reason is recorded.")
    message.quarantine_status = QuarantineStatus.DISCARDED
    message.discard_reason = reason
    message.handled_by = actor
    message.handled_at = timezone.now()
    return save_message(message, actor)
