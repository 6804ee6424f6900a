"""The signed-in user of every page read in one query (accounts.backends), and the session
saved in one statement (accounts.sessions)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.middleware import SessionMiddleware
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models import F
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils.functional import LazyObject
from django_otp.middleware import OTPMiddleware

from accounts.backends import SignedInUserBackend
from accounts.middleware import ResolvedUserMiddleware
from accounts.sessions import TOUCH_EVERY, SessionStore
from dmvrequests.agencies.selectors import officer_for_user
from dmvrequests.testing import UserFactory, make_officer

pytestmark = pytest.mark.django_db


def test_the_user_comes_with_roles_office_and_no_officer_in_one_query(office):
    user = UserFactory(office=office, role="Counsel")
    user.groups.add(Group.objects.get_or_create(name="Clerk")[0])
    with CaptureQueriesContext(connection) as captured:
        found = SignedInUserBackend().get_user(user.pk)
        roles = found.role_names
        code = found.office.code
        officer = officer_for_user(found)
    assert len(captured) == 1, [q["sql"] for q in captured]
    assert roles == frozenset({"Clerk", "Counsel"}) == _roles_in_database(user)
    assert code == office.code
    assert officer is None
    assert found.is_counsel and found.is_clerk and not found.is_administrator


def _roles_in_database(user):
    return frozenset(user.groups.values_list("name", flat=True))


def test_a_user_without_a_group_has_no_role(office):
    user = UserFactory(office=office)
    user.groups.clear()
    found = SignedInUserBackend().get_user(user.pk)
    assert found.role_names == frozenset()
    assert found.role_label == "No role"


def test_an_officers_account_comes_with_its_officer_agency_and_requester():
    officer = make_officer(mfa=False)
    with CaptureQueriesContext(connection) as captured:
        found = SignedInUserBackend().get_user(officer.user_id)
        read = officer_for_user(found)
        assert read is not None
        names = (read.agency.name, read.requester.name)
    assert len(captured) == 1, [q["sql"] for q in captured]
    assert read.pk == officer.pk
    assert names == (officer.agency.name, officer.requester.name)


def test_an_inactive_or_unknown_user_is_nobody(office):
    user = UserFactory(office=office, role="Clerk", is_active=False)
    assert SignedInUserBackend().get_user(user.pk) is None
    assert SignedInUserBackend().get_user(user.pk + 1000) is None


def test_an_existing_session_is_saved_in_one_statement():
    store = SessionStore()
    store["n"] = 1
    store.create()
    store["n"] = 2
    with CaptureQueriesContext(connection) as captured:
        store.save()
    assert [q["sql"].split()[0] for q in captured] == ["UPDATE"]
    assert SessionStore(session_key=store.session_key).load()["n"] == 2


def test_saving_a_session_deleted_meanwhile_says_so_and_leaves_the_transaction_usable():
    store = SessionStore()
    store["n"] = 1
    store.create()
    SessionStore(session_key=store.session_key).delete()
    with pytest.raises(UpdateError):
        store.save()
    assert not SessionStore().exists(str(store.session_key))  # the transaction still answers


def _read_back(key):
    """The session as a request reads it (loaded once, then kept)."""
    store = SessionStore(session_key=key)
    assert "n" in store
    return store


def test_an_unchanged_session_is_written_at_most_once_a_minute():
    store = SessionStore()
    store["n"] = 1
    store.create()
    again = _read_back(store.session_key)
    with CaptureQueriesContext(connection) as captured:
        again.save()
    assert captured.captured_queries == []  # its expiry moved by less than TOUCH_EVERY
    # A minute and a second later, as far as the stored expiry is concerned:
    stale = TOUCH_EVERY + timedelta(seconds=1)
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=F("expire_date") - stale
    )
    later = _read_back(store.session_key)
    with CaptureQueriesContext(connection) as captured:
        later.save()
    assert [q["sql"].split()[0] for q in captured] == ["UPDATE"]
    stored = Session.objects.get(session_key=store.session_key).expire_date
    assert later.get_expiry_date() - stored < timedelta(seconds=5)


def test_a_changed_session_is_always_written():
    store = SessionStore()
    store["n"] = 1
    store.create()
    again = _read_back(store.session_key)
    again["n"] = 2
    again.save()
    assert _read_back(store.session_key)["n"] == 2


class TestResolvedUser:
    """accounts.middleware.ResolvedUserMiddleware: the views see the user, not lazy wrappers."""

    @staticmethod
    def _seen_by_a_view(request):
        seen = {}

        def view(request):
            seen["user"] = request.user
            return HttpResponse()

        chain = AuthenticationMiddleware(OTPMiddleware(ResolvedUserMiddleware(view)))
        SessionMiddleware(chain)(request)
        return seen["user"]

    def test_a_signed_in_page_sees_the_user_itself_checked_by_django_otp(self, rf, office):
        user = UserFactory(office=office, role="Clerk")
        signing_in = rf.get("/")
        SessionMiddleware(lambda request: HttpResponse())(signing_in)
        login(signing_in, user, backend="accounts.backends.SignedInUserBackend")
        signing_in.session.save()
        request = rf.get("/")
        request.COOKIES[settings.SESSION_COOKIE_NAME] = signing_in.session.session_key
        seen = self._seen_by_a_view(request)
        assert not isinstance(seen, LazyObject)
        assert seen.pk == user.pk and seen.office.code == office.code
        assert seen.is_verified() is False  # django-otp's check ran: no device was used

    def test_an_anonymous_request_sees_the_anonymous_user(self, rf):
        assert isinstance(self._seen_by_a_view(rf.get("/")), AnonymousUser)
