"""A linked staff email on its case: the case page's email thread, the timeline, and an
agency's reply to it threading to the same case in email intake."""

import pytest
from django.urls import reverse

from dmvrequests.agencies.models import Agency
from dmvrequests.intake.services import message_ingest
from dmvrequests.intake.tests.conftest import authenticated, make_email
from dmvrequests.outbound.services import journal_scan
from dmvrequests.outbound.tests.conftest import PDF, staff_email
from dmvrequests.testing import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(office, clerk):
    ice = Agency.objects.get(slug="ice-ero")
    case = make_case(office=office, actor=clerk, agency=ice)
    raw = staff_email(
        subject=f"Re: [{case.number}] records",
        body="The address you asked for is attached.",
        message_id="<staff-reply-1@dmv.example.gov>",
        attachments=[("address.pdf", PDF)],
    )
    assert journal_scan(raw=raw).result == "linked"
    return case


def test_the_case_page_shows_it_in_the_email_thread(django_app, linked, counsel):
    page = django_app.get(reverse("cases:detail", args=[linked.number]), user=counsel)
    emails = page.html.find("h2", string="Emails").find_next("ul").get_text(" ", strip=True)
    assert "sent by staff from pat.clerk@dmv.example.gov to agent.smith@ice.dhs.gov" in emails
    assert f"Re: [{linked.number}] records" in emails and "1 attachment" in emails


def test_the_timeline_tells_it(django_app, linked, counsel):
    page = django_app.get(reverse("cases:detail", args=[linked.number]), user=counsel)
    assert "Pat Clerk emailed agent.smith@ice.dhs.gov" in page.text
    assert "(from the mail journal)" in page.text


def test_an_agency_reply_to_the_staff_email_threads_to_the_case(linked, settings):
    settings.INTAKE_OFFICE = ""
    reply = make_email(
        subject="Thanks",
        body="Received, thank you.",
        headers=[
            ("In-Reply-To", "<staff-reply-1@dmv.example.gov>"),
            authenticated("dmarc=pass header.from=ice.dhs.gov"),
        ],
    )
    result = message_ingest(raw=reply, source="test")
    assert (result.result, result.case) == ("appended", linked.number)
