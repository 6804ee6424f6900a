"""The quarantine's forms, filled and submitted as the pages render them (WebTest)."""

import hashlib

import pytest
from django.urls import reverse

from dmvrequests.cases.models import DisclosureRequest
from dmvrequests.intake.models import InboundMessage
from dmvrequests.intake.services import message_ingest
from dmvrequests.intake.tests.conftest import PDF, make_email

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(db):
    raw = make_email(
        sender="Unknown Sender <someone@unknown.example>",
        subject="Driver record request",
        attachments=[("warrant.pdf", PDF)],
    )
    assert message_ingest(raw=raw, source="file").result == "quarantined"
    return InboundMessage.objects.get(raw_sha256=hashlib.sha256(raw).hexdigest())


def detail(app, message):
    return app.get(reverse("intake:quarantine_detail", args=[message.pk]), user="clerk")


def form_posting_to(page, url):
    return next(f for f in page.forms.values() if f.action == url)


def test_the_clerk_releases_a_held_email_into_a_case(django_app, clerk, office, ice, held):
    page = django_app.get(reverse("intake:quarantine"), user="clerk")
    page = page.click(description="Driver record request")
    form = form_posting_to(page, reverse("intake:quarantine_release", args=[held.pk]))
    form["agency"] = str(ice.pk)
    form["office"] = str(office.pk)
    page = form.submit().follow()
    case = DisclosureRequest.objects.get()
    assert case.documents.count() == 1
    assert f"Released into case {case.number}" in page.text


def test_a_release_without_an_agency_is_marked(django_app, clerk, office, held):
    form = form_posting_to(
        detail(django_app, held), reverse("intake:quarantine_release", args=[held.pk])
    )
    form["agency"] = ""
    form["office"] = str(office.pk)
    page = form.submit()
    control = page.html.find(attrs={"name": "agency"})
    assert "usa-input--error" in control["class"]
    assert page.html.find(id="error-summary") is not None
    assert page.html.find(attrs={"name": "office"}).find("option", selected=True)["value"] == str(
        office.pk
    )
    assert not DisclosureRequest.objects.exists()


def test_discarding_asks_for_confirmation_then_discards(django_app, clerk, held):
    confirm = detail(django_app, held).click(description="Discard this email")
    held.refresh_from_db()
    assert held.is_held
    form = confirm.forms["discard-form"]
    form["reason"] = "Advertising, not a request."
    page = form.submit().follow()
    held.refresh_from_db()
    assert held.quarantine_status == "discarded"
    assert "Message discarded" in page.text


def test_a_discard_without_a_reason_is_marked(django_app, clerk, held):
    confirm = detail(django_app, held).click(description="Discard this email")
    page = confirm.forms["discard-form"].submit()
    control = page.html.find(attrs={"name": "reason"})
    assert "usa-input--error" in control["class"] and control["aria-invalid"] == "true"
    assert "reason-error" in control["aria-describedby"]
    held.refresh_from_db()
    assert held.is_held
