"""The agency portal in a real browser, as an officer lives it: registration with an address at
a directory agency, the emailed verification link (read from the outbox the server wrote),
an authenticator app enrolled (its code computed from the key the page shows), approval by the
agency's portal administrator, a request sent with a court order, the legal unit's question
answered in place with the missing page, counsel's approval, and the approval letter
downloaded as issued. Every page is checked with axe-core and swept with the keyboard."""

import hashlib
import re

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from e2e.support import click_label, label, pdf_document

pytestmark = pytest.mark.e2e

EMAIL = "jordan.lee@albanyny.gov"
# Registration refuses a password with a common word in it (the demo password has one).
OFFICER_PASSWORD = "maple-kettle-harbor-4417"  # noqa: S105 - a test account only


def verification_link():
    from dmvrequests.notifications.models import OutboundEmail

    mail = OutboundEmail.objects.filter(recipient=EMAIL, subject__contains="Verify").last()
    assert mail is not None, "No verification email in the outbox"
    found = re.search(r"https?://\S+/portal/verify/\S+/", mail.body)
    assert found, mail.body
    return found.group(0)


def code_for(secret):
    """What an authenticator app shows for the base32 key the enrolment page gives."""
    import base64

    key = base64.b32decode(secret.replace(" ", "").upper() + "=" * (-len(secret) % 8))
    return f"{TOTP(key, step=30, t0=0, digits=6).token():06d}"


def approve_officer():
    """The agency's portal administrator (the demo's detective) approves the new officer."""
    from dmvrequests.agencies.models import Officer
    from dmvrequests.portal.services import officer_decide

    officer = Officer.objects.get(email=EMAIL)
    admin = Officer.objects.get(agency=officer.agency, is_portal_admin=True)
    officer_decide(officer=officer, actor=admin.user, approve=True)


def ask_for_information(number):
    from accounts.models import User
    from dmvrequests.cases import services
    from dmvrequests.cases.selectors import case_by_number

    clerk, counsel = User.objects.get(username="clerk"), User.objects.get(username="counsel")
    case = case_by_number(number)
    assert case is not None
    case = services.case_submit(case=case, actor=clerk, assigned_counsel=counsel)
    services.info_request(
        case=case, question="Page 2 of the order, with the judge's signature, is missing.",
        actor=counsel,
    )  # fmt: skip


def approve_and_write(number):
    """Counsel verifies the new order, approves, and issues the approval letter."""
    from accounts.models import User
    from dmvrequests.cases import services
    from dmvrequests.cases.selectors import case_by_number
    from dmvrequests.cases.services.documents import REQUIRED_CHECKS
    from dmvrequests.correspondence.services import letter_issue

    counsel = User.objects.get(username="counsel")
    case = case_by_number(number)
    assert case is not None
    newest = case.documents.order_by("-uploaded_at", "-id").first()
    services.document_verify(
        document=newest,
        actor=counsel,
        result="verified",
        checks=dict.fromkeys(REQUIRED_CHECKS, True),
    )
    case.refresh_from_db()
    services.case_decide(
        case=case, actor=counsel, outcome="approved", categories=["address", "license_record"]
    )
    case.refresh_from_db()
    return letter_issue(case=case, kind="release", language="en", actor=counsel)


def test_an_officer_registers_sends_answers_and_downloads_the_letter(people, files, use_profile):
    use_profile("ny")
    officer = people.new("officer")
    page = officer.page

    # Registration, with an address at Albany Police Department's domain.
    officer.goto("/portal/sign-in/")
    page.get_by_role("link", name="Register as an officer").click()
    officer.check()
    page.get_by_label(label("Your email address at your agency")).fill(EMAIL)
    page.get_by_label(label("Full name")).fill("Jordan Lee")
    page.get_by_label(label("Title or rank")).fill("Detective")
    page.get_by_label(label("Badge or ID number")).fill("5120")
    page.get_by_label(label("Your supervisor")).fill("Lt. Maria Chen")
    page.get_by_label(label("Password")).fill(OFFICER_PASSWORD)
    page.get_by_label(label("Password again")).fill(OFFICER_PASSWORD)
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    officer.check()

    # The link from the email, then the button (mail scanners open links; people press).
    page.goto(verification_link())
    officer.check()
    page.get_by_role("button", name="Verify my address").click()
    expect(page.get_by_text("Your address is verified")).to_be_visible()
    officer.check()

    # Sign in, and set up the authenticator app from the key the page shows.
    page.get_by_label(label("Email address")).fill(EMAIL)
    page.get_by_label(label("Password")).fill(OFFICER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    officer.check()
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label(label("Code")).fill(code_for(secret))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Backup codes")).to_be_visible()
    officer.check()
    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_text("waiting for approval")).to_be_visible()
    officer.check()

    # The agency's portal administrator approves; the officer sends a request.
    approve_officer()
    officer.goto("/portal/requests/new/")
    page.get_by_label(label("Purpose")).select_option(label="Criminal investigation")
    click_label(page.locator("input[name=categories][value=address]"))
    click_label(page.locator("input[name=categories][value=license_record]"))
    page.get_by_label(label("Subject's full name")).fill("Maria Lopez")
    page.get_by_label(label("Driver license number")).fill("123456789")
    page.get_by_label(label("What you need and why")).fill("Hit and run on Route 9, March 2.")
    page.get_by_label(label("Legal document")).select_option(value="court_order")
    page.get_by_label(label("Signed or issued by")).select_option(value="state_judge")
    page.get_by_label(label("Court")).fill("Albany County Court")
    page.get_by_label(label("Docket or case number")).fill("2026-CR-101")
    order = files / "order-page-1.pdf"
    order.write_bytes(pdf_document("Albany County Court", "Order for records, 2026-CR-101"))
    page.locator("input[name=document_file]").set_input_files(str(order))
    click_label(page.locator("input[name=attest]"))
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("Your request is received as")).to_be_visible()
    officer.check()
    number = re.search(
        r"DR-\d{4}-\d{6}", page.get_by_text("Your request is received as").inner_text()
    )
    assert number
    number = number.group(0)

    # The legal unit asks for the missing page; the officer answers on the request's page.
    ask_for_information(number)
    page.get_by_role("link", name=number).click()
    expect(
        page.get_by_role("heading", name="The legal unit needs information from you")
    ).to_be_visible()
    expect(page.locator("blockquote")).to_contain_text("with the judge's signature, is missing")
    officer.check(screenshot="portal-needs-information")
    form = page.get_by_role("form", name="Answer the question")
    form.get_by_label(label("Your answer")).fill("Here is the full order, both pages, signed.")
    form.get_by_label(label("New legal document")).select_option(value="court_order")
    form.get_by_label(label("Signed or issued by")).select_option(value="state_judge")
    form.get_by_label(label("Docket or case number")).fill("2026-CR-101")
    full = files / "order-signed.pdf"
    full.write_bytes(pdf_document("Albany County Court", "Order for records, signed, 2 pages"))
    form.locator("input[type=file]").set_input_files(str(full))
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_text("Your answer is sent")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Request {number}: In legal review")).to_be_visible()
    officer.check()

    # Counsel approves and issues the letter; the officer downloads it, the same bytes.
    letter = approve_and_write(number)
    officer.goto(f"/portal/requests/{number}/")
    expect(page.get_by_role("heading", name=f"Request {number}: Approved")).to_be_visible()
    officer.check(screenshot="portal-request-status")
    # The journey runs where WeasyPrint is installed (make e2e, CI): the letter is a PDF.
    assert letter.pdf, "The server made no PDF: install WeasyPrint's libraries (.ci/weasyprint.sh)"
    with page.expect_download() as download:
        page.get_by_role("link", name=f"{number}-release-en.pdf").click()
    saved = files / "letter.pdf"
    download.value.save_as(saved)
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == letter.pdf_sha256
