"""Demo journal messages of each result, for `make run` (seed_outbound_demo)."""

from __future__ import annotations

import email.utils
from datetime import timedelta
from email.message import EmailMessage

from django.utils import timezone

# A one-page PDF standing in for a photo sent by email.
DEMO_PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _message(number, *, sender, to, subject, body, days_ago, bcc=None, attachment=None):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if bcc:
        message["Bcc"] = bcc
    message["Subject"] = subject
    message["Date"] = email.utils.format_datetime(timezone.now() - timedelta(days=days_ago))
    message["Message-ID"] = f"<demo-journal-{number}@dmv.example.gov>"
    message.set_content(body)
    if attachment:
        message.add_attachment(DEMO_PDF, maintype="application", subtype="pdf", filename=attachment)
    return message.as_bytes()


def _journal(original, *, envelope):
    report = EmailMessage()
    report["From"] = "Journal <journal@dmv.example.gov>"
    report["To"] = "journal-archive@dmv.example.gov"
    report["Subject"] = "Journal report"
    report["X-MS-Journal-Report"] = ""
    report.set_content(envelope)
    report.add_attachment(email.message_from_bytes(original, policy=email.policy.default))
    return report.as_bytes()


def demo_messages(case_number: str | None) -> list[bytes]:
    """Raw messages: flagged (immigration and police), linked, ignored of each kind, and a
    duplicate; one wrapped in a journal report with a Bcc only in its envelope."""
    clerk = "Casey Clerk <clerk@dmv.example.gov>"
    messages = [
        _message(
            1,
            sender=clerk,
            to="d.hart@ice.dhs.gov",
            subject="Re: the address we talked about",
            body="Here is his address and photo.\nDL 123456789, DOB 03/14/1988.\n"
            "Plate 7ABC123 registered to the same address.",
            days_ago=3,
            attachment="photo.pdf",
        ),
        _message(
            2,
            sender=clerk,
            to="d.hart@ice.dhs.gov",
            subject="One more from the list",
            body="Same as before: date of birth 1990-07-02, license A1234567.",
            days_ago=1,
        ),
        _message(
            3,
            sender="Sam Field <s.field@albany.dmv.example.gov>",
            to="detective@police.example.gov",
            subject="Vehicle you asked about",
            body="VIN 1M8GDM9AXKP042788, tag 5KX221.",
            days_ago=8,
        ),
        _message(
            5,
            sender=clerk,
            to="d.hart@ice.dhs.gov",
            subject="Meeting",
            body="Can we meet on Tuesday at 10 about the training?",
            days_ago=2,
        ),
        _message(
            6,
            sender=clerk,
            to="vendor@printing.example.com",
            subject="Invoice 5512",
            body="Please find the invoice attached.",
            days_ago=4,
        ),
    ]
    hidden = _message(
        7,
        sender="Counsel Three <counsel3@dmv.example.gov>",
        to="records@dmv.example.gov",
        subject="FYI",
        body="SSN 123-45-6789 for the file you mentioned.",
        days_ago=5,
    )
    envelope = (
        "Sender: counsel3@dmv.example.gov\nSubject: FYI\n"
        "Message-Id: <demo-journal-7@dmv.example.gov>\nTo: records@dmv.example.gov\n"
        "Bcc: tips@cbp.dhs.gov\n"
    )
    messages.append(_journal(hidden, envelope=envelope))
    if case_number:
        messages.append(
            _message(
                4,
                sender="Morgan Counsel <counsel@dmv.example.gov>",
                to="d.hart@ice.dhs.gov",
                subject=f"[{case_number}] Records released",
                body="The records approved for release are attached.",
                days_ago=1,
                attachment="release.pdf",
            )
        )
    messages.append(messages[0])  # scanned twice: a duplicate
    return messages
