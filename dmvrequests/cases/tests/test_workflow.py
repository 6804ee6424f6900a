"""The warrant-verification workflow: every transition for every role, the guards,
and a whole journey from a phone call to a closed case."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dmvrequests.cases import services
from dmvrequests.cases.models import (
    DecisionOutcome,
    NoticeStatus,
    ReasonCode,
    Status,
    WorkflowSettings,
)
from dmvrequests.cases.services.documents import REQUIRED_CHECKS
from dmvrequests.cases.workflow import TRANSITIONS, CaseAction
from dmvrequests.policy.models import PolicyProfile
from dmvrequests.policy.services import profile_activate
from dmvrequests.testing import AgencyFactory, UserFactory, make_case

pytestmark = pytest.mark.django_db
ALL_CHECKS = dict.fromkeys(REQUIRED_CHECKS, True)
ROLES = ("clerk", "counsel", "administrator", "auditor")


@pytest.fixture
def second_counsel(office):
    return UserFactory(username="counsel-b", office=office, role="Counsel")


def case_in(status, *, office, clerk, counsel):
    """A case brought to `status` through the services, as users would."""
    case = make_case(office=office, actor=clerk)
    if status == Status.RECEIVED:
        return case
    if status == Status.WITHDRAWN:
        return services.case_transition(case=case, action=CaseAction.WITHDRAW, actor=clerk)
    services.case_submit(case=case, actor=clerk)
    if status == Status.IN_REVIEW:
        return refreshed(case)
    if status == Status.NEEDS_INFO:
        services.info_request(case=case, actor=counsel, question="Send the signed order.")
        return refreshed(case)
    if status == Status.DENIED:
        deny(case, counsel)
        return refreshed(case)
    approve(case, counsel)
    if status == Status.APPROVED:
        return refreshed(case)
    release(case, clerk)
    if status == Status.FULFILLED:
        return refreshed(case)
    return services.case_transition(case=case, action=CaseAction.CLOSE, actor=clerk)


def refreshed(case):
    case.refresh_from_db()
    return case


def approve(case, counsel, **extra):
    return services.case_decide(
        case=refreshed(case),
        actor=counsel,
        outcome=DecisionOutcome.APPROVED,
        categories=extra.pop("categories", ["address", "license_record"]),
        **extra,
    )


def deny(case, counsel, reason=ReasonCode.INSUFFICIENT_PROCESS):
    return services.case_decide(
        case=refreshed(case),
        actor=counsel,
        outcome=DecisionOutcome.DENIED,
        reason=reason,
        rationale="No accepted legal process.",
    )


def release(case, clerk):
    return services.release_record(
        case=refreshed(case),
        actor=clerk,
        categories=["address"],
        recipient="Det. Roe",
        method="secure_email",
        released_at=timezone.now(),
    )


ACTIONS = {
    CaseAction.SUBMIT: lambda case, user: services.case_submit(case=case, actor=user),
    CaseAction.APPROVE: lambda case, user: approve(case, user),
    CaseAction.DENY: lambda case, user: deny(case, user),
    CaseAction.REQUEST_INFO: lambda case, user: services.info_request(
        case=case, actor=user, question="?"
    ),
    CaseAction.ANSWER_INFO: lambda case, user: services.info_answer(
        case=case, actor=user, answer="Sent."
    ),
    CaseAction.FULFIL: lambda case, user: release(case, user),
    CaseAction.CLOSE: lambda case, user: services.case_transition(
        case=case, action=CaseAction.CLOSE, actor=user
    ),
    CaseAction.WITHDRAW: lambda case, user: services.case_transition(
        case=case, action=CaseAction.WITHDRAW, actor=user
    ),
}
MATRIX = [
    (status, action, role, role.capitalize() in roles)
    for (status, action), (_, roles) in TRANSITIONS.items()
    if action != CaseAction.CONFIRM
    for role in ROLES
]


class TestTransitionTable:
    @pytest.mark.parametrize("status,action,role,allowed", MATRIX)
    def test_every_transition_for_every_role(
        self, request, office, clerk, counsel, status, action, role, allowed
    ):
        case = case_in(status, office=office, clerk=clerk, counsel=counsel)
        user = request.getfixturevalue(role)
        if allowed:
            ACTIONS[action](case, user)
            case.refresh_from_db()
            assert case.status == TRANSITIONS[(status, action)][0]
        else:
            with pytest.raises(services.WorkflowError):
                ACTIONS[action](case, user)
            assert refreshed(case).status == status

    @pytest.mark.parametrize("status", list(Status.values))
    def test_moves_missing_from_the_table_are_refused(self, office, clerk, counsel, status):
        case = case_in(status, office=office, clerk=clerk, counsel=counsel)
        for action in (CaseAction.CLOSE, CaseAction.WITHDRAW):
            if (status, action) not in TRANSITIONS:
                with pytest.raises(services.WorkflowError, match="cannot be"):
                    ACTIONS[action](case, counsel)

    def test_another_offices_clerk_cannot_act(self, office, clerk, counsel, other_clerk):
        case = make_case(office=office, actor=clerk)
        with pytest.raises(services.WorkflowError, match="another office"):
            services.case_submit(case=case, actor=other_clerk)

    def test_another_offices_counsel_cannot_decide(self, office, clerk, other_counsel):
        case = case_in(Status.IN_REVIEW, office=office, clerk=clerk, counsel=None)
        with pytest.raises(services.WorkflowError, match="another office"):
            deny(case, other_counsel)


class TestGuards:
    def test_a_phone_request_needs_a_callback_before_review(self, office, clerk):
        case = make_case(office=office, actor=clerk, channel="phone")
        with pytest.raises(services.WorkflowError, match="Confirm the requester first"):
            services.case_submit(case=case, actor=clerk)
        services.callback_record(
            case=case,
            actor=clerk,
            answered_by="Sgt. Lee",
            called_at=timezone.now(),
            confirmed=False,
        )
        with pytest.raises(services.WorkflowError, match="Confirm the requester first"):
            services.case_submit(case=case, actor=clerk)
        services.callback_record(
            case=case, actor=clerk, answered_by="Lt. Park", called_at=timezone.now(), confirmed=True
        )
        assert services.case_submit(case=case, actor=clerk).status == Status.IN_REVIEW

    def test_a_callback_in_the_future_is_refused(self, office, clerk):
        case = make_case(office=office, actor=clerk, channel="fax")
        with pytest.raises(services.WorkflowError, match="future"):
            services.callback_record(
                case=case,
                actor=clerk,
                answered_by="x",
                called_at=timezone.now() + timedelta(hours=2),
                confirmed=True,
            )

    def test_a_checklist_cannot_verify_an_unsigned_warrant(self, office, clerk, counsel):
        case = make_case(office=office, actor=clerk)
        document = services.document_add(
            case=case, actor=clerk, type="administrative_warrant", issuer="immigration_officer"
        )
        checks = {**ALL_CHECKS, "signed_by_judge": False}
        with pytest.raises(services.WorkflowError, match="signed by a judge"):
            services.document_verify(
                document=document, actor=counsel, result="verified", checks=checks
            )
        services.document_verify(
            document=document,
            actor=counsel,
            result="rejected",
            checks=checks,
            notes="ICE Form I-200, signed by an officer.",
        )
        document.refresh_from_db()
        assert document.verified is False
        assert document.verifications.count() == 1

    def test_confirming_with_the_court_needs_who_and_when(self, office, clerk, counsel):
        case = make_case(office=office, actor=clerk)
        document = services.document_add(
            case=case, actor=clerk, type="court_order", issuer="state_judge"
        )
        with pytest.raises(services.WorkflowError, match="who at the court"):
            services.document_verify(
                document=document,
                actor=counsel,
                result="verified",
                checks={**ALL_CHECKS, "confirmed_with_court": True},
            )

    def test_a_clerk_cannot_verify(self, office, clerk):
        case = make_case(office=office, actor=clerk)
        document = services.document_add(
            case=case, actor=clerk, type="court_order", issuer="state_judge"
        )
        with pytest.raises(services.WorkflowError, match="Only counsel"):
            services.document_verify(
                document=document, actor=clerk, result="verified", checks=ALL_CHECKS
            )

    def test_release_is_limited_to_approved_categories(self, office, clerk, counsel):
        case = case_in(Status.IN_REVIEW, office=office, clerk=clerk, counsel=counsel)
        approve(case, counsel, categories=["address"], rationale="Address only.")
        with pytest.raises(services.WorkflowError, match="Only approved categories"):
            services.release_record(
                case=refreshed(case),
                actor=clerk,
                categories=["license_record"],
                recipient="x",
                method="mail",
                released_at=timezone.now(),
            )

    def test_needs_info_pauses_the_clock(self, office, clerk, counsel):
        case = case_in(Status.IN_REVIEW, office=office, clerk=clerk, counsel=counsel)
        due = case.due_date
        question = services.info_request(
            case=case, actor=counsel, question="Send the docket number."
        )
        question.asked_at = timezone.now() - timedelta(days=4)
        question.save()
        case = services.info_answer(case=case, actor=clerk, answer="Docket 26-CR-114.")
        assert case.status == Status.IN_REVIEW
        assert case.due_date == due + timedelta(days=4)
        question.refresh_from_db()
        assert question.answered_by == clerk

    def test_a_question_must_say_what_is_missing(self, office, clerk, counsel):
        case = case_in(Status.IN_REVIEW, office=office, clerk=clerk, counsel=counsel)
        with pytest.raises(services.WorkflowError, match="must provide"):
            services.info_request(case=case, actor=counsel, question="  ")


@pytest.fixture
def immigration_case(office, clerk):
    profile_activate(profile=PolicyProfile.objects.get(slug="ny"), actor=None)
    ice = AgencyFactory(kind="immigration", name="ICE HSI New York")
    case = make_case(
        office=office,
        actor=clerk,
        agency=ice,
        purpose="criminal_investigation",
        categories=["address"],
        received_at=timezone.now(),
    )
    document = services.document_add(
        case=case,
        actor=clerk,
        type="judicial_warrant",
        issuer="article_iii_judge",
        court="S.D.N.Y.",
        docket_number="26-mj-1",
    )
    services.case_submit(case=case, actor=clerk)
    return refreshed(case), document


class TestSecondCounsel:
    def test_an_immigration_approval_waits_for_a_second_counsel(
        self, immigration_case, counsel, second_counsel
    ):
        case, document = immigration_case
        services.document_verify(
            document=document, actor=counsel, result="verified", checks=ALL_CHECKS
        )
        decision = approve(case, counsel, categories=["address"])
        assert refreshed(case).status == Status.IN_REVIEW
        with pytest.raises(services.WorkflowError, match="another counsel"):
            services.decision_confirm(decision=decision, actor=counsel)
        services.decision_confirm(decision=decision, actor=second_counsel)
        assert refreshed(case).status == Status.APPROVED

    def test_the_second_counsel_may_refuse(self, immigration_case, counsel, second_counsel):
        case, document = immigration_case
        services.document_verify(
            document=document, actor=counsel, result="verified", checks=ALL_CHECKS
        )
        decision = approve(case, counsel, categories=["address"])
        services.decision_reject_pending(
            decision=decision, actor=second_counsel, rationale="Scope unclear."
        )
        case = refreshed(case)
        assert case.status == Status.DENIED
        assert case.decisions.first().decided_by == second_counsel

    def test_an_administrator_can_switch_it_off(self, immigration_case, counsel):
        settings_row = WorkflowSettings.current()
        settings_row.two_counsel_immigration = False
        settings_row.save()
        case, document = immigration_case
        services.document_verify(
            document=document, actor=counsel, result="verified", checks=ALL_CHECKS
        )
        approve(case, counsel, categories=["address"])
        assert refreshed(case).status == Status.APPROVED


class TestEmergency:
    def test_emergency_approval_needs_a_follow_up_and_flags_it_late(self, office, clerk, counsel):
        case = make_case(office=office, actor=clerk, emergency=True, purpose="emergency")
        services.case_submit(case=case, actor=clerk)
        decision = approve(
            case, counsel, emergency=True, rationale="Missing child; danger to life."
        )
        assert decision.emergency and decision.followup_due is not None
        hours = (decision.followup_due - decision.decided_at).total_seconds() / 3600
        assert 47.9 < hours < 48.1
        decision.followup_due = timezone.now() - timedelta(hours=1)
        decision.save()
        assert decision.followup_overdue
        document = services.document_add(
            case=refreshed(case), actor=clerk, type="court_order", issuer="state_judge"
        )
        services.document_verify(
            document=document, actor=counsel, result="verified", checks=ALL_CHECKS
        )
        decision.refresh_from_db()
        assert decision.followup_received_at is not None and not decision.followup_overdue

    def test_emergency_basis_only_for_an_emergency_claim(self, office, clerk, counsel):
        case = case_in(Status.IN_REVIEW, office=office, clerk=clerk, counsel=counsel)
        with pytest.raises(services.WorkflowError, match="emergency basis"):
            approve(case, counsel, emergency=True, rationale="x")

    def test_an_emergency_never_unlocks_an_immigration_request(self, office, clerk, counsel):
        profile_activate(profile=PolicyProfile.objects.get(slug="ny"), actor=None)
        ice = AgencyFactory(kind="immigration")
        case = make_case(
            office=office, actor=clerk, agency=ice, emergency=True, purpose="emergency"
        )
        services.case_submit(case=case, actor=clerk)
        with pytest.raises(services.WorkflowError, match="denies this request"):
            approve(case, counsel, emergency=True, rationale="Claimed emergency.")


class TestJourney:
    def test_a_phone_request_from_ice_with_an_i200_is_denied_noticed_and_closed(
        self, office, clerk, counsel
    ):
        profile_activate(profile=PolicyProfile.objects.get(slug="ny"), actor=None)
        ice = AgencyFactory(
            kind="immigration", name="ICE ERO New York", published_phone="212-555-0100"
        )
        received = timezone.now() - timedelta(hours=2)
        case = make_case(
            office=office,
            actor=clerk,
            agency=ice,
            channel="phone",
            received_at=received,
            purpose="civil_immigration_enforcement",
            categories=["address"],
        )
        i200 = services.document_add(
            case=case,
            actor=clerk,
            type="administrative_warrant",
            issuer="immigration_officer",
            signer_title="Deportation Officer",
        )
        evaluation, _ = services.case_evaluate(case)
        assert evaluation is not None and evaluation["decision"] == "deny"
        services.callback_record(
            case=case,
            actor=clerk,
            answered_by="ERO duty officer",
            called_at=timezone.now(),
            confirmed=True,
        )
        services.case_submit(case=case, actor=clerk, assigned_counsel=counsel)
        notice = refreshed(case).notice
        assert notice.due_date == case.received_date + timedelta(days=3)
        services.document_verify(
            document=i200,
            actor=counsel,
            result="rejected",
            checks={**ALL_CHECKS, "signed_by_judge": False},
        )
        decision = deny(case, counsel, reason=ReasonCode.NON_JUDICIAL_DOCUMENT)
        codes = {f["code"] for f in decision.evaluation["findings"]}
        assert {"INSUFFICIENT_PROCESS", "NONJUDICIAL_PROCESS"} <= codes
        with pytest.raises(services.WorkflowError, match="subject notice is still due"):
            services.case_transition(case=refreshed(case), action=CaseAction.CLOSE, actor=clerk)
        services.notice_record_sent(
            notice=notice, actor=clerk, sent_at=timezone.now(), method="First-class mail"
        )
        case = services.case_transition(case=refreshed(case), action=CaseAction.CLOSE, actor=clerk)
        assert case.status == Status.CLOSED and case.closed_at is not None
        assert refreshed(case).notice.status == NoticeStatus.SENT
