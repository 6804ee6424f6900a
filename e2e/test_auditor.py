"""An auditor finds who viewed a case: counsel opens a case, and the auditor searches the
access log by the case's number and finds that read, then opens the case's timeline."""

import re

import pytest
from playwright.sync_api import expect

from dmvrequests.cases.models import DisclosureRequest
from e2e.support import label

pytestmark = pytest.mark.e2e


def test_an_auditor_finds_who_viewed_a_case(people):
    case = (
        DisclosureRequest.objects.filter(office__code="albany", status="in_review")
        .order_by("number")
        .first()
    )
    number = case.number

    # Counsel reads the case.
    counsel = people.signed_in("counsel")
    page = counsel.page
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    counsel.check()
    page.get_by_role("link", name=number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    counsel.check()

    # The auditor looks it up.
    auditor = people.signed_in("auditor")
    audit = auditor.page
    expect(audit.get_by_role("heading", name="Search cases")).to_be_visible()
    auditor.check()
    audit.get_by_role("link", name="Audit", exact=True).click()
    expect(audit.get_by_role("heading", name="Access log")).to_be_visible()
    auditor.check()
    audit.get_by_label(label("Case number")).fill(number.lower())
    audit.get_by_label(label("Action")).select_option(label="Viewed a case")
    audit.get_by_role("button", name="Search").click()
    expect(audit.get_by_role("status")).to_contain_text(re.compile(r"\d+ records? found\."))
    reads = audit.get_by_role("table", name="Audit records matching the filters")
    viewed = reads.get_by_role("row").filter(has_text="Morgan Counsel (counsel)")
    expect(viewed.first).to_contain_text("Viewed a case")
    expect(viewed.first).to_contain_text(number)
    expect(viewed.first).to_contain_text("Albany legal unit")  # the office, in words
    # Only that case's reads are listed.
    expect(reads.locator("tbody tr").filter(has_not_text=number)).to_have_count(0)
    auditor.check(screenshot="audit-access-log")

    viewed.first.get_by_role("link", name=number).click()
    expect(audit.get_by_role("heading", level=1)).to_contain_text(number)
    expect(audit.locator("#timeline")).to_contain_text("Morgan Counsel viewed the case")
    auditor.check(screenshot="audit-case-timeline")
