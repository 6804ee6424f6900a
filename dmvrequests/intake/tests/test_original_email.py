"""The original email on the case: each message as it arrived, for clerks and counsel
who may see the case, every view recorded in the audit trail."""

import pytest
from django.urls import reverse

from dmvrequests.audit.models import AuditRecord
from dmvrequests.cases.models import DisclosureRequest
from dmvrequests.intake.models import InboundMessage
from dmvrequests.intake.services import message_ingest
from dmvrequests.intake.tests.conftest import EXE, PDF, make_email
from dmvrequests.mail import parsing

pytestmark = pytest.mark.django_db


@pytest.fixture
def emailed(office, ice, settings):
    settings.INTAKE_OFFICE = "albany"
    raw = make_email(
        subject="Request <b>bold</b>",
        body="Plate XYZ-9876 of <script>alert(1)</script> Lee Doe.",
        html="<p>ignored alternative</p>",
        attachments=[("order.pdf", PDF), ("tool.exe", EXE)],
    )
    result = message_ingest(raw=raw, source="file")
    return InboundMessage.objects.get(case__number=result.case)


def url(message):
    return reverse("intake:message", args=[message.pk])


def test_the_case_page_links_to_the_original_email(client, clerk, emailed):
    client.force_login(clerk)
    page = client.get(emailed.case.get_absolute_url()).content.decode()
    assert url(emailed) in page


def test_a_clerk_reads_headers_text_and_attachments_and_the_read_is_recorded(
    client, clerk, emailed, monkeypatch
):
    def no_parsing(*args, **kwargs):
        raise AssertionError("a web request parsed a raw message")

    monkeypatch.setattr(parsing, "parse_message", no_parsing)
    monkeypatch.setattr(parsing, "parse_bytes", no_parsing)
    client.force_login(clerk)
    response = client.get(url(emailed))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Plate XYZ-9876 of &lt;script&gt;alert(1)&lt;/script&gt; Lee Doe." in page
    assert "<script>alert(1)" not in page and "<b>bold</b>" not in page
    assert "order.pdf" in page and "Stored as a legal document" in page
    assert "tool.exe" in page and "Refused: its content is not a PDF" in page
    assert "Message-ID" in page and "All header fields" in page
    record = AuditRecord.objects.get(
        object_type="intake.inboundmessage", object_id=str(emailed.pk), user=clerk
    )
    assert record.case_number == emailed.case.number


def test_counsel_of_the_office_reads_it(client, counsel, emailed):
    client.force_login(counsel)
    assert client.get(url(emailed)).status_code == 200


def test_a_clerk_of_another_office_gets_404_and_nothing_is_shown(client, other_clerk, emailed):
    client.force_login(other_clerk)
    response = client.get(url(emailed))
    assert response.status_code == 404
    assert b"XYZ-9876" not in response.content


def test_a_held_message_has_no_original_email_page(client, clerk, ice):
    raw = make_email(sender="x@unknown.example")
    message_ingest(raw=raw, source="file")
    held = InboundMessage.objects.get()
    client.force_login(clerk)
    assert client.get(url(held)).status_code == 404


def test_an_automatic_message_flags_the_case_on_its_page(client, clerk, emailed):
    raw = make_email(
        subject=f"Out of office: [{emailed.case.number}]",
        body="Away.",
        headers=[("Auto-Submitted", "auto-replied")],
    )
    assert message_ingest(raw=raw, source="file").result == "appended"
    client.force_login(clerk)
    page = client.get(emailed.case.get_absolute_url()).content.decode()
    assert "Flagged, automatic message" in page
    assert DisclosureRequest.objects.count() == 1
