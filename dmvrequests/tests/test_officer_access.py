"""Agency officers never reach a staff page, and staff never reach a portal page: the access
table's middleware refuses both, whatever the page's rule (dmvrequests/access.py)."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from dmvrequests.access import (
    ACCESS,
    OFFICER,
    PORTAL_RULES,
    PUBLIC,
    AccessTableMiddleware,
    rule_for,
)
from dmvrequests.testing import make_officer
from dmvrequests.tests.test_access import url_names

pytestmark = pytest.mark.django_db


def _ask(user, view_name):
    request = RequestFactory().get("/somewhere/")
    request.user = user
    # The middleware reads only view_name: a stand-in for the ResolverMatch.
    request.resolver_match = SimpleNamespace(view_name=view_name)  # type: ignore[assignment]
    middleware = AccessTableMiddleware(lambda r: None)
    return middleware.process_view(request, None, (), {})


def test_every_staff_url_refuses_an_officer():
    officer = make_officer(is_portal_admin=True)
    staff_pages = sorted(
        name
        for name in url_names()
        if rule_for(name) != PUBLIC and rule_for(name) not in PORTAL_RULES
    )
    assert "cases:queue" in staff_pages and "home" in staff_pages
    let_in = []
    for name in staff_pages:
        try:
            _ask(officer.user, name)
        except PermissionDenied:
            continue
        let_in.append(name)
    assert let_in == []


@pytest.mark.parametrize(
    "url", ["/", "/cases/", "/accounts/password/", "/notifications/", "/admin/", "/policy/try/"]
)
def test_an_officer_signed_in_gets_403_on_staff_pages(client, url):
    officer = make_officer()
    client.force_login(officer.user)
    assert client.get(url).status_code == 403


def test_staff_of_every_role_are_refused_a_portal_page(
    monkeypatch, clerk, counsel, administrator, auditor
):
    monkeypatch.setitem(ACCESS, "portal:test_page", OFFICER)
    for user in (clerk, counsel, administrator, auditor):
        with pytest.raises(PermissionDenied):
            _ask(user, "portal:test_page")
    officer = make_officer()
    assert _ask(officer.user, "portal:test_page") is None
