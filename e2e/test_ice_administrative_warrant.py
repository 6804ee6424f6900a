"""ICE calls with an I-200 under New York's Green Light law: the engine denies (an
administrative warrant is not signed by a judge), counsel rejects the I-200 and denies, the
subject is told within 3 days, and the case closes. Done with the mouse, fields found by
their labels."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dmvrequests.agencies.models import Agency
from e2e.support import click_label, label, pdf_document

pytestmark = pytest.mark.e2e

CITATION = "N.Y. VTL 201(12)(a)"


def test_ice_i200_by_phone_is_denied_and_the_subject_is_told(people, use_profile, files):
    use_profile("ny")
    ice = Agency.objects.get(slug="ice-ero")
    i200 = files / "I-200-warrant-for-arrest.pdf"
    i200.write_bytes(
        pdf_document(
            "U.S. Department of Homeland Security",
            "Warrant for Arrest of Alien (Form I-200)",
            "Signed: Supervisory Deportation Officer",
        )
    )
    # The call came in 20 minutes before the clerk logs it.
    received = timezone.localtime() - timedelta(minutes=20)

    # The clerk logs the call.
    clerk = people.signed_in("clerk", screenshot="sign-in")
    page = clerk.page
    expect(page.get_by_role("heading", name="Albany legal unit queue")).to_be_visible()
    clerk.check(screenshot="clerk-queue")
    page.get_by_role("link", name="New request").click()
    expect(page.get_by_role("heading", name="Log a new request")).to_be_visible()
    clerk.check()

    page.get_by_label(label("Channel")).select_option(label="Phone")
    page.get_by_label(label("Received")).fill(received.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label(label("Agency")).select_option(label="ICE Enforcement and Removal Operations")
    page.get_by_label(label("New requester's name")).fill("Daniel Reyes")
    page.get_by_label(label("Title or rank")).fill("Deportation Officer")
    page.get_by_label(label("Phone")).fill("212-555-0147")
    page.get_by_label(label("Purpose")).select_option(label="Civil immigration enforcement")
    click_label(page.get_by_role("checkbox", name=re.compile(r"^Address:")))
    page.get_by_label(label("Subject's name")).fill("Maria Lopez")
    page.get_by_label(label("License number")).fill("987654321")
    page.get_by_label(label("Narrative")).fill(
        "Officer asked by phone for the current address of the subject; says he holds a warrant."
    )
    document = page.get_by_role("group", name="Legal document 1 (if any)")
    document.get_by_label(label("Document type")).select_option(
        label="Administrative warrant (ICE I-200 / I-205)"
    )
    document.get_by_label(label("Signed or issued by")).select_option(label="Immigration officer")
    document.get_by_label(label("Signer's name")).fill("R. Whitfield")
    document.get_by_label(label("Signer's title")).fill("Supervisory Deportation Officer")
    # USWDS's file input names itself by its instructions (docs/accessibility.md, known limits).
    document.get_by_label("Drag file here or choose from folder").set_input_files(i200)
    expect(document).to_contain_text(i200.name)

    # The policy panel follows the form as it is filled in.
    preview = page.locator("#policy-preview")
    expect(preview).to_contain_text("Deny: the documents offered do not include")
    expect(preview).to_contain_text(CITATION)
    clerk.check(screenshot="new-request")
    page.get_by_role("button", name="Save as received").click()

    # The case page: the engine's denial, with its citation, before anyone decides.
    expect(page.get_by_text(re.compile(r"DR-\d{4}-\d{6} saved as received"))).to_be_visible()
    number = page.get_by_role("heading", level=1).inner_text().split()[0]
    assert re.fullmatch(r"DR-\d{4}-\d{6}", number), number
    panel = page.get_by_role("region", name="Policy engine's recommendation")
    # The engine's verdict (the panel may also carry the profile's review state, a warning).
    expect(panel.locator(".usa-alert--error")).to_contain_text(
        "Deny: the documents offered do not include a judicial warrant or court order signed "
        "by an Article III judge"
    )
    insufficient = panel.locator("li", has_text="Legal process not sufficient")
    expect(insufficient).to_contain_text(f"Citation: {CITATION}")
    nonjudicial = panel.locator("li", has_text="Not signed by a judge (administrative document)")
    expect(nonjudicial).to_contain_text("issued by an agency's own officers, not by a judge")
    expect(nonjudicial).to_contain_text(f"Citation: {CITATION}")
    expect(panel).to_contain_text("This is an immigration request under this profile.")
    expect(panel.get_by_role("region", name="Subject notice required")).to_contain_text(
        "3 calendar days"
    )
    clerk.check(screenshot="case-policy-panel")

    # Phone requests are confirmed by calling the agency's published number, not the caller's.
    expect(
        page.get_by_text(f"Call the agency's published number ({ice.published_phone})")
    ).to_be_visible()
    page.get_by_label(label("Who answered (name and title)")).fill("Duty officer K. Tran")
    click_label(
        page.get_by_label(
            "The agency confirmed that this officer works there and made this request"
        )
    )
    page.get_by_role("button", name="Record the callback").click()
    expect(page.get_by_text("Callback recorded: the requester is confirmed.")).to_be_visible()
    expect(
        page.get_by_text(f"called {ice.published_phone}; Duty officer K. Tran answered")
    ).to_be_visible()
    clerk.check()

    page.get_by_label(label("Assign to counsel")).select_option(label="Morgan Counsel")
    page.get_by_role("button", name="Submit for legal review").click()
    expect(
        page.get_by_text(f"{number} submitted for legal review: Morgan Counsel is assigned.")
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("In legal review")
    clerk.check()

    # Counsel finds it in the review queue and checks the I-200.
    counsel = people.signed_in("counsel")
    review = counsel.page
    expect(review.get_by_role("heading", name="Review queue")).to_be_visible()
    counsel.check(screenshot="counsel-review-queue")
    review.get_by_role("link", name=number).click()
    expect(review.get_by_role("heading", level=1)).to_contain_text(number)
    counsel.check()
    review.get_by_role("link", name="Checklist").click()
    expect(
        review.get_by_role(
            "heading", name=re.compile(r"^Verify a legal document: Administrative warrant")
        )
    ).to_be_visible()
    counsel.check(screenshot="checklist")
    click_label(review.get_by_label("I identified the document's type"))
    click_label(review.get_by_label("The person or vehicle named matches the request"))
    click_label(review.get_by_label("Rejected: it does not count"))
    review.get_by_label(label("Notes")).fill(
        "ICE Form I-200, signed by a Supervisory Deportation Officer: no judge, no court, no docket."
    )
    review.get_by_role("button", name="Record the checklist").click()
    # (The message lowercases the type's name, "ice i-200": reported, not asserted.)
    expect(
        review.get_by_text(
            re.compile(r"^Checklist recorded for the document: Administrative warrant")
        )
    ).to_be_visible()
    counsel.check()

    # The denial.
    decision = review.locator("form", has=review.get_by_role("button", name="Record decision"))
    click_label(decision.get_by_label("Deny", exact=True))
    decision.get_by_label(label("Reason for denial")).select_option(
        label="Administrative (non-judicial) document"
    )
    decision.get_by_label(label("Rationale")).fill(
        "An I-200 is signed by an immigration officer, not a judge; N.Y. VTL 201(12)(a) "
        "requires a judicial warrant or court order signed by an Article III judge."
    )
    decision.get_by_role("button", name="Record decision").click()
    expect(review.get_by_text(f"{number}: your denial is recorded")).to_be_visible()
    expect(review.get_by_role("heading", level=1)).to_contain_text("Denied")
    denial = review.locator(
        ".usa-summary-box",
        has=review.get_by_role(
            "heading", name=re.compile(r"^Counsel's decision: Denied by Morgan Counsel")
        ),
    )
    expect(denial).to_contain_text("Reason: Administrative (non-judicial) document")
    expect(denial).to_contain_text("recommendation then (profile ny, version 1)")

    # The subject notice: due 3 calendar days after the request came in.
    due = received.date() + timedelta(days=3)
    days = (due - timezone.localdate()).days
    expect(review.locator(".usa-alert", has_text="Subject notice required")).to_contain_text(
        f"due in {days} day{'s' if days != 1 else ''}"
    )
    notice = review.locator("p", has_text=f"· subject notice due {due:%b} {due.day}, {due.year}")
    expect(notice).to_contain_text(CITATION)
    counsel.check()

    # The clerk sends the notice, records it, and closes the case.
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Denied")
    clerk.check()
    notice_form = page.locator(
        "form", has=page.get_by_role("button", name="Record the notice as sent")
    )
    notice_form.get_by_label(label("Method")).fill("First-class mail to the address on file")
    notice_form.get_by_role("button", name="Record the notice as sent").click()
    expect(page.get_by_text("Subject notice recorded as sent")).to_be_visible()
    notice_line = page.locator("p", has_text="· sent")
    expect(notice_line).to_contain_text("(First-class mail to the address on file)")
    expect(notice_line).to_contain_text("recorded by Casey Clerk")
    clerk.check()
    page.get_by_role("button", name="Close").click()
    expect(page.get_by_text(f"{number} is closed.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Closed")
    clerk.check()
