"""A raw RFC 5322 message read into what intake needs, without ever raising.

Mail from the outside world is often broken: bad dates, undeclared or unknown
charsets, missing boundaries, header fields the strict parser chokes on. Every
step here has a lenient fallback, and anything that still fails becomes the
`problem` of the result (a quarantine reason) instead of an exception, so a
message is never lost to a parsing error.

The standard `email` package with `email.policy.default` does the reading.
Message size, MIME part count and nesting depth are bounded first: the parser
is recursive and the message comes from anyone.
"""

import email
import email.header
import email.utils
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC
from email import policy
from email.parser import BytesHeaderParser

from django.conf import settings

from dmvrequests.cases import files
from dmvrequests.intake.htmltext import html_to_text

MIB = 1024 * 1024
DEFAULT_MAX_MESSAGE_BYTES = 40 * MIB
DEFAULT_MAX_MIME_PARTS = 100
DEFAULT_MAX_MIME_DEPTH = 10

# A file with none of these is not an email, whatever else it holds.
MESSAGE_HEADERS = frozenset(
    {
        "from", "sender", "to", "cc", "bcc", "subject", "date", "message-id", "in-reply-to",
        "references", "received", "return-path", "mime-version", "content-type", "reply-to",
        "delivered-to",
    }
)  # fmt: skip
CASE_NUMBER_RE = re.compile(r"\[\s*(DR-\d{4}-\d{6})\s*\]", re.IGNORECASE)
MESSAGE_ID_RE = re.compile(r"<[^<>\s]{1,253}>")
# References can list a whole thread; the nearest ancestors are the last ones.
MAX_REFERENCES = 50


def limits():
    """(bytes, parts, depth): settings override the defaults, e.g. INTAKE_MAX_MIME_PARTS."""
    return (
        getattr(settings, "INTAKE_MAX_MESSAGE_BYTES", DEFAULT_MAX_MESSAGE_BYTES),
        getattr(settings, "INTAKE_MAX_MIME_PARTS", DEFAULT_MAX_MIME_PARTS),
        getattr(settings, "INTAKE_MAX_MIME_DEPTH", DEFAULT_MAX_MIME_DEPTH),
    )


@dataclass(frozen=True)
class Attachment:
    filename: str  # sanitised with cases.files.safe_filename
    content: bytes | None  # None when the part could not be decoded


@dataclass
class ParsedMessage:
    raw_sha256: str
    size: int
    message_id: str | None = None
    from_address: str = ""
    from_name: str = ""
    from_count: int = 0
    subject: str = ""
    date: object = None  # an aware datetime, or None
    references: list = field(default_factory=list)  # message ids, nearest ancestor first
    authentication_results: list = field(default_factory=list)
    body: str = ""
    attachments: list = field(default_factory=list)
    content_read: bool = False  # body and attachments were extracted
    problem: str | None = None  # why the message cannot become a case

    @property
    def from_domain(self):
        return domain_of(self.from_address)

    @property
    def case_number(self):
        """The case number the subject names in brackets, e.g. [DR-2026-000012]."""
        match = CASE_NUMBER_RE.search(self.subject)
        return match.group(1).upper() if match else None


def clean_text(value):
    """Text the database and templates accept.

    Undecodable header bytes reach us as surrogate escapes; they are UTF-8 far
    more often than not (RFC 6532), and databases refuse both them and NUL.
    """
    value = str(value)
    if re.search("[\ud800-\udfff]", value):
        try:
            value = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        except UnicodeEncodeError:
            value = value.encode("utf-8", "replace").decode("utf-8")
    return value.replace("\x00", "")


def one_line(value, max_length=None):
    text = " ".join(clean_text(value).split())
    if max_length and len(text) > max_length:
        text = text[: max_length - 1] + "…"
    return text


def domain_of(address):
    """The address's domain, lower case, in its ASCII (IDNA) form when it has one."""
    domain = address.rpartition("@")[2].strip().strip("[]").lower().rstrip(".")
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain


def parse_message(raw: bytes, *, enforce_size=True) -> ParsedMessage:
    """Read `raw`; `problem` says why it cannot become a case. Never raises.

    enforce_size=False is for a clerk releasing a held message: it is already
    stored and a person chose to read it, so only the part and depth limits,
    which protect the parser itself, still apply.
    """
    parsed = ParsedMessage(raw_sha256=hashlib.sha256(raw).hexdigest(), size=len(raw))
    try:
        _parse(parsed, raw, enforce_size)
    except RecursionError:
        parsed.problem = _depth_problem(limits()[2])
    except Exception as exc:
        parsed.problem = f"The message could not be read as an email ({type(exc).__name__})."
    return parsed


def _parse(parsed, raw, enforce_size):
    max_bytes, max_parts, max_depth = limits()
    if not raw.strip():
        parsed.problem = "The message is empty: there is nothing to make a case from."
        return
    if enforce_size and len(raw) > max_bytes:
        # Headers only, so the quarantine list can still say who sent it.
        _read_headers(parsed, BytesHeaderParser(policy=policy.default).parsebytes(raw))
        parsed.problem = _size_problem(len(raw), max_bytes)
        return
    message = email.message_from_bytes(raw, policy=policy.default)
    _read_headers(parsed, message)
    structure_problem = _structure_problem(message, max_parts, max_depth)
    if structure_problem is None:
        _read_content(parsed, message)
    parsed.problem = (
        _shape_problem(message)
        or structure_problem
        or parsed.problem
        or (None if parsed.from_address else NO_FROM)
    )


NO_FROM = (
    "The message has no From address, so there is no sender to answer. "
    "Release it into a case if you know who sent it."
)


def _size_problem(size, max_bytes):
    return (
        f"The message is {size / MIB:.1f} MB; messages over {max_bytes / MIB:.0f} MB are not "
        "read automatically (setting INTAKE_MAX_MESSAGE_BYTES)."
    )


def _depth_problem(max_depth):
    return (
        f"The message's MIME parts are nested more than {max_depth} levels deep "
        "(setting INTAKE_MAX_MIME_DEPTH); it is not read automatically."
    )


def _shape_problem(message):
    names = {name.lower() for name in message}
    if names & MESSAGE_HEADERS:
        return None
    return "This is not an email: it has none of the header fields of a message (From, Subject…)."


def _structure_problem(message, max_parts, max_depth):
    # Counted with an explicit stack: walk() recurses, and the depth is what we doubt.
    stack = [(message, 1)]
    parts = 0
    while stack:
        part, depth = stack.pop()
        parts += 1
        if parts > max_parts:
            return (
                f"The message has more than {max_parts} MIME parts "
                "(setting INTAKE_MAX_MIME_PARTS); it is not read automatically."
            )
        if depth > max_depth:
            return _depth_problem(max_depth)
        payload = part.get_payload() if part.is_multipart() else None
        if isinstance(payload, list):
            stack.extend((child, depth + 1) for child in payload)
    return None


# Headers ------------------------------------------------------------------------------


def raw_header_values(message, name):
    """The values of a header field as written, unfolded and undecoded."""
    name = name.lower()
    return [
        re.sub(r"\r?\n", "", clean_text(value))
        for key, value in message.raw_items()
        if key.lower() == name
    ]


def header_text(message, name):
    """A header's first value, RFC 2047 words decoded, leniently."""
    values = raw_header_values(message, name)
    if not values:
        return ""
    try:
        return clean_text(str(message[name]))
    except Exception:
        return _decode_words(values[0])


def header_fields(raw: bytes):
    """[(name, decoded value)] of every header field, in order; for reading, not for rules."""
    try:
        message = BytesHeaderParser(policy=policy.default).parsebytes(raw)
    except Exception:
        return []
    return [
        (one_line(name, 200), one_line(_decode_words(value), 2000))
        for name, value in message.raw_items()
    ]


def _decode_words(raw):
    # The strict path failed: decode each encoded word on its own, replacing what
    # does not decode, and fall back to UTF-8 for charsets Python does not know.
    chunks = []
    try:
        pieces = email.header.decode_header(raw)
    except Exception:
        return clean_text(raw)
    for chunk, charset in pieces:
        if isinstance(chunk, str):
            chunks.append(chunk)
            continue
        try:
            chunks.append(chunk.decode(charset or "ascii", "replace"))
        except LookupError:
            chunks.append(chunk.decode("utf-8", "replace"))
    return clean_text("".join(chunks))


def _read_headers(parsed, message):
    parsed.message_id = _message_id(raw_header_values(message, "Message-ID"))
    parsed.subject = one_line(header_text(message, "Subject"), 500)
    parsed.date = _date(raw_header_values(message, "Date"))
    addresses = _from_addresses(message)
    parsed.from_count = len(addresses)
    if addresses:
        parsed.from_name = one_line(addresses[0][0], 200)
        parsed.from_address = one_line(addresses[0][1], 320)
    parsed.references = _references(message)
    parsed.authentication_results = raw_header_values(message, "Authentication-Results")


def _message_id(values):
    if not values:
        return None
    match = MESSAGE_ID_RE.search(values[0])
    value = match.group(0) if match else "".join(values[0].split())
    # Anything longer is not an id a mail system made; dedupe then uses the SHA-256.
    return value if 0 < len(value) <= 255 else None


def _date(values):
    if not values:
        return None
    try:
        value = email.utils.parsedate_to_datetime(values[0])
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    # Years no mail system writes; near datetime's ends, converting to UTC overflows.
    if not 1900 <= value.year <= 9000:
        return None
    # "-0000" means the zone is unknown (RFC 5322 3.3); UTC is the honest reading.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _from_addresses(message):
    """[(display name, address)] of every From field, with a lenient fallback."""
    try:
        found = [
            (address.display_name, address.addr_spec)
            for header in message.get_all("From") or []
            for address in header.addresses
        ]
    except Exception:
        raw = [_decode_words(v) for v in raw_header_values(message, "From")]
        found = email.utils.getaddresses(raw)
    return [(name, address) for name, address in found if "@" in address.strip("@")]


def _references(message):
    """Message ids this one answers: In-Reply-To first, then References, newest first."""
    in_reply_to = " ".join(raw_header_values(message, "In-Reply-To"))
    references = " ".join(raw_header_values(message, "References"))
    ids = MESSAGE_ID_RE.findall(in_reply_to)
    ids += reversed(MESSAGE_ID_RE.findall(references)[-MAX_REFERENCES:])
    return list(dict.fromkeys(ids))[:MAX_REFERENCES]


# Content ------------------------------------------------------------------------------


def _read_content(parsed, message):
    try:
        body_part = _body_part(message)
        parsed.body = part_text(body_part) if body_part is not None else ""
        parsed.attachments = [
            _attachment(part, number)
            for number, part in enumerate(_attachment_parts(message, body_part), start=1)
        ]
        parsed.content_read = True
    except Exception as exc:
        parsed.problem = parsed.problem or (
            f"The message's text or attachments could not be read ({type(exc).__name__})."
        )


def leaves(message):
    """The non-multipart parts, in order, without recursion."""
    stack = [message]
    while stack:
        part = stack.pop()
        payload = part.get_payload() if part.is_multipart() else None
        if isinstance(payload, list):
            stack.extend(reversed(payload))
        else:
            yield part


def _body_part(message):
    try:
        body = message.get_body(preferencelist=("plain", "html"))
    except Exception:
        body = None
    if body is not None:
        return body
    for part in leaves(message):
        if part.get_content_maintype() == "text" and not _is_attachment(part):
            return part
    # A multipart whose boundary never appears is a single blob of text to us.
    if message.get_content_maintype() == "multipart" and not message.is_multipart():
        return message
    return None


def part_text(part):
    """A text part as str: declared charset, then UTF-8, never an exception; HTML made text."""
    try:
        text = part.get_content()
        if not isinstance(text, str):
            raise TypeError("not text")
    except Exception:
        payload = part.get_payload(decode=True) or b""
        try:
            text = payload.decode(part.get_content_charset() or "utf-8", "replace")
        except LookupError:
            text = payload.decode("utf-8", "replace")
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    return clean_text(text).replace("\r\n", "\n").replace("\r", "\n").strip()


def _is_attachment(part):
    return part.get_content_disposition() == "attachment" or bool(_raw_filename(part))


def _attachment_parts(message, body_part):
    for part in leaves(message):
        if part is body_part:
            continue
        maintype = part.get_content_maintype()
        # Other text parts are alternatives of the body or reports, not documents.
        if _is_attachment(part) or maintype not in ("text", "multipart", "message"):
            yield part


def _raw_filename(part):
    # The strict reading first, then the raw parameters it may have choked on.
    readers = (
        part.get_filename,
        lambda: part.get_param("filename", "", header="content-disposition"),
        lambda: part.get_param("name", ""),
    )
    for read in readers:
        try:
            value = read()
        except Exception:  # noqa: S112 - a broken parameter is not a broken message
            continue
        if value:
            return value
    return ""


def _attachment(part, number):
    name = _raw_filename(part)
    if isinstance(name, tuple):  # an RFC 2231 value the strict path could not decode
        name = email.utils.collapse_rfc2231_value(name)
    filename = files.safe_filename(clean_text(name), fallback=f"attachment-{number}")
    try:
        content = part.get_payload(decode=True)
    except Exception:
        content = None
    return Attachment(filename=filename, content=content if isinstance(content, bytes) else None)
