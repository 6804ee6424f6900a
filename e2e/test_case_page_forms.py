"""The case page's secondary forms in a real browser: a document added after intake, the
needs-information loop answered with a new court order, and a mistake on each form, which
must come back with the typed values kept, the field marked and a summary at the top.
Every page is checked with axe-core (zero violations) and swept with the keyboard."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.support import click_label, label, pdf_document

pytestmark = pytest.mark.e2e


def demo_case(**overrides):
    """A case of the Albany office logged by the demo clerk, made through the services."""
    from accounts.models import User
    from dmvrequests.agencies.models import Agency
    from dmvrequests.cases import services

    clerk = User.objects.get(username="clerk")
    agency = (
        overrides.pop("agency", None)
        or Agency.objects.filter(kind="local_law_enforcement", blocked=False)
        .order_by("name")
        .first()
    )
    fields = {
        "channel": "mail",
        "received_at": timezone.now(),
        "purpose": "criminal_investigation",
        "categories": ["license_record", "address"],
        "subject_name": "Rosa Delgado",
        "subject_license_number": "555123987",
        **overrides,
    }
    return services.case_create(office=clerk.office, agency=agency, actor=clerk, **fields)


def submitted(case):
    from accounts.models import User
    from dmvrequests.cases import services

    clerk, counsel = User.objects.get(username="clerk"), User.objects.get(username="counsel")
    return services.case_submit(case=case, actor=clerk, assigned_counsel=counsel)


def expect_marked(page, control, typed=None):
    """The USWDS error pattern on `control`, and what was typed still in it."""
    expect(page.locator("#error-summary")).to_be_visible()
    expect(control).to_have_attribute("aria-invalid", "true")
    expect(control).to_have_class(re.compile(r"\busa-input--error\b"))
    control_id = control.get_attribute("id")
    expect(page.locator(f'#error-summary a[href="#{control_id}"]')).to_have_count(1)
    if typed is not None:
        expect(control).to_have_value(typed)


def test_a_document_added_after_intake_is_saved(people, files):
    case = demo_case()
    order = files / "court-order-after-intake.pdf"
    order.write_bytes(pdf_document("Albany County Court", "Order for records, No. 2026-114"))

    clerk = people.signed_in("clerk")
    page = clerk.page
    clerk.check()
    clerk.goto(f"/cases/{case.number}/")
    expect(page.get_by_text("No legal document is attached.")).to_be_visible()
    page.locator("summary", has_text="Add a legal document").click()
    form = page.locator("#document-form")
    form.get_by_label(label("Document type")).select_option(label="Court order")
    form.get_by_label(label("Signed or issued by")).select_option(value="state_judge")
    form.get_by_label(label("Court")).fill("Albany County Court")
    form.get_by_label(label("Docket number")).fill("2026-114")
    form.locator("input[type=file]").set_input_files(str(order))
    form.get_by_role("button", name="Add document").click()
    expect(page.get_by_text("Document added: Court order.")).to_be_visible()
    row = page.get_by_role("row", name=re.compile(r"^Court order"))
    expect(row).to_contain_text("Download court-order-after-intake.pdf")
    expect(row).to_contain_text("Not checked yet")
    clerk.check()


def test_a_file_of_another_type_is_refused_saying_what_is_accepted(people, files):
    """Newcomers' findings: a Word file reaches the server, which names it and says what is
    accepted (the file input no longer drops it with a message of its own); pressing "Add
    document" again without choosing a file must not add the document without its scan."""
    case = demo_case()
    memo = files / "order-as-word.docx"
    memo.write_bytes(b"PK\x03\x04 a Word file, not a scan")

    clerk = people.signed_in("clerk")
    page = clerk.page
    clerk.check()
    clerk.goto(f"/cases/{case.number}/")
    page.locator("summary", has_text="Add a legal document").click()
    form = page.locator("#document-form")
    form.get_by_label(label("Document type")).select_option(label="Court order")
    form.locator("input[type=file]").set_input_files(str(memo))
    expect(form).not_to_contain_text("This is not a valid file type.")
    form.get_by_role("button", name="Add document").click()
    expect(page.locator("#error-summary")).to_contain_text(
        "order-as-word.docx is not a PDF, PNG, JPEG or TIFF file."
    )
    clerk.check()
    page.locator("#document-form").get_by_role("button", name="Add document").click()
    file_input = page.locator("#document-form input[type=file]")
    expect(page.locator("#error-summary")).to_contain_text("The file you chose did not arrive")
    expect(page.locator("#newdoc-file-error")).to_contain_text("Choose the file again")
    expect(page.get_by_text("No legal document is attached.")).to_be_visible()
    expect(file_input).to_have_attribute("aria-invalid", "true")
    clerk.check()


def test_needs_information_is_answered_with_a_new_court_order(people, files):
    case = submitted(demo_case(subject_name="Tomas Herrera"))
    order = files / "signed-order.pdf"
    order.write_bytes(pdf_document("Albany County Court", "Signed order, No. 2026-207"))

    counsel = people.signed_in("counsel")
    review = counsel.page
    counsel.check()
    counsel.goto(f"/cases/{case.number}/")
    review.locator("summary", has_text="Ask the agency for information").click()
    review.get_by_label(label("What the agency must provide")).fill(
        "The order signed by the judge, with its docket number."
    )
    review.get_by_role("button", name="Send back for information").click()
    expect(review.get_by_text("the case waits for the agency")).to_be_visible()
    expect(review.get_by_role("heading", level=1)).to_contain_text("Needs information")
    counsel.check()

    clerk = people.signed_in("clerk")
    page = clerk.page
    clerk.check()
    clerk.goto(f"/cases/{case.number}/")
    page.locator("summary", has_text="Add a legal document").click()
    form = page.locator("#document-form")
    form.get_by_label(label("Document type")).select_option(label="Court order")
    form.get_by_label(label("Signed or issued by")).select_option(value="state_judge")
    form.get_by_label(label("Docket number")).fill("2026-207")
    form.locator("input[type=file]").set_input_files(str(order))
    form.get_by_role("button", name="Add document").click()
    expect(page.get_by_text("Document added: Court order.")).to_be_visible()
    clerk.check()
    page.get_by_label(label("The agency's answer")).fill("The agency sent the signed order.")
    page.get_by_role("button", name="Record the answer and return to legal review").click()
    expect(page.get_by_text("Answer recorded: the case is back with legal review")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("In legal review")
    expect(page.get_by_role("row", name=re.compile(r"^Court order"))).to_contain_text(
        "Download signed-order.pdf"
    )
    clerk.check()


def test_a_mistake_on_each_form_keeps_what_was_typed(people):
    from accounts.models import User
    from dmvrequests.agencies.models import Agency
    from dmvrequests.cases import services
    from dmvrequests.cases.models import SubjectNotice
    from dmvrequests.cases.services.documents import REQUIRED_CHECKS

    counsel_user = User.objects.get(username="counsel")
    clerk_user = User.objects.get(username="clerk")
    phone = demo_case(channel="phone", subject_name="Ana Ruiz")
    approved = submitted(demo_case(subject_name="Luis Ortega"))
    services.case_decide(
        case=approved,
        actor=counsel_user,
        outcome="approved",
        categories=["address", "license_record"],
    )
    SubjectNotice.objects.get_or_create(case=approved, defaults={"rule": "N.Y. VTL 201(12)"})
    needs_info = submitted(demo_case(subject_name="Irene Costa"))
    services.info_request(case=needs_info, actor=counsel_user, question="Send the order.")
    in_review = submitted(demo_case(subject_name="Pablo Mendez"))
    SubjectNotice.objects.get_or_create(case=in_review, defaults={"rule": "N.Y. VTL 201(12)"})
    ice = Agency.objects.get(slug="ice-ero")
    pending = demo_case(agency=ice, categories=["address"], subject_name="Carmen Vidal")
    warrant = services.document_add(
        case=pending,
        actor=clerk_user,
        type="judicial_warrant",
        issuer="article_iii_judge",
        content=pdf_document("United States District Court", "Search warrant"),
    )
    services.case_submit(case=pending, actor=clerk_user)
    services.document_verify(
        document=warrant,
        actor=counsel_user,
        result="verified",
        checks=dict.fromkeys(REQUIRED_CHECKS, True),
    )
    pending.refresh_from_db()
    services.case_decide(
        case=pending, actor=counsel_user, outcome="approved", categories=["address"]
    )

    clerk = people.signed_in("clerk")
    page = clerk.page
    clerk.check()

    # The callback without "who answered".
    clerk.goto(f"/cases/{phone.number}/")
    form = page.locator("#callback-form")
    form.get_by_label(label("Number called")).fill("518-555-0100")
    form.get_by_label(label("Notes")).fill("Desk sergeant put me on hold.")
    form.get_by_role("button", name="Record the callback").click()
    expect_marked(page, page.get_by_label(label("Who answered (name and title)")), "")
    expect(page.get_by_label(label("Number called"))).to_have_value("518-555-0100")
    expect(page.get_by_label(label("Notes"))).to_have_value("Desk sergeant put me on hold.")
    clerk.check()

    # A document that expires before it was issued.
    page.locator("summary", has_text="Add a legal document").click()
    form = page.locator("#document-form")
    form.get_by_label(label("Document type")).select_option(label="Court order")
    form.get_by_label(label("Court")).fill("Albany County Court")
    form.get_by_label(label("Issued")).fill("2026-03-10")
    form.get_by_label(label("Expires")).fill("2026-03-01")
    form.get_by_role("button", name="Add document").click()
    form = page.locator("#document-form")
    expect_marked(page, form.get_by_label(label("Expires")), "2026-03-01")
    expect(form.get_by_label(label("Court"))).to_have_value("Albany County Court")
    clerk.check()

    # A release of 0 records.
    clerk.goto(f"/cases/{approved.number}/")
    form = page.locator("#release-form")
    form.get_by_label(label("Recipient")).fill("Det. Jane Roe, Albany PD")
    form.get_by_label(label("Number of records")).fill("0")
    form.get_by_role("button", name="Record the release").click()
    form = page.locator("#release-form")
    expect_marked(page, form.get_by_label(label("Number of records")), "0")
    expect(form.get_by_label(label("Recipient"))).to_have_value("Det. Jane Roe, Albany PD")
    clerk.check()

    # A subject notice without the method.
    form = page.locator("#notice-sent-form")
    form.get_by_label(label("Sent")).fill("2026-03-02T09:30")
    form.get_by_role("button", name="Record the notice as sent").click()
    form = page.locator("#notice-sent-form")
    expect_marked(page, form.get_by_label(label("Method")), "")
    expect(form.get_by_label(label("Sent"))).to_have_value("2026-03-02T09:30")
    clerk.check()

    # An empty answer to the agency's question.
    clerk.goto(f"/cases/{needs_info.number}/")
    page.get_by_role("button", name="Record the answer and return to legal review").click()
    expect_marked(page, page.get_by_label(label("The agency's answer")), "")
    clerk.check()

    counsel = people.signed_in("counsel")
    review = counsel.page
    counsel.check()
    counsel.goto(f"/cases/{in_review.number}/")

    # A denial without its reason.
    decision = review.locator("#decision-form")
    click_label(decision.get_by_label("Deny", exact=True))
    decision.get_by_label(label("Rationale")).fill("No legal process was offered.")
    decision.get_by_role("button", name="Record decision").click()
    decision = review.locator("#decision-form")
    expect_marked(review, decision.get_by_label(label("Reason for denial")))
    expect(decision.get_by_label(label("Rationale"))).to_have_value("No legal process was offered.")
    expect(decision.get_by_label("Deny", exact=True)).to_be_checked()
    counsel.check()

    # An empty question.
    review.locator("summary", has_text="Ask the agency for information").click()
    review.get_by_role("button", name="Send back for information").click()
    expect_marked(review, review.get_by_label(label("What the agency must provide")), "")
    counsel.check()

    # A share with no one.
    review.locator("summary", has_text="Share the case").click()
    share = review.locator("#share-form")
    share.get_by_label(label("Reason")).fill("Joint investigation with Buffalo.")
    share.get_by_role("button", name="Share the case").click()
    expect(review.locator("#error-summary")).to_contain_text(
        "Choose an office or one person to share the case with."
    )
    share = review.locator("#share-form")
    expect(share.get_by_label(label("Reason"))).to_have_value("Joint investigation with Buffalo.")
    counsel.check()

    # An exemption without its reason.
    review.locator("summary", has_text="Exempt the notice").click()
    review.locator("#notice-exempt-form").get_by_role("button", name="Record the exemption").click()
    exempt = review.locator("#notice-exempt-form")
    expect_marked(review, exempt.get_by_label(label("Legal reason for the exemption")), "")
    counsel.check()

    # A second approval without a choice.
    second = people.signed_in("counsel3")
    confirm = second.page
    second.check()
    second.goto(f"/cases/{pending.number}/")
    form = confirm.locator("#second-approval-form")
    form.get_by_label(label("Rationale")).fill("Checked the docket with the court.")
    form.get_by_role("button", name="Record my review").click()
    form = confirm.locator("#second-approval-form")
    expect_marked(confirm, form.get_by_label("Confirm the approval"))
    expect(form.get_by_label(label("Rationale"))).to_have_value(
        "Checked the docket with the court."
    )
    second.check()
