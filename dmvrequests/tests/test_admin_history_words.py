"""The administration site's History pages in words (admin_widgets.HistoryAdmin), after a
newcomer's trial: a policy profile's sources were a Python list ("[{'citation': ...}]"), cases
and the outbox had no History, and a past version's page saved whatever form was posted to it
(the "revert" this site turns off), even on admins that change nothing."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from accounts.models import PendingRoleGrant
from dmvrequests.admin_widgets import EMPTY_IN_HISTORY, history_words, json_words
from dmvrequests.cases.models import DisclosureRequest
from dmvrequests.notifications.admin import EMAIL_HAS_NO_HISTORY
from dmvrequests.notifications.models import OutboundEmail
from dmvrequests.policy.admin import sources_words
from dmvrequests.policy.models import PolicyProfile
from dmvrequests.testing import UserFactory, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(office):
    return UserFactory(
        username="root", office=office, role="Administrator", is_staff=True, is_superuser=True
    )


def words_of(response):
    return " ".join(response.content.decode().split())


def changes_of(response):
    """The History table's text, one space between words."""
    from bs4 import BeautifulSoup

    table = BeautifulSoup(response.content, "html.parser").select_one("#change-history tbody")
    assert table is not None
    return " ".join(table.get_text(" ").split())


# --- The words ------------------------------------------------------------------------------


def test_json_is_written_in_words_never_as_python():
    sources = [{"citation": "18 U.S.C. 2721", "read_on": "2026-11-21"}, {"citation": "VTL 201"}]
    assert json_words(sources) == "citation: 18 U.S.C. 2721, read_on: 2026-11-21; citation: VTL 201"
    assert json_words(["Who answers?", "By when?"]) == "Who answers?; By when?"
    assert json_words({"a": {"b": [1, 2]}, "c": True, "d": None}) == (
        "a: (b: (1; 2)), c: Yes, d: (empty)"
    )
    assert json_words([["x", "y"], "z"]) == "(x; y); z"
    assert json_words([]) == json_words({}) == EMPTY_IN_HISTORY


def test_history_words_write_json_and_dates_readably():
    value = history_words(PolicyProfile, "open_questions", ["One?", "Two?"])
    assert value == "One?; Two?"
    assert history_words(PolicyProfile, "rules", {}) == EMPTY_IN_HISTORY
    assert history_words(PolicyProfile, "reviewed_on", datetime.date(2026, 3, 1)) == "Mar 1, 2026"


def test_a_profile_source_reads_as_on_the_profile_pages():
    sources = [
        {"citation": "18 U.S.C. 2721", "read_on": "2026-03-01", "note": "the federal rule"},
        {"citation": "N.Y. VTL 201(12)(a)", "read_on": "2026-11-21"},
    ]
    assert sources_words(sources) == (
        "18 U.S.C. 2721, read on Mar 1, 2026 (the federal rule); "
        "N.Y. VTL 201(12)(a), read on Nov 21, 2026"
    )
    # Not of the expected shape (an old value): JSON's words, still never Python's repr.
    assert sources_words([{"citation": "X", "read_on": "soon"}]) == "citation: X, read_on: soon"
    assert sources_words(["X"]) == "X"


def test_a_profiles_history_gives_its_sources_in_words(client, root):
    profile = PolicyProfile.objects.get(slug="ny")
    profile.sources = [
        {"citation": "18 U.S.C. 2721", "read_on": "2026-03-01", "note": "the federal rule"}
    ]
    profile.open_questions = ["Does the DMV answer a subpoena?"]
    profile._history_user = root  # type: ignore[attr-defined]  # django-simple-history
    profile.save()
    client.force_login(root)
    response = client.get(reverse("admin:policy_policyprofile_history", args=[profile.pk]))
    assert response.status_code == 200
    changes = changes_of(response)
    assert "Sources:" in changes
    assert "18 U.S.C. 2721, read on Mar 1, 2026 (the federal rule)" in changes
    assert "Open questions:" in changes and "Does the DMV answer a subpoena?" in changes
    body = response.content.decode()
    assert "{&#x27;citation" not in body and "[{" not in body and "&#x27;read_on&#x27;" not in body


def test_a_long_value_is_shown_whole_and_the_change_page_gives_sources_in_words(client, root):
    """Three sources read about 120 characters: django-simple-history would cut them in the
    middle ("18 U.S.C. 2721, re[51 chars] 2026") and hide the third."""
    profile = PolicyProfile.objects.get(slug="ny")
    profile.sources = [
        {"citation": "N.Y. VTL 201(12)(a)", "read_on": "2026-11-21"},
        {"citation": "18 U.S.C. 2721", "read_on": "2026-11-21"},
        {"citation": "18 U.S.C. 2725", "read_on": "2026-11-21"},
    ]
    profile._history_user = root  # type: ignore[attr-defined]  # django-simple-history
    profile.save()
    client.force_login(root)
    history = client.get(reverse("admin:policy_policyprofile_history", args=[profile.pk]))
    changes = changes_of(history)
    assert "chars]" not in changes
    assert "18 U.S.C. 2725, read on Nov 21, 2026" in changes
    page = client.get(reverse("admin:policy_policyprofile_change", args=[profile.pk]))
    body = page.content.decode()
    assert "18 U.S.C. 2725, read on Nov 21, 2026" in body
    assert "&quot;citation&quot;" not in body and '"citation"' not in body


# --- Cases: a History in words, without the subject -------------------------------------------


@pytest.fixture
def changed_case(office, clerk):
    case = make_case(office=office, actor=clerk, subject_name="Renata Quill")
    case.subject_name = "Renata Quillfeather"
    case.subject_license_number = "987654321"
    case.narrative = "Seen near the Quill residence."
    case.categories = ["photo"]
    case.emergency = True
    case._history_user = clerk
    case.save()
    return case


def test_a_cases_history_opens_in_words_without_the_subject(client, root, changed_case):
    client.force_login(root)
    url = reverse("admin:cases_disclosurerequest_history", args=[changed_case.pk])
    response = client.get(url)
    assert response.status_code == 200
    changes = changes_of(response)
    assert "Categories: Address, License record → Photo" in changes
    assert "Emergency: No → Yes" in changes
    body = response.content.decode()
    for secret in ("Quill", "987654321", "123456789", "Subject", "Narrative"):
        assert secret not in body
    # A past version's page shows it, without the subject either.
    first = changed_case.history.order_by("history_id").first()
    version = reverse(
        "admin:cases_disclosurerequest_simple_history", args=[changed_case.pk, first.history_id]
    )
    page = client.get(version)
    assert page.status_code == 200
    assert "Quill" not in page.content.decode() and "123456789" not in page.content.decode()


def test_a_past_version_is_never_saved_back_over_a_case(client, root, changed_case):
    client.force_login(root)
    first = changed_case.history.order_by("history_id").first()
    url = reverse(
        "admin:cases_disclosurerequest_simple_history", args=[changed_case.pk, first.history_id]
    )
    response = client.post(url, {"status": "received", "channel": "mail"})
    assert response.status_code == 403
    stored = DisclosureRequest.objects.get(pk=changed_case.pk)
    assert stored.emergency is True and stored.categories == ["photo"]


def test_a_pending_role_grant_is_not_approved_through_its_history(client, root, clerk):
    """The grant's admin is read-only (grants are decided on the Role grants page); its past
    version's page saved a posted form before."""
    grant = PendingRoleGrant.objects.create(user=clerk, role="Counsel", requested_by=root)
    version = grant.history.get()
    client.force_login(root)
    url = reverse("admin:accounts_pendingrolegrant_simple_history", args=[grant.pk, version.pk])
    assert client.get(url).status_code == 200
    posted = {"user": clerk.pk, "role": "Counsel", "requested_by": root.pk, "status": "approved"}
    assert client.post(url, posted).status_code == 403
    grant.refresh_from_db()
    assert grant.status == "pending"


def test_a_users_history_gives_flags_in_words(client, root, clerk):
    clerk.is_active = False
    clerk._history_user = root
    clerk.save()
    client.force_login(root)
    response = client.get(reverse("admin:accounts_user_history", args=[clerk.pk]))
    assert response.status_code == 200
    assert "Active: Yes → No" in changes_of(response)


# --- The outbox: no history of versions, and its History says so ---------------------------


def test_an_emails_history_says_it_has_none(client, root):
    email = OutboundEmail.objects.create(
        kind="digest",
        recipient="clerk@dmv.example.gov",
        subject="Your digest",
        body="Two cases due.",
        dedupe_key="digest-1",
        created_at=timezone.now(),
    )
    client.force_login(root)
    response = client.get(reverse("admin:notifications_outboundemail_history", args=[email.pk]))
    change = reverse("admin:notifications_outboundemail_change", args=[email.pk])
    assert response.status_code == 302 and response["Location"] == change
    assert [str(m) for m in get_messages(response.wsgi_request)] == [EMAIL_HAS_NO_HISTORY]
    page = client.get(change)
    assert page.status_code == 200
    assert "Two cases due." not in page.content.decode()  # the body stays out of the admin
