"""The access table covers every URL, and the middleware enforces it."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from dmvrequests.access import ACCESS, rule_for


def url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_names(entry, inner)
        elif isinstance(entry, URLPattern):
            yield (
                f"{namespace}{entry.name}"
                if entry.name
                else f"{namespace}<unnamed {entry.pattern}>"
            )


def test_it_lists_every_url_pattern():
    unlisted = sorted(name for name in url_names() if rule_for(name) is None)
    assert unlisted == [], f"Add these URL names to dmvrequests/access.py: {unlisted}"


def test_it_has_no_stale_entries():
    known = set(url_names())
    stale = sorted(name for name in ACCESS if name not in known)
    assert stale == [], f"Remove these names from the access table: {stale}"


@pytest.mark.django_db
def test_it_refuses_a_view_missing_from_the_table(client, clerk, monkeypatch):
    monkeypatch.delitem(ACCESS, "cases:queue")
    client.force_login(clerk)
    assert client.get("/cases/").status_code == 403


@pytest.mark.django_db
def test_it_sends_anonymous_users_to_sign_in(client):
    response = client.get("/cases/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/?next=/cases/")
