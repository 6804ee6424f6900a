"""The API's frame: its OpenAPI document, one JSON error shape for every failure, token-only
authentication (no session, no CSRF), and no caching of its answers."""

import json

import pytest


def error_of(response):
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["message"]
    return body["error"]


@pytest.mark.django_db
def test_the_openapi_document_is_served_without_a_token(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/me" in document["paths"]
    assert document["components"]["securitySchemes"]["OfficerToken"]["scheme"] == "bearer"


@pytest.mark.django_db
def test_an_unknown_address_is_a_json_404(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    assert client.get("/api/v2/").json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_a_method_not_offered_is_a_json_405_with_allow(client):
    response = client.delete("/api/v1/me")
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


@pytest.mark.django_db
def test_no_token_is_a_json_401(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthenticated"
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.django_db
def test_an_unknown_token_is_refused_in_words(client):
    for token in ("nonsense", "dmv_0123456789ab_" + "x" * 43, "dmv__"):
        response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
        assert error_of(response)["code"] == "invalid_token"


@pytest.mark.django_db
def test_a_staff_session_opens_nothing(client, clerk):
    """The API never reads the session: a signed-in clerk's browser gets 401."""
    client.force_login(clerk)
    assert client.get("/api/v1/me").status_code == 401


@pytest.mark.django_db
def test_answers_are_never_cached(client):
    response = client.get("/api/v1/me")
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_body_over_the_limit_is_a_json_400(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(
        "/api/v1/me",
        data=json.dumps({"x": "y" * 2000}),
        content_type="application/json",
    )
    assert response.status_code in {400, 405}
    error_of(response)
