"""Email intake: every message becomes a case, an append, a duplicate or a quarantined message.

`message_ingest` is the one entry point for the `ingest_email` command and the
IMAP poller (shared/spec/ingest-email.md). The raw message is stored first,
content-addressed in private storage; then one transaction writes the case, its
documents and the InboundMessage row together, so that a message either is
fully ingested or leaves nothing but its raw bytes behind (which a retry reuses).

Writes to cases go through cases.services (request_create, document_add,
request_update_intake), with actor=None: the system, in the case history.
"""

import logging
from dataclasses import asdict, dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Office
from dmvrequests.agencies.models import Agency, Requester
from dmvrequests.cases import files
from dmvrequests.cases.models import Channel, DisclosureRequest
from dmvrequests.cases.services import (
    WorkflowError,
    document_add,
    request_create,
    request_update_intake,
)
from dmvrequests.intake import parsing, verification
from dmvrequests.intake.models import InboundMessage, QuarantineStatus, Result
from dmvrequests.vocabulary import Issuer, LegalProcessType, Purpose

logger = logging.getLogger(__name__)

# A Date header is believed when it is at most this far from the arrival time;
# otherwise the sender's clock (or its spam software) is wrong and arrival counts.
DATE_MAX_AHEAD = timedelta(days=1)
DATE_MAX_BEHIND = timedelta(days=90)
# Enough for any real request; a 30 MB text body is not one.
MAX_NARRATIVE_BODY = 100_000

NO_AGENCY = (
    "The sender's domain matches no agency in the directory; add the agency "
    "(Administration, agencies, email domains) or release the message into a case."
)


@dataclass
class IngestResult:
    """The JSON object of shared/spec/ingest-email.md, plus the agency's label for humans."""

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
    def of(cls, message):
        agency = message.agency
        return cls(
            message_id=message.message_id,
            result=message.result,
            case=message.case.number if message.case_id else None,
            agency_kind=agency.kind if agency else None,
            sender_verified=message.sender_verified,
            documents=message.document_count,
            rejected_attachments=list(message.rejected_attachments),
            reason=message.reason or None,
            agency_label=agency_label(agency) if agency else None,
        )

    def as_json(self):
        fields = asdict(self)
        del fields["agency_label"]
        return fields


def agency_label(agency):
    """A short name for one-line output: 'ICE ERO' for slug ice-ero, else the full name."""
    parts = agency.slug.split("-")
    # Directory slugs of federal agencies are their abbreviations (fbi, ice-ero, usms).
    if len(parts) <= 2 and all(p.isalpha() and len(p) <= 5 for p in parts):
        return " ".join(parts).upper()
    return agency.name


# Ingestion ----------------------------------------------------------------------------


def message_ingest(*, raw: bytes, source: str, arrived_at=None) -> IngestResult:
    """Ingest one raw message. Parsing never raises; database failures do (retry later)."""
    arrived_at = arrived_at or timezone.now()
    parsed = parsing.parse_message(raw)
    original = _original_of(parsed)
    if original is None:
        try:
            return _ingest_first_delivery(parsed, raw, source, arrived_at)
        except IntegrityError:
            # A concurrent delivery of the same message committed first: the unique
            # constraints let exactly one through, and this one is its duplicate.
            original = _original_of(parsed)
            if original is None:
                raise
    return _record_duplicate(parsed, original, raw, source, arrived_at)


def _original_of(parsed):
    originals = InboundMessage.objects.originals().select_related("case", "agency")
    if parsed.message_id:
        return originals.filter(message_id=parsed.message_id).first()
    return originals.filter(message_id__isnull=True, raw_sha256=parsed.raw_sha256).first()


@transaction.atomic
def _ingest_first_delivery(parsed, raw, source, arrived_at):
    message = _new_message(parsed, raw, source, arrived_at)
    if parsed.problem:
        return _quarantine(message, parsed.problem)
    reply_to = case_replied_to(parsed)
    try:
        return _file(message, parsed, reply_to)
    except ValidationError as exc:
        # The data, not the system, is at fault (a case service refused it): a retry
        # would fail the same way, so a clerk gets the message. The attempt was rolled
        # back, its row with it, so the quarantined row starts afresh.
        logger.warning("Intake could not file %s: %s", message, exc.messages)
        target = f"add it to {reply_to.number}" if reply_to else "make it into a case"
        reason = f"Intake could not {target}: " + " ".join(exc.messages)
        return _quarantine(_new_message(parsed, raw, source, arrived_at), reason)


def _file(message, parsed, reply_to):
    if reply_to is not None:
        return _append(message, parsed, reply_to)
    if message.agency is None:
        return _quarantine(message, NO_AGENCY)
    office, problem = intake_office()
    if office is None:
        return _quarantine(message, problem)
    return _create(message, parsed, office)


def _new_message(parsed, raw, source, arrived_at):
    message = InboundMessage(
        raw=store_raw(raw, parsed.raw_sha256),
        raw_sha256=parsed.raw_sha256,
        raw_size=parsed.size,
        message_id=parsed.message_id,
        from_address=parsed.from_address,
        subject=parsed.subject,
        date_header=parsed.date,
        received_at=arrived_at,
        source=source[:120],
    )
    message.agency = agency_for_domain(parsed.from_domain)
    message.sender_verified = message.agency is not None and _verified(parsed)
    return message


def store_raw(raw, sha256):
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


def _save(message, actor=None):
    message._history_user = actor
    # The database enforces the unique constraints: checking them here first would
    # only race, and the IntegrityError is what tells a concurrent duplicate apart.
    message.full_clean(validate_constraints=False)
    message.save()
    return message


def _record_duplicate(parsed, original, raw, source, arrived_at):
    message = _new_message(parsed, raw, source, arrived_at)
    message.result = Result.DUPLICATE
    message.duplicate_of = original
    message.case = original.case
    message.agency = original.agency
    message.sender_verified = original.sender_verified
    return IngestResult.of(_save(message))


def _quarantine(message, reason):
    message.result = Result.QUARANTINED
    message.quarantine_status = QuarantineStatus.HELD
    message.reason = reason
    message.case = None
    return IngestResult.of(_save(message))


# Rules --------------------------------------------------------------------------------


def agency_for_domain(domain):
    """The directory agency of `domain`: equal to one of its domains or a subdomain of one.

    Agency.matches_domain's rule, applied from the most specific suffix down, so
    that ice.dhs.gov wins over dhs.gov for x.ice.dhs.gov. ice.dhs.gov.example.com
    has no suffix equal to ice.dhs.gov and matches nothing.
    """
    if not domain:
        return None
    agencies = list(Agency.objects.order_by("id"))
    labels = domain.split(".")
    for start in range(len(labels)):
        suffix = ".".join(labels[start:])
        for agency in agencies:
            if suffix in agency.domain_list:
                return agency
    return None


def _verified(parsed):
    return verification.sender_verified(
        from_domain=parsed.from_domain,
        single_from=parsed.from_count == 1,
        header_values=parsed.authentication_results,
        trusted_authserv_id=settings.INTAKE_TRUSTED_AUTHSERV_ID,
    )


def case_replied_to(parsed):
    """The case a reply belongs to: [DR-…] in the subject, else a message it answers."""
    if parsed.case_number:
        case = DisclosureRequest.objects.filter(number=parsed.case_number).first()
        if case is not None:
            return case
    if not parsed.references:
        return None
    known = dict(
        InboundMessage.objects.originals()
        .filter(message_id__in=parsed.references, case__isnull=False)
        .values_list("message_id", "case_id")
    )
    # The nearest ancestor in the thread decides.
    for message_id in parsed.references:
        if message_id in known:
            return DisclosureRequest.objects.get(pk=known[message_id])
    return None


def intake_office():
    """(office, None) for the office that receives email requests, or (None, reason)."""
    code = getattr(settings, "INTAKE_OFFICE", "")
    if code:
        office = Office.objects.filter(code=code).first()
        if office is None:
            return None, (
                f"The INTAKE_OFFICE setting names the office {code!r}, which does not exist; "
                "correct the setting, or release this message into a case."
            )
        return office, None
    office = Office.objects.order_by("id").first()
    if office is None:
        return None, (
            "No office exists yet to receive email requests; an administrator must create "
            "one, then release this message into a case."
        )
    return office, None


def received_at_for(parsed, arrived_at):
    """The Date header when plausible, else the arrival time."""
    date = parsed.date
    if date is not None and arrived_at - DATE_MAX_BEHIND <= date <= arrived_at + DATE_MAX_AHEAD:
        return date
    return arrived_at


def screen_attachments(attachments):
    """(accepted, rejected): accepted by content (magic bytes) and size, never by name."""
    accepted, rejected = [], []
    for attachment in attachments:
        problem = attachment_problem(attachment.content)
        if problem:
            rejected.append({"filename": attachment.filename, "reason": problem})
        else:
            accepted.append(attachment)
    return accepted, rejected


def attachment_problem(content):
    """Why an attachment cannot be a document, or None when it can."""
    max_bytes = settings.INTAKE_MAX_ATTACHMENT_BYTES
    if content is None:
        return "its content could not be decoded"
    if not content:
        return "it is empty"
    if files.sniff_content_type(content[:16]) is None:
        return f"its content is not a {files.ACCEPTED_DESCRIPTION} file, whatever its name says"
    if len(content) > max_bytes:
        return (
            f"it is {len(content) / parsing.MIB:.1f} MB; "
            f"the limit is {max_bytes / parsing.MIB:.0f} MB"
        )
    return None


def refusal_summary(rejected):
    if not rejected:
        return ""
    listed = "; ".join(f"{item['filename']}: {item['reason']}" for item in rejected)
    noun = "attachment" if len(rejected) == 1 else "attachments"
    return f"{len(rejected)} {noun} refused ({listed})."


# Writing cases ------------------------------------------------------------------------


def _create(message, parsed, office):
    accepted, rejected = screen_attachments(parsed.attachments)
    with transaction.atomic():
        case = _case_from(parsed, message, message.agency, office, actor=None, rejected=rejected)
        _record_outcome(message, Result.CREATED, case, accepted, rejected)
        # Saved before the documents: a concurrent copy of this message fails on the
        # unique Message-ID here, before writing any file.
        _save(message)
        _store_documents(case, accepted, actor=None)
    return IngestResult.of(message)


def _append(message, parsed, case):
    accepted, rejected = screen_attachments(parsed.attachments)
    with transaction.atomic():
        _record_outcome(message, Result.APPENDED, case, accepted, rejected)
        _save(message)
        _store_documents(case, accepted, actor=None)
        _append_reply_text(case, message, parsed, rejected)
    return IngestResult.of(message)


def _record_outcome(message, result, case, accepted, rejected):
    message.result = result
    message.case = case
    message.document_count = len(accepted)
    message.rejected_attachments = rejected
    message.reason = refusal_summary(rejected)


def _case_from(parsed, message, agency, office, *, actor, rejected):
    return request_create(
        office=office,
        agency=agency,
        requester=_requester_for(agency, parsed, actor),
        channel=Channel.EMAIL,
        received_at=received_at_for(parsed, message.received_at),
        # A clerk completes intake: the email says what is asked in words only.
        purpose=Purpose.OTHER,
        categories=[],
        narrative=_narrative(parsed, agency, message.sender_verified, rejected),
        requester_verified=message.sender_verified,
        actor=actor,
    )


def _requester_for(agency, parsed, actor):
    """The agency's requester with the From address, created on first contact.

    Only for an address of the agency's own domains: a clerk releasing a message
    sent from elsewhere picks the requester on the case instead, so that the
    directory's officers are never someone's personal address.
    """
    address = parsed.from_address
    if not agency.matches_domain(parsed.from_domain):
        return None
    try:
        validate_email(address)
    except ValidationError:
        return None
    requester = (
        Requester.objects.filter(agency=agency, email__iexact=address).order_by("id").first()
    )
    if requester is not None:
        return requester
    requester = Requester(
        agency=agency, email=address, name=(parsed.from_name or address.split("@")[0])[:200]
    )
    requester._history_user = actor
    requester.full_clean()
    requester.save()
    return requester


def _store_documents(case, accepted, *, actor):
    stored = []
    try:
        for attachment in accepted:
            stored.append(
                document_add(
                    case=case,
                    actor=actor,
                    # Unclassified until a clerk says what the document is.
                    type=LegalProcessType.NONE,
                    issuer=Issuer.NONE,
                    content=attachment.content,
                    filename=attachment.filename,
                    max_bytes=settings.INTAKE_MAX_ATTACHMENT_BYTES,
                )
            )
    except Exception:
        # The transaction rolls back the rows; the files it wrote are ours to remove.
        for document in stored:
            document.file.storage.delete(document.file.name)
        raise


def _narrative(parsed, agency, verified, rejected):
    notes = intake_notes(agency, verified, rejected)
    parts = [f"Subject: {parsed.subject or '(no subject)'}", "", _body_for_narrative(parsed)]
    if notes:
        parts += ["", "Email intake notes:", *(f"- {note}" for note in notes)]
    return "\n".join(parts)


def _body_for_narrative(parsed):
    body = parsed.body or "(The email has no text.)"
    if len(body) > MAX_NARRATIVE_BODY:
        body = body[:MAX_NARRATIVE_BODY] + "\n[Text shortened; the full message is kept in intake.]"
    return body


def intake_notes(agency, verified, rejected):
    notes = []
    if not verified:
        phone = agency.published_phone or "listed in the agency directory"
        notes.append(
            "The sender is not verified. Call the agency's published number "
            f"({phone}) and confirm the requester before anything is released."
        )
    notes += [f"Attachment refused: {item['filename']}: {item['reason']}." for item in rejected]
    return notes


def _append_reply_text(case, message, parsed, rejected):
    """Add the reply to the narrative while the case is with the clerk; else leave it.

    A case in legal review or decided keeps the narrative counsel decided on; the
    reply stays on the case as an inbound message (and its documents are added).
    """
    locked = DisclosureRequest.objects.select_for_update().get(pk=case.pk)
    verified = "verified" if message.sender_verified else "not verified"
    arrived = timezone.localtime(message.received_at).strftime("%Y-%m-%d %H:%M")
    section = [
        f"--- Email reply received {arrived} from {message.from_address or 'an unknown sender'} "
        f"(sender {verified}) ---",
        f"Subject: {parsed.subject or '(no subject)'}",
        "",
        _reply_text(_body_for_narrative(parsed)),
        *(f"Attachment refused: {item['filename']}: {item['reason']}." for item in rejected),
    ]
    try:
        request_update_intake(
            case=locked, actor=None, narrative=f"{locked.narrative}\n\n" + "\n".join(section)
        )
    except WorkflowError:
        logger.info("%s is past intake; reply %s kept as an inbound message.", case, message)


def _reply_text(body):
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


# Quarantine ---------------------------------------------------------------------------


def read_raw(message):
    """The stored bytes; WorkflowError when the file is gone from private storage."""
    try:
        with message.raw.open("rb") as stored:
            return stored.read()
    except OSError as exc:
        raise WorkflowError(
            "The stored copy of this message cannot be read; ask an administrator to check "
            "the private storage."
        ) from exc


def _lock_held(message, actor):
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
def quarantine_release(*, message, agency, office, actor):
    """Make a held message into a case of `agency` at `office`, with its documents."""
    message = _lock_held(message, actor)
    parsed = parsing.parse_message(read_raw(message), enforce_size=False)
    if not parsed.content_read:
        raise WorkflowError(
            f"This message cannot be made into a case automatically ({parsed.problem}) "
            "Log the request from New request instead, and discard this message."
        )
    message.agency = agency
    message.sender_verified = agency.matches_domain(parsed.from_domain) and _verified(parsed)
    accepted, rejected = screen_attachments(parsed.attachments)
    case = _case_from(parsed, message, agency, office, actor=actor, rejected=rejected)
    message.case = case
    message.document_count = len(accepted)
    message.rejected_attachments = rejected
    message.quarantine_status = QuarantineStatus.RELEASED
    message.handled_by = actor
    message.handled_at = timezone.now()
    _save(message, actor)
    _store_documents(case, accepted, actor=actor)
    return case


@transaction.atomic
def quarantine_discard(*, message, reason, actor):
    """Close a held message without a case; its raw bytes are kept as evidence."""
    message = _lock_held(message, actor)
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("Say why the message is discarded; the reason is recorded.")
    message.quarantine_status = QuarantineStatus.DISCARDED
    message.discard_reason = reason
    message.handled_by = actor
    message.handled_at = timezone.now()
    return _save(message, actor)
