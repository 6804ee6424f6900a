"""A message the limits keep from being read (over INTAKE_MAX_MESSAGE_BYTES) is flagged for
counsel, not ignored: what it carried cannot be ruled out (docs/outbound.md, "Too large to
read"). Counsel download it as sent from the item's page."""

import pytest
from django.urls import reverse

from dmvrequests.audit.models import Action, AuditRecord
from dmvrequests.outbound.models import OutboundMessage
from dmvrequests.outbound.services import journal_scan, read_raw
from dmvrequests.outbound.tests.conftest import PDF, journal_report, staff_email
from dmvrequests.testing import make_case

pytestmark = pytest.mark.django_db

BIG = PDF + b"0" * 4000
ZERO = {"license_number": 0, "date_of_birth": 0, "plate": 0, "vin": 0, "ssn": 0}


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.INTAKE_MAX_MESSAGE_BYTES = 3000


def big_email(**fields):
    raw = staff_email(body="Nothing to see here.", attachments=[("photos.pdf", BIG)], **fields)
    assert len(raw) > 3000
    return raw


def stored(raw: bytes) -> OutboundMessage:
    outcome = journal_scan(raw=raw)
    assert outcome.item_id is not None
    return OutboundMessage.objects.get(pk=outcome.item_id)


def test_it_is_flagged_with_the_reason_and_kept_whole():
    raw = big_email()
    outcome = journal_scan(raw=raw)
    assert outcome.as_json() | {"message_id": None} == {
        "message_id": None,
        "result": "flagged",
        "case": None,
        "agency_kind": "immigration",
        "identifiers": ZERO,
        "attachments": 0,
    }
    item = OutboundMessage.objects.get()
    assert item.review_status == "open" and "are not read automatically" in item.unread_reason
    assert (item.text, item.attachment_names) == ("", [])
    assert read_raw(item) == raw


def test_one_naming_its_case_in_the_subject_is_linked(office, clerk):
    case = make_case(office=office, actor=clerk)
    outcome = journal_scan(raw=big_email(subject=f"Re: [{case.number}] photos"))
    assert (outcome.result, outcome.case) == ("linked", case.number)


def test_to_no_agency_or_from_outside_it_is_still_ignored():
    assert journal_scan(raw=big_email(to="friend@example.com")).result == "ignored"
    assert journal_scan(raw=big_email(sender="x@gmail.com")).result == "ignored"


def test_a_journal_report_too_large_keeps_its_envelope_and_is_kept_whole():
    original = big_email(to="friend@example.com", message_id="<big-1@dmv.example.gov>")
    envelope = (
        "Sender: pat.clerk@dmv.example.gov\nSubject: Re: your question\n"
        "Message-Id: <big-1@dmv.example.gov>\nTo: friend@example.com\n"
        "Bcc: agent.smith@ice.dhs.gov\n"
    )
    report = journal_report(original, envelope=envelope)
    outcome = journal_scan(raw=report)
    assert (outcome.message_id, outcome.result, outcome.agency_kind) == (
        "<big-1@dmv.example.gov>",
        "flagged",
        "immigration",
    )
    item = OutboundMessage.objects.get()
    assert item.journal and item.recipients["bcc"] == ["agent.smith@ice.dhs.gov"]
    assert item.subject == "Re: your question" and item.size == len(report)
    assert read_raw(item) == report


def test_counsel_see_why_and_download_it_as_sent(django_app, counsel):
    raw = big_email(subject="Photos")
    item = stored(raw)
    page = django_app.get(reverse("outbound:item", args=[item.pk]), user=counsel)
    warning = page.html.select_one(".usa-alert--warning").get_text(" ", strip=True)
    assert warning.startswith("Not read automatically. The message is")
    assert "Not counted: the text and attachments were not read." in page.text
    download = page.click("download the email as sent")
    assert download.body == raw
    assert download.headers["Content-Type"] == "message/rfc822"
    reads = AuditRecord.objects.filter(action=Action.VIEW_OUTBOUND, user=counsel)
    assert [r.detail for r in reads if r.detail] == [{"format": "eml"}]


def test_a_message_no_longer_kept_says_so(django_app, counsel, settings):
    item = stored(big_email())
    OutboundMessage.objects.filter(pk=item.pk).update(raw_file="outbound-messages/gone.eml")
    page = django_app.get(reverse("outbound:message", args=[item.pk]), user=counsel).follow()
    assert "no longer kept" in page.text
