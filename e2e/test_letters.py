"""Letters in a real browser: counsel issues the denial letter of an ICE request refused
under New York's law and emails it to the officer; the clerk issues the subject notice in
Spanish and marks it mailed, which records the case's notice as sent. Every page is
checked with axe-core and swept with the keyboard; the two letters are the screenshots
of docs/letters.md."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.support import click_label, label

pytestmark = pytest.mark.e2e

CITATION = "N.Y. VTL 201(12)(a)"


def denied_ice_case():
    """An ICE request for an address with only an I-200, denied by the demo counsel."""
    from accounts.models import User
    from dmvrequests.agencies.models import Agency, Requester
    from dmvrequests.cases import services

    clerk, counsel = User.objects.get(username="clerk"), User.objects.get(username="counsel")
    ice = Agency.objects.get(slug="ice-ero")
    requester = Requester.objects.create(
        agency=ice, name="Daniel Reyes", email="daniel.reyes@ice.example.gov"
    )
    case = services.case_create(
        office=clerk.office,
        agency=ice,
        actor=clerk,
        requester=requester,
        channel="mail",
        received_at=timezone.now(),
        purpose="civil_immigration_enforcement",
        categories=["address", "photo"],
        subject_name="María Gutiérrez López",
        subject_license_number="246813579",
    )
    services.document_add(
        case=case, actor=clerk, type="administrative_warrant", issuer="immigration_officer"
    )
    case = services.case_submit(case=case, actor=clerk, assigned_counsel=counsel)
    case.refresh_from_db()
    services.case_decide(
        case=case,
        actor=counsel,
        outcome="denied",
        reason="non_judicial_document",
        rationale="An ICE Form I-200 is signed by an immigration officer, not by a judge.",
    )
    return case.number


def test_a_denial_is_emailed_and_the_spanish_notice_mailed(people, use_profile):
    use_profile("ny")
    number = denied_ice_case()

    # Counsel issues the denial letter from the case page and emails it.
    counsel = people.signed_in("counsel")
    page = counsel.page
    counsel.check()
    counsel.goto(f"/cases/{number}/")
    expect(page.get_by_role("heading", name="Letters")).to_be_visible()
    page.get_by_role("link", name="Issue or send a letter").click()
    expect(page.get_by_role("heading", name=f"Letters of {number}")).to_be_visible()
    counsel.check()
    click_label(page.get_by_label("Denial letter"))
    page.get_by_label(label("Language")).select_option(label="English")
    page.get_by_role("button", name="Issue the letter").click()
    expect(page.get_by_text("Denial letter issued and kept on the case.")).to_be_visible()
    sheet = page.locator(".letter-sheet")
    expect(sheet).to_contain_text("Your request is denied. No record has been released.")
    expect(sheet).to_contain_text(f"({CITATION})")
    expect(sheet).to_contain_text("What legal process would be needed")
    counsel.check(screenshot="letter-denial")
    page.get_by_role("button", name="Email it to daniel.reyes@ice.example.gov").click()
    expect(page.get_by_text("The letter is in the outbox to daniel.reyes")).to_be_visible()
    expect(
        page.get_by_role("button", name="Email it to daniel.reyes@ice.example.gov")
    ).to_have_count(0)
    counsel.check()

    # The clerk issues the subject notice in Spanish, mails it and marks it mailed.
    clerk = people.signed_in("clerk")
    desk = clerk.page
    clerk.check()
    clerk.goto(f"/letters/cases/{number}/")
    click_label(desk.get_by_label("Notice to the person whose records were asked for"))
    desk.get_by_label(label("Language")).select_option(label="Español (Spanish)")
    # A notice is mailed: it needs the person's mailing address (the case holds none).
    desk.get_by_label(label("Subject's mailing address (needed for the subject notice)")).fill(
        "12 Elm Street\nTroy, NY 12180"
    )
    desk.get_by_role("button", name="Issue the letter").click()
    notice = desk.locator(".letter-sheet")
    expect(notice).to_contain_text("Troy, NY 12180")
    expect(notice).to_contain_text("La ley nos obliga a informarle sobre esta solicitud")
    expect(notice).to_contain_text("Domicilio")
    expect(notice).to_contain_text("Legal Aid Society of Northeastern New York")
    clerk.check(screenshot="letter-subject-notice-es")
    desk.get_by_label(label("Mailed on")).fill(timezone.localdate().isoformat())
    desk.get_by_role("button", name="Mark printed and mailed").click()
    expect(
        desk.get_by_text("The subject notice is recorded as sent, with this letter.")
    ).to_be_visible()
    clerk.check()

    # The case page: both letters, how each left, and the notice recorded as sent.
    desk.get_by_role("link", name="the case").click()
    letters = desk.locator("ul", has=desk.get_by_role("link", name="Denial letter (English)"))
    expect(letters).to_contain_text("Printed and mailed")
    expect(desk.get_by_text("Sent · subject notice due")).to_be_visible()
    clerk.check()
