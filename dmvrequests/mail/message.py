"""What is read of one message: `ParsedMessage`, its `TextPart`s and `Attachment`s."""

import re
from dataclasses import dataclass, field
from datetime import datetime

from dmvrequests.mail.text import domain_of


@dataclass(frozen=True)
class Attachment:
    filename: str  # sanitised with dmvrequests.files.safe_filename
    content: bytes | None  # None when the part could not be decoded


@dataclass(frozen=True)
class TextPart:
    """One piece of the request text; `heading` introduces a forwarded message or a report."""

    heading: str
    text: str


CASE_NUMBER_RE = re.compile(r"\[\s*(DR-\d{4}-\d{6})\s*\]", re.IGNORECASE)


@dataclass
class ParsedMessage:
    raw_sha256: str
    size: int
    message_id: str | None = None
    from_address: str = ""
    from_name: str = ""
    from_count: int = 0
    from_problem: str | None = None  # why the From header is ambiguous
    subject: str = ""
    date: datetime | None = None  # an aware datetime, or None
    recipients: dict = field(default_factory=dict)  # {"to": [...], "cc": [...], "bcc": [...]}
    references: list = field(default_factory=list)  # message ids, nearest ancestor first
    authentication_results: list = field(default_factory=list)
    headers: list = field(default_factory=list)  # [(name, decoded value)] for reading
    header_count: int = 0
    text_parts: list = field(default_factory=list)  # [TextPart], in the order of the message
    notes: list = field(default_factory=list)  # what the clerk should know about the reading
    attachments: list = field(default_factory=list)
    automatic: str | None = None  # why this is an automatic message (RFC 3834, 3464, 8098)
    # A returned message inside a delivery or disposition report: its subject and ids.
    returned_subject: str = ""
    returned_references: list = field(default_factory=list)
    content_sha256: str = ""  # the content without the trace fields a relay adds
    content_read: bool = False  # text and attachments were extracted
    problem: str | None = None  # why the message cannot become a case

    @property
    def from_domain(self):
        return domain_of(self.from_address)

    @property
    def body(self):
        """The whole request text: every text part, forwarded ones under their heading."""
        return "\n\n".join(
            "\n\n".join(piece for piece in (part.heading, part.text) if piece)
            for part in self.text_parts
        ).strip()

    @property
    def case_number(self):
        """The case number the subject names in brackets, e.g. [DR-2026-000012]."""
        for subject in (self.subject, self.returned_subject):
            match = CASE_NUMBER_RE.search(subject)
            if match:
                return match.group(1).upper()
        return None
