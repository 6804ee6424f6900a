"""Header fields: ids, dates, the From address and its ambiguities, automatic messages.

Rules: an ambiguous From is never verified (DMARC is defined for one From
address only, RFC 7489 6.6.1; RFC 5322 3.6.2); automatic messages are recognised
by Auto-Submitted (RFC 3834), X-Autoreply / X-Autorespond, Precedence,
multipart/report (RFC 6522, 3464, 8098) and the MAILER-DAEMON and postmaster
senders (RFC 5321 4.5.1).
"""

import email.header
import email.utils
import hashlib
import re
from datetime import UTC
from email import errors as email_errors

from dmvrequests.mail.text import clean_text, decode_text, domain_of, one_line

# A file with none of these is not an email, whatever else it holds.
MESSAGE_HEADERS = frozenset(
    {
        "from", "sender", "to", "cc", "bcc", "subject", "date", "message-id", "in-reply-to",
        "references", "received", "return-path", "mime-version", "content-type", "reply-to",
        "delivered-to",
    }
)  # fmt: skip
MESSAGE_ID_RE = re.compile(r"<[^<>\s]{1,253}>")
# References can list a whole thread; the nearest ancestors are the last ones.
MAX_REFERENCES = 50
AUTOMATIC_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply"})
AUTOMATIC_SENDERS = frozenset({"mailer-daemon", "postmaster"})
AUTOREPLY_HEADERS = ("X-Autoreply", "X-Autorespond")
# What the stored summary keeps for reading (the raw message keeps everything).
MAX_HEADERS_SHOWN = 200
MAX_HEADER_VALUE_SHOWN = 2000


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


def read_headers(parsed, message):
    parsed.message_id = first_message_id(raw_header_values(message, "Message-ID"))
    parsed.subject = one_line(header_text(message, "Subject"), 500)
    parsed.date = _date(raw_header_values(message, "Date"))
    addresses = _from_addresses(message)
    parsed.from_count = len(addresses)
    if addresses:
        parsed.from_name = one_line(addresses[0][0], 200)
        parsed.from_address = one_line(addresses[0][1], 320)
    parsed.from_problem = from_ambiguity(message, addresses)
    parsed.references = referenced_ids(message)
    parsed.authentication_results = raw_header_values(message, "Authentication-Results")
    parsed.headers = header_fields(message)
    parsed.header_count = len(message)
    parsed.recipients = recipient_addresses(message)


RECIPIENT_FIELDS = ("To", "Cc", "Bcc")
MAX_RECIPIENTS = 500


def recipient_addresses(message):
    """{"to": [...], "cc": [...], "bcc": [...]}: the addresses of each field (RFC 5322 3.6.3),
    lower case, at most MAX_RECIPIENTS in all; a group's members count, its name does not."""
    found = {}
    total = 0
    for name in RECIPIENT_FIELDS:
        values = [decode_words(value) for value in raw_header_values(message, name)]
        try:
            pairs = email.utils.getaddresses(values)
        except Exception:
            pairs = []
        addresses = [one_line(addr, 320).lower() for _, addr in pairs if "@" in addr]
        found[name.lower()] = addresses[: max(0, MAX_RECIPIENTS - total)]
        total += len(found[name.lower()])
    return found


def first_message_id(values):
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


def referenced_ids(message):
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
