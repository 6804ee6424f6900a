"""Builders for the outbound journal's tests: staff email as sent, and journal reports."""

import email.utils
import itertools
from email.message import EmailMessage

import pytest
from django.utils import timezone

_numbers = itertools.count(1)
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _dmv_domains(settings):
    settings.DMV_EMAIL_DOMAINS = "dmv.example.gov, mv.state.example"


def staff_email(
    *,
    sender="Pat Clerk <pat.clerk@dmv.example.gov>",
    to="agent.smith@ice.dhs.gov",
    cc=None,
    bcc=None,
    subject="Re: your question",
    body="Here is what you asked for.",
    html=None,
    html_only=False,
    message_id="new",
    attachments=(),
):
    """Message bytes as a DMV employee's mail client sends them."""
    message = EmailMessage()
    message["From"] = sender
    if to:
        message["To"] = to
    if cc:
        message["Cc"] = cc
    if bcc:
        message["Bcc"] = bcc
    message["Subject"] = subject
    message["Date"] = email.utils.format_datetime(timezone.now())
    if message_id == "new":
        message_id = f"<staff-{next(_numbers)}@dmv.example.gov>"
    if message_id:
        message["Message-ID"] = message_id
    if html_only:
        message.set_content(html, subtype="html")
    else:
        message.set_content(body)
        if html is not None:
            message.add_alternative(html, subtype="html")
    for filename, content in attachments:
        message.add_attachment(content, maintype="application", subtype="pdf", filename=filename)
    return message.as_bytes()


def journal_report(original, *, envelope, header=True):
    """An Exchange-style journal report wrapping `original`; `envelope` is its first text."""
    report = EmailMessage()
    report["From"] = "Journal <journal@dmv.example.gov>"
    report["To"] = "journal-archive@dmv.example.gov"
    report["Subject"] = "Journal report"
    report["Message-ID"] = f"<journal-{next(_numbers)}@dmv.example.gov>"
    if header:
        report["X-MS-Journal-Report"] = ""
    report.set_content(envelope)
    inner = email.message_from_bytes(original, policy=email.policy.default)
    report.add_attachment(inner)
    return report.as_bytes()
