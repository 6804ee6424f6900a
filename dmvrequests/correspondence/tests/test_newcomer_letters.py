"""A newcomer's findings on letters (#14, #17), each as the user meets it on the page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from dmvrequests.cases import services as case_services
from dmvrequests.correspondence.models import Letter
from dmvrequests.correspondence.tests.helpers import refreshed
from dmvrequests.testing import RequesterFactory, make_case

pytestmark = pytest.mark.django_db


def letters_page(app, case, user):
    return app.get(reverse("correspondence:case_letters", args=[case.number]), user=user.username)


def issue_notice(app, case, user, language="en"):
    form = letters_page(app, case, user).forms["issue-form"]
    form["issue-kind"] = "subject_notice"
    form["issue-language"] = language
    form["issue-subject_address"] = "12 Elm Street\nTroy, NY 12180"
    return form.submit().follow()


@pytest.fixture
def undecided(office, clerk, counsel, ice):
    """An immigration request with an I-200 only, in counsel's review under `ny`: the
    subject notice is due before counsel decides."""
    requester = RequesterFactory(agency=ice, name="Officer Reyes", email="reyes@ice.example.gov")
    case = make_case(
        office=office,
        actor=clerk,
        agency=ice,
        requester=requester,
        received_at=timezone.now(),
        purpose="civil_immigration_enforcement",
        categories=["address", "photo"],
        subject_name="María Gutiérrez López",
    )
    case_services.document_add(
        case=case, actor=clerk, type="administrative_warrant", issuer="immigration_officer"
    )
    case_services.case_submit(case=case, actor=clerk, assigned_counsel=counsel)
    return refreshed(case)


class TestNoticeAfterTheDecision:
    def test_a_notice_issued_after_the_decision_states_it(
        self, django_app, undecided, clerk, counsel
    ):
        page = issue_notice(django_app, undecided, clerk)
        assert "not decided yet" in page.text
        case_services.case_decide(
            case=refreshed(undecided),
            actor=counsel,
            outcome="denied",
            reason="non_judicial_document",
            rationale="An ICE Form I-200 is signed by an immigration officer, not a judge.",
        )
        listing = letters_page(django_app, undecided, clerk)
        assert "Issued before counsel's decision" in listing.text
        page = issue_notice(django_app, undecided, clerk)
        assert "Nothing new was issued" not in page.text
        assert "Notice to the person whose records were asked for issued and kept" in page.text
        assert "not decided yet" not in page.text
        notices = Letter.objects.filter(case=undecided, kind="subject_notice", language="en")
        assert notices.count() == 2
        # Issuing again after that changes nothing: the same notice, not a third one.
        page = issue_notice(django_app, undecided, clerk)
        assert "Nothing new was issued" in page.text
        assert notices.count() == 2
        listing = letters_page(django_app, undecided, clerk)
        assert listing.text.count("Issued before counsel's decision") == 1


class TestRefusalsOnlyForThoseWhoAct:
    def test_a_reader_of_a_shared_case_sees_no_refusals(
        self, django_app, denied, counsel, other_counsel, clerk
    ):
        """Newcomer's finding (#17, 10): "Not available now … send the release letter
        instead" is advice for those who issue letters, not for a reader."""
        case_services.case_share(
            case=denied, actor=counsel, reason="Joint task force", user=other_counsel
        )
        page = letters_page(django_app, denied, other_counsel)
        assert "Letters of" in page.text and "issue-form" not in page.forms
        assert "Not available now" not in page.text
        assert "Not available now" in letters_page(django_app, denied, clerk).text


class TestNoticeAddressName:
    @pytest.mark.parametrize("language", ["en", "es"])
    def test_a_name_typed_on_the_first_line_is_printed_once(
        self, django_app, denied, clerk, language
    ):
        """Newcomer's finding (#17, 9): the clerk typed the person's name as the address's
        first line; the address block names the person once, in both languages."""
        form = letters_page(django_app, denied, clerk).forms["issue-form"]
        form["issue-kind"] = "subject_notice"
        form["issue-language"] = language
        form["issue-subject_address"] = "maría gutiérrez lópez\n12 Elm Street\nTroy, NY 12180"
        form.submit().follow()
        letter = Letter.objects.get(kind="subject_notice", language=language)
        name = "maría gutiérrez lópez\n"
        assert f"{name}{name}" not in letter.text.lower()
        assert "María Gutiérrez López\n12 Elm Street\nTroy, NY 12180\n" in letter.text
