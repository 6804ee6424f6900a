"""A request's status page for its officer, through the pages as rendered: the steps and their
dates, the open question answered in place with a new legal document (back to review, the
webhook told), the letters to the agency downloaded as issued, the released files behind
expiring links, the messages with staff (never staff's internal notes), and isolation between
two agencies and two officers of one agency for every new page."""

import hashlib
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from webtest import Upload

from dmvrequests.api import webhooks
from dmvrequests.api.models import WebhookDelivery
from dmvrequests.audit.models import Action, AuditRecord
from dmvrequests.cases import services
from dmvrequests.cases.capabilities import capabilities_for
from dmvrequests.cases.models import DecisionOutcome, Status
from dmvrequests.cases.services.documents import REQUIRED_CHECKS
from dmvrequests.correspondence.services import letter_issue
from dmvrequests.notifications.models import OutboundEmail
from dmvrequests.portal import casework
from dmvrequests.portal.models import PortalMessage, ReleaseFile
from dmvrequests.testing import AgencyFactory, make_officer

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
RECORDS = b"%PDF-1.7\n% released license record of Maria Lopez\n%%EOF\n"


@pytest.fixture
def app(django_app):
    return django_app


@pytest.fixture
def world(office, clerk, counsel):
    """Two agencies; the first has an officer who sent a request, a second officer, and a
    portal administrator."""
    police = AgencyFactory(name="Albany Police Department", email_domains="albanypd.example.gov")
    other = AgencyFactory(name="Troy Police Department", email_domains="troypd.example.gov")
    sender = make_officer(agency=police, name="Jo Rivera")
    case = services.officer_case_create(
        officer=sender,
        purpose="criminal_investigation",
        categories=["address", "license_record"],
        attested=True,
        subject_name="Maria Lopez",
        narrative="Hit and run on Route 9.",
    )
    services.officer_document_add(
        officer=sender,
        case=case,
        type="court_order",
        issuer="state_judge",
        content=PDF,
        docket_number="2026-CR-100",
    )
    return {
        "case": case,
        "sender": sender,
        "colleague": make_officer(agency=police, name="Sam Ortiz"),
        "admin": make_officer(agency=police, name="Lee Park", is_portal_admin=True),
        "stranger": make_officer(agency=other, name="Kim Troy"),
        "clerk": clerk,
        "counsel": counsel,
    }


def status_url(case):
    return reverse("portal:request", args=[case.number])


def to_needs_info(world):
    case = services.case_submit(case=world["case"], actor=world["clerk"])
    services.info_request(
        case=case,
        question="Send the signed court order, page 2 is missing.",
        actor=world["counsel"],
    )
    case.refresh_from_db()
    return case


def approve(world):
    case = services.case_submit(case=world["case"], actor=world["clerk"])
    services.document_verify(
        document=case.documents.get(),
        actor=world["counsel"],
        result="verified",
        checks=dict.fromkeys(REQUIRED_CHECKS, True),
        notes="Called the clerk of the court: INTERNAL-CHECK-NOTE.",
    )
    case.refresh_from_db()
    services.case_decide(
        case=case,
        actor=world["counsel"],
        outcome=DecisionOutcome.APPROVED,
        categories=["address", "license_record"],
        rationale="INTERNAL-RATIONALE: the order is signed by a state judge.",
    )
    case.refresh_from_db()
    return case


def test_the_status_page_shows_the_steps_with_dates_and_records_the_read(app, world):
    case = world["case"]
    page = app.get(status_url(case), user=world["sender"].user.username)
    assert f"Request {case.number}: Received" in page
    assert "In legal review" in page and "Needs information from you" in page
    assert "Criminal investigation" in page or "criminal" in page.text.lower()
    assert "Maria Lopez" in page and "court order" in page.text.lower()
    assert AuditRecord.objects.filter(
        action=Action.VIEW_CASE, case_number=case.number, user=world["sender"].user
    ).exists()
    home = app.get(reverse("portal:home"), user=world["sender"].user.username)
    assert home.click(case.number).request.path == status_url(case)


def test_the_officer_answers_in_place_with_a_new_document(app, world, monkeypatch):
    monkeypatch.setattr(webhooks, "_post", lambda url, body, headers: 200)
    webhooks.webhook_set(agency=world["sender"].agency, url="https://hooks.albanypd.example.gov/d")
    case = to_needs_info(world)
    page = app.get(status_url(case), user=world["sender"].user.username)
    assert "The legal unit needs information from you" in page
    assert "page 2 is missing" in page
    form = next(f for f in page.forms.values() if "answer" in f.fields)
    form["answer"] = "Here is the full order, both pages."
    form["document_type"] = "court_order"
    form["issuer"] = "state_judge"
    form["court"] = "Albany County Court"
    form["docket_number"] = "2026-CR-101"
    form["document_file"] = Upload("order-full.pdf", PDF + b"% page 2, signed\n", "application/pdf")
    page = form.submit().follow()
    assert "Your answer is sent" in page
    case.refresh_from_db()
    assert case.status == Status.IN_REVIEW
    assert case.info_requests.get().answer == "Here is the full order, both pages."
    added = case.documents.get(docket_number="2026-CR-101")
    assert added.court == "Albany County Court" and added.uploaded_by == world["sender"].user
    told = WebhookDelivery.objects.filter(case_number=case.number).order_by("created_at", "id")
    last = told.last()
    assert last is not None
    assert last.payload["request"]["status"] == "in_review"
    assert last.payload["request"]["previous_status"] == "needs_info"
    # The progress says the question was answered and the request is back in review since.
    steps = page.html.select("ol.usa-process-list li")
    words = [" ".join(step.get_text(" ").split()) for step in steps]
    assert words[2].startswith("Needs information from you: answered ")
    assert words[3].startswith("Back in legal review Now")
    assert "Not yet" in words[4] and not any("Now" in w for w in words[:3])


def test_an_answer_with_a_wrong_file_saves_nothing_and_says_what_to_do(app, world):
    case = to_needs_info(world)
    page = app.get(status_url(case), user=world["sender"].user.username)
    form = next(f for f in page.forms.values() if "answer" in f.fields)
    form["answer"] = "Attached."
    form["document_type"] = "court_order"
    form["document_file"] = Upload("order.exe", b"MZ\x90\x00" * 10, "application/octet-stream")
    page = form.submit(status=400)
    assert "Your answer" in page and "not a PDF, PNG, JPEG or TIFF file" in page
    assert "[&#x27;" not in page.text and "['" not in page.text
    case.refresh_from_db()
    assert case.status == Status.NEEDS_INFO and case.documents.count() == 1
    form = next(f for f in page.forms.values() if "answer" in f.fields)
    form["answer"] = ""
    form["document_type"] = "none"
    page = form.submit(status=400)
    assert "This field is required" in page or "required" in page.text


def test_letters_to_the_agency_download_as_issued_and_are_audited(app, world):
    case = approve(world)
    letter = letter_issue(case=case, kind="release", language="en", actor=world["counsel"])
    notice = None
    page = app.get(status_url(case), user=world["sender"].user.username)
    assert "Approval and release cover letter" in page
    assert "Notice to the person" not in page
    assert "INTERNAL-RATIONALE" not in page and "INTERNAL-CHECK-NOTE" not in page
    if not letter.pdf:  # no PDF engine on this machine: no broken link, and the page says so
        assert "Sent on paper only; ask the legal unit for a copy." in page
        assert letter_filename(case) not in page
        return
    download = page.click(description=letter_filename(case))
    assert download.body == bytes(letter.pdf)
    assert hashlib.sha256(download.body).hexdigest() == letter.pdf_sha256
    assert download.content_type == "application/pdf"
    assert AuditRecord.objects.filter(
        action=Action.VIEW_LETTER, case_number=case.number, user=world["sender"].user
    ).exists()
    assert notice is None


def letter_filename(case):
    return f"{case.number}-release-en.pdf"


def deliver(world, case, content=RECORDS):
    caps = capabilities_for(world["counsel"], case)
    return casework.release_file_add(
        actor=world["counsel"],
        case=case,
        caps=caps,
        upload=SimpleUploadedFile("license-record.pdf", content),
        description="License record, 1 page",
        site="https://dmv.example.gov",
    )


def test_staff_deliver_records_and_the_officer_downloads_them(app, world):
    case = approve(world)
    page = app.get(reverse("portal:staff_case", args=[case.number]), user=world["counsel"].username)
    form = next(f for f in page.forms.values() if "file" in f.fields)
    form["file"] = Upload("license-record.pdf", RECORDS, "application/pdf")
    form["description"] = "License record, 1 page"
    page = form.submit().follow()
    assert "license-record.pdf is delivered on the portal" in page
    assert OutboundEmail.objects.filter(
        recipient=world["sender"].email, subject__contains="records are ready"
    ).exists()
    page = app.get(status_url(case), user=world["sender"].user.username)
    assert "Each link works until" in page
    download = page.click(description="license-record.pdf")
    assert download.body == RECORDS
    assert AuditRecord.objects.filter(
        action=Action.DOWNLOAD_DOCUMENT, case_number=case.number, user=world["sender"].user
    ).exists()


def test_an_expired_link_says_how_to_get_a_new_one(app, world, settings, monkeypatch):
    settings.PORTAL_DOWNLOAD_LINK_DAYS = 2
    case = approve(world)
    release_file = deliver(world, case)
    three_days_ago = time.time() - 3 * 86400
    with monkeypatch.context() as patch:  # the link was made three days ago
        patch.setattr("django.core.signing.time.time", lambda: three_days_ago)
        token = casework.download_token(officer=world["sender"], release_file=release_file)
    url = reverse("portal:release_download", args=[token])
    page = app.get(url, user=world["sender"].user.username, status=410)
    assert "This download link has expired" in page and "work for 2 days" in page
    assert "Released records" in page and "your requests" in page
    assert not AuditRecord.objects.filter(action=Action.DOWNLOAD_DOCUMENT).exists()


def test_records_are_not_delivered_before_approval(world):
    case = services.case_submit(case=world["case"], actor=world["clerk"])
    with pytest.raises(Exception, match="once counsel has approved"):
        deliver(world, case)
    assert not ReleaseFile.objects.exists()


def test_messages_go_both_ways_and_internal_notes_stay_internal(app, world):
    case = approve(world)
    world["counsel"].email = "counsel@dmv.example.gov"
    world["counsel"].save(update_fields=["email"])
    services.case_assign(case=case, actor=world["clerk"], counsel=world["counsel"])
    page = app.get(status_url(case), user=world["sender"].user.username)
    form = next(f for f in page.forms.values() if "body" in f.fields)
    form["body"] = "When will the records come?"
    page = form.submit().follow()
    assert "Your message is sent" in page and "When will the records come?" in page
    staff = app.get(reverse("cases:detail", args=[case.number]), user=world["counsel"].username)
    staff = staff.click(description="Messages with the officer")
    assert "When will the records come?" in staff
    form = next(f for f in staff.forms.values() if "body" in f.fields)
    form["body"] = "Today, through the portal."
    staff = form.submit().follow()
    assert "the officer is emailed" in staff
    emailed = OutboundEmail.objects.filter(subject__contains="a message")
    assert emailed.filter(recipient=world["sender"].email).exists()
    assert emailed.filter(recipient=world["counsel"].email).exists()
    assert "When will" not in "".join(emailed.values_list("body", flat=True))
    timeline = app.get(
        reverse("audit:case_timeline", args=[case.number]), user=world["counsel"].username
    )
    assert "wrote to the legal unit on the agency portal" in timeline
    page = app.get(status_url(case), user=world["sender"].user.username)
    assert "Today, through the portal." in page
    for internal in ("INTERNAL-RATIONALE", "INTERNAL-CHECK-NOTE"):
        assert internal not in page
    assert PortalMessage.objects.filter(case=case).count() == 2


def test_the_officer_is_emailed_when_asked_and_when_decided(world):
    to_needs_info(world)
    services.info_answer(case=world["case"], actor=world["clerk"], answer="Page 2 attached.")
    case = world["case"]
    case.refresh_from_db()
    services.document_verify(
        document=case.documents.get(),
        actor=world["counsel"],
        result="verified",
        checks=dict.fromkeys(REQUIRED_CHECKS, True),
    )
    case.refresh_from_db()
    services.case_decide(
        case=case,
        actor=world["counsel"],
        outcome=DecisionOutcome.APPROVED,
        categories=["address"],
        rationale="INTERNAL-RATIONALE: only the address is named.",
    )
    emailed = OutboundEmail.objects.filter(recipient=world["sender"].email)
    subjects = list(emailed.order_by("pk").values_list("subject", flat=True))
    assert subjects == [
        f"{case.number}: the legal unit needs more information",
        f"{case.number}: decided: approved in part",
    ]
    bodies = "".join(emailed.values_list("body", flat=True))
    assert "answer it there" in bodies and "Maria Lopez" not in bodies
    assert "INTERNAL" not in bodies
    assert not OutboundEmail.objects.filter(recipient=world["colleague"].email).exists()


def test_counsel_asking_on_a_portal_request_is_told_the_officer_answers(app, world):
    case = services.case_submit(case=world["case"], actor=world["clerk"])
    page = app.get(reverse("cases:detail", args=[case.number]), user=world["counsel"].username)
    form = next(f for f in page.forms.values() if "ask-question" in f.fields)
    form["ask-question"] = "Send page 2 of the order."
    page = form.submit().follow()
    assert "The officer is emailed and answers on the agency portal." in page
    assert "The clerk records the answer." not in page


def test_an_empty_message_is_refused_with_words(app, world):
    page = app.get(status_url(world["case"]), user=world["sender"].user.username)
    form = next(f for f in page.forms.values() if "body" in f.fields)
    form["body"] = "   "
    page = form.submit(status=400)
    assert "Your message was not sent" in page or "required" in page.text
    assert not PortalMessage.objects.exists()


# -- Isolation: two agencies, two officers of one agency, the agency's portal administrator


def officer_urls(world, case, release_file, letter_id):
    token = casework.download_token(officer=world["sender"], release_file=release_file)
    return [
        ("get", status_url(case)),
        ("get", reverse("portal:letter_pdf", args=[case.number, letter_id])),
        ("get", reverse("portal:release_download", args=[token])),
        ("post", reverse("portal:answer", args=[case.number])),
        ("post", reverse("portal:message", args=[case.number])),
    ]


def test_isolation_between_agencies_and_officers(app, world):
    case = approve(world)
    letter = letter_issue(case=case, kind="release", language="en", actor=world["counsel"])
    release_file = deliver(world, case)
    urls = officer_urls(world, case, release_file, letter.pk)
    for who in ("stranger", "colleague"):
        username = world[who].user.username
        for method, url in urls:
            if method == "get":
                response = app.get(url, user=username, expect_errors=True)
            else:
                response = app.post(
                    url, {"body": "x", "answer": "x"}, user=username, expect_errors=True
                )
            assert response.status_code in (403, 404), (who, url, response.status_code)
            assert "Maria Lopez" not in response.text
    admin = world["admin"].user.username
    assert "Maria Lopez" in app.get(status_url(case), user=admin)
    # A download link is the officer's own: the administrator's copy of it does not work.
    app.get(urls[2][1], user=admin, status=404)
    assert not PortalMessage.objects.exists()


def test_staff_of_another_office_see_nothing_and_officers_no_staff_page(app, world, other_clerk):
    case = world["case"]
    url = reverse("portal:staff_case", args=[case.number])
    response = app.get(url, user=other_clerk.username, expect_errors=True)
    assert response.status_code == 404
    response = app.get(url, user=world["sender"].user.username, expect_errors=True)
    assert response.status_code in (302, 403, 404)
    assert "Maria Lopez" not in response.text
