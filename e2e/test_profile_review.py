"""Nevada's profile is active and only partly confirmed: the policy panel on a case says it is
not yet reviewed by counsel and lists its open question. An administrator records the state
counsel's review on the Profiles page; the panel then names the review."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from e2e.support import click_label, label

pytestmark = pytest.mark.e2e

OPEN_QUESTION = "Whether AB 407 lets any legal process unlock a request for civil immigration"


def immigration_case():
    """A request from ICE in Reno for an address, submitted to counsel (set up as a clerk would)."""
    from accounts.models import User
    from dmvrequests.cases.services import case_submit
    from dmvrequests.testing import AgencyFactory, make_case

    clerk, counsel = User.objects.get(username="clerk"), User.objects.get(username="counsel")
    agency = AgencyFactory(kind="immigration", name="ICE ERO Reno")
    case = make_case(
        office=clerk.office,
        actor=clerk,
        agency=agency,
        purpose="civil_immigration_enforcement",
        categories=["address", "immigration_status"],
        subject_name="Rosa Diaz",
    )
    return case_submit(case=case, actor=clerk, assigned_counsel=counsel)


def test_the_panel_shows_the_profiles_review_state(people, use_profile):
    use_profile("nv")
    case = immigration_case()

    counsel = people.signed_in("counsel")
    expect(counsel.page.get_by_role("heading", name="Review queue")).to_be_visible()
    counsel.check()
    counsel.goto(reverse("cases:detail", args=[case.number]))
    panel = counsel.page.get_by_role("region", name="Policy engine's recommendation")
    expect(panel).to_contain_text("This profile is not yet reviewed by counsel.")
    expect(panel).to_contain_text("Partly confirmed: these questions are open.")
    expect(panel.get_by_role("listitem").filter(has_text=OPEN_QUESTION)).to_be_visible()
    counsel.check(screenshot="profile-not-yet-reviewed")

    admin = people.signed_in("admin")
    page = admin.page
    admin.check()
    page.get_by_role("link", name="Profiles").click()
    expect(page.get_by_role("heading", name="Policy profiles")).to_be_visible()
    admin.check()
    nevada = page.get_by_role("row", name=re.compile(r"^Nevada \(nv\)"))
    expect(nevada).to_contain_text("This profile is not yet reviewed by counsel.")
    nevada.get_by_role("link", name="Record counsel's review of Nevada").click()
    expect(page.get_by_role("heading", name="Record counsel's review of Nevada")).to_be_visible()
    admin.check()

    page.get_by_label(label("Reviewed by")).fill("Dana Ruiz, Deputy Attorney General")
    page.get_by_label(label("What counsel checked and concluded")).fill(
        "AB 407 read in full; a judge's order still goes to counsel."
    )
    click_label(page.get_by_role("radio", name="Partly confirmed"))
    expect(page.get_by_label(label("Questions that remain open"))).to_have_value(
        re.compile(re.escape(OPEN_QUESTION))
    )
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_text("Counsel's review of Nevada (version 1) is recorded.")).to_be_visible()
    expect(nevada).to_contain_text("Reviewed by counsel: Dana Ruiz, Deputy Attorney General")
    admin.check(screenshot="profiles-reviewed")

    counsel.page.reload()
    expect(panel).to_contain_text("Reviewed by counsel: Dana Ruiz, Deputy Attorney General")
    expect(panel).to_contain_text("AB 407 read in full")
    expect(panel).not_to_contain_text("not yet reviewed")
    counsel.check()
