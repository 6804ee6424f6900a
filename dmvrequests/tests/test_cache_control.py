"""Issue 13, item 9: no browser or proxy keeps a page a signed-in user saw.

Walks every URL of the access table (and the Django admin's user list) as a role
the table allows there, with a case in every state, and expects
`Cache-Control: no-store` on whatever comes back: pages, redirects, refusals,
downloads.
"""

import pytest
from django.urls import reverse

from dmvrequests.access import ACCESS, PUBLIC
from dmvrequests.tests.test_fuzz import role_for, url_for, world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

SIGNED_IN_ROUTES = sorted(name for name, rule in ACCESS.items() if rule != PUBLIC)


def assert_no_store(response, what):
    cache_control = response.get("Cache-Control", "")
    assert "no-store" in cache_control, f"{what}: Cache-Control is {cache_control!r}"
    assert "private" in cache_control, what


def test_every_signed_in_url_says_no_store(client, world):  # noqa: F811
    statuses = {}
    for name in SIGNED_IN_ROUTES:
        role = role_for(name) or "Clerk"
        client.force_login(world.users[role])
        url, _ = url_for(name, world)
        response = client.get(url)
        statuses[name] = response.status_code
        assert_no_store(response, f"GET {url} as {role}")
    # The walk reached real pages, not only refusals.
    assert statuses["cases:queue"] == 200
    assert statuses["cases:detail"] == 200
    assert statuses["cases:search"] == 200
    assert statuses["audit:case_timeline"] == 200


def test_a_refused_page_and_the_admin_say_no_store_too(client, world):  # noqa: F811
    client.force_login(world.users["Clerk"])
    refused = client.get(reverse("audit:access_log"))
    assert refused.status_code == 403
    assert_no_store(refused, "a refusal")
    client.force_login(world.users["Administrator"])
    admin = client.get(reverse("admin:accounts_user_changelist"))
    assert admin.status_code == 200
    assert_no_store(admin, "the admin's user list")


def test_signing_in_and_out_say_no_store(client, world):  # noqa: F811
    from dmvrequests.testing import PASSWORD

    response = client.post(
        reverse("accounts:login"), {"username": "fuzz-clerk", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert_no_store(response, "the sign-in redirect")
    response = client.post(reverse("accounts:logout"))
    assert_no_store(response, "the sign-out redirect")
