"""Confidence and counsel's review of a profile: the profiles page, the review form as it
renders, the service, the history and audit record, and what the policy panel says."""

import copy
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dmvrequests.audit.models import AuditRecord
from dmvrequests.cases import services as case_services
from dmvrequests.cases.tests.test_forms_as_rendered import case_page
from dmvrequests.policy import services
from dmvrequests.policy.models import PolicyProfile
from dmvrequests.testing import AgencyFactory, make_case

pytestmark = pytest.mark.django_db

LIST = reverse("policy:profiles")
NOT_REVIEWED = "This profile is not yet reviewed by counsel."
NV_QUESTION = "Whether AB 407 lets any legal process unlock a request for civil immigration"


def review_url(slug):
    return reverse("policy:profile_review", args=[slug])


def profile(slug):
    return PolicyProfile.objects.get(slug=slug)


def review_state(page):
    """The text of every review-state box on the page."""
    return [" ".join(box.text.split()) for box in page.html.select(".profile-review")]


def open_review_form(app, administrator, slug):
    """From the profiles page, follow the profile's own link, as an administrator would."""
    page = app.get(LIST, user=administrator.username)
    row = page.html.find(id=f"profile-{slug}")
    link = next(a for a in row.find_all("a") if "Record counsel's review" in a.get_text())
    return app.get(link["href"], user=administrator.username).forms["review-form"]


def record(slug, actor, **changes):
    fields = {
        "reviewer": "Dana Ruiz, Deputy Attorney General",
        "reviewed_on": timezone.localdate(),
        "note": "Read the cited sections against the rules.",
        "confidence": profile(slug).confidence,
        "open_questions": profile(slug).open_questions,
        **changes,
    }
    return services.profile_record_review(profile=profile(slug), actor=actor, **fields)


class TestAccess:
    def test_it_sends_anonymous_visitors_to_sign_in(self, client):
        for url in (LIST, review_url("nv")):
            response = client.get(url)
            assert response.status_code == 302
            assert reverse("accounts:login") in response["Location"]

    @pytest.mark.parametrize("role", ["clerk", "auditor"])
    def test_it_refuses_clerks_and_auditors(self, django_app, role, request):
        user = request.getfixturevalue(role)
        assert django_app.get(LIST, user=user.username, status=403).status_code == 403
        assert django_app.get(review_url("nv"), user=user.username, status=403)

    def test_counsel_sees_the_profiles_but_cannot_record_a_review(self, django_app, counsel):
        page = django_app.get(LIST, user=counsel.username)
        assert "Record counsel's review" not in page.text
        django_app.get(review_url("nv"), user=counsel.username, status=403)
        post = django_app.post(review_url("nv"), {}, user=counsel.username, expect_errors=True)
        assert post.status_code == 403

    def test_an_unknown_profile_is_not_found(self, django_app, administrator):
        django_app.get(review_url("narnia"), user=administrator.username, status=404)


class TestProfilesPage:
    def test_it_lists_the_fourteen_profiles_none_reviewed(self, django_app, administrator):
        page = django_app.get(LIST, user=administrator.username)
        rows = page.html.select("tbody tr")
        assert len(rows) == 14
        assert all(NOT_REVIEWED in text for text in review_state(page))

    def test_it_lists_the_open_questions_of_a_partly_confirmed_profile(
        self, django_app, administrator
    ):
        page = django_app.get(LIST, user=administrator.username)
        nv = page.html.find(id="profile-nv")
        assert "Partly confirmed" in nv.text
        assert NV_QUESTION in " ".join(nv.text.split())
        ny = " ".join(page.html.find(id="profile-ny").text.split())
        assert "Confirmed" in ny and "questions are open" not in ny
        assert "N.Y. VTL 201(12)(a), read on Nov 21, 2026" in ny


class TestRecordingTheReview:
    def test_an_administrator_records_it_through_the_form(self, django_app, administrator):
        form = open_review_form(django_app, administrator, "nv")
        assert form["confidence"].value == "partly_confirmed"
        assert NV_QUESTION in form["open_questions"].value
        form["reviewer"] = "Dana Ruiz, Deputy Attorney General"
        form["reviewed_on"] = "2026-11-27"
        form["note"] = "AB 407 read in full: no process unlocks such a request."
        form["confidence"] = "confirmed"
        form["open_questions"] = ""
        page = form.submit().follow()
        assert "Counsel's review of Nevada (version 1) is recorded." in page.html.text
        nv = profile("nv")
        assert nv.is_reviewed
        assert (nv.reviewed_by, nv.reviewed_on, nv.reviewed_version) == (
            "Dana Ruiz, Deputy Attorney General",
            datetime.date(2026, 11, 27),
            1,
        )
        assert (nv.confidence, nv.open_questions) == ("confirmed", [])
        assert nv.review_recorded_by == administrator
        row = " ".join(page.html.find(id="profile-nv").text.split())
        assert (
            "Reviewed by counsel: Dana Ruiz, Deputy Attorney General, on November 27, 2026" in row
        )
        assert NOT_REVIEWED not in row

    def test_it_keeps_history_and_an_audit_record(self, django_app, administrator):
        form = open_review_form(django_app, administrator, "ca")
        form["reviewer"] = "Lee Chan, Chief Counsel"
        form["note"] = "Gov. Code 7284.6 checked."
        form.submit().follow()
        latest = profile("ca").history.first()
        assert latest.history_user == administrator
        assert latest.history_change_reason == "Counsel's review recorded (version 1)."
        assert latest.reviewed_by == "Lee Chan, Chief Counsel"
        audit = AuditRecord.objects.get(action="profile_review")
        assert (audit.kind, audit.outcome, audit.user) == ("policy", "success", administrator)
        assert audit.object_type == "policy.policyprofile"
        assert audit.object_id == str(profile("ca").pk)
        assert audit.detail["profile"] == "ca"
        assert audit.detail["confidence"] == "partly_confirmed"
        assert audit.detail["open_questions"] == 2

    def test_it_refuses_a_confirmed_profile_with_open_questions(self, django_app, administrator):
        form = open_review_form(django_app, administrator, "nm")
        form["reviewer"] = "Ana Ortiz, General Counsel"
        form["note"] = "Read."
        form["confidence"] = "confirmed"
        page = form.submit(status=400)
        assert "A confirmed profile has no open questions" in page.text
        assert "The review was not recorded" in page.text
        assert not profile("nm").is_reviewed
        assert not AuditRecord.objects.filter(action="profile_review").exists()

    def test_it_refuses_a_partly_confirmed_profile_without_questions(
        self, django_app, administrator
    ):
        form = open_review_form(django_app, administrator, "ny")
        form["reviewer"] = "Sam Park, Counsel"
        form["note"] = "Read."
        form["confidence"] = "partly_confirmed"
        page = form.submit(status=400)
        assert "Say what remains open for a partly confirmed profile" in page.text
        assert not profile("ny").is_reviewed

    def test_it_says_what_is_missing(self, django_app, administrator):
        form = open_review_form(django_app, administrator, "ny")
        form["reviewed_on"] = "2026-02-30"
        page = form.submit(status=400)
        errors = [e.text for e in page.html.select(".usa-error-message")]
        assert len(errors) == 3  # who reviewed, an impossible date, what was checked
        assert not profile("ny").is_reviewed

    def test_it_refuses_a_line_break_in_the_reviewers_name(self, django_app, administrator):
        form = open_review_form(django_app, administrator, "ny")
        form["reviewer"] = "Sam Park\r\nBcc: someone"
        form["note"] = "Read."
        page = form.submit(status=400)
        assert "Use one line of text" in page.html.find(id="reviewer-error").text
        assert not profile("ny").is_reviewed

    def test_the_form_refuses_a_review_before_the_sources_were_read(
        self, django_app, administrator
    ):
        form = open_review_form(django_app, administrator, "co")
        form["reviewer"] = "Dana Ruiz, Deputy Attorney General"
        form["reviewed_on"] = "1901-01-01"
        form["note"] = "Read."
        page = form.submit(status=400)
        error = " ".join(page.html.find(id="reviewed_on-error").text.split())
        assert "cannot come before the profile's sources were read" in error
        assert not profile("co").is_reviewed

    def test_the_form_says_a_future_date_at_once_with_the_other_errors(
        self, django_app, administrator
    ):
        form = open_review_form(django_app, administrator, "ny")
        form["reviewed_on"] = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
        form["reviewer"] = ""
        page = form.submit(status=400)
        assert "cannot be in the future" in page.html.find(id="reviewed_on-error").text
        assert page.html.find(id="reviewer-error") is not None

    def test_it_refuses_a_review_dated_in_the_future(self, administrator):
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        with pytest.raises(ValidationError) as refused:
            record("ny", administrator, reviewed_on=tomorrow)
        assert "reviewed_on" in refused.value.message_dict
        assert not profile("ny").is_reviewed


class TestReviewAndVersions:
    def test_an_edit_of_the_rules_needs_a_new_review(self, administrator):
        record("ny", administrator)
        rules = copy.deepcopy(profile("ny").rules)
        rules["subject_notice"] = {"days": 5, "unit": "business"}
        services.profile_update_rules(profile=profile("ny"), rules=rules, actor=administrator)
        edited = profile("ny")
        assert (edited.version, edited.reviewed_version, edited.is_reviewed) == (2, 1, False)

    def test_activation_keeps_the_review(self, administrator):
        record("ny", administrator)
        services.profile_activate(profile=profile("ny"), actor=administrator)
        assert profile("ny").is_reviewed

    def test_a_clone_keeps_the_confidence_but_not_the_review(self, administrator):
        record("nv", administrator)
        clone = services.profile_clone(
            profile=profile("nv"), slug="nv-2027", name="Nevada 2027", actor=administrator
        )
        assert (clone.confidence, clone.open_questions) == (
            profile("nv").confidence,
            profile("nv").open_questions,
        )
        assert clone.sources == profile("nv").sources
        assert not clone.is_reviewed and clone.reviewed_by == ""


def try_page(app, user, slug):
    form = app.get(reverse("policy:try"), user=user.username).forms["try-form"]
    form["profile"] = str(profile(slug).pk)  # webtest refuses a value the select does not offer
    form["agency_kind"] = "immigration"
    form["purpose"] = "civil_immigration_enforcement"
    form["records"] = ["address"]
    return form.submit()


class TestThePanelSaysIt:
    def test_the_try_page_says_a_partly_confirmed_profile_is_not_reviewed(
        self, django_app, counsel
    ):
        page = try_page(django_app, counsel, "nv")
        (state,) = review_state(page)
        assert NOT_REVIEWED in state
        assert "Partly confirmed: these questions are open." in state
        assert NV_QUESTION in state

    def test_the_try_page_lists_no_questions_for_a_confirmed_profile(self, django_app, counsel):
        (state,) = review_state(try_page(django_app, counsel, "ny"))
        assert NOT_REVIEWED in state and "questions are open" not in state

    def test_the_try_page_names_the_review_once_recorded(self, django_app, counsel, administrator):
        record("nv", administrator, note="AB 407 read.")
        (state,) = review_state(try_page(django_app, counsel, "nv"))
        assert state.startswith("Reviewed by counsel: Dana Ruiz, Deputy Attorney General")
        assert "AB 407 read." in state
        assert NV_QUESTION in state  # counsel kept the question open

    def test_the_try_page_says_when_the_rules_changed_since(
        self, django_app, counsel, administrator
    ):
        record("ny", administrator)
        rules = {**copy.deepcopy(profile("ny").rules), "name": "New York (2027)"}
        services.profile_update_rules(profile=profile("ny"), rules=rules, actor=administrator)
        (state,) = review_state(try_page(django_app, counsel, "ny"))
        assert NOT_REVIEWED in state
        assert "version 1 was reviewed by Dana Ruiz" in state
        assert "the rules have changed since" in state

    def test_the_case_page_panel_says_it(self, django_app, office, clerk, counsel, administrator):
        services.profile_activate(profile=profile("nv"), actor=administrator)
        agency = AgencyFactory(kind="immigration", name="ICE ERO Reno")
        case = make_case(
            office=office, actor=clerk, agency=agency, purpose="civil_immigration_enforcement"
        )
        case = case_services.case_submit(case=case, actor=clerk, assigned_counsel=counsel)
        page = case_page(django_app, case, counsel)
        panel = page.html.find(id="policy-panel-heading").find_parent("section")
        state = " ".join(panel.select_one(".profile-review").text.split())
        assert NOT_REVIEWED in state and NV_QUESTION in state
