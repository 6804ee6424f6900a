"""The rules of the outbound journal, message by message (docs/outbound.md, "The rules").

`analyse(parsed, envelope)` applies rules 1 to 4 to a parsed message and says what it is;
it reads the database (the directory, the cases) but writes nothing. The service
(`outbound.services.journal_scan`) adds rule 5 (duplicates) and stores the result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings

from dmvrequests.agencies.selectors import agency_for_domain
from dmvrequests.cases.selectors import case_by_number
from dmvrequests.codes import AgencyKind
from dmvrequests.mail.text import domain_of
from dmvrequests.outbound.identifiers import count_identifiers, zero_counts
from dmvrequests.outbound.models import IgnoredReason, ScanResult

if TYPE_CHECKING:
    from dmvrequests.agencies.models import Agency
    from dmvrequests.mail.message import ParsedMessage

CASE_REFERENCE_RE = re.compile(
    r"(?<![A-Za-z0-9-])\[?\s*(DR-\d{4}-\d{6})\s*\]?(?!\d)", re.IGNORECASE
)


@dataclass
class Analysis:
    result: str
    ignored_reason: str = ""
    agency: Agency | None = None
    agency_kind: str | None = None
    case_number: str | None = None
    identifiers: dict[str, int] = field(default_factory=zero_counts)
    attachments: int = 0
    unread_reason: str = ""  # why the content was not read (too large, too many parts...)


def dmv_domains() -> list[str]:
    """settings.DMV_EMAIL_DOMAINS as a list of lower-case domains."""
    raw = getattr(settings, "DMV_EMAIL_DOMAINS", "") or ""
    return [d.strip().lower().strip(".") for d in raw.split(",") if d.strip()]


def is_dmv_domain(domain: str) -> bool:
    """True when `domain` is one of the DMV's domains or a subdomain of one."""
    domain = (domain or "").lower().rstrip(".")
    return bool(domain) and any(domain == d or domain.endswith("." + d) for d in dmv_domains())


def all_recipients(parsed: ParsedMessage, envelope: dict[str, list[str]]) -> list[str]:
    """To, Cc and Bcc of the message and of the journal envelope, each address once, in order."""
    addresses: list[str] = []
    for name in ("to", "cc", "bcc"):
        addresses += parsed.recipients.get(name, []) + envelope.get(name, [])
    return list(dict.fromkeys(addresses))


def recipients_by_field(parsed: ParsedMessage, envelope: dict[str, list[str]]) -> dict:
    return {
        name: list(dict.fromkeys(parsed.recipients.get(name, []) + envelope.get(name, [])))
        for name in ("to", "cc", "bcc")
    }


def matched_agency(addresses: list[str]) -> Agency | None:
    """Rule 2: the agency of the recipients, an immigration agency first when several match."""
    agencies = [a for a in (agency_for_domain(domain_of(x)) for x in addresses) if a is not None]
    for agency in agencies:
        if agency.kind == AgencyKind.IMMIGRATION:
            return agency
    return agencies[0] if agencies else None


def scanned_text(parsed: ParsedMessage) -> str:
    """The subject and every text part (HTML already made text by the parser)."""
    return "\n\n".join(piece for piece in (parsed.subject, parsed.body) if piece)


def case_reference(text: str) -> str | None:
    """Rule 3: the first case number in `text` that names an existing case."""
    for match in CASE_REFERENCE_RE.finditer(text):
        number = match.group(1).upper()
        if case_by_number(number) is not None:
            return number
    return None


def analyse(parsed: ParsedMessage, envelope: dict[str, list[str]]) -> Analysis:
    """Rules 1 to 4 of docs/outbound.md. Before rule 3 the content is not read: a message
    that is not from the DMV to an agency is counted, never read."""
    attachments = len(parsed.attachments)
    if not is_dmv_domain(parsed.from_domain):
        return Analysis(ScanResult.IGNORED, IgnoredReason.NOT_FROM_DMV, attachments=attachments)
    agency = matched_agency(all_recipients(parsed, envelope))
    if agency is None:
        return Analysis(ScanResult.IGNORED, IgnoredReason.NO_AGENCY, attachments=attachments)
    if not parsed.content_read:
        return _unread(parsed, agency)
    text = scanned_text(parsed)
    found = Analysis(
        ScanResult.LINKED,
        agency=agency,
        agency_kind=agency.kind,
        identifiers=count_identifiers(text),
        attachments=attachments,
    )
    found.case_number = case_reference(text)
    if found.case_number:
        return found
    if sum(found.identifiers.values()) or attachments:
        found.result = ScanResult.FLAGGED
        return found
    found.result = ScanResult.IGNORED
    found.ignored_reason = IgnoredReason.NO_RECORD_DATA
    return found


def _unread(parsed: ParsedMessage, agency: Agency) -> Analysis:
    """A message from the DMV to an agency whose content the limits kept from being read
    (over INTAKE_MAX_MESSAGE_BYTES, too many parts...): rule 3 on its subject, else flagged
    for counsel, since what it carried cannot be ruled out (docs/outbound.md)."""
    found = Analysis(
        ScanResult.FLAGGED,
        agency=agency,
        agency_kind=agency.kind,
        unread_reason=parsed.problem or "The message's text and attachments could not be read.",
    )
    found.case_number = case_reference(parsed.subject)
    if found.case_number:
        found.result = ScanResult.LINKED
    return found
