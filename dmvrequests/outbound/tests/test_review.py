"""Counsel's review queue of unrecorded-disclosure items, used as counsel use it: the pages as
rendered, the forms filled in and sent; who else may look, and who may not."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dmvrequests.audit.models import Action, AuditRecord
from dmvrequests.outbound.models import OutboundMessage
from dmvrequests.outbound.services import journal_scan
from dmvrequests.outbound.tests.conftest import PDF, staff_email
from dmvrequests.policy.models import PolicyProfile
from dmvrequests.policy.services import profile_activate
from dmvrequests.testing import UserFactory, make_case

pytestmark = pytest.mark.django_db


def flag(**fields):
    outcome = journal_scan(raw=staff_email(**fields))
    assert outcome.result == "flagged" and outcome.item_id is not None
    return OutboundMessage.objects.get(pk=outcome.item_id)


@pytest.fixture
def item(office):
    UserFactory(username="pat", email="pat.clerk@dmv.example.gov", office=office)
    return flag(
        subject="Address you asked for",
        body="Maria Lopez, DOB 01/02/1980, DL 123456789, SSN 123-45-6789, lives at 12 Elm St.",
        attachments=[("photo.pdf", PDF)],
    )


class TestQueue:
    def test_immigration_items_come_first_and_reads_are_logged(self, django_app, counsel, item):
        flag(to="x@fbi.gov", subject="For the FBI", body="SSN 123-45-6789")
        page = django_app.get(reverse("outbound:queue"), user=counsel)
        rows = [row.get_text(" ", strip=True) for row in page.html.select("tbody tr")]
        assert "Address you asked for" in rows[0] and "For the FBI" in rows[1]
        assert "Immigration enforcement" in rows[0]
        listed = AuditRecord.objects.filter(action=Action.LIST_OUTBOUND, user=counsel)
        assert listed.count() == 2

    def test_a_repeated_sender_is_shown_as_such(self, django_app, counsel, item):
        flag(body="Plate ABC1234")
        page = django_app.get(reverse("outbound:queue"), user=counsel)
        assert "Repeated sender: 2 items" in page.text

    @pytest.mark.parametrize("who", ["administrator", "auditor"])
    def test_administrators_and_auditors_read_it(self, django_app, request, item, who):
        user = request.getfixturevalue(who)
        page = django_app.get(reverse("outbound:item", args=[item.pk]), user=user)
        assert "Address you asked for" in page.text
        assert "Counsel's review" not in page.text

    def test_a_clerk_is_refused(self, django_app, clerk, item):
        django_app.get(reverse("outbound:queue"), user=clerk, status=403)
        django_app.get(reverse("outbound:item", args=[item.pk]), user=clerk, status=403)

    def test_anonymous_is_sent_to_sign_in(self, django_app, item):
        page = django_app.get(reverse("outbound:item", args=[item.pk]))
        assert page.status_code == 302 and page.location.startswith("/accounts/sign-in/")

    def test_an_unknown_item_is_not_found(self, django_app, counsel):
        django_app.get(reverse("outbound:item", args=[999999]), user=counsel, status=404)


class TestItemPage:
    def test_it_shows_the_email_as_sent_with_identifiers_highlighted(
        self, django_app, counsel, item
    ):
        page = django_app.get(reverse("outbound:item", args=[item.pk]), user=counsel)
        marks = {(m.get_text(), m["title"]) for m in page.html.select("mark[title]")}
        assert ("01/02/1980", "Date of birth") in marks
        assert ("123456789", "Driver's license number") in marks
        assert "pat.clerk@dmv.example.gov" in page.text and "agent.smith@ice.dhs.gov" in page.text
        assert "Office" in page.text and str(item.office) in page.text
        assert AuditRecord.objects.filter(action=Action.VIEW_OUTBOUND, user=counsel).count() == 1

    def test_its_times_carry_the_state_s_zone(self, django_app, counsel, item):
        OutboundMessage.objects.filter(pk=item.pk).update(
            sent_at=datetime(2026, 7, 1, 18, 5, tzinfo=UTC),  # 14:05 in New York, daylight time
            review_status="dismissed",
            review_reason="Their own report numbers.",
            reviewed_by=counsel,
            reviewed_at=datetime(2026, 12, 3, 17, 21, tzinfo=UTC),  # 12:21, standard time
        )
        page = django_app.get(reverse("outbound:item", args=[item.pk]), user=counsel)
        sent = page.html.find("dt", string="Sent").find_next_sibling("dd")
        assert sent.get_text() == "Jul 1, 2026 14:05 EDT"
        intro = page.html.select_one("p.usa-intro").get_text()
        assert intro.endswith(f"by {counsel} on Dec 3, 2026 12:21 EST.")

    def test_an_attachment_downloads_as_sent_and_the_read_is_logged(
        self, django_app, counsel, item
    ):
        page = django_app.get(reverse("outbound:item", args=[item.pk]), user=counsel)
        download = page.click("photo.pdf")
        assert download.body == PDF
        assert "attachment" in download.headers["Content-Disposition"]
        reads = AuditRecord.objects.filter(action=Action.VIEW_OUTBOUND, user=counsel)
        assert [r.detail for r in reads if r.detail] == [{"attachment": "photo.pdf"}]

    def test_an_attachment_that_is_not_there_says_so(self, django_app, counsel, item):
        page = django_app.get(reverse("outbound:attachment", args=[item.pk, 7]), user=counsel)
        assert "not in this email" in page.follow().text


class TestCounselReview:
    def test_counsel_link_it_to_a_case(self, django_app, counsel, clerk, office, item):
        case = make_case(office=office, actor=clerk)
        page = django_app.get(reverse("outbound:item", args=[item.pk]), user=counsel)
        form = page.forms["link-form"]
        form["number"] = case.number.lower()
        done = form.submit().follow()
        assert f"Linked to case {case.number}" in done.text
        item.refresh_from_db()
        assert (item.case, item.review_status, item.reviewed_by) == (case, "linked", counsel)
        assert item.history.first().history_user == counsel

    def test_a_case_counsel_may_not_see_is_refused_with_a_message(
        self, django_app, counsel, other_office, item
    ):
        other = make_case(office=other_office, actor=UserFactory(office=other_office, role="Clerk"))
        page = django_app.get(reverse("outbound:item", args=[item.pk]), user=counsel)
        form = page.forms["link-form"]
        form["number"] = other.number
        answer = form.submit(status=400)
        assert f"No case {other.number} that you may see" in answer.text
        assert "['" not in answer.text
        item.refresh_from_db()
        assert item.review_status == "open"

    def test_counsel_open_a_case_after_the_fact(self, django_app, counsel, item):
        page = django_app.get(reverse("outbound:item", args=[item.pk]), user=counsel)
        form = page.forms["open-case-form"]
        assert form["purpose"].value == "civil_immigration_enforcement"
        case_page = form.submit().follow()
        item.refresh_from_db()
        case = item.case
        assert (case.channel, item.review_status) == ("outbound", "case_opened")
        assert "Sent by: Pat Clerk <pat.clerk@dmv.example.gov>" in case.narrative
        sent = timezone.localtime(item.sent_at)
        assert (
            f"Sent on: {sent:%b} {sent.day}, {sent:%Y %H:%M} E" in case.narrative
        )  # EST/EDT, not UTC
        assert "Social Security number: 1" in case.narrative  # counted, never copied
        assert "123-45-6789" not in case.narrative
        assert "SSN [Social Security number not copied]" in case.narrative
        # The one who received it at the agency is the case's requester.
        assert case.requester.email == "agent.smith@ice.dhs.gov"
        assert case.requester.agency == case.agency
        assert case.categories == ["license_record", "ssn"]
        # The one license number and date of birth in the email are the case's subject.
        assert (case.subject_license_number, case.subject_dob) == ("123456789", date(1980, 1, 2))
        assert "Outbound, unrecorded" in case_page.text
        assert "opened this case after the fact" in case_page.text
        after = " ".join(case_page.html.select_one("#after-the-fact").get_text().split())
        assert after.startswith("These records were already emailed by staff, without a case")
        assert after.endswith("they could have been released, with counsel's approval first.")

    def test_under_new_york_law_the_case_says_they_should_not_have_been_released(
        self, django_app, counsel, item
    ):
        """The Green Light law (N.Y. VTL § 201(12)) refuses records for civil immigration
        enforcement: the case opened after the fact says they should not have gone."""
        profile_activate(profile=PolicyProfile.objects.get(slug="ny"), actor=None)
        page = django_app.get(reverse("outbound:item", args=[item.pk]), user=counsel)
        case_page = page.forms["open-case-form"].submit().follow()
        after = " ".join(case_page.html.select_one("#after-the-fact").get_text().split())
        assert after.endswith(
            "Read the recommendation below as what should have happened: they should not have "
            "been released."
        )

    def test_dismissing_needs_a_reason(self, django_app, counsel, item):
        page = django_app.get(reverse("outbound:item", args=[item.pk]), user=counsel)
        form = page.forms["dismiss-form"]
        answer = form.submit(status=400)
        assert "Say why this email is not a disclosure to record" in answer.text
        form = answer.forms["dismiss-form"]
        form["reason"] = "The numbers are the officer's own report numbers."
        form.submit().follow()
        item.refresh_from_db()
        assert (item.review_status, item.review_reason) == (
            "dismissed",
            "The numbers are the officer's own report numbers.",
        )

    def test_an_administrator_cannot_act(self, django_app_factory, administrator, item):
        app = django_app_factory(csrf_checks=False)
        url = reverse("outbound:dismiss", args=[item.pk])
        app.post(url, {"reason": "x"}, user=administrator, status=403)
        item.refresh_from_db()
        assert item.review_status == "open"


class TestPatternPage:
    def test_an_administrator_tries_patterns_on_sample_text(self, django_app, administrator):
        page = django_app.get(reverse("outbound:patterns"), user=administrator)
        form = page.forms["patterns-form"]
        form["text"] = "DL 123456789 and NY-77 and SSN 666-12-3456"
        found = form.submit()
        assert found.request.method == "POST" and "666-12" not in found.request.url
        assert [m.get_text() for m in found.html.select("mark")] == ["123456789"]
        form = found.forms["patterns-form"]
        form["patterns"] = r"NY-\d{2}"
        found = form.submit()
        assert [m.get_text() for m in found.html.select("mark")] == ["NY-77"]

    def test_an_invalid_pattern_is_said_at_the_field(self, django_app, administrator):
        page = django_app.get(reverse("outbound:patterns"), user=administrator)
        form = page.forms["patterns-form"]
        form["patterns"], form["text"] = "[a-", "x"
        answer = form.submit(status=400)
        assert "Pattern 1 ([a-) is not valid" in answer.text
        assert "Nothing is stored on this page" in answer.text
        assert "correct the form: correct" not in answer.text
        in_force = answer.html.select_one("#patterns-in-force").get_text()
        assert r"[A-Za-z]\d{7,14}" in in_force  # the default, shown
        assert "Nothing was saved" not in answer.text

    def test_a_catastrophic_pattern_is_stopped_and_said(self, django_app, administrator):
        """(a|aa)+ backtracks exponentially on a long run of a's that is not followed by a
        digit: the page stops it at its time limit and says how to write it, instead of
        holding the server worker."""
        page = django_app.get(reverse("outbound:patterns"), user=administrator)
        form = page.forms["patterns-form"]
        form["patterns"], form["text"] = "\\d{9}\n(a|aa)+\\d", "DL 123456789 " + "a" * 40 + "!"
        answer = form.submit(status=400)
        assert "Pattern 2 took longer than 1 second on this text" in answer.text
        assert "without repeating a repeated group" in answer.text
        assert not answer.html.select("mark")

    @pytest.mark.parametrize("who", ["counsel", "auditor", "clerk"])
    def test_only_administrators_open_it(self, django_app, request, who):
        user = request.getfixturevalue(who)
        django_app.get(reverse("outbound:patterns"), user=user, status=403)
