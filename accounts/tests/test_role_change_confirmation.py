"""Newcomers' finding 13 (issue 14): a role changed at once, without a confirmation step,
and the notification said "granted Clerk role" on a downgrade. The admin's user form,
filled as rendered (WebTest), now asks first, showing the change from → to, and the
notification is worded by direction."""

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.roles import role_change_words
from dmvrequests.notifications.models import Kind as NoticeKind
from dmvrequests.notifications.models import OutboundEmail
from dmvrequests.testing import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def watching_auditor(db):
    return UserFactory(username="auditor", role="Auditor", email="auditor@dmv.example.gov")


def user_form(django_app, user):
    page = django_app.get(reverse("admin:accounts_user_change", args=[user.pk]), user="admin")
    return page.forms["user_form"]


def test_a_downgrade_asks_first_and_says_from_and_to(
    django_app, administrator, counsel, watching_auditor
):
    form = user_form(django_app, counsel)
    form["role"] = "Clerk"
    page = form.submit("_save")
    assert page.status_code == 200  # not saved yet: the confirmation
    text = " ".join(page.html.find(id="content").get_text(" ").split())
    assert "change counsel's role from Counsel to Clerk" in text
    assert "From Counsel reviews and decides" in text and "To Clerk logs requests" in text
    assert User.objects.get(pk=counsel.pk).is_counsel
    assert not OutboundEmail.objects.filter(kind=NoticeKind.ROLE_GRANT).exists()
    # "No, go back" leaves it as it was; "Yes" changes it.
    assert page.html.find("a", string="No, go back")["href"] == reverse(
        "admin:accounts_user_change", args=[counsel.pk]
    )
    page = page.forms[1].submit("_save")
    assert page.status_code == 302
    changed = User.objects.get(pk=counsel.pk)
    assert changed.is_clerk and not changed.is_counsel
    notice = OutboundEmail.objects.get(kind=NoticeKind.ROLE_GRANT)
    assert notice.subject == f"{administrator} changed counsel's role from Counsel to Clerk"
    assert "granted" not in notice.subject and "granted" not in notice.body


def test_saving_with_the_same_role_does_not_ask(django_app, administrator, clerk):
    form = user_form(django_app, clerk)
    form["title"] = "Senior clerk"
    assert form.submit("_save").status_code == 302
    assert User.objects.get(pk=clerk.pk).title == "Senior clerk"


@pytest.mark.parametrize(
    "previous,role,words",
    [
        ([], "Counsel", "granted the Counsel role to jsmith"),
        (["Clerk"], "Counsel", "changed jsmith's role from Clerk to Counsel"),
        (["Counsel"], "Clerk", "changed jsmith's role from Counsel to Clerk"),
        (["Clerk"], "", "removed the Clerk role from jsmith"),
    ],
)
def test_the_change_is_worded_by_direction(previous, role, words):
    assert role_change_words("jsmith", previous, role) == words
    assert role_change_words("jsmith", previous, role, pending=True).startswith("asks to")


def test_a_downgrade_says_what_changed_lists_open_cases_and_tells_the_person(
    django_app, administrator, clerk, counsel, watching_auditor
):
    from dmvrequests.cases import services as case_services
    from dmvrequests.testing import make_case

    counsel.first_name, counsel.last_name, counsel.email = "Maria", "Lopez", "ml@dmv.example.gov"
    counsel.save()
    case = make_case(office=counsel.office, actor=clerk)
    case_services.case_submit(case=case, actor=clerk, assigned_counsel=counsel)
    closed = make_case(office=counsel.office, actor=clerk)
    form = user_form(django_app, counsel)
    form["role"] = "Clerk"
    page = form.submit("_save")
    listed = page.html.find(id="open-work")
    assert [a["href"] for a in listed.find_all("a")] == [case.get_absolute_url()]
    assert case.number in listed.text and closed.number not in listed.text
    page = page.forms[1].submit("_save").follow()
    assert "Maria Lopez is now Clerk; no longer Counsel." in page.text
    assert "was changed successfully" not in page.text
    to_her = OutboundEmail.objects.get(kind=NoticeKind.ROLE_GRANT, recipient="ml@dmv.example.gov")
    assert "You are now Clerk; you are no longer Counsel." in to_her.body
    to_auditor = OutboundEmail.objects.get(recipient="auditor@dmv.example.gov")
    assert "every role grant" not in to_auditor.body
    assert "told of every change of role, up or down" in to_auditor.body


def test_an_upgrade_says_what_changed(django_app, administrator, clerk):
    form = user_form(django_app, clerk)
    form["role"] = "Counsel"
    page = form.submit("_save")
    assert page.html.find(id="open-work") is None
    page = page.forms[1].submit("_save").follow()
    assert f"{clerk} is now Counsel; no longer Clerk." in page.text
