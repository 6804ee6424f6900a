"""A page refused by role says whose page it is and whose the account is (a newcomer's trial:
a clerk who reached counsel's decision page of a shared case read only that a role was
missing, and was told to ask for another role)."""

import pytest
from django.urls import reverse

from dmvrequests.access import role_refusal
from dmvrequests.testing import make_case

pytestmark = pytest.mark.django_db


def test_a_clerk_on_counsel_s_page_reads_it_is_counsel_s(django_app, office, clerk):
    case = make_case(office=office, actor=clerk)
    page = django_app.get(
        reverse("cases:decide", args=[case.number]), user=clerk.username, status=403
    )
    text = " ".join(page.html.get_text(" ").split())
    assert "This page is for counsel; your account is a clerk's." in text


def test_the_sentence_names_every_role_the_page_is_for(clerk, administrator):
    from accounts.roles import Role

    assert role_refusal(clerk, frozenset({Role.COUNSEL, Role.AUDITOR})) == (
        "This page is for counsel or auditors; your account is a clerk's."
    )
    assert role_refusal(administrator, frozenset({Role.CLERK})) == (
        "This page is for clerks; your account is an administrator's."
    )
