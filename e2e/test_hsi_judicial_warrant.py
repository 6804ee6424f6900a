"""HSI brings an Article III judge's warrant and asks for a photo and immigration status under
Massachusetts' profile: counsel verifies the warrant and approves the photo only (immigration
status is barred), a second counsel confirms, and the clerk records the release.

Done with the keyboard alone (Tab, Shift+Tab, typing, arrow keys, Space and Enter), checking
at every stop that the focused control shows a visible focus indicator."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.support import label, pdf_document

pytestmark = pytest.mark.e2e

CITATION = "St. 2022 c.81; 940 CMR 37.00"


def type_datetime(person, field, moment):
    """Type a date and time as a person does in Chromium's en-US field: month, day and year
    (each part moves on by itself), the right arrow (a year may have more digits), then hour,
    minute, and A or P."""
    person.tab_to(field)
    person.page.keyboard.type(moment.strftime("%m%d%Y"))
    person.page.keyboard.press("ArrowRight")
    person.page.keyboard.type(moment.strftime("%I%M") + moment.strftime("%p")[0])
    expect(field).to_have_value(moment.strftime("%Y-%m-%dT%H:%M"))


def test_hsi_warrant_photo_approved_immigration_status_withheld(people, use_profile, files):
    use_profile("ma")
    warrant = files / "search-warrant-1-26-mj-04417.pdf"
    warrant.write_bytes(
        pdf_document(
            "United States District Court for the District of Massachusetts",
            "Search and Seizure Warrant, No. 1:26-mj-04417",
            "Signed: Angela R. Whitman, United States District Judge",
        )
    )
    received = timezone.localtime().replace(second=0, microsecond=0) - timedelta(minutes=5)

    # The clerk logs the letter.
    clerk = people.signed_in("clerk", by_keyboard=True)
    page = clerk.page
    # Playwright turns on the file dialog's interception, without waiting, when the first
    # listener is added: added here, long before the keyboard opens the dialog, so that the
    # Space press below cannot race it (under load the dialog opened unseen).
    page.on("filechooser", lambda chooser: None)
    expect(page.get_by_role("heading", name="Albany legal unit queue")).to_be_visible()
    clerk.check()
    clerk.activate(page.get_by_role("link", name="New request"))
    expect(page.get_by_role("heading", name="Log a new request")).to_be_visible()
    clerk.check()

    clerk.choose(page.get_by_label(label("Channel")), "Mail", value="mail")
    type_datetime(clerk, page.get_by_label(label("Received")), received)
    clerk.choose(page.get_by_label(label("Agency")), "ICE Homeland Security Investigations")
    clerk.type_into(page.get_by_label(label("New requester's name")), "Special Agent Lena Park")
    clerk.type_into(page.get_by_label(label("Email")), "lena.park@hsi.dhs.gov")
    clerk.choose(page.get_by_label(label("Purpose")), "Criminal investigation")
    clerk.tick(page.get_by_role("checkbox", name=re.compile(r"^Photo:")))
    clerk.tick(page.get_by_role("checkbox", name=re.compile(r"^Immigration status:")))
    clerk.type_into(page.get_by_label(label("Subject's name")), "Wei Chen")
    clerk.type_into(page.get_by_label(label("License number")), "123987456")
    clerk.type_into(
        page.get_by_label(label("Narrative")),
        "Letter asks for the subject's photo and immigration status; warrant attached.",
    )
    document = page.get_by_role("group", name="Legal document 1 (if any)")
    clerk.choose(document.get_by_label(label("Document type")), "Judicial warrant")
    clerk.choose(document.get_by_label(label("Signed or issued by")), "Article III judge")
    clerk.type_into(document.get_by_label(label("Signer's name")), "Angela R. Whitman")
    clerk.type_into(document.get_by_label(label("Signer's title")), "United States District Judge")
    clerk.type_into(
        document.get_by_label(label("Court")),
        "United States District Court for the District of Massachusetts",
    )
    clerk.type_into(document.get_by_label(label("Court's state")), "MA")
    clerk.type_into(document.get_by_label(label("Docket number")), "1:26-mj-04417")
    issued = timezone.localdate() - timedelta(days=2)
    issued_field = document.get_by_label(label("Issued"))
    clerk.tab_to(issued_field)
    page.keyboard.type(issued.strftime("%m%d%Y"))
    expect(issued_field).to_have_value(issued.isoformat())
    # The file field opens the system's file dialog from the keyboard too.
    clerk.tab_to(document.get_by_label("Drag file here or choose from folder"))
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(warrant)
    expect(document).to_contain_text(warrant.name)

    preview = page.locator("#policy-preview")
    expect(preview).to_contain_text("Eligible: counsel may approve releasing the photo.")
    expect(preview).to_contain_text("The immigration status is withheld.")
    clerk.check()
    clerk.activate(page.get_by_role("button", name="Save and submit for legal review"))
    expect(
        page.get_by_text(re.compile(r"DR-\d{4}-\d{6} submitted for legal review:"))
    ).to_be_visible()
    number = page.get_by_role("heading", level=1).inner_text().split()[0]
    clerk.check()

    # Counsel verifies the warrant with the checklist.
    counsel = people.signed_in("counsel", by_keyboard=True)
    review = counsel.page
    expect(review.get_by_role("heading", name="Review queue")).to_be_visible()
    counsel.check()
    counsel.activate(review.get_by_role("link", name=number))
    expect(review.get_by_role("heading", level=1)).to_contain_text(number)
    counsel.check()
    counsel.activate(review.get_by_role("link", name="Checklist"))
    expect(
        review.get_by_role(
            "heading", name=re.compile(r"^Verify a legal document: Judicial warrant")
        )
    ).to_be_visible()
    counsel.check()
    for check in (
        "I identified the document's type",
        "It is signed by a judge (name and title of a judge, not an officer)",
        "The issuing court is named",
        "A docket or case number is present",
        "Its dates are valid and it has not expired",
        "The person or vehicle named matches the request",
        "Its scope covers the records asked for",
        "I confirmed it with the issuing court",
    ):
        counsel.tick(review.get_by_label(check))
    counsel.type_into(
        review.get_by_label(label("Who at the court confirmed it")), "Deputy clerk T. Alvarez"
    )
    confirmed_at = timezone.localtime().replace(second=0, microsecond=0) - timedelta(minutes=1)
    type_datetime(counsel, review.get_by_label(label("When")), confirmed_at)
    counsel.type_into(review.get_by_label(label("Number called")), "617-748-9152")
    # A radio group takes one Tab stop; Space picks the focused choice.
    verified = review.get_by_label("Verified: it counts for the policy")
    counsel.tab_to(verified)
    review.keyboard.press("Space")
    expect(verified).to_be_checked()
    counsel.activate(review.get_by_role("button", name="Record the checklist"))
    expect(
        review.get_by_text(re.compile(r"^Checklist recorded for the document: Judicial warrant"))
    ).to_be_visible()

    # The verified warrant unlocks the photo; Massachusetts never releases immigration status
    # to an immigration agency.
    panel = review.get_by_role("region", name="Policy engine's recommendation")
    expect(panel).to_contain_text("Eligible: counsel may approve releasing the photo.")
    barred = panel.locator("li", has_text="Category barred for immigration enforcement")
    expect(barred).to_contain_text(f"Citation: {CITATION}")
    expect(panel.get_by_role("row", name=re.compile(r"^Immigration status"))).to_contain_text(
        "Withheld"
    )
    expect(panel.get_by_role("row", name=re.compile(r"^Photo"))).to_contain_text("Releasable")
    counsel.check()

    # Approve in part: the arrow keys move through the radio group.
    decision = review.locator("form", has=review.get_by_role("button", name="Record decision"))
    counsel.tab_to(decision.get_by_label("Approve everything releasable that was asked"))
    review.keyboard.press("ArrowDown")
    expect(decision.get_by_label("Approve some categories")).to_be_checked()
    counsel.tick(decision.get_by_role("checkbox", name="Photo"))
    counsel.type_into(
        decision.get_by_label(label("Rationale")),
        "Verified Article III warrant covers the photo; immigration status is barred for "
        "immigration agencies under 940 CMR 37.00.",
    )
    counsel.activate(decision.get_by_role("button", name="Record decision"))
    expect(review.get_by_text(f"{number}: your approval is recorded but not final")).to_be_visible()
    expect(
        review.get_by_text(
            "approved in part this request from an immigration agency; a second counsel"
        )
    ).to_be_visible()
    expect(review.get_by_role("heading", level=1)).to_contain_text("In legal review")
    counsel.check()

    # A second counsel confirms.
    second = people.signed_in("counsel3", by_keyboard=True)
    confirm = second.page
    expect(confirm.get_by_role("heading", name="Review queue")).to_be_visible()
    second.check()
    second.activate(confirm.get_by_role("link", name=number))
    expect(confirm.get_by_role("heading", name="Second approval")).to_be_visible()
    second.check()
    yes = confirm.get_by_label("Confirm the approval")
    second.tab_to(yes)
    confirm.keyboard.press("Space")
    expect(yes).to_be_checked()
    second.activate(confirm.get_by_role("button", name="Record my review"))
    expect(confirm.get_by_text("Approval confirmed: the case is approved in part.")).to_be_visible()
    expect(confirm.get_by_role("heading", level=1)).to_contain_text("Approved")
    approval = confirm.locator(
        ".usa-summary-box",
        has=confirm.get_by_role(
            "heading", name=re.compile(r"^Counsel's decision: Approved in part by Morgan Counsel")
        ),
    )
    expect(approval).to_contain_text("Outcome: Approved in part · categories approved: Photo")
    expect(approval).to_contain_text("Confirmed by Sam Okoye")
    second.check()

    # The clerk records what went out.
    clerk.activate(page.get_by_role("link", name="Queue"))
    expect(page.get_by_role("heading", name="Albany legal unit queue")).to_be_visible()
    clerk.check()
    clerk.activate(page.get_by_role("link", name=number))
    expect(page.get_by_role("heading", name="Releases")).to_be_visible()
    clerk.check()
    release = page.locator("form", has=page.get_by_role("button", name="Record the release"))
    expect(release.get_by_role("checkbox")).to_have_count(1)
    # Nothing is chosen for the clerk: the category, method and count are deliberate.
    expect(release.get_by_role("checkbox", name="Photo")).not_to_be_checked()
    clerk.tick(release.get_by_role("checkbox", name="Photo"))
    clerk.choose(release.get_by_label(label("Method")), "Secure email", value="secure_email")
    release.get_by_label(label("Number of records")).fill("1")
    recipient = release.get_by_label(label("Recipient"))
    expect(recipient).to_have_value(re.compile("Special Agent Lena Park"))
    clerk.activate(release.get_by_role("button", name="Record the release"))
    expect(page.get_by_text("Release recorded in the disclosure ledger")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Released")
    expect(page.locator("p", has_text="recorded by Casey Clerk")).to_contain_text(
        "Photo to Special Agent Lena Park"
    )
    clerk.check()
