"""Staff email found in the mail journal, in a real browser: a DMV employee emailed an ICE
officer a person's address and date of birth with no case; `manage.py scan_outbound_email`
flags it. Counsel open the review queue, read the item with its identifiers highlighted, and
open a case for it after the fact; the case page's policy panel evaluates what was sent, so it
says whether the records should have been released. Every page is checked with axe-core."""

import json
import re
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.support import label

pytestmark = pytest.mark.e2e

SUBJECT = "The address you asked about this morning"


def staff_email():
    message = EmailMessage()
    message["From"] = "Robin Marsh <robin.marsh@dmv.example.gov>"
    message["To"] = "Officer Daniel Reyes <daniel.reyes@ice.dhs.gov>"
    message["Subject"] = SUBJECT
    message["Date"] = format_datetime(timezone.localtime())
    message["Message-ID"] = make_msgid(domain="dmv.example.gov")
    message.set_content(
        "Hi Daniel,\n\nHere is what we have for Ana Torres: DOB 03/14/1988, license 246 813 579,"
        "\n12 Elm Street, Albany.\n\nRobin"
    )
    return message.as_bytes()


def test_counsel_open_a_case_for_a_flagged_staff_email(people, manage, files, use_profile):
    use_profile("ny")  # the demo's state: an ICE request is an immigration request there
    eml = files / "staff-to-ice.eml"
    eml.write_bytes(staff_email())
    scanned = manage("scan_outbound_email", "--json", str(eml))
    assert scanned.returncode == 0, scanned.stderr
    line = json.loads(scanned.stdout)
    assert (line["result"], line["agency_kind"]) == ("flagged", "immigration"), line

    counsel = people.signed_in("counsel")
    page = counsel.page
    counsel.check()
    page.get_by_role("link", name="Staff email").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    counsel.check()
    page.get_by_role("link", name=SUBJECT).first.click()
    expect(page.get_by_role("heading", name=re.compile("^Staff email to "))).to_be_visible()
    marks = page.locator("mark")
    expect(marks.filter(has_text="03/14/1988")).to_have_attribute("title", "Date of birth")
    expect(marks.filter(has_text="246 813 579")).to_have_count(1)
    expect(page.get_by_text("robin.marsh@dmv.example.gov").first).to_be_visible()
    counsel.check(screenshot="outbound-item")

    open_form = page.locator("#open-case-form")
    # Suggested from the item: an immigration purpose, the license record ticked.
    purpose = open_form.get_by_label(
        label("Purpose of the disclosure, as far as the email shows it")
    )
    expect(purpose).to_have_value("civil_immigration_enforcement")
    expect(open_form.get_by_role("checkbox", checked=True)).not_to_have_count(0)
    open_form.get_by_role("button", name="Open a case for this email").click()

    expect(
        page.get_by_text(re.compile(r"^Case DR-\d{4}-\d{6} opened after the fact"))
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile(r"DR-\d{4}-\d{6}"))
    panel = page.locator("section.policy-panel")
    expect(panel.get_by_role("heading", name="Policy engine's recommendation")).to_be_visible()
    expect(panel.get_by_role("table", name="Record categories asked for")).to_be_visible()
    expect(panel).to_contain_text("This is an immigration request under this profile.")
    counsel.check(screenshot="outbound-case-opened")
