"""Sharing as the case page shows it: whom the form offers (name, role, office), and the
banner a sharee reads (who shared the case, why, until when)."""

import pytest

from dmvrequests.cases import services
from dmvrequests.testing import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(office, clerk, counsel):
    case = make_case(office=office, actor=clerk)
    services.case_submit(case=case, actor=clerk, assigned_counsel=counsel)
    return case


def share_form(app, case, counsel):
    return app.get(case.get_absolute_url(), user=counsel.username).forms["share-form"]


def test_the_form_names_each_persons_role_and_office(django_app, case, counsel, other_counsel):
    other_counsel.first_name, other_counsel.last_name = "Sam", "Park"
    other_counsel.save()
    options = [text for _, _, text in share_form(django_app, case, counsel)["share-user"].options]
    assert "Sam Park: Counsel, Buffalo legal unit" in options


def test_a_personal_share_banner_says_who_why_and_until_when(
    django_app, case, counsel, other_counsel
):
    form = share_form(django_app, case, counsel)
    form["share-user"] = str(other_counsel.pk)
    form["share-reason"] = "Joint task force on stolen plates"
    form.submit().follow()
    page = django_app.get(case.get_absolute_url(), user=other_counsel.username)
    banner = " ".join(page.html.find(id="share-banner").text.split())
    assert f"shared with you to read only by {counsel} on" in banner
    assert "“Joint task force on stolen plates”" in banner
    assert "The share lasts until Albany legal unit ends it" in banner


def test_an_office_share_banner_names_the_share(django_app, case, counsel, other_clerk):
    form = share_form(django_app, case, counsel)
    form["share-office"] = str(other_clerk.office_id)
    form["share-reason"] = "Buffalo holds the vehicle"
    form.submit().follow()
    page = django_app.get(case.get_absolute_url(), user=other_clerk.username)
    banner = " ".join(page.html.find(id="share-banner").text.split())
    assert f"shared with your office to read only by {counsel}" in banner
    assert "“Buffalo holds the vehicle”" in banner


def test_no_banner_for_the_own_office(django_app, case, clerk):
    page = django_app.get(case.get_absolute_url(), user=clerk.username)
    assert page.html.find(id="share-banner") is None


def test_a_reason_ending_with_a_stop_gets_no_second_one(django_app, case, counsel, other_counsel):
    """Newcomer's finding (#14, 5): 'reason: "… our decision.".' had a doubled stop."""
    form = share_form(django_app, case, counsel)
    form["share-user"] = str(other_counsel.pk)
    form["share-reason"] = "Second opinion before our decision."
    form.submit().follow()
    page = django_app.get(case.get_absolute_url(), user=other_counsel.username)
    banner = " ".join(page.html.find(id="share-banner").text.split())
    assert "“Second opinion before our decision.” The share lasts" in banner
    assert ".”." not in banner
