"""Webhooks: a status change of an agency's request is POSTed to the agency's HTTPS endpoint,
signed with HMAC-SHA256, retried with backoff, every attempt recorded. Only the outside
endpoint is mocked (webhooks._post)."""

import json
import socket
import time
import urllib.error

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
            raise ConnectionRefusedError("Connection refused")
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
    assert delivery.last_error == "The server refused the connection: check the address and port."
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


def test_a_public_name_for_an_internal_address_is_never_called(monkeypatch):
    def resolves_inside(host, port, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.1", port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolves_inside)
    with pytest.raises(ValueError, match="resolves to 10.0.0.1, an internal address"):
        webhooks._post("https://10.0.0.1.nip.io/h", b"{}", {})


def test_a_failure_is_said_in_words():
    unknown = urllib.error.URLError(socket.gaierror(-2, "Name or service not known"))
    assert (
        webhooks.failure_words(unknown) == "The host name was not found (DNS): check the address."
    )
    assert webhooks.failure_words(TimeoutError()).startswith("No answer within")
    assert "<urlopen error" not in webhooks.failure_words(urllib.error.URLError("odd"))
