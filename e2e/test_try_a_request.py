"""Counsel tries a hypothetical request before relying on a profile: CBP with an immigration
detainer, under the strict profile. A missing field is explained first."""

import re

import pytest
from playwright.sync_api import expect

from dmvrequests.policy.models import PolicyProfile
from e2e.support import click_label, label

pytestmark = pytest.mark.e2e


def test_counsel_tries_a_detainer_under_the_strict_profile(people):
    strict = PolicyProfile.objects.get(slug="strict")

    counsel = people.signed_in("counsel2")
    page = counsel.page
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    counsel.check()
    page.get_by_role("link", name="Try a request").click()
    expect(page.get_by_role("heading", name="Try a request")).to_be_visible()
    counsel.check()

    page.get_by_label(label("Profile")).select_option(
        label=f"{strict.name}: {strict.citation}, version {strict.version}"
    )
    page.get_by_label(label("Kind of agency")).select_option(label="Immigration enforcement")
    page.get_by_label(label("Agency name")).fill("CBP Office of Field Operations, Buffalo")
    page.get_by_label(label("Purpose of the request")).select_option(
        label="Civil immigration enforcement"
    )
    first = page.get_by_role("group", name="Document 1")
    first.get_by_label(label("Type of document")).select_option(label="Detainer (ICE I-247A)")
    first.get_by_label(label("Signed or issued by")).select_option(label="Immigration officer")

    # No record category ticked yet: the page says what to fix.
    page.get_by_role("button", name="Check this request").click()
    expect(page.get_by_role("heading", name="The request could not be checked")).to_be_visible()
    expect(page.get_by_text("Choose at least one record category.", exact=True)).to_be_visible()
    counsel.check()

    click_label(page.get_by_role("checkbox", name=re.compile(r"^Address")))
    click_label(page.get_by_role("checkbox", name=re.compile(r"^Place of birth")))
    page.get_by_role("button", name="Check this request").click()
    panel = page.get_by_role("region", name="Policy engine's recommendation")
    expect(panel).to_contain_text(
        "Deny: the documents offered do not include a judicial warrant or court order signed by a judge"
    )
    expect(
        panel.locator("li", has_text="Not signed by a judge (administrative document)")
    ).to_contain_text("a detainer")
    expect(panel.get_by_role("row", name=re.compile(r"^Place of birth"))).to_contain_text(
        "Withheld"
    )
    expect(panel.get_by_role("region", name="Subject notice required")).to_be_visible()
    counsel.check(screenshot="try-a-request")
