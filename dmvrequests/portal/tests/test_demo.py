"""`make run`'s demo data shows the portal: an agency with a portal administrator who signs in
with the demo password, two requests sent through the portal, an officer waiting."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from dmvrequests.agencies.models import Officer, OfficerApproval
from dmvrequests.cases.management.commands.seed_demo import PORTAL_OFFICER
from dmvrequests.cases.selectors import officer_requests

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_agency_with_officers_and_portal_requests(monkeypatch, django_app, capsys):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    call_command("seed_demo")
    assert PORTAL_OFFICER in capsys.readouterr().out
    detective = Officer.objects.get(email=PORTAL_OFFICER)
    assert detective.is_portal_admin and detective.may_see_requests
    assert detective.user.check_password("demo-password-for-tests")
    cases = [c for c in officer_requests(detective) if c.channel == "portal"]
    assert len(cases) == 2
    assert Officer.objects.filter(
        agency=detective.agency, approval=OfficerApproval.PENDING
    ).exists()
    page = django_app.get(reverse("portal:login"))
    form = next(f for f in page.forms.values() if "username" in f.fields)
    form["username"], form["password"] = PORTAL_OFFICER, "demo-password-for-tests"
    home = form.submit().follow()
    assert all(case.number in home for case in cases)
    certifications = home.click("Certifications", index=0)
    assert "Valid until" in certifications and "attested on the portal" in certifications
