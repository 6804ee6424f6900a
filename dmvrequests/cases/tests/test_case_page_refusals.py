"""Newcomer's browser trial of the case page's forms (times, checklist, notes, court's state,
file type, wording): each form posted as the page renders it (WebTest) is refused with a
message that says what to do, at the field, and nothing is saved; the services refuse the
same, so no other caller (the API, the portal, a command) gets round it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from webtest import Upload

from dmvrequests.cases import services
from dmvrequests.cases.forms import CHANNEL_REFUSED
from dmvrequests.cases.models import (
    Decision,
    DecisionOutcome,
    DisclosureRequest,
    DocumentVerification,
    Status,
)
from dmvrequests.cases.services.documents import REQUIRED_CHECKS
from dmvrequests.cases.services.requests import CALLBACK_NOTES_MAX_LENGTH
from dmvrequests.cases.tests.test_forms_as_rendered import (
    PDF,
    assert_marked,
    case_page,
    form_for,
    submitted,
    typed,
)
from dmvrequests.testing import AgencyFactory, UserFactory, make_case
from dmvrequests.timewords import moment_words

pytestmark = pytest.mark.django_db


def local_input(moment):
    """A time as a datetime-local field holds it."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def at(day, hour, minute):
    """`day` (an aware datetime) at hour:minute in the state's time zone."""
    return timezone.localtime(day).replace(hour=hour, minute=minute, second=0, microsecond=0)


@pytest.fixture
def day():
    """Two days ago: the day the request of the trial came in."""
    return timezone.now() - timedelta(days=2)


@pytest.fixture
def police(db):
    return AgencyFactory(kind="local_law_enforcement", name="Albany Police Department")


@pytest.fixture
def in_review(office, clerk, counsel, police, day):
    """A mailed request received at 09:15 two days ago, with legal review."""
    case = make_case(office=office, actor=clerk, agency=police, received_at=at(day, 9, 15))
    return services.case_submit(case=case, actor=clerk, assigned_counsel=counsel)


def backdate(decision, decided_at):
    """Set a decision's time, as if it had been made then. On PostgreSQL the database refuses
    to rewrite a decision (audit migration 0005); the test's superuser connection skips
    ordinary triggers for this one statement (session_replication_role), inside the test's
    own transaction, which rolls back with the test."""
    rows = Decision.objects.filter(pk=decision.pk)
    if connection.vendor != "postgresql":
        rows.update(decided_at=decided_at)
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        rows.update(decided_at=decided_at)
        cursor.execute("SET LOCAL session_replication_role = origin")


@pytest.fixture
def approved(in_review, counsel, day):
    """Approved by counsel at 15:06 the day it came in."""
    decision = services.case_decide(
        case=in_review,
        actor=counsel,
        outcome=DecisionOutcome.APPROVED,
        categories=["address", "license_record"],
    )
    backdate(decision, at(day, 15, 6))
    DisclosureRequest.objects.filter(pk=in_review.pk).update(decided_at=at(day, 15, 6))
    in_review.refresh_from_db()
    return in_review


def release_form(app, case, clerk, released_at):
    form = form_for(case_page(app, case, clerk), "cases:release", case)
    form["release-categories"] = ["address"]
    form["release-recipient"] = "Det. Jane Roe, Albany PD"
    form["release-method"] = "secure_email"
    form["release-records_count"] = "1"
    form["release-released_at"] = local_input(released_at)
    return form


class TestReleaseTime:
    @pytest.mark.parametrize(
        "when",
        [(-1, 10, 0), (0, 12, 0), (0, 15, 5)],
        ids=["before-receipt", "before-approval", "a-minute-before-approval"],
    )
    def test_a_release_before_the_approval_is_refused_naming_the_earliest_time(
        self, django_app, approved, clerk, day, when
    ):
        days, hour, minute = when
        form = release_form(
            django_app, approved, clerk, at(day + timedelta(days=days), hour, minute)
        )
        page = form.submit(status=400)
        assert_marked(page, "release-released_at")
        said = page.html.find(id="release-released_at-error").text
        earliest = moment_words(at(day, 15, 6))
        assert earliest[-3:] in ("EST", "EDT")  # the state's zone, with its abbreviation
        assert (
            f"A release cannot be dated before counsel approved the request ({earliest}). "
            f"Enter when the records were sent: {earliest} or later." in said
        )
        assert typed(page, "release-recipient") == "Det. Jane Roe, Albany PD"
        assert not approved.releases.exists()
        approved.refresh_from_db()
        assert approved.status == Status.APPROVED

    def test_a_release_from_the_minute_of_the_approval_is_recorded(
        self, django_app, approved, clerk, day
    ):
        page = submitted(release_form(django_app, approved, clerk, at(day, 15, 6)))
        assert "Release recorded in the disclosure ledger" in page.text
        assert approved.releases.get().released_at == at(day, 15, 6)

    def test_a_release_in_the_future_is_refused_at_the_field(self, django_app, approved, clerk):
        form = release_form(django_app, approved, clerk, timezone.now() + timedelta(days=1))
        page = form.submit(status=400)
        assert_marked(page, "release-released_at")
        assert "in the future" in page.html.find(id="release-released_at-error").text
        assert not approved.releases.exists()

    def test_the_second_counsels_confirmation_is_the_earliest(
        self, django_app, office, clerk, counsel
    ):
        """Where a second counsel must confirm, the release waits for the confirmation."""
        second = UserFactory(username="counsel-b", office=office, role="Counsel")
        ice = AgencyFactory(kind="immigration", name="ICE HSI New York")
        received = timezone.now() - timedelta(days=1)
        case = make_case(
            office=office, actor=clerk, agency=ice, categories=["address"], received_at=received
        )
        document = services.document_add(
            case=case,
            actor=clerk,
            type="judicial_warrant",
            issuer="article_iii_judge",
            docket_number="1:26-mj-04417",
            content=PDF,
        )
        services.case_submit(case=case, actor=clerk)
        services.document_verify(
            document=document,
            actor=counsel,
            result="verified",
            checks=dict.fromkeys(REQUIRED_CHECKS, True),
        )
        decision = services.case_decide(
            case=case, actor=counsel, outcome=DecisionOutcome.APPROVED, categories=["address"]
        )
        backdate(decision, timezone.now() - timedelta(hours=3))
        decision.refresh_from_db()
        services.decision_confirm(decision=decision, actor=second)
        decision.refresh_from_db()
        case.refresh_from_db()
        form = release_form(django_app, case, clerk, timezone.now() - timedelta(hours=1))
        page = form.submit(status=400)
        said = page.html.find(id="release-released_at-error").text
        confirmed = timezone.localtime(decision.second_approved_at).replace(second=0, microsecond=0)
        assert (
            "A release cannot be dated before the second counsel confirmed the approval "
            f"({moment_words(confirmed)})" in said
        )
        assert not case.releases.exists()

    def test_the_service_refuses_it_for_any_caller(self, approved, clerk, day):
        with pytest.raises(services.WorkflowError) as refused:
            services.release_record(
                case=approved,
                actor=clerk,
                categories=["address"],
                recipient="Det. Roe",
                method="secure_email",
                released_at=at(day - timedelta(days=1), 10, 0),
            )
        said = refused.value.message_dict["released_at"][0]
        assert moment_words(at(day, 15, 6)) in said
        assert not approved.releases.exists()


@pytest.fixture
def phone_case(office, clerk, police, day):
    return make_case(
        office=office, actor=clerk, agency=police, channel="phone", received_at=at(day, 9, 15)
    )


def callback_form(app, case, clerk, called_at, notes=""):
    form = form_for(case_page(app, case, clerk), "cases:callback", case)
    form["callback-answered_by"] = "Sgt. Miller, desk officer"
    form["callback-number_called"] = "518-555-0100"
    form["callback-called_at"] = local_input(called_at)
    form["callback-confirmed"] = True
    form["callback-notes"] = notes
    return form


class TestCallback:
    def test_a_call_before_the_request_came_in_is_refused(self, django_app, phone_case, clerk, day):
        page = callback_form(django_app, phone_case, clerk, at(day, 8, 0)).submit(status=400)
        assert_marked(page, "callback-called_at")
        received = moment_words(at(day, 9, 15))
        said = page.html.find(id="callback-called_at-error").text
        assert (
            f"A callback cannot be dated before the request was received ({received}). "
            f"Enter when you made the call: {received} or later." in said
        )
        assert typed(page, "callback-answered_by") == "Sgt. Miller, desk officer"
        assert not phone_case.callbacks.exists()
        phone_case.refresh_from_db()
        assert not phone_case.requester_verified

    def test_a_call_in_the_future_is_refused_at_the_field(self, django_app, phone_case, clerk):
        form = callback_form(django_app, phone_case, clerk, timezone.now() + timedelta(days=1))
        page = form.submit(status=400)
        assert_marked(page, "callback-called_at")
        assert "in the future" in page.html.find(id="callback-called_at-error").text
        assert not phone_case.callbacks.exists()

    def test_a_call_after_the_request_is_recorded(self, django_app, phone_case, clerk, day):
        page = submitted(callback_form(django_app, phone_case, clerk, at(day, 9, 15)))
        assert "the requester is confirmed" in page.text

    def test_notes_over_the_limit_are_refused_with_the_count(self, django_app, phone_case, clerk):
        """20,000 characters were accepted and shown in full on the page and the timeline."""
        page = case_page(django_app, phone_case, clerk)
        notes = page.html.find(attrs={"name": "callback-notes"})
        assert notes.get("maxlength") is None  # said, not cut by the browser
        assert f"Up to {CALLBACK_NOTES_MAX_LENGTH:,} characters." in page.text
        form = callback_form(django_app, phone_case, clerk, timezone.now(), notes="x" * 20_000)
        page = form.submit(status=400)
        assert_marked(page, "callback-notes")
        said = page.html.find(id="callback-notes-error").text
        assert "at most 2,000 characters; this one has 20,000. Shorten it." in said
        assert not phone_case.callbacks.exists()

    def test_notes_up_to_the_limit_are_kept(self, django_app, phone_case, clerk):
        notes = "y" * CALLBACK_NOTES_MAX_LENGTH
        submitted(callback_form(django_app, phone_case, clerk, timezone.now(), notes=notes))
        assert phone_case.callbacks.get().notes == notes

    def test_the_service_refuses_both_for_any_caller(self, phone_case, clerk, day):
        for arguments, field in (
            ({"called_at": at(day, 8, 0)}, "called_at"),
            ({"called_at": timezone.now(), "notes": "z" * 2001}, "notes"),
        ):
            with pytest.raises(services.WorkflowError) as refused:
                services.callback_record(
                    case=phone_case,
                    actor=clerk,
                    answered_by="Sgt. Lee",
                    confirmed=True,
                    **arguments,
                )
            assert field in refused.value.message_dict
        assert not phone_case.callbacks.exists()


def verify_form(app, document, counsel):
    page = case_page(app, document.case, counsel).click(
        href=reverse("cases:document_verify", args=[document.case.number, document.pk])
    )
    form = page.forms["verify-form"]
    for name in REQUIRED_CHECKS:
        form[f"verify-{name}"] = True
    form["verify-result"] = "verified"
    form["verify-notes"] = "Read it twice."
    return form


class TestChecklist:
    @pytest.fixture
    def i200(self, in_review, clerk):
        return services.document_add(
            case=in_review,
            actor=clerk,
            type="administrative_warrant",
            issuer="immigration_officer",
            content=PDF,
        )

    def test_a_judges_signature_on_an_officers_form_is_refused(self, django_app, i200, counsel):
        page = verify_form(django_app, i200, counsel).submit(status=400)
        assert_marked(page, "verify-signed_by_judge")
        said = page.html.find(id="verify-signed_by_judge-error").text
        assert (
            "This document is recorded as “Administrative warrant (ICE I-200 / I-205)” signed "
            "by “Immigration officer”, not by a judge of a court, so “It is signed by a judge” "
            "cannot be ticked." in said
        )
        assert "correct the document's record first with “Describe this document”" in said
        # No docket number is recorded either.
        said = page.html.find(id="verify-docket_present-error").text
        assert "No docket or case number is recorded for this document" in said
        assert typed(page, "verify-notes") == "Read it twice."
        assert not DocumentVerification.objects.exists()
        i200.refresh_from_db()
        assert not i200.verified

    def test_the_honest_rejection_is_recorded(self, django_app, i200, counsel):
        form = verify_form(django_app, i200, counsel)
        for name in ("signed_by_judge", "court_named", "docket_present"):
            form[f"verify-{name}"] = False
        form["verify-result"] = "rejected"
        page = submitted(form)
        assert "Checklist recorded" in page.text
        assert i200.verifications.get().result == "rejected"

    def test_a_checked_document_is_added_again_rather_than_corrected(
        self, django_app, i200, counsel
    ):
        services.document_verify(document=i200, actor=counsel, result="rejected", checks={})
        page = verify_form(django_app, i200, counsel).submit(status=400)
        said = page.html.find(id="verify-signed_by_judge-error").text
        assert "add the document again with its right description" in said
        assert i200.verifications.count() == 1

    def test_a_docket_number_must_be_recorded_to_be_present(
        self, django_app, in_review, clerk, counsel
    ):
        order = services.document_add(
            case=in_review, actor=clerk, type="court_order", issuer="state_judge", content=PDF
        )
        page = verify_form(django_app, order, counsel).submit(status=400)
        assert_marked(page, "verify-docket_present")
        assert page.html.find(id="verify-signed_by_judge-error") is None  # a state judge's
        services.document_describe(
            case=in_review, document=order, actor=clerk, docket_number="2026-CR-114"
        )
        submitted(verify_form(django_app, order, counsel))
        order.refresh_from_db()
        assert order.verified

    def test_the_service_refuses_a_judges_signature_for_any_caller(self, i200, counsel):
        with pytest.raises(services.WorkflowError) as refused:
            services.document_verify(
                document=i200, actor=counsel, result="rejected", checks={"signed_by_judge": True}
            )
        assert "Immigration officer" in refused.value.message_dict["signed_by_judge"][0]
        assert not DocumentVerification.objects.exists()


class TestCourtState:
    @pytest.mark.parametrize(
        ("typed_state", "code"),
        [
            ("New York", "NY"),
            ("new york", "NY"),
            ("NY", "NY"),
            ("ny", "NY"),
            ("N.Y.", "NY"),
            ("the District of Columbia", "DC"),
            ("Puerto Rico", "PR"),
        ],
    )
    def test_a_name_or_a_code_is_stored_as_the_code(
        self, django_app, in_review, clerk, typed_state, code
    ):
        page = case_page(django_app, in_review, clerk)
        assert page.html.find(attrs={"name": "newdoc-court_state"}).get("maxlength") is None
        form = form_for(page, "cases:document_add", in_review)
        form["newdoc-type"] = "court_order"
        form["newdoc-court_state"] = typed_state
        submitted(form)
        assert in_review.documents.get().court_state == code

    def test_anything_else_is_refused_with_an_example(self, django_app, in_review, clerk):
        form = form_for(case_page(django_app, in_review, clerk), "cases:document_add", in_review)
        form["newdoc-type"] = "court_order"
        form["newdoc-court_state"] = "Nwe York"
        page = form.submit(status=400)
        assert_marked(page, "newdoc-court_state", value="Nwe York")
        said = page.html.find(id="newdoc-court_state-error").text
        assert (
            "“Nwe York” is not a US state or territory. Give the court's state as its "
            "two-letter code, such as NY, or its name." in said
        )
        assert not in_review.documents.exists()


def new_request(app, clerk, police, **fields):
    page = app.get(reverse("cases:create"), user=clerk.username)
    form = next(f for f in page.forms.values() if f.action in ("", reverse("cases:create")))
    form["channel"] = "mail"
    form["agency"] = str(police.pk)
    form["purpose"] = "criminal_investigation"
    form["categories"] = ["address"]
    form["requester_name"] = "Det. Jane Roe"
    form["subject_name"] = "Maria Lopez"
    for name, value in fields.items():
        form[name] = value
    return page, form


class TestNewRequest:
    @pytest.mark.parametrize(
        ("name", "content"),
        [("notes.txt", b"Call the sergeant back."), ("evil.exe", b"MZ\x90\x00\x03\x00")],
    )
    def test_a_wrong_file_type_says_what_is_accepted(
        self, django_app, clerk, police, name, content
    ):
        page, form = new_request(django_app, clerk, police, **{"docs-0-type": "court_order"})
        file_input = page.html.find(attrs={"name": "docs-0-file"})
        assert file_input.get("accept") is None  # the server judges the file, by its bytes
        form["docs-0-file"] = Upload(name, content, "application/octet-stream")
        page = form.submit("draft")
        said = page.html.find(id="docs-0-file-error").text
        assert f"{name} is not a PDF, PNG, JPEG or TIFF file." in said
        assert "browser" not in said and "did not arrive" not in said
        assert (
            f"{name} is not a PDF, PNG, JPEG or TIFF file"
            in page.html.find(id="error-summary").text
        )
        assert not DisclosureRequest.objects.exists()

    def test_the_channels_are_those_a_clerk_logs(self, django_app, clerk, police):
        page, form = new_request(django_app, clerk, police)
        offered = [
            o["value"] for o in page.html.find("select", attrs={"name": "channel"})("option")
        ]
        assert offered == ["phone", "fax", "mail", "in_person"]
        for automatic in ("portal", "outbound", "email"):
            form["channel"].force_value(automatic)
            page = form.submit("draft")
            assert CHANNEL_REFUSED in page.html.find(id="error-summary").text
        assert not DisclosureRequest.objects.exists()

    def test_a_portal_case_keeps_its_channel_when_its_intake_is_corrected(
        self, django_app, office, clerk, police
    ):
        case = make_case(office=office, actor=clerk, agency=police, channel="portal")
        page = django_app.get(reverse("cases:edit", args=[case.number]), user=clerk.username)
        form = next(f for f in page.forms.values() if "channel" in f.fields)
        assert form["channel"].value == "portal"
        form["narrative"] = "Corrected by the clerk."
        form["requester_name"] = "Det. Jane Roe"  # make_case names none
        form.submit().follow()
        case.refresh_from_db()
        assert (case.channel, case.narrative) == ("portal", "Corrected by the clerk.")


class TestDecisionWords:
    def test_a_denial_gives_its_reason_in_full(self, django_app, in_review, counsel):
        form = form_for(case_page(django_app, in_review, counsel), "cases:decide", in_review)
        form["decide-decision"] = "deny"
        form["decide-reason"] = "non_judicial_document"
        form["decide-rationale"] = "An I-200 is signed by an immigration officer."
        page = submitted(form)
        assert "your denial is recorded, reason: Administrative (non-judicial) document." in (
            page.text
        )
        summary = page.html.find(id="decisions").find_next(class_="usa-summary-box").text
        assert "Reason: Administrative (non-judicial) document" in summary

    def test_an_approval_in_part_is_an_outcome_not_a_reason(self, django_app, in_review, counsel):
        form = form_for(case_page(django_app, in_review, counsel), "cases:decide", in_review)
        form["decide-decision"] = "approve_some"
        form["decide-categories"] = ["address"]
        form["decide-rationale"] = "Only the address is needed."
        page = submitted(form)
        summary = " ".join(
            page.html.find(id="decisions").find_next(class_="usa-summary-box").text.split()
        )
        assert "Outcome: Approved in part · categories approved: Address" in summary
        assert "Reason:" not in summary
