"""The content of a message: its request text and its attachments, in order.

Every text part of a multipart/mixed; one part of each multipart/alternative
(plain preferred, RFC 2046 5.1.4); forwarded messages (message/rfc822) under a
heading of their From, Date and Subject; delivery reports (RFC 3464) with the
subject and ids of the returned message; HTML converted to text, never rendered.
"""

import email.header
import email.utils

from dmvrequests import files
from dmvrequests.mail.headers import (
    MAX_REFERENCES,
    first_message_id,
    header_fields,
    header_text,
    raw_header_values,
    referenced_ids,
)
from dmvrequests.mail.htmltext import html_to_text
from dmvrequests.mail.message import Attachment, TextPart
from dmvrequests.mail.text import clean_text, decode_text, one_line

MAX_PART_TEXT = 200_000


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
        ids = [first_message_id(raw_header_values(inner, "Message-ID"))] + referenced_ids(inner)
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


def read_content(parsed, message):
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
