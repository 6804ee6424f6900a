"""Email intake, as the mail server delivers it: `manage.py ingest_email` files an FBI agent's
message as a case in the clerk's queue, with its PDF on the case page; a message with no
sender waits in quarantine, where the clerk reads it and discards it with a reason."""

import re
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.support import TRUSTED_AUTHSERV_ID, label, pdf_document

pytestmark = pytest.mark.e2e


def email(*, sender, subject, body, attachment=None):
    message = EmailMessage()
    if sender:
        message["From"] = sender
    message["To"] = "records-requests@dmv.example.gov"
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.localtime())
    message["Message-ID"] = make_msgid(domain="e2e.example.gov")
    if sender:
        domain = sender.rsplit("@", 1)[1].rstrip(">")
        # Added by our own receiving server (INTAKE_TRUSTED_AUTHSERV_ID): DMARC passed.
        message["Authentication-Results"] = (
            f"{TRUSTED_AUTHSERV_ID}; dkim=pass header.d={domain}; dmarc=pass header.from={domain}"
        )
    message.set_content(body)
    if attachment:
        name, content = attachment
        message.add_attachment(content, maintype="application", subtype="pdf", filename=name)
    return message.as_bytes()


def test_an_emailed_request_reaches_the_queue_with_its_pdf(people, manage, files, tmp_path):
    subpoena = pdf_document(
        "United States District Court for the Northern District of New York",
        "Grand Jury Subpoena No. GJ-2026-118",
        "Records of John Smith, born April 12, 1980",
    )
    eml = files / "fbi-request.eml"
    eml.write_bytes(
        email(
            sender="Special Agent Dana Kim <dana.kim@albany.fbi.gov>",
            subject="Records request: John Smith, born 1980-04-12",
            body="Please send the license record and address of John Smith.\n"
            "A grand jury subpoena is attached.\n\nDana Kim, Special Agent, FBI Albany",
            attachment=("grand-jury-subpoena.pdf", subpoena),
        )
    )
    ingested = manage("ingest_email", str(eml))
    assert ingested.returncode == 0, ingested.stderr
    created = re.search(
        r"^created (DR-\d{4}-\d{6}) \(.*sender verified, 1 document\)$", ingested.stdout, re.M
    )
    assert created, ingested.stdout
    number = created.group(1)

    clerk = people.signed_in("clerk")
    page = clerk.page
    expect(page.get_by_role("heading", name="Albany legal unit queue")).to_be_visible()
    row = page.get_by_role("row", name=re.compile(rf"^{number}"))
    expect(row).to_contain_text("Federal Bureau of Investigation")
    expect(row).to_contain_text("Email")
    expect(row).to_contain_text("Received")
    clerk.check()

    row.get_by_role("link", name=number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    emails = page.locator("ul", has_text="dana.kim@albany.fbi.gov")
    expect(emails).to_contain_text("(sender verified)")
    expect(emails).to_contain_text("Records request: John Smith, born 1980-04-12")
    documents = page.get_by_role("table", name=f"Legal documents of {number}")
    download_link = documents.get_by_role("link", name="Download grand-jury-subpoena.pdf")
    expect(download_link).to_be_visible()
    clerk.check()
    with page.expect_download() as download:
        download_link.click()
    assert download.value.suggested_filename == "grand-jury-subpoena.pdf"
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes() == subpoena


def test_a_message_without_a_sender_waits_in_quarantine(people, manage, files):
    eml = files / "no-sender.eml"
    eml.write_bytes(
        email(
            sender=None,
            subject="URGENT: driver lookup needed today",
            body="Need the address for plate ABC1234. Thanks.",
        )
    )
    ingested = manage("ingest_email", str(eml))
    assert ingested.returncode == 0, ingested.stderr
    assert ingested.stdout.startswith("quarantined ("), ingested.stdout

    clerk = people.signed_in("clerk")
    page = clerk.page
    expect(page.get_by_role("heading", name="Albany legal unit queue")).to_be_visible()
    clerk.check()
    page.get_by_role("link", name="Quarantine").click()
    expect(page.get_by_role("heading", name="Quarantine")).to_be_visible()
    held = page.get_by_role("row", name=re.compile("URGENT: driver lookup needed today"))
    expect(held).to_contain_text("No From address")
    clerk.check(screenshot="quarantine")

    held.get_by_role("link", name="URGENT: driver lookup needed today").click()
    expect(page.get_by_role("heading", name="URGENT: driver lookup needed today")).to_be_visible()
    expect(page.locator("pre")).to_contain_text("Need the address for plate ABC1234.")
    clerk.check(screenshot="quarantine-detail")
    page.get_by_role("link", name="Discard this email").click()
    expect(page.get_by_role("heading", name=re.compile("^Discard"))).to_be_visible()
    clerk.check()
    page.get_by_label(label("Why is this message discarded?")).fill(
        "No sender to call back; not a request we can answer."
    )
    page.get_by_role("button", name="Discard").click()
    expect(
        page.get_by_text("Message discarded. It is kept, with your reason, as a record.")
    ).to_be_visible()
    expect(
        page.get_by_role("row", name=re.compile("URGENT: driver lookup needed today"))
    ).to_have_count(0)
    clerk.check()
