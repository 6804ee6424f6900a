"""Email ingestion: every message becomes a case, an append, a duplicate or a held message.

`message_ingest` is the one entry point for the `ingest_email` command and the
IMAP poller (the contract is in docs/intake.md). The raw message is stored first,
content-addressed in private storage; then one transaction writes the case, its
documents and the InboundMessage row together, so that a message either is
fully ingested or leaves nothing but its raw bytes behind (which a retry reuses).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from dmvrequests.cases.services import WorkflowError
from dmvrequests.intake.filing import append_automatic, append_reply, create_case
from dmvrequests.intake.models import InboundMessage, Result
from dmvrequests.intake.records import IngestResult, hold, read_raw, save_message, store_raw
from dmvrequests.intake.routing import (
    agency_for_domain,
    case_replied_to,
    intake_office,
    sender_verification,
)
from dmvrequests.intake.screening import screened
from dmvrequests.mail import parsing
from dmvrequests.timewords import moment_words

if TYPE_CHECKING:
    from dmvrequests.cases.models import DisclosureRequest
    from dmvrequests.mail.message import ParsedMessage, TextPart

logger = logging.getLogger(__name__)

NO_AGENCY = (
    "The sender's domain matches no agency in the directory; add the agency "
    "(Administration, agencies, email domains) or release the message into a case."
)


def message_ingest(*, raw: bytes, source: str, arrived_at: datetime | None = None) -> IngestResult:
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


def _original_of(parsed: ParsedMessage) -> tuple[InboundMessage | None, InboundMessage | None]:
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


def _same_message(stored: InboundMessage, parsed: ParsedMessage) -> bool:
    if stored.raw_sha256 == parsed.raw_sha256:
        return True
    digest = stored.content_sha256
    if not digest:  # stored before content digests were kept
        try:
            digest = parsing.parse_message(read_raw(stored), enforce_size=False).content_sha256
        except WorkflowError:
            return True  # the stored copy is unreadable: keep the old rule, a duplicate
    return bool(digest) and digest == parsed.content_sha256


def reused_reason(first: InboundMessage) -> str:
    where = f"case {first.case.number}" if first.case else "quarantine"
    arrived = moment_words(first.received_at)
    return (
        f"Message-ID reused by a different message: {first.message_id} first arrived "
        f"{arrived} ({where}) with other content, so this is not a duplicate. Read it and "
        "release it into a case if it is a request (copiers and scanners often number every "
        "scan alike)."
    )


def automatic_reason(parsed: ParsedMessage) -> str:
    return (
        f"Automatic message: {parsed.automatic}. It answers no case this system knows, and "
        "no case is opened from an automatic message; discard it, or release it into a case "
        "if it belongs to one."
    )


@transaction.atomic
def _ingest_first_delivery(
    parsed: ParsedMessage,
    raw: bytes,
    source: str,
    arrived_at: datetime,
    reused: InboundMessage | None = None,
) -> IngestResult:
    message = _new_message(parsed, raw, source, arrived_at)
    if reused is not None:
        message.message_id_reused = True
        return hold(message, reused_reason(reused))
    if parsed.problem:
        return hold(message, parsed.problem)
    reply_to = case_replied_to(parsed)
    if parsed.automatic and reply_to is None:
        return hold(message, automatic_reason(parsed))
    try:
        return _file(message, parsed, reply_to)
    except ValidationError as exc:
        # The data, not the system, is at fault (a case service refused it): a retry
        # would fail the same way, so a clerk gets the message. The attempt was rolled
        # back, its row with it, so the quarantined row starts afresh.
        logger.warning("Intake could not file %s: %s", message, exc.messages)
        target = f"add it to {reply_to.number}" if reply_to else "make it into a case"
        reason = f"Intake could not {target}: " + " ".join(exc.messages)
        return hold(_new_message(parsed, raw, source, arrived_at), reason)


def _file(
    message: InboundMessage, parsed: ParsedMessage, reply_to: DisclosureRequest | None
) -> IngestResult:
    if reply_to is not None and parsed.automatic:
        return append_automatic(message, parsed, reply_to)
    if reply_to is not None:
        return append_reply(message, parsed, reply_to)
    if message.agency is None:
        return hold(message, NO_AGENCY)
    office, problem = intake_office()
    if office is None:
        return hold(message, problem or "")
    return create_case(message, parsed, office)


def _new_message(
    parsed: ParsedMessage, raw: bytes, source: str, arrived_at: datetime, *, summary: bool = True
) -> InboundMessage:
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
    verified, why_not = sender_verification(parsed)
    message.sender_verified = message.agency is not None and verified
    if message.agency is None:
        why_not = "the sender's domain matches no agency in the directory"
    message.summary = message_summary(parsed, why_not) if summary else {}
    return message


# The summary keeps this much text in all (the raw message keeps everything).
MAX_SUMMARY_TEXT = 500_000


def _summary_parts(text_parts: list[TextPart]) -> list[dict[str, str]]:
    parts, room = [], MAX_SUMMARY_TEXT
    for part in text_parts:
        text = part.text
        if len(text) > room:
            text = text[:room] + "\n[Text shortened here; the full message is kept in intake.]"
        parts.append({"heading": part.heading, "text": text})
        room = max(0, room - len(part.text))
    return parts


def message_summary(parsed: ParsedMessage, verification_reason: str = "") -> dict[str, Any]:
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


def _record_duplicate(
    parsed: ParsedMessage, original: InboundMessage, raw: bytes, source: str, arrived_at: datetime
) -> IngestResult:
    # The original's summary is the one anybody reads; a copy keeps only its bytes.
    message = _new_message(parsed, raw, source, arrived_at, summary=False)
    message.result = Result.DUPLICATE
    message.duplicate_of = original
    message.case = original.case
    message.agency = original.agency
    message.sender_verified = original.sender_verified
    return IngestResult.of(save_message(message))
