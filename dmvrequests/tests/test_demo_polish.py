"""Issue 14, item 9: the demo as a new user meets it.

The application's own 404 page, a favicon, emails kept out of the terminal, every
demo user in the README, reports that open on a quarter with data, an attestation
that cites the active profile's law, and no "Department of Motor Vehicles's".
"""

from datetime import date, datetime, time
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from dmvrequests.cases.management.commands.seed_demo import USERS
from dmvrequests.policy.models import PolicyProfile
from dmvrequests.policy.services import profile_activate
from dmvrequests.reports.transparency import Period, attestation_statute
from dmvrequests.settings import BASE_DIR, parse_email_url
from dmvrequests.testing import make_case

pytestmark = pytest.mark.django_db


def test_an_unknown_address_gets_the_applications_own_404_page(client, clerk):
    client.force_login(clerk)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert "Go to your start page" in body


def test_favicon_is_served_and_linked(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.ico"
    assert finders.find("favicon.ico") and finders.find("favicon.svg")
    with open(str(finders.find("favicon.ico")), "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # an icon file
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'rel="icon" href="/static/favicon.ico"' in page


def test_emails_can_go_to_files():
    assert parse_email_url("file:sent-mail") == {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": BASE_DIR / "sent-mail",
    }
    assert parse_email_url("file:///var/mail/dmv")["EMAIL_FILE_PATH"] == Path("/var/mail/dmv")


def test_the_readme_and_gitignore_know_the_demo():
    readme = (BASE_DIR / "README.md").read_text()
    for username, *_ in USERS:
        assert f"| `{username}` |" in readme, username
    assert "sent-mail/" in (BASE_DIR / ".gitignore").read_text().split()


def _received(day):
    return timezone.make_aware(datetime.combine(day, time(10)))


class TestDefaultPeriod:
    def test_without_cases_it_is_the_last_complete_quarter(self):
        assert Period.default(date(2026, 11, 29)) == Period(2026, 3)

    def test_a_last_quarter_with_cases_is_chosen(self, office, clerk):
        make_case(office=office, actor=clerk, received_at=_received(date(2026, 8, 3)))
        make_case(office=office, actor=clerk, received_at=_received(date(2026, 11, 2)))
        assert Period.default(date(2026, 11, 29)) == Period(2026, 3)

    def test_an_empty_last_quarter_gives_way_to_the_latest_with_cases(self, office, clerk):
        make_case(office=office, actor=clerk)
        assert Period.default() == Period.of(timezone.localdate())
        assert Period.default() != Period.last_complete_quarter()

    def test_the_report_opens_on_it(self, client, office, clerk, administrator):
        make_case(office=office, actor=clerk)
        client.force_login(administrator)
        body = client.get(reverse("reports:transparency")).content.decode()
        assert Period.of(timezone.localdate()).label in body
        assert "Motor Vehicles's" not in body
        assert "disclosure-request system of the Department of Motor Vehicles" in body


class TestAttestation:
    @pytest.mark.parametrize(
        "slug,cited",
        [("ny", "N.Y. VTL 201(12)(a)"), ("co", "C.R.S. 24-74-105"), ("dppa", "18 U.S.C. 2721")],
    )
    def test_it_cites_the_active_profile(self, client, administrator, slug, cited):
        profile = PolicyProfile.objects.get(slug=slug)
        profile_activate(profile=profile, actor=administrator)
        assert attestation_statute(profile) == cited
        client.force_login(administrator)
        body = client.get(reverse("reports:attestation")).content.decode()
        assert f"under {cited}" in body
        if slug != "co":
            assert "C.R.S." not in body

    def test_without_a_profile_it_cites_nothing(self):
        assert attestation_statute(None) == ""


def test_the_demo_sign_in_page_names_the_demo_users(client, clerk, auditor):
    text = client.get(reverse("accounts:login")).content.decode()
    assert "Demo users: clerk, auditor;" in text


@pytest.mark.mfa
def test_with_mfa_on_no_user_is_named(client, clerk, auditor):
    text = client.get(reverse("accounts:login")).content.decode()
    assert "Demo users" not in text
