"""The API's pages on the portal, through the forms as rendered: an officer's tokens (made and
shown once, listed with their last use, revoked; each officer sees only their own) and the
agency's webhook (its portal administrator sets it, sees its secret once, rotates it, reads
the deliveries; DMV administrators set any agency's)."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dmvrequests.api import webhooks
from dmvrequests.api.models import ApiToken, DeliveryState, Webhook, WebhookDelivery
from dmvrequests.api.tokens import token_find
from dmvrequests.api.webhooks import webhook_set
from dmvrequests.audit.models import AuditRecord
from dmvrequests.testing import AgencyFactory, make_officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def app(django_app):
    return django_app


@pytest.fixture
def agency():
    return AgencyFactory(name="Albany Police Department", email_domains="albanypd.example.gov")


@pytest.fixture
def officer(agency):
    return make_officer(agency=agency, name="Jo Rivera")


@pytest.fixture
def chief(agency):
    return make_officer(agency=agency, name="Ana Ruiz", is_portal_admin=True)


def form_with(page, field):
    return next(f for f in page.forms.values() if field in f.fields)


def make_token(app, officer, name="Case system", days="30"):
    page = app.get(reverse("portal_api:tokens"), user=officer.user.username)
    form = form_with(page, "days")
    form["name"] = name
    form["days"] = days
    return form.submit()


def test_an_officer_makes_a_token_sees_it_once_and_revokes_it(app, officer):
    page = make_token(app, officer)
    token = page.html.find(id="token-value")["value"]
    assert token.startswith("dmv_") and "shown this once" in page
    row = ApiToken.objects.get(user=officer.user)
    assert token_find(token) == row  # it works, and its use is recorded
    page = app.get(reverse("portal_api:tokens"), user=officer.user.username)
    assert token not in page and "Case system" in page and "Works until" in page
    assert "Never used" not in page  # last used: just now
    revoke = next(f for f in page.forms.values() if f.action.endswith("/revoke/"))
    page = revoke.submit().follow()
    assert "is revoked; it stops working at once" in page and "Revoked on" in page
    assert token_find(token) is None


def test_bad_input_says_what_to_do_and_makes_nothing(app, officer):
    page = make_token(app, officer, name="", days="400")
    assert "No token was made" in page and "less than or equal to 365" in page
    assert not ApiToken.objects.exists()


def test_each_officer_sees_and_revokes_only_their_own_tokens(
    app, django_app_factory, officer, agency, chief
):
    make_token(app, officer, name="Jo's system")
    mine = ApiToken.objects.get()
    page = app.get(reverse("portal_api:tokens"), user=chief.user.username)
    assert "Jo&#x27;s system" not in page.text and "Jo's system" not in page.text
    waiting = make_officer(agency=agency, approved=False)
    app.get(reverse("portal_api:tokens"), user=waiting.user.username, status=403)
    poster = django_app_factory(csrf_checks=False)
    url = reverse("portal_api:token_revoke", args=[mine.pk])
    poster.post(url, user=chief.user.username, status=404)
    stranger = make_officer(agency=AgencyFactory(email_domains="else.example.gov"))
    poster.post(url, user=stranger.user.username, status=404)
    mine.refresh_from_db()
    assert mine.revoked_at is None


def test_staff_never_reach_the_token_page(app, clerk, administrator):
    app.get(reverse("portal_api:tokens"), user=clerk.username, status=403)
    app.get(reverse("portal_api:webhook"), user=administrator.username, status=403)


def test_a_refusal_says_why_and_whom_an_officer_asks(app, agency):
    waiting = make_officer(agency=agency, name="Lee Park", approved=False)
    page = app.get(reverse("portal_api:tokens"), user=waiting.user.username, status=403)
    assert "your registration is not approved yet" in page.text
    assert "ask your agency's portal administrator" in page.text
    assert "change your role" not in page.text


def test_a_refusal_tells_staff_to_ask_an_administrator(app, clerk):
    page = app.get(reverse("portal_api:tokens"), user=clerk.username, status=403)
    assert "ask an administrator to change your role" in page.text


def test_the_portal_administrator_sets_the_webhook_and_rotates_its_secret(app, chief, officer):
    page = app.get(reverse("portal_api:webhook"), user=chief.user.username)
    form = form_with(page, "url")
    form["url"] = "http://cases.albanypd.example.gov/dmv"
    page = form.submit()
    assert "Give an https:// address" in page and not Webhook.objects.exists()
    form = form_with(page, "url")
    form["url"] = "https://10.0.0.5/dmv"
    assert "does not call its own network" in form.submit()
    form["url"] = "https://cases.albanypd.example.gov/dmv"
    page = form.submit()
    webhook = Webhook.objects.get()
    assert page.html.find(id="secret-value")["value"] == webhook.secret
    page = app.get(reverse("portal_api:webhook"), user=chief.user.username)
    assert webhook.secret not in page and "cases.albanypd.example.gov" in page
    old = webhook.secret
    rotate = next(f for f in page.forms.values() if f.action.endswith("/rotate/"))
    page = rotate.submit()
    webhook.refresh_from_db()
    assert webhook.secret != old and page.html.find(id="secret-value")["value"] == webhook.secret
    form = form_with(page, "url")
    form["active"] = False
    page = form.submit().follow()
    assert "kept but not called" in page
    app.get(reverse("portal_api:webhook"), user=officer.user.username, status=403)


def failed_call(agency, *, status_words="Needs information", attempts=2):
    """A call of the agency's webhook that failed with 503 and waits for its next try."""
    webhook = webhook_set(agency=agency, url="https://cases.albanypd.example.gov/dmv")
    return WebhookDelivery.objects.create(
        webhook=webhook,
        event_id=uuid.uuid4(),
        event="request.status_changed",
        case_number="DR-2026-000123",
        payload={"request": {"status_words": status_words}},
        state=DeliveryState.RETRYING,
        attempts=attempts,
        last_status_code=503,
    )


def test_the_deliveries_show_state_and_tries(app, chief, agency, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # with a task worker, failed calls are retried
    failed_call(agency)
    other = webhook_set(
        agency=AgencyFactory(email_domains="x.example.gov"), url="https://x.example.gov/h"
    )
    WebhookDelivery.objects.create(
        webhook=other,
        event_id="6b0e3b1c-2d1f-4a8e-9b7e-0f1b2c3d4e5f",
        event="request.status_changed",
        case_number="DR-2026-000999",
        payload={},
    )
    page = app.get(reverse("portal_api:webhook"), user=chief.user.username)
    assert "DR-2026-000123" in page and "Failed; will try again" in page
    assert "HTTP status 503" in page and "DR-2026-000999" not in page
    settings.CELERY_TASK_ALWAYS_EAGER = True  # no worker: nothing retries by itself
    page = app.get(reverse("portal_api:webhook"), user=chief.user.username)
    assert "Failed; will try again" not in page
    assert "is not tried again by itself" in page


class TestSendAgain:
    """A failed call is tried again at once from the webhook page: the only way with tasks
    run in the web process (`make run`), where nothing retries by itself. The agency's
    endpoint is the outside world: webhooks._post is replaced."""

    @pytest.fixture
    def failed(self, agency, settings):
        settings.CELERY_TASK_ALWAYS_EAGER = True  # as `make run`: no worker retries it
        return failed_call(agency, status_words="Decided", attempts=1)

    def send_again(self, app, chief):
        page = app.get(reverse("portal_api:webhook"), user=chief.user.username)
        assert "is not tried again by itself" in page  # tasks run in-process in the tests
        (form,) = [f for f in page.forms.values() if "send-again" in (f.action or "")]
        return form.submit().follow()

    def test_it_is_received_when_the_system_answers(self, app, chief, failed, monkeypatch):
        monkeypatch.setattr(webhooks, "_post", lambda url, body, headers: 204)
        page = self.send_again(app, chief)
        assert "The call about DR-2026-000123 was received." in page
        failed.refresh_from_db()
        assert (failed.state, failed.attempts) == (DeliveryState.DELIVERED, 2)
        assert not [f for f in page.forms.values() if "send-again" in (f.action or "")]

    def test_a_second_failure_is_said_with_the_answer(self, app, chief, failed, monkeypatch):
        monkeypatch.setattr(webhooks, "_post", lambda url, body, headers: 502)
        page = self.send_again(app, chief)
        assert "failed again (HTTP status 502)" in page

    def test_no_answer_is_said_once(self, app, chief, failed, monkeypatch):
        def unreachable(url, body, headers):
            raise OSError("Name or service not known")

        monkeypatch.setattr(webhooks, "_post", unreachable)
        page = self.send_again(app, chief)
        text = " ".join(page.html.get_text(" ").split())
        assert "failed again, with no answer:" in text and ".)." not in text
        failed.refresh_from_db()
        assert (failed.state, failed.attempts) == (DeliveryState.RETRYING, 2)

    def test_another_agencys_call_is_not_found(self, django_app_factory, failed, monkeypatch):
        monkeypatch.setattr(webhooks, "_post", lambda url, body, headers: 204)
        other = make_officer(
            agency=AgencyFactory(email_domains="y.example.gov"), name="Al Ng", is_portal_admin=True
        )
        app = django_app_factory(csrf_checks=False)  # a hand-made post: no form of ours
        url = reverse("portal_api:webhook_send_again", args=[failed.pk])
        app.post(url, user=other.user.username, status=404)
        failed.refresh_from_db()
        assert failed.attempts == 1

    def test_a_received_call_is_not_sent_again(self, failed):
        failed.state = DeliveryState.DELIVERED
        with pytest.raises(ValidationError, match="received already"):
            webhooks.delivery_send_again(failed)


def test_dmv_administrators_set_an_agencys_webhook(app, administrator, agency, clerk):
    page = app.get(reverse("portal_api:staff_webhooks"), user=administrator.username)
    form = form_with(page, "url")
    form["agency"] = agency.pk
    form["url"] = "https://localhost/hook"
    assert "does not call its own network" in form.submit()
    form["url"] = "https://cases.albanypd.example.gov/dmv"
    page = form.submit()
    webhook = Webhook.objects.get()
    assert page.html.find(id="secret-value")["value"] == webhook.secret
    form = form_with(page, "url")
    form["agency"] = agency.pk
    form["url"] = "https://cases.albanypd.example.gov/dmv2"
    page = form.submit().follow()
    assert "is saved" in page and webhook.secret not in page
    form = form_with(page, "url")
    form["agency"] = agency.pk
    form["url"] = "https://cases.albanypd.example.gov/dmv2"
    form["rotate"] = True
    page = form.submit()
    old = webhook.secret
    webhook.refresh_from_db()
    assert webhook.secret != old and "The new signing secret" in page
    app.get(reverse("portal_api:staff_webhooks"), user=clerk.username, status=403)


def test_token_and_webhook_changes_are_in_the_audit_trail(app, chief):
    make_token(app, chief, name="Records system")
    token = ApiToken.objects.get(user=chief.user)
    page = app.get(reverse("portal_api:tokens"), user=chief.user.username)
    next(f for f in page.forms.values() if f.action.endswith(f"/{token.pk}/revoke/")).submit()
    page = app.get(reverse("portal_api:webhook"), user=chief.user.username)
    form = form_with(page, "url")
    form["url"] = "https://cases.albanypd.example.gov/dmv"
    form.submit()
    records = AuditRecord.objects.filter(user=chief.user, kind="auth").exclude(action="sign_in")
    records = records.order_by("seq")
    assert [r.action for r in records] == ["api_token_create", "api_token_revoke", "webhook_set"]
    assert records[0].detail["name"] == "Records system"
    secret = Webhook.objects.get().secret
    assert all(secret not in str(r.detail) for r in records)
