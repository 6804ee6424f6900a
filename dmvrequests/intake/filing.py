"""Writing cases from email: a new case, a reply appended to a case, an automatic message
recorded on one, and the requester, documents and narrative that go with them.

Writes go through cases.services (case_create, document_add,
case_narrative_append); actor is None for intake itself (the system, in the case
history) or the clerk who released a quarantined message.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from dmvrequests.agencies.services import requester_create, requester_find
from dmvrequests.cases.services import (
    Channel,
    DuplicateDocument,
    WorkflowError,
    case_create,
    case_narrative_append,
    document_add,
)
from dmvrequests.intake.models import Result
from dmvrequests.intake.records import IngestResult, save_message
from dmvrequests.intake.routing import received_at_for
from dmvrequests.intake.screening import refusal, refusal_summary, screened
from dmvrequests.timewords import moment_words
from dmvrequests.vocabulary import Issuer, LegalProcessType, Purpose

if TYPE_CHECKING:
    from accounts.models import Office, User
    from dmvrequests.agencies.models import Agency, Requester
    from dmvrequests.cases.models import DisclosureRequest
    from dmvrequests.intake.models import InboundMessage
    from dmvrequests.intake.screening import Accepted
    from dmvrequests.mail.message import ParsedMessage

logger = logging.getLogger(__name__)

# Enough for any real request; a 30 MB text body is not one.
MAX_NARRATIVE_BODY = 100_000


def create_case(message: InboundMessage, parsed: ParsedMessage, office: Office) -> IngestResult:
    accepted, rejected = screened(parsed)
    rejected = [refusal(item) for item in rejected]
    assert message.agency is not None  # a message without an agency is held, not filed
    with transaction.atomic():
        case = case_from(
            parsed,
            message,
            message.agency,
            office,
            actor=None,
            accepted=accepted,
            rejected=rejected,
        )
        _record_outcome(message, Result.CREATED, case, accepted, rejected)
        # Saved before the documents: a concurrent copy of this message fails on the
        # unique Message-ID here, before writing any file.
        save_message(message)
        count_stored(message, store_documents(case, accepted, actor=None))
    return IngestResult.of(message)


def append_reply(
    message: InboundMessage, parsed: ParsedMessage, case: DisclosureRequest
) -> IngestResult:
    accepted, rejected = screened(parsed)
    rejected = [refusal(item) for item in rejected]
    with transaction.atomic():
        _record_outcome(message, Result.APPENDED, case, accepted, rejected)
        save_message(message)
        count_stored(message, store_documents(case, accepted, actor=None))
        _append_reply_text(case, message, parsed, rejected)
    return IngestResult.of(message)


def append_automatic(
    message: InboundMessage, parsed: ParsedMessage, case: DisclosureRequest
) -> IngestResult:
    """An automatic message answering a case: recorded on it as a note that flags it.

    Never a requester, never a document (a returned message carries our own
    attachments back); the case's narrative gets the note while it is with the
    clerk, and the case page flags the message either way.
    """
    rejected = [
        {
            "filename": attachment.filename,
            "reason": "it came with an automatic message, which adds no documents",
        }
        for attachment in parsed.attachments
    ]
    with transaction.atomic():
        _record_outcome(message, Result.APPENDED, case, [], rejected)
        message.reason = f"Automatic message: {parsed.automatic}; recorded on the case, flagged."
        save_message(message)
        _append_section(case, _automatic_section(message, parsed))
    return IngestResult.of(message)


def _automatic_section(message: InboundMessage, parsed: ParsedMessage) -> list[str]:
    arrived = moment_words(message.received_at)
    advice = (
        "A letter or email from the DMV did not arrive: check the address and send it again."
        if "delivery status" in (parsed.automatic or "")
        or parsed.from_address.lower().startswith(("mailer-daemon@", "postmaster@"))
        else "Nobody wrote this: it is not an answer to the case."
    )
    return [
        f"--- Automatic message received {arrived} from "
        f"{message.from_address or 'an unknown sender'}: {parsed.automatic} ---",
        advice,
        f"Subject: {parsed.subject or '(no subject)'}",
        "",
        _body_for_narrative(parsed),
    ]


def _record_outcome(
    message: InboundMessage,
    result: str,
    case: DisclosureRequest,
    accepted: list[Accepted],
    rejected: list[dict[str, str]],
) -> None:
    message.result = result
    message.case = case
    message.document_count = len(accepted)
    message.rejected_attachments = rejected
    message.reason = refusal_summary(rejected)


def case_from(
    parsed: ParsedMessage,
    message: InboundMessage,
    agency: Agency,
    office: Office,
    *,
    actor: User | None,
    accepted: list[Accepted],
    rejected: list[dict[str, str]],
) -> DisclosureRequest:
    return case_create(
        office=office,
        agency=agency,
        requester=_requester_for(agency, parsed, actor, verified=message.sender_verified),
        channel=Channel.EMAIL,
        received_at=received_at_for(parsed, message.received_at),
        # A clerk completes intake: the email says what is asked in words only.
        purpose=Purpose.OTHER,
        categories=[],
        narrative=_narrative(parsed, message, agency, accepted, rejected),
        requester_verified=message.sender_verified,
        actor=actor,
    )


def _requester_for(
    agency: Agency, parsed: ParsedMessage, actor: User | None, *, verified: bool
) -> Requester | None:
    """The agency's requester with the From address; created on first contact only when
    the sender is verified (DMARC or DKIM aligned with the From domain).

    Only for an address of the agency's own domains: a clerk releasing a message
    sent from elsewhere picks the requester on the case instead, so that the
    directory's officers are never someone's personal address. An unverified From
    is linked to an officer already in the directory (the case still says the sender
    is unverified, and the callback confirms them) but never adds one: a forged From
    must not become a "known officer" in the new-request form.
    """
    address = parsed.from_address
    # An automatic message is nobody's request, and an ambiguous From may name
    # someone who never wrote: neither becomes an officer in the directory.
    if parsed.automatic or parsed.from_problem or not agency.matches_domain(parsed.from_domain):
        return None
    try:
        validate_email(address)
    except ValidationError:
        return None
    requester = requester_find(agency=agency, email=address)
    if requester is not None or not verified:
        return requester
    return requester_create(
        agency=agency,
        actor=actor,
        email=address,
        name=(parsed.from_name or address.split("@")[0])[:200],
    )


def count_stored(message: InboundMessage, stored: int) -> None:
    """`documents` is the attachments stored for this message (the ingest contract): fewer
    than accepted when the case already held some of them."""
    if message.document_count != stored:
        message.document_count = stored
        message.save(update_fields=["document_count"])


def store_documents(
    case: DisclosureRequest, accepted: list[Accepted], *, actor: User | None
) -> int:
    """Store each accepted attachment as a document of `case`; returns how many were
    stored (an attachment whose bytes the case already holds is kept once)."""
    stored = []
    try:
        for attachment in accepted:
            recognised = attachment.recognition
            try:
                document = document_add(
                    case=case,
                    actor=actor,
                    # Unclassified until a clerk says what the document is; a recognised
                    # form's type is pre-filled, and stays unverified until counsel checks it.
                    type=recognised.type if recognised else LegalProcessType.NONE,
                    issuer=Issuer.NONE,
                    content=attachment.content,
                    filename=attachment.filename,
                    max_bytes=settings.INTAKE_MAX_ATTACHMENT_BYTES,
                )
            except DuplicateDocument:
                # The case already holds these bytes (a reply re-attaching the warrant,
                # or one file attached twice): one copy is kept; the message lists both.
                continue
            stored.append(document)
    except Exception:
        # The transaction rolls back the rows; the files it wrote are ours to remove.
        for document in stored:
            document.file.storage.delete(document.file.name)  # type: ignore[arg-type]
        raise
    return len(stored)


def _narrative(
    parsed: ParsedMessage,
    message: InboundMessage,
    agency: Agency,
    accepted: list[Accepted],
    rejected: list[dict[str, str]],
) -> str:
    notes = intake_notes(
        agency,
        message.sender_verified,
        rejected,
        why_not=(message.summary or {}).get("verification", ""),
        reading_notes=parsed.notes,
        accepted=accepted,
    )
    parts = [f"Subject: {parsed.subject or '(no subject)'}", "", _body_for_narrative(parsed)]
    if notes:
        parts += ["", "Email intake notes:", *(f"- {note}" for note in notes)]
    return "\n".join(parts)


def _body_for_narrative(parsed: ParsedMessage) -> str:
    body = parsed.body or "(The email has no text.)"
    if len(body) > MAX_NARRATIVE_BODY:
        body = body[:MAX_NARRATIVE_BODY] + "\n[Text shortened; the full message is kept in intake.]"
    return body


def intake_notes(
    agency: Agency,
    verified: bool,
    rejected: list[dict[str, str]],
    *,
    why_not: str = "",
    reading_notes: Iterable[str] = (),
    accepted: Iterable[Accepted] = (),
) -> list[str]:
    notes = []
    if not verified:
        phone = agency.published_phone or "listed in the agency directory"
        because = f" ({why_not})" if why_not else ""
        notes.append(
            f"The sender is not verified{because}. Call the agency's published number "
            f"({phone}) and confirm the requester before anything is released."
        )
    notes += list(reading_notes)
    notes += [
        f'Document "{item.filename}" recognised as {item.recognition.label} from its text '
        f'("{item.recognition.evidence}"); its type is pre-filled. Confirm or correct it on the '
        "document: it is not verified."
        for item in accepted
        if item.recognition
    ]
    notes += [f"Attachment refused: {item['filename']}: {item['reason']}." for item in rejected]
    return notes


def _append_reply_text(
    case: DisclosureRequest,
    message: InboundMessage,
    parsed: ParsedMessage,
    rejected: list[dict[str, str]],
) -> None:
    """Add the reply to the narrative while the case is with the clerk; else leave it.

    A case in legal review or decided keeps the narrative counsel decided on; the
    reply stays on the case as an inbound message (and its documents are added).
    """
    verified = "verified" if message.sender_verified else "not verified"
    arrived = moment_words(message.received_at)
    section = [
        f"--- Email reply received {arrived} from {message.from_address or 'an unknown sender'} "
        f"(sender {verified}) ---",
        f"Subject: {parsed.subject or '(no subject)'}",
        "",
        _reply_text(_body_for_narrative(parsed)),
        *parsed.notes,
        *(f"Attachment refused: {item['filename']}: {item['reason']}." for item in rejected),
    ]
    _append_section(case, section)


def _append_section(case: DisclosureRequest, section: list[str]) -> None:
    try:
        case_narrative_append(case=case, actor=None, text="\n".join(section))
    except WorkflowError:
        logger.info("%s is past intake; the email is kept as an inbound message.", case)


def _reply_text(body: str) -> str:
    """The new part of a reply: quoted lines and the quoted original are dropped."""
    kept = []
    for line in body.splitlines():
        stripped = line.strip()
        if stripped.startswith("-----Original Message-----") or (
            stripped.startswith("On ") and stripped.endswith("wrote:")
        ):
            break
        if not stripped.startswith(">"):
            kept.append(line)
    return "\n".join(kept).strip() or "(The reply has no new text.)"
