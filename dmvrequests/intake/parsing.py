"""A raw RFC 5322 message read into what intake needs, without ever raising.

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
"""

import codecs
import email.header
import email.utils
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC
from email import errors as email_errors
from email import policy
from email.message import EmailMessage
from email.parser import BytesFeedParser

from django.conf import settings

from dmvrequests.cases import files
from dmvrequests.intake.htmltext import html_to_text

KB = 1024
MIB = 1024 * 1024
DEFAULT_MAX_MESSAGE_BYTES = 40 * MIB
DEFAULT_MAX_MIME_PARTS = 100
DEFAULT_MAX_MIME_DEPTH = 10
DEFAULT_MAX_HEADER_FIELDS = 1000
# Bytes handed to the parser at a time: a limit is noticed within one chunk.
FEED_CHUNK = 64 * KB
# What the stored summary keeps for reading (the raw message keeps everything).
MAX_HEADERS_SHOWN = 200
MAX_HEADER_VALUE_SHOWN = 2000
MAX_PART_TEXT = 200_000
MAX_HEADER_SECTION = MIB

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

# Charsets as mail clients and browsers read them (WHATWG Encoding Standard): the
# label a sender writes is often wrong in the same few ways. Keys are the names
# codecs.lookup() gives.
CHARSET_READ_AS = {
    "ascii": "cp1252",
    "latin-1": "cp1252",
    "iso8859-1": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "iso8859-9": "cp1254",
    "tis-620": "cp874",
    "iso8859-11": "cp874",
    "euc_kr": "cp949",
}
AUTOMATIC_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply"})
AUTOMATIC_SENDERS = frozenset({"mailer-daemon", "postmaster"})
AUTOREPLY_HEADERS = ("X-Autoreply", "X-Autorespond")


def _c1_as_latin1(error):
    """windows-1252 leaves five bytes undefined; WHATWG reads them as the C1 code points."""
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error("intake-c1", _c1_as_latin1)


@dataclass(frozen=True)
class Limits:
    message_bytes: int
    parts: int
    depth: int
    header_fields: int


def limits():
    """The limits in force: settings (INTAKE_MAX_MESSAGE_BYTES, INTAKE_MAX_MIME_PARTS,
    INTAKE_MAX_MIME_DEPTH, INTAKE_MAX_HEADER_FIELDS) override the defaults."""
    return Limits(
        getattr(settings, "INTAKE_MAX_MESSAGE_BYTES", DEFAULT_MAX_MESSAGE_BYTES),
        getattr(settings, "INTAKE_MAX_MIME_PARTS", DEFAULT_MAX_MIME_PARTS),
        getattr(settings, "INTAKE_MAX_MIME_DEPTH", DEFAULT_MAX_MIME_DEPTH),
        getattr(settings, "INTAKE_MAX_HEADER_FIELDS", DEFAULT_MAX_HEADER_FIELDS),
    )


def human_size(size):
    """Bytes in the units people read: '512 bytes', '100 KB', '1.5 MB' (1 KB = 1024 bytes)."""
    if size < KB:
        return f"{size} byte" if size == 1 else f"{size} bytes"
    value, unit = (size / KB, "KB") if size < MIB else (size / MIB, "MB")
    text = f"{value:.1f}".rstrip("0").rstrip(".") if value < 10 else f"{value:.0f}"
    return f"{text} {unit}"


@dataclass(frozen=True)
class Attachment:
    filename: str  # sanitised with cases.files.safe_filename
    content: bytes | None  # None when the part could not be decoded


@dataclass(frozen=True)
class TextPart:
    """One piece of the request text; `heading` introduces a forwarded message or a report."""

    heading: str
    text: str


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
    date: object = None  # an aware datetime, or None
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


def decode_text(payload: bytes, charset):
    """(text, note): bytes in a declared charset read as mail clients read them.

    No charset: UTF-8 when the bytes are UTF-8, else windows-1252. A charset
    Python does not know (or one that is not a text encoding, like "zlib") is
    read as UTF-8 with replacement characters, and the note says so.
    """
    label = (charset or "").strip().strip("\"'").lower()
    if not label:
        try:
            return payload.decode("utf-8"), None
        except UnicodeDecodeError:
            return payload.decode("cp1252", "intake-c1"), None
    try:
        info = codecs.lookup(label)
        if not info._is_text_encoding:
            raise LookupError(label)
    except LookupError:
        note = (
            f'declared the charset "{one_line(label, 60)}", which is not known; it was read as '
            'UTF-8, and characters that did not decode show as "\ufffd"'
        )
        return payload.decode("utf-8", "replace"), note
    codec = CHARSET_READ_AS.get(info.name, info.name)
    errors = "intake-c1" if codec == "cp1252" else "replace"
    try:
        return payload.decode(codec, errors), None
    except Exception:  # a codec that fails in its own way (utf-7, idna): read as UTF-8
        return payload.decode("utf-8", "replace"), None


# Parsing with limits --------------------------------------------------------------------


class LimitExceeded(Exception):
    """A limit was crossed while parsing; the parse stops there."""

    def __init__(self, problem):
        super().__init__(problem)
        self.problem = problem


class _CountedMessage(EmailMessage):
    """An EmailMessage that tells its factory about every header field the parser sets."""

    def __init__(self, policy=None, counter=None):
        super().__init__(policy=policy)
        self._counter = counter

    def set_raw(self, name, value):
        if self._counter is not None:
            self._counter.header_field()
        super().set_raw(name, value)


class _LimitedFactory:
    """The parser's message factory: counts parts, depth and header fields as it goes."""

    def __init__(self, limits):
        self.limits = limits
        self.parser = None  # set once the parser exists (it calls us once to probe)
        self.parts = 0
        self.header_fields = 0
        self.active = True

    def __call__(self, policy=None):
        if self.parser is not None and self.active:
            self.parts += 1
            if self.parts > self.limits.parts:
                raise LimitExceeded(parts_problem(self.limits.parts))
            if len(self.parser._msgstack) + 1 > self.limits.depth:
                raise LimitExceeded(depth_problem(self.limits.depth))
        return _CountedMessage(policy=policy, counter=self)

    def header_field(self):
        if not self.active:
            return
        self.header_fields += 1
        if self.header_fields > self.limits.header_fields:
            raise LimitExceeded(header_problem(self.limits.header_fields))


def parse_bytes(raw, limits, *, headers_only=False):
    """(message, problem): the parsed tree, or the part parsed before a limit stopped it.

    The message is None only when not even the top header section was read.
    """
    factory = _LimitedFactory(limits)
    parser = BytesFeedParser(_factory=factory, policy=policy.default)
    factory.parser = parser
    if headers_only:
        parser._set_headersonly()
    try:
        for start in range(0, len(raw), FEED_CHUNK):
            parser.feed(raw[start : start + FEED_CHUNK])
        message = parser.close()
    except LimitExceeded as exc:
        factory.active = False
        return (parser._msgstack[0] if parser._msgstack else None), exc.problem
    factory.active = False
    return message, None


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
    _read_headers(parsed, message)
    parsed.content_sha256 = content_digest(raw, message)
    if oversize:
        parsed.problem = size_problem(len(raw), current.message_bytes)
        return
    parsed.automatic = automatic_reason(message, parsed.from_address)
    if limit_problem is None:
        _read_content(parsed, message)
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


def size_problem(size, max_bytes):
    return (
        f"The message is {human_size(size)}; messages over {human_size(max_bytes)} are not "
        "read automatically (setting INTAKE_MAX_MESSAGE_BYTES)."
    )


def parts_problem(max_parts):
    return (
        f"The message has more than {max_parts} MIME parts "
        "(setting INTAKE_MAX_MIME_PARTS); it is not read automatically."
    )


def depth_problem(max_depth):
    return (
        f"The message's MIME parts are nested more than {max_depth} levels deep "
        "(setting INTAKE_MAX_MIME_DEPTH); it is not read automatically."
    )


def header_problem(max_fields):
    return (
        f"The message has more than {max_fields} header fields "
        "(setting INTAKE_MAX_HEADER_FIELDS); it is not read automatically."
    )


def _shape_problem(message):
    names = {name.lower() for name in message}
    if names & MESSAGE_HEADERS:
        return None
    return "This is not an email: it has none of the header fields of a message (From, Subject…)."


def header_section(raw):
    """The bytes up to the first empty line (RFC 5322 section 2.1), at most 1 MB."""
    head = raw[:MAX_HEADER_SECTION]
    match = re.search(rb"\r?\n\r?\n", head)
    return head[: match.end()] if match else head


def content_digest(raw, message):
    """SHA-256 of what the sender wrote: From, To, Cc, Date, Subject and the body bytes.

    The trace fields relays add (Received, Delivered-To, Authentication-Results…)
    are left out, so the same message delivered by two routes has one digest,
    while two different messages under one reused Message-ID have two.
    """
    digest = hashlib.sha256()
    for name in ("From", "To", "Cc", "Date", "Subject"):
        for value in raw_header_values(message, name):
            digest.update(f"{name}:{' '.join(value.split())}\n".encode("utf-8", "replace"))
    body = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)
    text = body[1] if len(body) == 2 else b""
    digest.update(b"\n" + text.replace(b"\r\n", b"\n").rstrip())
    return digest.hexdigest()


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
    """A header's first value, RFC 2047 words decoded with the charsets mail clients use."""
    values = raw_header_values(message, name)
    return decode_words(values[0]) if values else ""


def header_fields(message):
    """[(name, decoded value)] of every header field, in order; for reading, not for rules."""
    return [
        (one_line(name, 200), one_line(decode_words(value), MAX_HEADER_VALUE_SHOWN))
        for name, value in message.raw_items()
    ][:MAX_HEADERS_SHOWN]


def decode_words(raw):
    """RFC 2047 encoded words decoded one by one, each charset read as clients read it."""
    raw = re.sub(r"\r?\n", "", str(raw))
    try:
        pieces = email.header.decode_header(raw)
    except Exception:
        return clean_text(raw)
    chunks = [
        chunk if isinstance(chunk, str) else decode_text(chunk, charset or "utf-8")[0]
        for chunk, charset in pieces
    ]
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
    parsed.from_problem = from_ambiguity(message, addresses)
    parsed.references = _references(message)
    parsed.authentication_results = raw_header_values(message, "Authentication-Results")
    parsed.headers = header_fields(message)
    parsed.header_count = len(message)


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


def _lenient_addresses(message):
    raw = [decode_words(v) for v in raw_header_values(message, "From")]
    return [(n, a) for n, a in email.utils.getaddresses(raw) if "@" in a.strip("@")]


def _from_addresses(message):
    """[(display name, address)] of every From field, with a lenient fallback."""
    try:
        found = [
            (address.display_name, address.addr_spec)
            for header in message.get_all("From") or []
            for address in header.addresses
        ]
    except Exception:
        found = _lenient_addresses(message)
    return [(name, address) for name, address in found if "@" in address.strip("@")]


ROUTE_RE = re.compile(r"<\s*@[^>]*:")
ADDRESS_IN_NAME_RE = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")
# Defects that mean the strict parser guessed at what the header says.
BENIGN_DEFECTS = (email_errors.ObsoleteHeaderDefect,)


def from_ambiguity(message, addresses):
    """Why the From header could be read as more than one sender, or None (RFC 5322 3.6.2).

    DMARC (RFC 7489 6.6.1) is defined only for a message with exactly one From
    address; a receiving server and this product must also agree on which one it
    is, so anything a server could read differently is never verified.
    """
    values = raw_header_values(message, "From")
    if not values:
        return None
    if len(values) > 1:
        return f"the message has {len(values)} From header fields, and servers may read either"
    if len(addresses) > 1:
        return f"the From header names {len(addresses)} addresses"
    if ROUTE_RE.search(values[0]):
        return "the From address carries a source route (<@host:user@domain>)"
    try:
        header = message["From"]
        groups = header.groups
        defects = [d for d in header.defects if not isinstance(d, BENIGN_DEFECTS)]
    except Exception:
        return "the From header cannot be read reliably"
    if any(group.display_name is not None for group in groups):
        return "the From header is a group of addresses"
    if defects:
        return f"the From header is malformed ({one_line(str(defects[0]), 120)})"
    strict = [a.lower() for _, a in addresses]
    lenient = [a.lower() for _, a in _lenient_addresses(message)]
    if strict != lenient:
        return (
            "the From header reads as "
            f"{', '.join(strict) or 'no address'} to one parser and "
            f"{', '.join(lenient) or 'no address'} to another"
        )
    if addresses:
        name, address = addresses[0]
        shown = ADDRESS_IN_NAME_RE.search(name or "")
        if shown and domain_of(shown.group(0)) != domain_of(address):
            return (
                f"the display name shows the address {shown.group(0)}, "
                f"but the message is from {address}"
            )
    return None


def _references(message):
    """Message ids this one answers: In-Reply-To first, then References, newest first."""
    in_reply_to = " ".join(raw_header_values(message, "In-Reply-To"))
    references = " ".join(raw_header_values(message, "References"))
    ids = MESSAGE_ID_RE.findall(in_reply_to)
    ids += reversed(MESSAGE_ID_RE.findall(references)[-MAX_REFERENCES:])
    return list(dict.fromkeys(ids))[:MAX_REFERENCES]


def automatic_reason(message, from_address):
    """Why a message was sent by a machine, not a person, or None.

    RFC 3834 (Auto-Submitted other than "no"), the de facto X-Autoreply and
    X-Autorespond, Precedence bulk|junk|list|auto_reply, a multipart/report
    (RFC 6522) of delivery status (RFC 3464) or disposition (RFC 8098), and the
    role senders MAILER-DAEMON and postmaster (RFC 5321 4.5.1).
    """
    if message.get_content_type() == "multipart/report":
        report_type = str(message.get_param("report-type", "") or "").lower()
        if report_type == "delivery-status":
            return "a delivery status notification (RFC 3464): a message did not arrive"
        if report_type == "disposition-notification":
            return "a read receipt (message disposition notification, RFC 8098)"
        return f"an automatic report (multipart/report, report-type {one_line(report_type, 60)})"
    auto = " ".join(raw_header_values(message, "Auto-Submitted")).split(";")[0].strip().lower()
    if auto and auto != "no":
        return f"an automatic message (Auto-Submitted: {one_line(auto, 60)}, RFC 3834)"
    for name in AUTOREPLY_HEADERS:
        values = raw_header_values(message, name)
        if values and values[0].strip().lower() not in ("no", "false", "0"):
            return f"an automatic reply ({name}: {one_line(values[0], 60)})"
    precedence = " ".join(raw_header_values(message, "Precedence")).strip().lower()
    if precedence in AUTOMATIC_PRECEDENCE:
        return f"an automatic or list message (Precedence: {precedence})"
    local = from_address.rpartition("@")[0].lower()
    if local in AUTOMATIC_SENDERS:
        return f"a message from the mail system ({from_address})"
    return None


# Content ------------------------------------------------------------------------------


class _Reader:
    """Collects the text parts and attachments of a parsed tree, in order."""

    def __init__(self, parsed):
        self.parsed = parsed
        self.attachment_parts = []
        self.text_count = 0
        self.in_report = False

    def walk(self, part, *, text=True):
        """Read `part`; text=False keeps only its attachments (an unchosen alternative)."""
        ctype = part.get_content_type()
        maintype = part.get_content_maintype()
        if ctype == "message/delivery-status" and part.is_multipart():
            if text:
                self._report_text(part)
            return
        if maintype == "message" and part.is_multipart():
            for inner in part.get_payload():
                self._message_part(part, inner, text=text)
            return
        if part.is_multipart():
            children = part.get_payload()
            if ctype == "multipart/alternative":
                self._alternative(children, text=text)
            else:
                for child in children:
                    self.walk(child, text=text)
            return
        if maintype == "multipart":
            # A multipart whose boundary never appears is a single blob of text to us.
            if text:
                self._text(part)
            return
        if maintype == "text" and not is_attachment(part):
            if text:
                self._text(part)
            return
        self.attachment_parts.append(part)

    def _alternative(self, children, *, text):
        """One of a multipart/alternative: plain text, else HTML, else the first (RFC 2046
        5.1.4); an empty alternative gives way to the next. The others give attachments only."""
        chosen = None
        if text:
            for candidate in sorted(children, key=_alternative_rank):
                mark = self._mark()
                self.walk(candidate, text=True)
                if any(part.text for part in self.parsed.text_parts[mark[0] :]):
                    chosen = candidate
                    break
                self._rollback(mark)
        for child in children:
            if child is not chosen:
                self.walk(child, text=False)

    def _mark(self):
        return (len(self.parsed.text_parts), len(self.parsed.notes), len(self.attachment_parts))

    def _rollback(self, mark):
        del self.parsed.text_parts[mark[0] :]
        del self.parsed.notes[mark[1] :]
        del self.attachment_parts[mark[2] :]

    def _message_part(self, container, inner, *, text):
        subtype = container.get_content_subtype()
        if subtype in ("rfc822", "global"):
            if self.in_report:  # a returned message (RFC 3464 section 2): ours, not theirs
                self._remember_returned(inner)
            if text:
                heading = forward_heading(inner, returned=self.in_report)
                self.parsed.text_parts.append(TextPart(heading, ""))
            self.walk(inner, text=text)
            return
        # Returned headers of a report (message/rfc822-headers) and other message/* parts.
        self._remember_returned(inner)
        if text:
            lines = [f"{name}: {value}" for name, value in header_fields(inner)]
            self.parsed.text_parts.append(
                TextPart(f"[{container.get_content_type()}]", "\n".join(lines))
            )

    def _report_text(self, part):
        blocks = []
        for block in part.get_payload():
            blocks.append("\n".join(f"{name}: {value}" for name, value in header_fields(block)))
        self.parsed.text_parts.append(TextPart("[Delivery status]", "\n\n".join(blocks).strip()))

    def _remember_returned(self, inner):
        subject = one_line(header_text(inner, "Subject"), 500)
        if subject and not self.parsed.returned_subject:
            self.parsed.returned_subject = subject
        ids = [_message_id(raw_header_values(inner, "Message-ID"))] + _references(inner)
        self.parsed.returned_references += [i for i in ids if i]

    def _text(self, part):
        self.text_count += 1
        text, note = part_text(part)
        if note:
            self.parsed.notes.append(f"Text part {self.text_count} {note}.")
        if len(text) > MAX_PART_TEXT:
            text = text[:MAX_PART_TEXT] + "\n[Text shortened; the full message is kept.]"
        self.parsed.text_parts.append(TextPart("", text))


def _alternative_rank(part):
    ctype = part.get_content_type()
    if ctype == "text/plain":
        return 0
    if part.get_content_maintype() == "multipart":
        return 1
    if ctype == "text/html":
        return 2
    return 3


def forward_heading(inner, *, returned=False):
    """The heading of a forwarded message: its From, Date and Subject (RFC 5322 3.6)."""
    kind = "Returned message" if returned else "Forwarded message"
    lines = [f"---------- {kind} ----------"]
    for name in ("From", "Date", "Subject"):
        value = one_line(header_text(inner, name), 500)
        lines.append(f"{name}: {value or '(none)'}")
    return "\n".join(lines)


def _read_content(parsed, message):
    try:
        reader = _Reader(parsed)
        reader.in_report = message.get_content_type() == "multipart/report"
        reader.walk(message)
        parsed.attachments = [
            _attachment(part, number)
            for number, part in enumerate(reader.attachment_parts, start=1)
        ]
        parsed.returned_references = list(dict.fromkeys(parsed.returned_references))[
            :MAX_REFERENCES
        ]
        parsed.content_read = True
    except Exception as exc:
        parsed.problem = parsed.problem or (
            f"The message's text or attachments could not be read ({type(exc).__name__})."
        )


def part_text(part):
    """(text, note): a text part as str in the charset clients would use; HTML made text."""
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if not isinstance(payload, bytes):
        raw = part.get_payload()
        payload = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""
    try:
        charset = part.get_param("charset", None)
    except Exception:
        charset = None
    if isinstance(charset, tuple):  # an RFC 2231 value
        charset = email.utils.collapse_rfc2231_value(charset)
    text, note = decode_text(payload, charset)
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    return clean_text(text).replace("\r\n", "\n").replace("\r", "\n").strip(), note


def is_attachment(part):
    """An attachment by disposition, or a named part not marked inline."""
    disposition = part.get_content_disposition()
    if disposition == "attachment":
        return True
    return disposition != "inline" and bool(_raw_filename(part))


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
