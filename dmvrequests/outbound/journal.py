"""Journal reports unwrapped: the original message sent, and the envelope's recipients.

Mail systems that journal (Exchange's "envelope journaling" among them) wrap each sent message
in a report: a message with the header X-MS-Journal-Report, or whose first text part consists
of `Sender:`, `Subject:`, `Message-Id:` and recipient lines (`To:`, `Cc:`, `Bcc:`), with the
original attached as message/rfc822. The envelope lists every recipient the server delivered
to, Bcc included, which the original's own headers do not show.

`unwrap(raw)` never raises: what it cannot read as a report is scanned as it is. A report over
the message size limit (INTAKE_MAX_MESSAGE_BYTES) is not parsed whole: its first megabyte gives
the envelope and the original's header fields, and `too_large` says why its content was not
read (the scan then flags it for counsel, docs/outbound.md "Too large to read").
"""

from __future__ import annotations

import email.utils
import re
from dataclasses import dataclass, field
from email import policy

from dmvrequests.mail.content import is_attachment, part_text
from dmvrequests.mail.limits import limits, parse_bytes, size_problem
from dmvrequests.mail.text import MIB

ENVELOPE_FIELDS = frozenset({"sender", "subject", "message-id", "to", "cc", "bcc"})
# Exchange also writes these in its envelope; they name recipients too.
ENVELOPE_RECIPIENT_EXTRAS = {"recipient": "to", "on-behalf-of": None, "expanded": None}
ENVELOPE_LINE_RE = re.compile(r"^\s*([A-Za-z-]+)\s*:\s*(.*)$")
# Of a report over the size limit, the bytes read for its envelope and original's headers.
OVERSIZE_PREFIX = MIB


@dataclass
class Unwrapped:
    raw: bytes  # the message to scan: the original, or the input itself
    journal: bool = False
    envelope: dict[str, list[str]] = field(default_factory=dict)  # to / cc / bcc addresses
    too_large: str | None = None  # why the content was not read (a report over the limit)


def unwrap(raw: bytes) -> Unwrapped:
    """The original of a journal report, with its envelope; else `raw` itself."""
    try:
        return _unwrap(raw)
    except Exception:
        return Unwrapped(raw=raw)


def _unwrap(raw: bytes) -> Unwrapped:
    current = limits()
    oversize = len(raw) > current.message_bytes
    message, problem = parse_bytes(raw[:OVERSIZE_PREFIX] if oversize else raw, current)
    if message is None or problem is not None or not message.is_multipart():
        return Unwrapped(raw=raw)
    original = _attached_original(message)
    if original is None:
        return Unwrapped(raw=raw)
    envelope_text = _first_text(message)
    if "X-MS-Journal-Report" in message:
        envelope = _envelope(envelope_text or "")
    elif envelope_text and _is_envelope(envelope_text):
        envelope = _envelope(envelope_text)
    else:
        return Unwrapped(raw=raw)
    if oversize:
        # Only the original's header section: its content is not read (nor cut short and
        # read as if whole).
        headers = original.as_bytes(policy=policy.SMTP).split(b"\r\n\r\n", 1)[0]
        too_large = size_problem(len(raw), current.message_bytes)
        return Unwrapped(
            raw=headers + b"\r\n\r\n", journal=True, envelope=envelope, too_large=too_large
        )
    inner = original.as_bytes(policy=policy.SMTP)
    return Unwrapped(raw=inner, journal=True, envelope=envelope)


def _attached_original(message):
    for part in message.walk():
        if part.get_content_type() == "message/rfc822" and part.is_multipart():
            payload = part.get_payload()
            if payload:
                return payload[0]
    return None


def _first_text(message):
    for part in message.walk():
        if part.get_content_type() == "message/rfc822":
            return None
        if part.get_content_type() == "text/plain" and not is_attachment(part):
            return part_text(part)[0]
    return None


def _is_envelope(text: str) -> bool:
    """Every line a field of the envelope, Sender and Message-Id among them."""
    names = set()
    for line in text.splitlines():
        if not line.strip():
            continue
        match = ENVELOPE_LINE_RE.match(line)
        if not match:
            return False
        name = match.group(1).lower()
        if name not in ENVELOPE_FIELDS and name not in ENVELOPE_RECIPIENT_EXTRAS:
            return False
        names.add(name)
    return {"sender", "message-id"} <= names and bool(names & {"to", "cc", "bcc", "recipient"})


def _envelope(text: str) -> dict[str, list[str]]:
    envelope: dict[str, list[str]] = {"to": [], "cc": [], "bcc": []}
    for line in text.splitlines():
        match = ENVELOPE_LINE_RE.match(line)
        if not match:
            continue
        name = match.group(1).lower()
        target = name if name in envelope else ENVELOPE_RECIPIENT_EXTRAS.get(name)
        if target is None:
            continue
        # "To: a@x.gov, Forwarded: b@y.gov": every address on the line was a recipient.
        value = re.sub(r"\b(?:Forwarded|Expanded|Originally To)\s*:", ",", match.group(2))
        for _, address in email.utils.getaddresses([value]):
            if "@" in address:
                envelope[target].append(address.strip().lower())
    return envelope
