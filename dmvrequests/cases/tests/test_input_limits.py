"""Issue 14, item 6: input limits that say so.

The received time starts at now, may not be in the future, and may be older
than RECEIVED_AT_MAX_AGE_DAYS only with a tick; names and the narrative state
their limits and refuse longer text with a message (no browser maxlength that
cuts pasted text); long unbroken words wrap on the page.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dmvrequests.cases.forms import NAME_MAX_LENGTH, NARRATIVE_MAX_LENGTH, RequestForm
from dmvrequests.cases.models import DisclosureRequest
from dmvrequests.settings import BASE_DIR
from dmvrequests.testing import AgencyFactory, make_case

pytestmark = pytest.mark.django_db


def local_input(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def agency():
    return AgencyFactory()


def data(agency, **changes):
    values = {
        "channel": "phone",
        "received_at": local_input(timezone.now() - timedelta(hours=1)),
        "agency": agency.pk,
        "requester_name": "Det. Sam Ortiz",
        "purpose": "criminal_investigation",
        "categories": ["address"],
        "subject_name": "Maria Lopez",
        # The page's (empty) list of documents.
        "docs-TOTAL_FORMS": "0",
        "docs-INITIAL_FORMS": "0",
        "docs-MIN_NUM_FORMS": "0",
        "docs-MAX_NUM_FORMS": "10",
    }
    values.update(changes)
    return values


class TestReceivedTime:
    def test_a_new_form_starts_at_now(self):
        initial = RequestForm().initial["received_at"]
        assert abs(timezone.now() - initial) < timedelta(minutes=2)

    def test_the_page_shows_it(self, client, clerk):
        client.force_login(clerk)
        body = client.get(reverse("cases:create")).content.decode()
        field = re.findall(r'<input[^>]*name="received_at"[^>]*>', body)[0]
        assert f'value="{timezone.localdate():%Y-%m-%d}T' in field

    def test_a_recent_time_is_accepted(self, agency):
        assert RequestForm(data(agency)).is_valid()

    def test_the_future_is_refused(self, agency):
        form = RequestForm(
            data(agency, received_at=local_input(timezone.now() + timedelta(days=1)))
        )
        assert not form.is_valid()
        assert "in the future" in form.errors["received_at"][0]

    def test_1999_needs_the_tick(self, agency):
        form = RequestForm(data(agency, received_at="1999-03-01T10:00"))
        assert not form.is_valid()
        (message,) = form.errors["received_at"]
        assert "Mar 1, 1999" in message and "more than a year ago" in message
        ticked = RequestForm(data(agency, received_at="1999-03-01T10:00", received_long_ago="on"))
        assert ticked.is_valid(), ticked.errors

    def test_1899_is_outside_the_one_date_rule_tick_or_not(self, agency):
        ticked = RequestForm(data(agency, received_at="1899-03-01T10:00", received_long_ago="on"))
        assert ticked.errors["received_at"] == ["Enter a date between 1900 and 2199."]

    def test_the_horizon_comes_from_the_settings(self, agency, settings):
        settings.RECEIVED_AT_MAX_AGE_DAYS = 30
        old = local_input(timezone.now() - timedelta(days=40))
        form = RequestForm(data(agency, received_at=old))
        assert not form.is_valid()
        assert "more than 30 days ago" in form.errors["received_at"][0]
        assert "30 days" in form.fields["received_long_ago"].help_text
        settings.RECEIVED_AT_MAX_AGE_DAYS = 60
        assert RequestForm(data(agency, received_at=old)).is_valid()

    def test_the_page_asks_for_the_tick_only_when_needed(self, client, clerk, agency):
        client.force_login(clerk)
        page = client.get(reverse("cases:create")).content.decode()
        assert 'name="received_long_ago"' not in page
        response = client.post(
            reverse("cases:create"), data(agency, received_at="1999-03-01T10:00")
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert 'name="received_long_ago"' in body
        assert 'value="1999-03-01T10:00"' in body  # what was typed is kept
        assert not DisclosureRequest.objects.exists()
        response = client.post(
            reverse("cases:create"),
            data(agency, received_at="1999-03-01T10:00", received_long_ago="on"),
        )
        assert response.status_code == 302
        case = DisclosureRequest.objects.get()
        assert timezone.localtime(case.received_at).year == 1999

    def test_a_future_time_does_not_ask_for_the_old_date_tick(self, django_app, clerk, agency):
        """Newcomer's finding (#17, 8): the tick box is for the old-date error only."""
        page = django_app.get(reverse("cases:create"), user=clerk.username)
        form = next(f for f in page.forms.values() if "received_at" in f.fields)
        for name, value in data(agency).items():
            if name in form.fields and name != "received_at":
                form[name] = value
        future = timezone.localtime() + timedelta(days=3)
        form["received_at"] = future.strftime("%Y-%m-%dT%H:%M")
        page = form.submit(status="*")
        assert page.status_code in (200, 400)
        assert "in the future" in page.html.find(id="error-summary").text
        assert page.html.find(attrs={"name": "received_long_ago"}) is None
        assert not DisclosureRequest.objects.exists()

    def test_an_edit_that_keeps_an_old_time_needs_no_tick(self, office, clerk, agency):
        old = (timezone.now() - timedelta(days=800)).replace(second=0, microsecond=0)
        case = make_case(office=office, actor=clerk, agency=agency, received_at=old)
        case.refresh_from_db()
        assert RequestForm(data(agency, received_at=local_input(old)), case=case).is_valid()
        moved = local_input(old - timedelta(days=1))
        assert not RequestForm(data(agency, received_at=moved), case=case).is_valid()


class TestTextLimits:
    def test_the_limits_are_stated(self):
        form = RequestForm()
        assert f"Up to {NAME_MAX_LENGTH} characters." in form.fields["subject_name"].help_text
        assert f"Up to {NAME_MAX_LENGTH} characters." in form.fields["requester_name"].help_text
        assert f"Up to {NARRATIVE_MAX_LENGTH:,} characters." in form.fields["narrative"].help_text

    def test_the_browser_does_not_cut_pasted_text(self, client, clerk):
        client.force_login(clerk)
        body = client.get(reverse("cases:create")).content.decode()
        for name in ("subject_name", "requester_name", "narrative"):
            tag = re.findall(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', body)[0]
            assert "maxlength" not in tag, name

    def test_a_long_name_is_refused_with_its_length(self, agency):
        form = RequestForm(data(agency, subject_name="x" * 250))
        assert not form.is_valid()
        assert form.errors["subject_name"] == [
            "The subject's name can be at most 200 characters; this one has 250. Shorten it."
        ]

    def test_the_narrative_has_a_limit(self, agency):
        assert RequestForm(data(agency, narrative="a" * NARRATIVE_MAX_LENGTH)).is_valid()
        form = RequestForm(data(agency, narrative="a" * 6000))
        assert not form.is_valid()
        assert "at most 5,000 characters; this one has 6,000" in form.errors["narrative"][0]

    def test_the_page_keeps_the_long_text_and_marks_the_field(self, client, clerk, agency):
        client.force_login(clerk)
        long_name = "Maria " * 45
        response = client.post(reverse("cases:create"), data(agency, subject_name=long_name))
        assert response.status_code == 200
        body = response.content.decode()
        assert "this one has 269" in body  # the spaces at the ends do not count
        assert long_name.strip() in body


def test_long_unbroken_words_wrap_on_every_page():
    css = (BASE_DIR / "static" / "css" / "app.css").read_text()
    assert re.search(r"#main-content\s*\{[^}]*overflow-wrap:\s*break-word", css)
    assert re.search(r"#main-content td\s*\{[^}]*overflow-wrap:\s*anywhere", css)
