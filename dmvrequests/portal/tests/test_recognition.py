"""Document recognition on the portal's request form, as rendered: a PDF whose text names a
form pre-selects its type with a note to check it, and never overrides the type the officer
chose."""

import pytest
from django.urls import reverse
from webtest import Upload

from dmvrequests.cases.selectors import officer_requests
from dmvrequests.intake.tests.conftest import text_pdf
from dmvrequests.policy.models import PolicyProfile
from dmvrequests.policy.services import profile_activate
from dmvrequests.testing import AgencyFactory, make_officer

pytestmark = pytest.mark.django_db
I200 = text_pdf("U.S. Department of Homeland Security", "Warrant for Arrest of Alien", "Form I-200")


@pytest.fixture
def officer(office):
    profile_activate(profile=PolicyProfile.objects.get(slug="ny"), actor=None)
    agency = AgencyFactory(kind="immigration", email_domains="ice.example.gov")
    return make_officer(agency=agency, name="Jo Rivera")


def request_form(app, officer):
    page = app.get(reverse("portal:submit"), user=officer.user.username)
    form = next(f for f in page.forms.values() if "purpose" in f.fields)
    form["purpose"] = "criminal_investigation"
    form.get("categories", index=1).checked = True  # address
    form["subject_name"] = "Maria Lopez"
    form["attest"] = True
    return form


def test_a_recognised_document_pre_selects_its_type_to_be_checked(django_app, officer):
    form = request_form(django_app, officer)
    form["document_file"] = Upload("warrant.pdf", I200, "application/pdf")
    page = form.submit("send")
    assert "Recognised as I-200, filed as Administrative warrant" in page
    assert "check it" in page and officer_requests(officer).count() == 0
    form = next(f for f in page.forms.values() if "purpose" in f.fields)
    assert form["document_type"].value == "administrative_warrant"
    form["issuer"] = "immigration_officer"
    form["document_file"] = Upload("warrant.pdf", I200, "application/pdf")
    form["attest"] = True
    form.submit("send").follow()
    document = officer_requests(officer).get().documents.get()
    assert document.type == "administrative_warrant"


def test_the_officers_choice_is_kept_with_a_note(django_app, officer):
    form = request_form(django_app, officer)
    form["document_type"] = "judicial_warrant"
    form["issuer"] = "state_judge"
    form["document_file"] = Upload("warrant.pdf", I200, "application/pdf")
    page = form.submit("check")
    assert "not the type you chose: check it. Your choice is kept." in page
    form = next(f for f in page.forms.values() if "purpose" in f.fields)
    assert form["document_type"].value == "judicial_warrant"
    form["document_file"] = Upload("warrant.pdf", I200, "application/pdf")
    form.submit("send").follow()
    assert officer_requests(officer).get().documents.get().type == "judicial_warrant"


def test_an_unrecognised_file_without_a_type_asks_for_the_type(django_app, officer):
    form = request_form(django_app, officer)
    form["document_file"] = Upload("scan.pdf", text_pdf("A letter"), "application/pdf")
    page = form.submit("send")
    assert "Choose the type of the document you attached" in page
    assert officer_requests(officer).count() == 0
