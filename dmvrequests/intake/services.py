"""Email intake: every message becomes a case, an append, a duplicate or a quarantined message.

`message_ingest` is the one entry point for the `ingest_email` command and the
IMAP poller (the contract is in docs/intake.md). The raw message is stored first,
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
from dmvrequests.intake import parsing, recognition, verification
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
    original, reused = _original_of(parsed)
    if original is None:
        try:
            return _ingest_first_delivery(parsed, raw, source, arrived_at, reused)
        except IntegrityError:
            # A concurrent delivery of the same message committed first: the unique
            # constraints let exactly one through, and this one is its duplicate.
            original, reused = _original_of(parsed)
            if original is None:
                raise
    return _record_duplicate(parsed, original, raw, source, arrived_at)


def _original_of(parsed):
    """(the message this one is a copy of, or None; the first user of a reused Message-ID).

    A Message-ID names one message (RFC 5322 3.6.4). The same bytes again, or the
    same content relayed with other trace fields, is a duplicate. A different
    message under an id already used (a copier that numbers every scan alike) is
    not: it is returned as `reused`, to be held, and a copy of it later is its own
    duplicate (found by its raw bytes).
    """
    originals = InboundMessage.objects.originals().select_related("case", "agency")
    if not parsed.message_id:
        first = originals.filter(message_id__isnull=True, raw_sha256=parsed.raw_sha256).first()
        return first, None
    first = originals.filter(message_id=parsed.message_id, message_id_reused=False).first()
    if first is None or _same_message(first, parsed):
        return first, None
    copy = originals.filter(message_id_reused=True, raw_sha256=parsed.raw_sha256).first()
    return (copy, None) if copy is not None else (None, first)


def _same_message(stored, parsed):
    if stored.raw_sha256 == parsed.raw_sha256:
        return True
    digest = stored.content_sha256
    if not digest:  # stored before content digests were kept
        try:
            digest = parsing.parse_message(read_raw(stored), enforce_size=False).content_sha256
        except WorkflowError:
            return True  # the stored copy is unreadable: keep the old rule, a duplicate
    return bool(digest) and digest == parsed.content_sha256


def reused_reason(first):
    where = f"case {first.case.number}" if first.case_id else "quarantine"
    arrived = timezone.localtime(first.received_at).strftime("%Y-%m-%d %H:%M")
    return (
        f"Message-ID reused by a different message: {first.message_id} first arrived "
        f"{arrived} ({where}) with other content, so this is not a duplicate. Read it and "
        "release it into a case if it is a request (copiers and scanners often number every "
        "scan alike)."
    )


def automatic_reason(parsed):
    return (
        f"Automatic message: {parsed.automatic}. It answers no case this system knows, and "
        "no case is opened from an automatic message; discard it, or release it into a case "
        "if it belongs to one."
    )


@transaction.atomic
def _ingest_first_delivery(parsed, raw, source, arrived_at, reused=None):
    message = _new_message(parsed, raw, source, arrived_at)
    if reused is not None:
        message.message_id_reused = True
        return _quarantine(message, reused_reason(reused))
    if parsed.problem:
        return _quarantine(message, parsed.problem)
    reply_to = case_replied_to(parsed)
    if parsed.automatic and reply_to is None:
        return _quarantine(message, automatic_reason(parsed))
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
    if reply_to is not None and parsed.automatic:
        return _append_automatic(message, parsed, reply_to)
    if reply_to is not None:
        return _append(message, parsed, reply_to)
    if message.agency is None:
        return _quarantine(message, NO_AGENCY)
    office, problem = intake_office()
    if office is None:
        return _quarantine(message, problem)
    return _create(message, parsed, office)


def _new_message(parsed, raw, source, arrived_at, *, summary=True):
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
        content_sha256=parsed.content_sha256,
        automatic=parsing.one_line(parsed.automatic or "", 300),
    )
    message.agency = agency_for_domain(parsed.from_domain)
    verified, why_not = _verification(parsed)
    message.sender_verified = message.agency is not None and verified
    if message.agency is None:
        why_not = "the sender's domain matches no agency in the directory"
    message.summary = message_summary(parsed, why_not) if summary else {}
    return message


# The summary keeps this much text in all (the raw message keeps everything).
MAX_SUMMARY_TEXT = 500_000


def _summary_parts(text_parts):
    parts, room = [], MAX_SUMMARY_TEXT
    for part in text_parts:
        text = part.text
        if len(text) > room:
            text = text[:room] + "\n[Text shortened here; the full message is kept in intake.]"
        parts.append({"heading": part.heading, "text": text})
        room = max(0, room - len(part.text))
    return parts


def message_summary(parsed, verification_reason=""):
    """What a clerk reads of a message, stored at ingest so no web request parses it again.

    {"headers": [[name, value]], "header_count", "content_read", "problem",
     "parts": [{"heading", "text"}], "attachments": [{"filename", "size", "problem",
     "recognised"}], "notes": [...], "automatic", "from_problem", "verification"}
    """
    accepted, rejected = screened(parsed)
    refused = {id(item["attachment"]): item["reason"] for item in rejected}
    recognised = {id(item.attachment): item.recognition for item in accepted}
    attachments = []
    for attachment in parsed.attachments:
        found = recognised.get(id(attachment))
        attachments.append(
            {
                "filename": attachment.filename,
                "size": len(attachment.content or b""),
                "problem": refused.get(id(attachment), ""),
                "recognised": found.label if found else "",
            }
        )
    return {
        "version": 1,
        "headers": [list(pair) for pair in parsed.headers],
        "header_count": parsed.header_count,
        "content_read": parsed.content_read,
        "problem": parsed.problem or "",
        "parts": _summary_parts(parsed.text_parts),
        "attachments": attachments,
        "notes": list(parsed.notes),
        "automatic": parsed.automatic or "",
        "from_problem": parsed.from_problem or "",
        "verification": verification_reason,
    }


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
    # The original's summary is the one anybody reads; a copy keeps only its bytes.
    message = _new_message(parsed, raw, source, arrived_at, summary=False)
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


def _verification(parsed):
    """(verified, why not): DMARC or DKIM aligned with the single From domain."""
    return verification.verification(
        from_domain=parsed.from_domain,
        from_problem=parsed.from_problem
        or (None if parsed.from_count <= 1 else "several From addresses"),
        header_values=parsed.authentication_results,
        trusted_authserv_id=settings.INTAKE_TRUSTED_AUTHSERV_ID,
    )


def _verified(parsed):
    return _verification(parsed)[0]


def case_replied_to(parsed):
    """The case a reply belongs to: [DR-…] in the subject, else a message it answers.

    For a delivery or disposition report, the subject and ids of the returned
    message (message/rfc822 or message/rfc822-headers, RFC 3464) count too.
    """
    if parsed.case_number:
        case = DisclosureRequest.objects.filter(number=parsed.case_number).first()
        if case is not None:
            return case
    references = parsed.references + [
        ref for ref in parsed.returned_references if ref not in parsed.references
    ]
    if not references:
        return None
    known = dict(
        InboundMessage.objects.originals()
        .filter(message_id__in=references, case__isnull=False)
        .values_list("message_id", "case_id")
    )
    # The nearest ancestor in the thread decides.
    for message_id in references:
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


@dataclass(frozen=True)
class Accepted:
    """An attachment that becomes a legal document, and the form it was recognised as."""

    attachment: parsing.Attachment
    recognition: recognition.Recognition | None

    @property
    def filename(self):
        return self.attachment.filename

    @property
    def content(self):
        return self.attachment.content


def screened(parsed):
    """screen_attachments of the message's attachments, computed once per parsed message."""
    if getattr(parsed, "_screened", None) is None:
        parsed._screened = _screen(parsed.attachments)
    accepted, rejected = parsed._screened
    return accepted, rejected


def _screen(attachments):
    accepted, rejected = [], []
    for attachment in attachments:
        problem = attachment_problem(attachment.content)
        if problem:
            rejected.append(
                {"filename": attachment.filename, "reason": problem, "attachment": attachment}
            )
        else:
            accepted.append(Accepted(attachment, recognition.recognise(attachment.content)))
    return accepted, rejected


def screen_attachments(attachments):
    """(accepted, rejected): accepted by content (magic bytes) and size, never by name.

    Accepted PDFs with a text layer are recognised (recognition.recognise)."""
    accepted, rejected = _screen(attachments)
    return accepted, [_refusal(item) for item in rejected]


def _refusal(item):
    return {"filename": item["filename"], "reason": item["reason"]}


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
            f"it is {parsing.human_size(len(content))}; "
            f"the limit is {parsing.human_size(max_bytes)}"
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
    accepted, rejected = screened(parsed)
    rejected = [_refusal(item) for item in rejected]
    with transaction.atomic():
        case = _case_from(
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
        _save(message)
        _store_documents(case, accepted, actor=None)
    return IngestResult.of(message)


def _append(message, parsed, case):
    accepted, rejected = screened(parsed)
    rejected = [_refusal(item) for item in rejected]
    with transaction.atomic():
        _record_outcome(message, Result.APPENDED, case, accepted, rejected)
        _save(message)
        _store_documents(case, accepted, actor=None)
        _append_reply_text(case, message, parsed, rejected)
    return IngestResult.of(message)


def _append_automatic(message, parsed, case):
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
        _save(message)
        _append_section(case, _automatic_section(message, parsed))
    return IngestResult.of(message)


def _automatic_section(message, parsed):
    arrived = timezone.localtime(message.received_at).strftime("%Y-%m-%d %H:%M")
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


def _record_outcome(message, result, case, accepted, rejected):
    message.result = result
    message.case = case
    message.document_count = len(accepted)
    message.rejected_attachments = rejected
    message.reason = refusal_summary(rejected)


def _case_from(parsed, message, agency, office, *, actor, accepted, rejected):
    return request_create(
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


def _requester_for(agency, parsed, actor, *, verified):
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
    requester = (
        Requester.objects.filter(agency=agency, email__iexact=address).order_by("id").first()
    )
    if requester is not None or not verified:
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
            recognised = attachment.recognition
            stored.append(
                document_add(
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
            )
    except Exception:
        # The transaction rolls back the rows; the files it wrote are ours to remove.
        for document in stored:
            document.file.storage.delete(document.file.name)
        raise


def _narrative(parsed, message, agency, accepted, rejected):
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


def _body_for_narrative(parsed):
    body = parsed.body or "(The email has no text.)"
    if len(body) > MAX_NARRATIVE_BODY:
        body = body[:MAX_NARRATIVE_BODY] + "\n[Text shortened; the full message is kept in intake.]"
    return body


def intake_notes(agency, verified, rejected, *, why_not="", reading_notes=(), accepted=()):
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


def _append_reply_text(case, message, parsed, rejected):
    """Add the reply to the narrative while the case is with the clerk; else leave it.

    A case in legal review or decided keeps the narrative counsel decided on; the
    reply stays on the case as an inbound message (and its documents are added).
    """
    verified = "verified" if message.sender_verified else "not verified"
    arrived = timezone.localtime(message.received_at).strftime("%Y-%m-%d %H:%M")
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


def _append_section(case, section):
    locked = DisclosureRequest.objects.select_for_update().get(pk=case.pk)
    try:
        request_update_intake(
            case=locked, actor=None, narrative=f"{locked.narrative}\n\n" + "\n".join(section)
        )
    except WorkflowError:
        logger.info("%s is past intake; the email is kept as an inbound message.", case)


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
    verified, why_not = _verification(parsed)
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
    case = _case_from(
        parsed, message, agency, office, actor=actor, accepted=accepted, rejected=rejected
    )
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
