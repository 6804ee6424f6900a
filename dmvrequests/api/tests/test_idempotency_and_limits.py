"""Idempotency keys on POST, the rate limit per token, and tokens refused once expired or
revoked, as a client meets them."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dmvrequests.api.models import ApiToken
from dmvrequests.api.tests.conftest import caller_for
from dmvrequests.api.tests.test_requests import NEW, PDF
from dmvrequests.api.tokens import token_revoke
from dmvrequests.cases.selectors import officer_requests


@pytest.mark.django_db
def test_the_same_key_and_request_replays_the_answer(api, office):
    first = api.post("/api/v1/requests", NEW, key="same")
    again = api.post("/api/v1/requests", NEW, key="same")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert officer_requests(api.officer).count() == 1


@pytest.mark.django_db
def test_the_same_key_with_another_request_is_refused(api, office):
    api.post("/api/v1/requests", NEW, key="same")
    response = api.post("/api/v1/requests", {**NEW, "subject_name": "Other"}, key="same")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert officer_requests(api.officer).count() == 1


@pytest.mark.django_db
def test_a_failed_request_keeps_nothing_under_its_key(api, office):
    assert api.post("/api/v1/requests", {**NEW, "attested": False}, key="k").status_code == 422
    assert api.post("/api/v1/requests", NEW, key="k").status_code == 201


@pytest.mark.django_db
def test_keys_are_per_officer(client, api, colleague, office):
    api.post("/api/v1/requests", NEW, key="shared")
    other = caller_for(client, colleague)
    response = other.post("/api/v1/requests", NEW, key="shared")
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response


@pytest.mark.django_db
def test_a_file_sent_again_with_its_key_is_attached_once(api, office):
    number = api.post("/api/v1/requests", NEW, key="new").json()["number"]
    for _ in range(2):
        response = api.post(
            f"/api/v1/requests/{number}/documents",
            {"file": SimpleUploadedFile("order.pdf", PDF), "type": "court_order"},
            key="doc",
            json=False,
        )
        assert response.status_code == 201
    assert len(api.get(f"/api/v1/requests/{number}").json()["documents"]) == 1


@pytest.mark.django_db
def test_a_post_without_a_key_is_refused_at_the_header(api, office):
    response = api.post("/api/v1/requests", NEW, key=None)
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["error"]["fields"]
    assert officer_requests(api.officer).count() == 0


@pytest.mark.django_db
def test_the_rate_limit_answers_429_with_retry_after(api, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    assert all(api.get("/api/v1/me").status_code == 200 for _ in range(3))
    response = api.get("/api/v1/me")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 60


@pytest.mark.django_db
def test_the_limit_is_per_token(client, api, colleague, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 1
    assert api.get("/api/v1/me").status_code == 200
    assert api.get("/api/v1/me").status_code == 429
    assert caller_for(client, colleague).get("/api/v1/me").status_code == 200


@pytest.mark.django_db
def test_an_expired_token_is_refused(api):
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = api.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"


@pytest.mark.django_db
def test_a_revoked_token_is_refused_at_once(api):
    assert api.get("/api/v1/me").status_code == 200
    token_revoke(token=ApiToken.objects.get(), actor=api.officer.user)
    assert api.get("/api/v1/me").status_code == 401


@pytest.mark.django_db
def test_a_deactivated_officers_token_is_refused(api):
    from dmvrequests.agencies.services import officer_deactivate

    officer_deactivate(officer=api.officer, actor=None, reason="Left the agency.")
    assert api.get("/api/v1/me").status_code == 401


@pytest.mark.django_db
def test_me_says_who_the_token_is(api):
    body = api.get("/api/v1/me").json()
    assert body["name"] == "Dana Reyes"
    assert body["agency"] == "Albany Police Department"
    assert body["may_submit"] is True
    assert body["portal_administrator"] is False
