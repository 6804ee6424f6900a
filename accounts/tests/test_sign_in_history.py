"""A sign-in adds no version to the user's History (a newcomer's trial: every sign-in was an
empty "Changed" row, Django's `update_last_login` saving `last_login`, which the history leaves
out). A real change to the account still does; the sign-in itself is in the audit trail."""

import pytest
from django.contrib.auth.signals import user_logged_in
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import User
from dmvrequests.audit.models import AuditRecord
from dmvrequests.testing import PASSWORD

pytestmark = pytest.mark.django_db


def versions(user):
    return user.history.count()


def test_signing_in_on_the_sign_in_page_adds_no_version(client, clerk):
    before = versions(clerk)
    response = client.post(reverse("accounts:login"), {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.last_login is not None  # Django still records it
    assert versions(clerk) == before
    assert AuditRecord.objects.filter(user=clerk, action="sign_in").exists()


def test_the_sign_in_signal_adds_no_version(clerk):
    before = versions(clerk)
    request = RequestFactory().get("/")
    request.session = type("Session", (), {"session_key": "k" * 32})()
    user_logged_in.send(sender=User, request=request, user=clerk)
    clerk.refresh_from_db()
    assert clerk.last_login is not None
    assert versions(clerk) == before


def test_a_password_hash_saved_alone_adds_no_version(clerk):
    before = versions(clerk)
    clerk.set_password("another-long-passphrase-2026")
    clerk.save(update_fields=["password"])
    assert versions(clerk) == before


def test_a_real_change_still_adds_a_version(client, clerk):
    client.post(reverse("accounts:login"), {"username": "clerk", "password": PASSWORD})
    before = versions(clerk)
    clerk.title = "Senior clerk"
    clerk.save(update_fields=["title", "last_login"])
    clerk.last_name = "Park"
    clerk.save()
    assert versions(clerk) == before + 2
    assert clerk.history.first().title == "Senior clerk"


def test_the_user_history_shows_no_row_for_a_sign_in(client, clerk, office):
    from dmvrequests.testing import UserFactory

    root = UserFactory(
        username="root", office=office, role="Administrator", is_staff=True, is_superuser=True
    )
    rows_before = versions(clerk)
    for _ in range(2):
        client.post(reverse("accounts:login"), {"username": "clerk", "password": PASSWORD})
        client.post(reverse("accounts:logout"))
    client.force_login(root)
    page = client.get(reverse("admin:accounts_user_history", args=[clerk.pk]))
    assert page.status_code == 200
    words = " ".join(page.content.decode().split())
    assert f" {rows_before} version{'s' if rows_before != 1 else ''} </p>" in words
