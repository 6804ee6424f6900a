"""Webhooks: a status change of an agency's request is POSTed to the agency's HTTPS endpoint,
signed with HMAC-SHA256, retried with backoff, every attempt recorded. Only the outside
endpoint is mocked (webhooks._post)."""

import json
import time

import pytest
from django.core.exceptions import ValidationError

from dmvrequests.api import tasks, webhooks
from dmvrequests.api.models import DeliveryState, WebhookDelivery
from dmvrequests.api.tests.test_requests import NEW
from dmvrequests.cases import services
from dmvrequests.cases.selectors import officer_case_get


class Endpoint:
    """The agency's endpoint: answers the statuses given, in turn, and keeps what it got."""

    def __init__(self, *statuses):
        self.statuses, self.calls = list(statuses), []

    def __call__(self, url, body, headers):
        self.calls.append((url, body, headers))
        status = self.statuses.pop(0) if self.statuses else 200
        if status is None:
            raise OSError("Connection refused")
        return status


@pytest.fixture
def endpoint(monkeypatch):
    def install(*statuses):
        fake = Endpoint(*statuses)
        monkeypatch.setattr(webhooks, "_post", fake)
        return fake

    return install


@pytest.fixture
def hook(agency):
    return webhooks.webhook_set(agency=agency, url="https://cases.albanypd.example.gov/dmv")


def submitted(api, clerk, django_capture_on_commit_callbacks):
    number = api.post("/api/v1/requests", NEW, key="new").json()["number"]
    case = officer_case_get(api.officer, number)
    with django_capture_on_commit_callbacks(execute=True):
        services.case_submit(case=case, actor=clerk)
    return number


@pytest.mark.django_db
def test_a_status_change_is_posted_signed(
    api, clerk, hook, endpoint, office, django_capture_on_commit_callbacks
):
    fake = endpoint(200)
    number = submitted(api, clerk, django_capture_on_commit_callbacks)
    ((url, body, headers),) = fake.calls
    assert url == "https://cases.albanypd.example.gov/dmv"
    event = json.loads(body)
    assert event["type"] == "request.status_changed"
    assert event["request"] == {
        "number": number,
        "status": "in_review",
        "status_words": "In legal review",
        "previous_status": "received",
    }
    assert webhooks.verify(hook.secret, headers["X-DMV-Signature"], body, now=time.time())
    assert not webhooks.verify("another secret", headers["X-DMV-Signature"], body, now=time.time())
    assert not webhooks.verify(
        hook.secret, headers["X-DMV-Signature"], body + b" ", now=time.time()
    )
    assert not webhooks.verify(
        hook.secret, headers["X-DMV-Signature"], body, now=time.time() + 3600
    )
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert headers["X-DMV-Event-Id"] == str(delivery.event_id)


def run_again(delivery):
    """What the worker does at each retry: the task again, for the same delivery."""
    return tasks.webhook_deliver.apply(args=(delivery.pk,)).get()


@pytest.mark.django_db
def test_a_failed_call_is_retried_until_it_succeeds(
    api, clerk, hook, endpoint, office, django_capture_on_commit_callbacks
):
    fake = endpoint(500, None, 200)
    submitted(api, clerk, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("retrying", 1, 500)
    assert run_again(delivery) == "retrying"
    delivery.refresh_from_db()
    assert delivery.last_error == "Connection refused"
    assert run_again(delivery) == "delivered"
    assert run_again(delivery) == "delivered"  # a late duplicate sends nothing
    assert len(fake.calls) == 3
    assert len({headers["X-DMV-Event-Id"] for _, _, headers in fake.calls}) == 1


@pytest.mark.django_db
def test_a_call_that_keeps_failing_is_given_up_and_recorded(
    api, clerk, hook, endpoint, office, django_capture_on_commit_callbacks
):
    fake = endpoint(*([503] * (webhooks.MAX_ATTEMPTS + 1)))
    submitted(api, clerk, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    for _ in range(webhooks.MAX_ATTEMPTS):
        run_again(delivery)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.FAILED, webhooks.MAX_ATTEMPTS)
    assert delivery.last_status_code == 503
    assert len(fake.calls) == webhooks.MAX_ATTEMPTS


def test_the_backoff_doubles():
    assert [webhooks.backoff_seconds(n) for n in (1, 2, 3, 4)] == [60, 120, 240, 480]


@pytest.mark.django_db
def test_another_agencys_change_is_not_sent(
    client, api, outsider, clerk, hook, endpoint, office, django_capture_on_commit_callbacks
):
    from dmvrequests.api.tests.conftest import caller_for

    fake = endpoint()
    submitted(caller_for(client, outsider), clerk, django_capture_on_commit_callbacks)
    assert fake.calls == []
    assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db
def test_only_https_endpoints(agency):
    with pytest.raises(ValidationError):
        webhooks.webhook_set(agency=agency, url="http://cases.albanypd.example.gov/dmv")


@pytest.mark.django_db
def test_the_command_sets_the_webhook_and_prints_its_secret(agency):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command(
        "api_webhook_set", "--agency", agency.slug, "--url", "https://x.example.gov/h", stdout=out
    )
    assert out.getvalue().strip().splitlines()[-1] == agency.webhook.secret
    assert len(agency.webhook.secret) == 64
