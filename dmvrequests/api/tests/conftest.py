"""Two agencies, two officers of the first (one its portal administrator) and one of the
second, each with a token; `api` calls the API as one of them."""

import pytest
from django.core.cache import cache

from dmvrequests.api.tokens import token_create
from dmvrequests.testing import AgencyFactory, make_officer


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the rate-limit counters live there, keyed by token
    id, and ids repeat after a test's rollback, so another test's calls would count."""
    cache.clear()
    yield
    cache.clear()


class Caller:
    """Calls the API with one officer's token through Django's test client."""

    def __init__(self, client, officer, token):
        self.client, self.officer, self.token = client, officer, token

    def headers(self, extra=None):
        return {"Authorization": f"Bearer {self.token}", **(extra or {})}

    def get(self, path, **kwargs):
        return self.client.get(path, headers=self.headers(kwargs.pop("headers", None)), **kwargs)

    def post(self, path, data=None, *, key="key-1", json=True, headers=None):
        extra = {"Idempotency-Key": key} if key else {}
        extra.update(headers or {})
        if json:
            return self.client.post(
                path, data=data or {}, content_type="application/json", headers=self.headers(extra)
            )
        return self.client.post(path, data=data or {}, headers=self.headers(extra))


def caller_for(client, officer, days=30):
    _, token = token_create(user=officer.user, name="tests", days=days)
    return Caller(client, officer, token)


@pytest.fixture
def agency(db):
    return AgencyFactory(name="Albany Police Department", email_domains="albanypd.example.gov")


@pytest.fixture
def other_agency(db):
    return AgencyFactory(name="Troy Police Department", email_domains="troypd.example.gov")


@pytest.fixture
def officer(agency):
    return make_officer(agency=agency, email="dana@albanypd.example.gov", name="Dana Reyes")


@pytest.fixture
def colleague(agency):
    return make_officer(agency=agency, email="lee@albanypd.example.gov", name="Lee Park")


@pytest.fixture
def portal_admin(agency):
    return make_officer(
        agency=agency, email="chief@albanypd.example.gov", name="Sam Chief", is_portal_admin=True
    )


@pytest.fixture
def outsider(other_agency):
    return make_officer(agency=other_agency, email="kim@troypd.example.gov", name="Kim Stone")


@pytest.fixture
def api(client, officer):
    return caller_for(client, officer)
