"""A raw RFC 5322 message read into what intake needs, without ever raising: `parse_message`.

Mail from the outside world is often broken: bad dates, undeclared or unknown
charsets, missing boundaries, header fields the strict parser chokes on. Every
step here has a lenient fallback, and anything that still fails becomes the
`problem` of the result (a quarantine reason) instead of an exception, so a
message is never lost to a parsing error.

Bounded work. The message comes from anyone, so the MIME part count, the
nesting depth and the number of header fields are limited WHILE parsing: the
bytes are fed in chunks to `email.parser.BytesFeedParser` (policy
`email.policy.default`) whose message factory counts every part it creates and
every header field it sets, and aborts the parse the moment a limit is crossed.
An 8 MB message of 800,000 empty parts stops after INTAKE_MAX_MIME_PARTS parts.

What is read, and where each rule comes from:
- the whole request text (`text_parts`): every text part of a multipart/mixed,
  in order; one part of each multipart/alternative (plain preferred, RFC 2046
  5.1.4); forwarded messages (message/rfc822, attached or inline) with a heading
  of their From, Date and Subject, and their own text and attachments; HTML
  converted to text, never rendered;
- charsets as mail clients read them (the WHATWG Encoding Standard):
  iso-8859-1 and us-ascii as windows-1252, gb2312 and gbk as gb18030; an
  unknown charset as UTF-8 with replacement characters and a note;
- automatic messages (`automatic`): Auto-Submitted other than "no" (RFC 3834),
  X-Autoreply / X-Autorespond, Precedence bulk|junk|list|auto_reply,
  multipart/report delivery status (RFC 3464) and disposition notifications
  (RFC 8098), and MAILER-DAEMON / postmaster senders;
- an ambiguous From header (`from_problem`): several From fields or addresses,
  a group, a source route, a field two parsers read differently. DMARC is
  defined only for one From address (RFC 7489 6.6.1), so such a message is never
  verified.

The work is split by reason to change: `limits` (parsing with limits),
`headers` (header fields and their rules), `content` (text parts and
attachments), `text` (charsets and text), `message` (the result's shape).
Shared by email intake and the outbound journal. This module re-exports what callers use.
"""

import hashlib

from dmvrequests.mail.content import read_content
from dmvrequests.mail.headers import (
    MESSAGE_HEADERS,
    automatic_reason,
    content_digest,
    read_headers,
)
from dmvrequests.mail.limits import (
    Limits,
    depth_problem,
    header_section,
    limits,
    parse_bytes,
    size_problem,
)
from dmvrequests.mail.message import Attachment, ParsedMessage, TextPart
from dmvrequests.mail.text import clean_text, decode_text, domain_of, human_size, one_line

__all__ = [
    "Attachment",
    "Limits",
    "ParsedMessage",
    "TextPart",
    "clean_text",
    "decode_text",
    "domain_of",
    "human_size",
    "limits",
    "one_line",
    "parse_bytes",
    "parse_message",
]


def parse_message(raw: bytes, *, enforce_size=True) -> ParsedMessage:
    """Read `raw`; `problem` says why it cannot become a case. Never raises.

    enforce_size=False is for a clerk releasing a held message: it is already
    stored and a person chose to read it, so only the part, depth and header
    limits, which protect the parser itself, still apply.
    """
    parsed = ParsedMessage(raw_sha256=hashlib.sha256(raw).hexdigest(), size=len(raw))
    try:
        _parse(parsed, raw, enforce_size)
    except RecursionError:
        parsed.problem = depth_problem(limits().depth)
    except Exception as exc:
        parsed.problem = f"The message could not be read as an email ({type(exc).__name__})."
    return parsed


def _parse(parsed, raw, enforce_size):
    current = limits()
    if not raw.strip():
        parsed.problem = "The message is empty: there is nothing to make a case from."
        return
    oversize = enforce_size and len(raw) > current.message_bytes
    # Over the size limit: the header section only, so the quarantine list can still say
    # who sent it; the body is not even split into lines.
    message, limit_problem = parse_bytes(
        header_section(raw) if oversize else raw, current, headers_only=oversize
    )
    if message is None:
        parsed.problem = limit_problem or "The message could not be read as an email."
        return
    read_headers(parsed, message)
    parsed.content_sha256 = content_digest(raw, message)
    if oversize:
        parsed.problem = size_problem(len(raw), current.message_bytes)
        return
    parsed.automatic = automatic_reason(message, parsed.from_address)
    if limit_problem is None:
        read_content(parsed, message)
    parsed.problem = (
        _shape_problem(message)
        or limit_problem
        or parsed.problem
        or (None if parsed.from_address else NO_FROM)
    )


NO_FROM = (
    "The message has no From address, so there is no sender to answer. "
    "Release it into a case if you know who sent it."
)


def _shape_problem(message):
    names = {name.lower() for name in message}
    if names & MESSAGE_HEADERS:
        return None
    return "This is not an email: it has none of the header fields of a message (From, Subject…)."
