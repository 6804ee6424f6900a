"""An officer's request through the portal's form as rendered: the preview of what the document
unlocks (the rule in words, nothing internal), the case created through the case services, a
refusal for a blocked agency, and what must be corrected."""

import pytest
from django.urls import reverse
from webtest import Upload

from dmvrequests.cases.selectors import officer_requests
from dmvrequests.policy.models import PolicyProfile
from dmvrequests.policy.services import profile_activate
from dmvrequests.testing import AgencyFactory, make_officer

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def app(django_app):
    return django_app


@pytest.fixture
def officer(office):
    profile_activate(profile=PolicyProfile.objects.get(slug="ny"), actor=None)
    agency = AgencyFactory(name="Albany Police Department", email_domains="albanypd.example.gov")
    return make_officer(agency=agency, name="Jo Rivera", badge="4411")


def request_form(app, officer):
    page = app.get(reverse("portal:submit"), user=officer.user.username)
    form = next(f for f in page.forms.values() if "purpose" in f.fields)
    form["purpose"] = "criminal_investigation"
    form.get("categories", index=0).checked = True  # license record
    form.get("categories", index=1).checked = True  # address
    form["subject_name"] = "Maria Lopez"
    form["subject_license_number"] = "123456789"
    form["narrative"] = "Hit and run on Route 9, March 2."
    return form


def test_the_preview_says_what_the_document_unlocks_in_words(app, officer):
    ice = make_officer(agency=AgencyFactory(kind="immigration", email_domains="ice.example.gov"))
    form = request_form(app, ice)
    form["purpose"] = "civil_immigration_enforcement"
    form["document_type"] = "administrative_warrant"
    form["issuer"] = "immigration_officer"
    page = form.submit("check")
    assert "What this document can unlock" in page
    assert "Cannot be released with it:</strong> Address, License record" in page
    assert "would be refused" in page
    assert "INSUFFICIENT_PROCESS" not in page and "8 U.S.C" not in page
    assert officer_requests(ice).count() == 0
    app.reset()
    form = request_form(app, officer)
    form["document_type"] = "court_order"
    form["issuer"] = "state_judge"
    page = form.submit("check")
    assert "Can be released" in page and "Cannot be released" not in page


def test_an_officer_sends_a_request_with_a_court_order(app, officer, clerk):
    form = request_form(app, officer)
    form["document_type"] = "court_order"
    form["issuer"] = "state_judge"
    form["court"] = "Albany County Court"
    form["court_state"] = "ny"
    form["docket_number"] = "2026-CR-101"
    form["document_file"] = Upload("order.pdf", PDF, "application/pdf")
    form["attest"] = True
    page = form.submit("send").follow()
    case = officer_requests(officer).get()
    assert f"Your request is received as {case.number}" in page
    assert case.channel == "portal" and case.requester == officer.requester
    assert case.requester_verified and case.created_by == officer.user
    assert case.categories == ["address", "license_record"]
    assert "Attested under penalty of perjury" in case.narrative and "Jo Rivera" in case.narrative
    document = case.documents.get()
    assert (
        document.type == "court_order"
        and document.court_state == "NY"
        and document.size == len(PDF)
    )
    assert case.number in page
    app.reset()
    queue = app.get(reverse("cases:queue"), user=clerk.username)
    row = queue.text[queue.text.index(case.number) :][:400]
    assert "badge--portal" in row and ">Portal<" in row


def test_the_attestation_and_an_identifier_are_required(app, officer):
    form = request_form(app, officer)
    form["subject_name"] = ""
    form["subject_license_number"] = ""
    page = form.submit("send")
    assert "Give at least one subject identifier" in page
    assert "Tick the attestation" in page
    assert form_value(page, "narrative") == "Hit and run on Route 9, March 2."
    assert officer_requests(officer).count() == 0


def form_with(page, name):
    return next(f for f in page.forms.values() if name in f.fields)


def form_value(page, name):
    return form_with(page, name)[name].value


def test_a_file_of_the_wrong_kind_is_refused_and_nothing_is_saved(app, officer):
    form = request_form(app, officer)
    form["document_type"] = "court_order"
    form["document_file"] = Upload("order.exe", b"MZ\x90\x00 not a pdf", "application/octet-stream")
    form["attest"] = True
    page = form.submit("send")
    assert "order.exe is not a" in page
    assert officer_requests(officer).count() == 0


def test_a_blocked_agency_submits_nothing_and_is_told_why(app, poster, officer):
    officer.agency.blocked, officer.agency.blocked_reason = True, "Certification lapsed."
    officer.agency.save()
    page = app.get(reverse("portal:submit"), user=officer.user.username)
    assert "Certification lapsed." in page and "purpose" not in page.forms.get(0, {}).__dict__.get(
        "fields", {}
    )
    poster.post(
        reverse("portal:submit"),
        {
            "purpose": "criminal_investigation",
            "categories": "address",
            "subject_name": "X",
            "attest": "on",
            "send": "1",
        },
        user=officer.user.username,
        status=403,
    )
    assert officer_requests(officer).count() == 0


@pytest.fixture
def poster(django_app_factory):
    return django_app_factory(csrf_checks=False)


def test_outsiders_cannot_open_the_form(app, clerk, officer):
    assert app.get(reverse("portal:submit")).location.startswith(reverse("portal:login"))
    app.get(reverse("portal:submit"), user=clerk.username, status=403)
    waiting = make_officer(agency=officer.agency, approved=False)
    page = app.get(reverse("portal:submit"), user=waiting.user.username)
    assert "waiting for approval" in page


def test_the_form_files_the_request_where_the_api_does(app, officer, other_office, settings):
    # One rule for the portal and the API: PORTAL_OFFICE, before INTAKE_OFFICE.
    settings.INTAKE_OFFICE = "albany"
    settings.PORTAL_OFFICE = other_office.code
    form = request_form(app, officer)
    form["attest"] = True
    form.submit("send").follow()
    assert officer_requests(officer).get().office == other_office
