"""The handed field cases: real agency mail, rebuilt with made-up names (tests/field_cases).

Each file is one test, and each says what the product did wrong before: a DMARC pass
for another domain marked verified, an out-of-office reply made into an ICE case, a
delivery report that put "Mail Delivery System" in the directory, a forwarded request
and the text after an inline PDF lost, and mislabelled charsets shown as garbage.
"""

from pathlib import Path

import pytest

from dmvrequests.agencies.models import Requester
from dmvrequests.cases.models import DisclosureRequest
from dmvrequests.intake.models import InboundMessage
from dmvrequests.intake.services import message_ingest

pytestmark = pytest.mark.django_db
FIELD_CASES = Path(__file__).parent / "field_cases"


def ingest_file(name):
    return message_ingest(raw=(FIELD_CASES / name).read_bytes(), source="file")


def case_of(result):
    return DisclosureRequest.objects.get(number=result.case)


def test_all_seven_field_cases_are_here():
    assert sorted(p.name for p in FIELD_CASES.glob("*.eml")) == [
        "delivery-failure-report.eml",
        "dmarc-pass-aligned.eml",
        "dmarc-pass-for-another-domain.eml",
        "forwarded-as-attachment.eml",
        "mislabelled-charsets.eml",
        "out-of-office-reply.eml",
        "text-after-inline-pdf.eml",
    ]


def test_a_dmarc_pass_for_another_domain_does_not_verify_the_sender(office, ice):
    result = ingest_file("dmarc-pass-for-another-domain.eml")
    assert (result.result, result.agency_kind, result.sender_verified) == (
        "created",
        "immigration",
        False,
    )
    case = case_of(result)
    assert case.requester_verified is False
    assert "attack.example, not for the From domain ice.dhs.gov" in case.narrative
    assert "Call the agency's published number" in case.narrative


def test_a_dmarc_pass_aligned_with_the_from_domain_verifies_it(office, ice):
    result = ingest_file("dmarc-pass-aligned.eml")
    assert (result.result, result.sender_verified) == ("created", True)
    assert case_of(result).requester_verified is True


def test_an_out_of_office_reply_opens_no_case(office, ice):
    result = ingest_file("out-of-office-reply.eml")
    assert (result.result, result.case) == ("quarantined", None)
    assert result.reason.startswith("Automatic message: an automatic message (Auto-Submitted")
    assert DisclosureRequest.objects.count() == 0
    assert not Requester.objects.filter(email__iexact="deportation.officer7@ice.dhs.gov").exists()


def test_a_delivery_failure_report_opens_no_case_and_adds_no_officer(office, ice):
    result = ingest_file("delivery-failure-report.eml")
    assert (result.result, result.case) == ("quarantined", None)
    assert "delivery status notification (RFC 3464)" in result.reason
    assert DisclosureRequest.objects.count() == 0
    assert not Requester.objects.filter(name__icontains="Mail Delivery").exists()
    held = InboundMessage.objects.get(message_id="<fc03-dsn@mx2.ice.dhs.gov>")
    assert held.automatic and "former.officer@ice.dhs.gov" in held.summary["parts"][0]["text"]


def test_a_request_forwarded_as_an_attachment_is_in_the_case(office, ice):
    result = ingest_file("forwarded-as-attachment.eml")
    assert (result.result, result.documents) == ("created", 1)
    narrative = case_of(result).narrative
    assert "See the officer's request below (attached)." in narrative
    assert (
        "---------- Forwarded message ----------\n"
        "From: Deportation Officer Seven <deportation.officer7@ice.dhs.gov>\n"
        "Date: Thu, 26 Nov 2026 16:00:00 -0500\n"
        "Subject: I-200 for subject Sample"
    ) in narrative
    assert "ask for the current address of Pat Q. Sample, DOB 01/02/1980" in narrative
    assert case_of(result).documents.get().original_filename == "I-200 Sample.pdf"


def test_the_text_after_an_inline_pdf_is_kept(office):
    result = ingest_file("text-after-inline-pdf.eml")
    assert (result.result, result.documents) == ("created", 1)
    narrative = case_of(result).narrative
    before = narrative.index("the signed warrant is here:")
    after = narrative.index("license number S123-456-78-901, by December 4")
    assert before < after
    assert "Case number ATF-2026-0099." in narrative


def test_mislabelled_charsets_read_as_mail_clients_read_them(office):
    result = ingest_file("mislabelled-charsets.eml")
    assert result.result == "created"
    case = case_of(result)
    assert "The officer’s request – “urgent” – for José Placeholder." in case.narrative
    assert "请提供驾驶记录，谢谢。镕的地址。" in case.narrative
    assert "\ufffd" not in case.narrative
    assert not any("\x80" <= char <= "\x9f" for char in case.narrative)
    assert "Subject: 请求镕 records" in case.narrative
