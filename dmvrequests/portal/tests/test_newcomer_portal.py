"""A newcomer's findings on the portal's new-request form, each as the officer meets it on
the page (the form as rendered): an "Issued on" date a week ahead was accepted, and a
5,200-character narrative was cut to 5,000 by the browser (maxlength) without a word."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from webtest import Upload

from dmvrequests.cases.selectors import officer_requests
from dmvrequests.policy.models import PolicyProfile
from dmvrequests.policy.services import profile_activate
from dmvrequests.portal.status_forms import AnswerForm, MessageForm
from dmvrequests.testing import AgencyFactory, make_officer

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def officer(office):
    profile_activate(profile=PolicyProfile.objects.get(slug="ny"), actor=None)
    agency = AgencyFactory(name="Albany Police Department", email_domains="albanypd.example.gov")
    return make_officer(agency=agency, name="Jo Rivera", badge="4411")


def request_form(app, officer, **values):
    page = app.get(reverse("portal:submit"), user=officer.user.username)
    form = next(f for f in page.forms.values() if "purpose" in f.fields)
    form["purpose"] = "criminal_investigation"
    form.get("categories", index=1).checked = True  # address
    form["subject_name"] = "Maria Lopez"
    form["narrative"] = "Hit and run on Route 9, March 2."
    form["document_type"] = "court_order"
    form["issuer"] = "state_judge"
    form["court"] = "Albany County Court"
    form["document_file"] = Upload("order.pdf", PDF, "application/pdf")
    form["attest"] = True
    for name, value in values.items():
        form[name] = value
    return form


def error_at(page, name):
    found = page.html.find(id=f"{name}-error")
    return " ".join(found.text.split()) if found else ""


class TestIssuedOn:
    def test_a_date_a_week_ahead_is_refused_and_nothing_is_sent(self, django_app, officer):
        ahead = timezone.localdate() + timedelta(days=7)
        page = request_form(django_app, officer, issued_on=ahead.isoformat()).submit("send")
        said = error_at(page, "issued_on")
        assert f"The issue date, {ahead:%B} {ahead.day}, {ahead:%Y}, is in the future" in said
        assert "enter the day the document was signed or issued" in said
        assert "Nothing was sent" in page.text
        assert officer_requests(officer).count() == 0
        form = next(f for f in page.forms.values() if "purpose" in f.fields)
        assert form["issued_on"].value == ahead.isoformat()
        assert form["narrative"].value == "Hit and run on Route 9, March 2."

    def test_today_is_accepted(self, django_app, officer):
        today = timezone.localdate().isoformat()
        page = request_form(django_app, officer, issued_on=today).submit("send").follow()
        assert "Your request is received as" in page.text
        assert officer_requests(officer).get().documents.get().issued_on.isoformat() == today

    def test_today_is_the_states_today_not_the_servers(self, monkeypatch):
        # 02:00 UTC on March 10 is still March 9 in New York (TIME_ZONE, the state's).
        monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 3, 10, 2, tzinfo=UTC))
        answer = {"answer": "Here it is.", "document_type": "none", "issuer": "none"}
        form = AnswerForm({**answer, "issued_on": "2026-03-10"})
        assert not form.is_valid()
        assert "is in the future" in form.errors["issued_on"][0]
        assert "today, March 9, 2026, at the latest" in form.errors["issued_on"][0]
        assert AnswerForm({**answer, "issued_on": "2026-03-09"}).is_valid()


class TestLongText:
    def test_the_browser_does_not_cut_the_narrative(self, django_app, officer):
        page = django_app.get(reverse("portal:submit"), user=officer.user.username)
        assert "maxlength" not in str(page.html.find("textarea", attrs={"name": "narrative"}))

    def test_a_long_narrative_is_refused_with_the_limit_and_the_count_and_kept(
        self, django_app, officer
    ):
        text = "x" * 5200
        page = request_form(django_app, officer, narrative=text).submit("send")
        said = error_at(page, "narrative")
        assert said == (
            "What you need and why can be at most 5,000 characters; this one has 5,200. Shorten it."
        )
        form = next(f for f in page.forms.values() if "purpose" in f.fields)
        assert form["narrative"].value.strip() == text
        assert officer_requests(officer).count() == 0

    def test_the_answer_and_messages_are_not_cut_either(self):
        for form, name, what in (
            (AnswerForm, "answer", "Your answer"),
            (MessageForm, "body", "A message"),
        ):
            assert "maxlength" not in str(form()[name])
            bound = form({name: "y" * 5001})
            assert not bound.is_valid()
            assert bound.errors[name] == [
                f"{what} can be at most 5,000 characters; this one has 5,001. Shorten it."
            ]

    def test_the_courts_state_is_not_cut_to_another_state(self, django_app, officer):
        page = django_app.get(reverse("portal:submit"), user=officer.user.username)
        assert "maxlength" not in str(page.html.find("input", attrs={"name": "court_state"}))
        page = request_form(django_app, officer, court_state="New York").submit("send")
        assert error_at(page, "court_state") == (
            "NEW YORK is not a state code; use two letters such as NY."
        )
        assert officer_requests(officer).count() == 0
