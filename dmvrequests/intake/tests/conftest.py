"""Builders for intake tests: real RFC 5322 bytes, made with the standard email package."""

import email.utils
import itertools
from email.message import EmailMessage

import pytest
from django.utils import timezone

from dmvrequests.agencies.models import Agency

TRUSTED = "mx.dmv.example.gov"
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200)
ICE_SENDER = "Officer Ana Reyes <ana.reyes@ice.dhs.gov>"

_message_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _trusted_receiver(settings):
    settings.INTAKE_TRUSTED_AUTHSERV_ID = TRUSTED
    settings.INTAKE_OFFICE = ""


@pytest.fixture
def ice(db):
    """ICE ERO, as the agencies data migration installs it (a transactional test's flush
    removes migration rows, hence the get_or_create)."""
    agency, _ = Agency.objects.get_or_create(
        slug="ice-ero",
        defaults={
            "name": "ICE Enforcement and Removal Operations",
            "kind": "immigration",
            "email_domains": "ice.dhs.gov",
            "jurisdiction": "Federal",
        },
    )
    return agency


def make_email(
    *,
    sender=ICE_SENDER,
    subject="Request for driver record",
    body="Please provide the license record of Maria Lopez, DOB 1990-01-01.",
    message_id="new",
    date=None,
    html=None,
    attachments=(),
    headers=(),
):
    """Message bytes. message_id="new" makes a fresh one; None leaves the header out."""
    message = EmailMessage()
    for name, value in headers:
        message[name] = value
    if sender:
        message["From"] = sender
    message["To"] = "records@dmv.example.gov"
    message["Subject"] = subject
    message["Date"] = email.utils.format_datetime(date or timezone.now())
    if message_id == "new":
        message_id = f"<request-{next(_message_numbers)}@ice.dhs.gov>"
    if message_id:
        message["Message-ID"] = message_id
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for filename, content in attachments:
        message.add_attachment(
            content, maintype="application", subtype="octet-stream", filename=filename
        )
    return message.as_bytes()


def authenticated(result, authserv_id=TRUSTED):
    """The Authentication-Results header our receiving server would add."""
    return ("Authentication-Results", f"{authserv_id}; {result}")


def nested_multipart(depth, leaf=b"text"):
    """Raw bytes of a message whose multipart/mixed parts nest `depth` levels deep."""
    lines = [
        b"From: ana.reyes@ice.dhs.gov",
        b"Subject: nested",
        b"Message-ID: <nested-%d@ice.dhs.gov>" % depth,
        b"MIME-Version: 1.0",
    ]
    for level in range(depth):
        lines += [b'Content-Type: multipart/mixed; boundary="b%d"' % level, b"", b"--b%d" % level]
    lines += [b"Content-Type: text/plain", b"", leaf]
    for level in reversed(range(depth)):
        lines.append(b"--b%d--" % level)
    return b"\r\n".join(lines) + b"\r\n"


def text_pdf(*lines):
    """A one-page PDF whose text layer holds `lines` (Helvetica), as a form printed to PDF."""

    def escape(text):
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    shown = " ".join(f"({escape(line)}) Tj 0 -16 Td" for line in lines)
    stream = f"BT /F1 12 Tf 72 720 Td {shown} ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def raw_message(headers, body, *, content_type="text/plain; charset=us-ascii"):
    """Message bytes written by hand, for shapes the email package would not produce."""
    lines = [f"{name}: {value}" for name, value in headers]
    lines += ["MIME-Version: 1.0", f"Content-Type: {content_type}", ""]
    head = "\r\n".join(lines).encode("utf-8") + b"\r\n"
    return head + (body if isinstance(body, bytes) else body.encode("utf-8"))
