"""Certifications on file, through the pages as rendered: the agency's portal administrator
signs one (attestation and typed name), DMV administrators record one signed on paper, the
status on the case page and in the directories, the PDF checks, who may see and download, and
the reminder before expiry (once per certification and threshold)."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from webtest import Upload

from dmvrequests.agencies import certifications as certs
from dmvrequests.agencies.models import Certification, CertificationKind
from dmvrequests.notifications.models import OutboundEmail
from dmvrequests.portal.reminders import certification_reminders_send
from dmvrequests.testing import AgencyFactory, make_case, make_officer

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def app(django_app):
    return django_app


@pytest.fixture
def agency():
    return AgencyFactory(name="Denver Police Department", email_domains="denverpd.example.gov")


@pytest.fixture
def chief(agency):
    return make_officer(
        agency=agency, name="Jo Rivera", title="Chief", is_portal_admin=True, badge="1"
    )


def record(agency, *, days, actor=None, kind=CertificationKind.NO_IMMIGRATION_ENFORCEMENT):
    today = timezone.localdate()
    return certs.certification_record(
        agency=agency,
        actor=actor,
        kind=kind,
        text="We will not use DMV data for civil immigration enforcement.",
        signed_by_name="Jo Rivera",
        signed_by_title="Chief",
        signed_at=timezone.now() - timedelta(days=1),
        expires_on=today + timedelta(days=days),
    )


def sign_form(app, officer):
    page = app.get(reverse("portal:certifications"), user=officer.user.username)
    return next(f for f in page.forms.values() if "typed_name" in f.fields)


def test_the_portal_administrator_signs_under_penalty_of_perjury(app, chief):
    form = sign_form(app, chief)
    assert "civil immigration enforcement" in form["text"].value  # the suggested words
    assert form["signed_by_title"].value == "Chief"
    form["document"] = Upload("signed.pdf", PDF, "application/pdf")
    page = form.submit()
    assert "Tick the attestation" in page and "Nothing was signed" in page
    assert not Certification.objects.exists()
    form = next(f for f in page.forms.values() if "typed_name" in f.fields)
    form["attest"] = True
    form["typed_name"] = "Someone Else"
    form["document"] = Upload("signed.pdf", PDF, "application/pdf")
    page = form.submit()
    assert "Type your name as on your portal account, Jo Rivera" in page
    form = next(f for f in page.forms.values() if "typed_name" in f.fields)
    form["attest"] = True
    form["typed_name"] = "  jo   rivera "
    form["document"] = Upload("signed.pdf", PDF, "application/pdf")
    page = form.submit().follow()
    assert "Signed and on file" in page
    certification = Certification.objects.get()
    assert certification.attested and certification.signed_by_name == "Jo Rivera"
    assert (
        certification.recorded_by == chief.user and certification.original_filename == "signed.pdf"
    )
    assert certification.history.get().history_user == chief.user
    assert "Valid until" in page and "attested on the portal" in page
    download = page.click("signed.pdf")
    assert download.body == PDF and download.headers["X-Content-Type-Options"] == "nosniff"


def test_the_same_certification_sent_twice_is_kept_once(app, chief):
    """A second click, or the form sent again from the browser's history: refused with what
    is on file, and nothing new is recorded. A renewal (a new expiry) is recorded."""
    form = sign_form(app, chief)
    form["attest"] = True
    form["typed_name"] = "Jo Rivera"
    form["document"] = Upload("signed.pdf", PDF, "application/pdf")
    form.submit().follow()
    again = form.submit().follow()  # told, not asked to correct a form that was right
    assert "This certification is already on file: signed by Jo Rivera on" in again
    assert "Nothing new was recorded" in again and "correct the problem" not in again
    assert Certification.objects.count() == 1
    form = next(f for f in again.forms.values() if "typed_name" in f.fields)
    form["attest"] = True
    form["typed_name"] = "Jo Rivera"
    form["expires_on"] = (timezone.localdate() + timedelta(days=400)).isoformat()
    form["document"] = Upload("signed.pdf", PDF, "application/pdf")
    assert "Signed and on file" in form.submit().follow()
    assert Certification.objects.count() == 2


def test_a_document_that_is_not_a_pdf_is_refused_and_nothing_is_kept(app, chief):
    form = sign_form(app, chief)
    form["attest"] = True
    form["typed_name"] = "Jo Rivera"
    form["document"] = Upload("signed.png", b"\x89PNG\r\n\x1a\nxxxx", "image/png")
    page = form.submit()
    assert "signed.png is not a PDF file" in page
    assert not Certification.objects.exists()
    form = next(f for f in page.forms.values() if "typed_name" in f.fields)
    form["attest"] = True
    form["typed_name"] = "Jo Rivera"
    form["expires_on"] = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert "This date has passed" in form.submit()
    assert not Certification.objects.exists()


def test_officers_read_their_agency_only_and_only_the_administrator_signs(app, chief, agency):
    mine = record(agency, days=200)
    mine.document.save("mine.pdf", ContentFile(PDF))
    mine.original_filename = "mine.pdf"
    mine.save()
    other_agency = AgencyFactory(name="Boulder Sheriff", email_domains="elsewhere.example.gov")
    theirs = record(other_agency, days=20)
    theirs.document.save("theirs.pdf", ContentFile(PDF))
    officer = make_officer(agency=agency, name="Sam Park")
    page = app.get(reverse("portal:certifications"), user=officer.user.username)
    assert "Valid until" in page and "typed_name" not in page
    assert "portal administrator signs certifications" in page
    assert page.click("mine.pdf").body == PDF
    url = reverse("portal:certification_document", args=[theirs.pk])
    app.get(url, user=officer.user.username, status=404)
    outsider = make_officer(agency=other_agency, name="Lee Outside")
    page = app.get(reverse("portal:certifications"), user=outsider.user.username)
    assert "Expiring in 20 days" in page and "mine.pdf" not in page
    waiting = make_officer(agency=agency, approved=False)
    app.get(reverse("portal:certifications"), user=waiting.user.username, status=403)


def test_an_officer_who_is_not_the_administrator_cannot_sign_by_a_forged_post(
    django_app_factory, agency
):
    poster = django_app_factory(csrf_checks=False)
    officer = make_officer(agency=agency, name="Sam Park")
    data = {"kind": "other", "text": "x", "attest": "on", "typed_name": "Sam Park"}
    poster.post(reverse("portal:certifications"), data, user=officer.user.username, status=403)
    assert not Certification.objects.exists()


def test_staff_record_one_and_see_the_status_on_the_case_page_and_the_directory(
    app, administrator, clerk, office, agency, chief
):
    page = app.get(reverse("portal:staff_certifications"), user=administrator.username)
    assert "None on file" in page  # the agency has an officer and nothing on file
    form = next(f for f in page.forms.values() if "signed_by_name" in f.fields)
    form["agency"] = agency.pk
    form["kind"] = CertificationKind.DATA_SHARING_AGREEMENT
    form["text"] = "The agency agrees to use DMV data only as stated."
    form["signed_by_name"] = "Chief Ana Ruiz"
    form["signed_on"] = (timezone.localdate() - timedelta(days=3)).isoformat()
    form["expires_on"] = (timezone.localdate() + timedelta(days=10)).isoformat()
    form["document"] = Upload("agreement.pdf", PDF, "application/pdf")
    page = form.submit().follow()
    assert "Recorded for Denver Police Department" in page
    assert "Expiring in 10 days" in page
    certification = Certification.objects.get()
    assert not certification.attested and certification.recorded_by == administrator
    assert page.click("agreement.pdf").body == PDF
    case = make_case(office=office, actor=clerk, agency=agency)
    detail = app.get(reverse("cases:detail", args=[case.number]), user=clerk.username)
    assert "Certification on file:" in detail and "Expiring in 10 days" in detail
    directory = app.get(reverse("admin:agencies_agency_changelist"), user=administrator.username)
    assert "Expiring in 10 days" in directory
    app.get(reverse("portal:staff_certifications"), user=clerk.username, status=403)
    app.get(reverse("portal:staff_certifications"), user=chief.user.username, status=403)


def test_the_staff_form_checks_its_dates(app, administrator, agency):
    page = app.get(reverse("portal:staff_certifications"), user=administrator.username)
    form = next(f for f in page.forms.values() if "signed_by_name" in f.fields)
    form["agency"] = agency.pk
    form["kind"] = CertificationKind.OTHER
    form["text"] = "Words."
    form["signed_by_name"] = "Ana Ruiz"
    form["signed_on"] = (timezone.localdate() + timedelta(days=3)).isoformat()
    form["expires_on"] = (timezone.localdate() + timedelta(days=30)).isoformat()
    page = form.submit()
    assert "cannot be signed in the future" in page and "Nothing was recorded" in page
    form = next(f for f in page.forms.values() if "signed_by_name" in f.fields)
    form["signed_on"] = timezone.localdate().isoformat()
    form["expires_on"] = (timezone.localdate() + timedelta(days=3000)).isoformat()
    assert "at most 5 years" in form.submit()
    assert not Certification.objects.exists()


@pytest.mark.parametrize(
    ("days", "state", "words"),
    [
        (90, certs.VALID, "Valid until"),
        (30, certs.EXPIRING, "Expiring in 30 days"),
        (0, certs.EXPIRING, "Expiring today"),
    ],
)
def test_status_by_days_left(agency, days, state, words):
    record(agency, days=days)
    status = certs.certification_status(agency)
    assert status.state == state and status.words.startswith(words)


def test_status_expired_and_none(agency):
    assert certs.certification_status(agency).words == "None on file"
    record(agency, days=5)
    later = timezone.localdate() + timedelta(days=6)
    status = certs.certification_status(agency, today=later)
    assert status.state == certs.EXPIRED and status.words.startswith("Expired on")


def test_the_reminder_goes_once_per_certification_and_threshold(settings, agency, chief):
    make_officer(agency=agency, name="Sam Park")  # not an administrator: not reminded
    soon = record(agency, days=20)
    record(AgencyFactory(email_domains="far.example.gov"), days=200)
    assert certification_reminders_send() == 1
    mail = OutboundEmail.objects.get()
    assert mail.recipient == chief.email and "in 20 days" in mail.body
    assert "Annual certification" not in mail.subject and "ends on" in mail.subject
    assert certification_reminders_send() == 0  # once
    settings.CERTIFICATION_REMINDER_DAYS = 25
    assert certification_reminders_send() == 1  # a new threshold reminds again
    assert OutboundEmail.objects.count() == 2
    record(agency, days=300, kind=soon.kind)  # renewed: no more reminders
    settings.CERTIFICATION_REMINDER_DAYS = 21
    assert certification_reminders_send() == 0
