"""Counsel's decision, and what follows from it: the second approval, the subject
notice, the release ledger and the emergency follow-up."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from dmvrequests.cases.models import (
    APPROVAL_REASONS,
    Decision,
    DecisionOutcome,
    NoticeStatus,
    ReasonCode,
    Release,
    Status,
    SubjectNotice,
    WorkflowSettings,
)
from dmvrequests.cases.services.base import (
    WorkflowError,
    check_move,
    lock,
    require,
    save,
    time_refusal,
)
from dmvrequests.cases.services.evaluation import Evaluation, case_evaluate, notice_sync
from dmvrequests.cases.services.requests import needs_callback
from dmvrequests.cases.workflow import CaseAction
from dmvrequests.policy.engine import EngineDecision
from dmvrequests.vocabulary import AgencyKind, label

if TYPE_CHECKING:
    from accounts.models import User
    from dmvrequests.cases.models import DisclosureRequest


def _finding_codes(evaluation: Evaluation) -> set[str]:
    return {finding["code"] for finding in evaluation["findings"]}


def needs_second_approval(case: DisclosureRequest) -> bool:
    return (
        case.agency.kind == AgencyKind.IMMIGRATION
        and WorkflowSettings.current().two_counsel_immigration
    )


@transaction.atomic
def case_decide(
    *,
    case: DisclosureRequest,
    actor: User,
    outcome: str,
    categories: Iterable[str] = (),
    reason: str = "",
    rationale: str = "",
    emergency: bool = False,
    followup_due: datetime | None = None,
    expected_status: str = Status.IN_REVIEW,
) -> Decision:
    """Counsel approves (all or some categories) or denies; the engine's evaluation and
    the profile's version are stored with the decision."""
    case = lock(case, expected_status)
    action = CaseAction.APPROVE if outcome == DecisionOutcome.APPROVED else CaseAction.DENY
    new_status = check_move(case, action, actor)
    _separation_of_duties(case, actor)
    if case.decisions.filter(second_approval_required=True, second_approved_at=None).exists():
        raise WorkflowError("An approval already waits for a second counsel; confirm or deny it.")
    evaluation, profile = case_evaluate(case)
    if evaluation is None:
        raise WorkflowError("The case asks for no record category; return it to the clerk.")
    rationale, categories = (rationale or "").strip(), sorted(set(categories))
    decision = Decision(
        case=case,
        outcome=outcome,
        rationale=rationale,
        evaluation=evaluation,
        profile_slug=profile.slug,
        profile_version=profile.version,
        decided_by=actor,
    )
    if outcome == DecisionOutcome.APPROVED:
        decision.reason = _approval_guards(case, evaluation, categories, rationale)
        decision.categories_approved = categories
        _emergency_terms(decision, case, evaluation, emergency, followup_due)
        decision.second_approval_required = needs_second_approval(case)
    else:
        _denial_guards(reason, rationale)
        decision.reason = reason
    save(decision, actor)
    if not decision.second_approval_required:
        case.status = new_status
        case.decided_at = decision.decided_at
        save(case, actor)
    notice_sync(case=case, evaluation=evaluation, profile=profile, actor=actor)
    return decision


def _separation_of_duties(case: DisclosureRequest, actor: User) -> None:
    if case.created_by_id == actor.pk:
        raise WorkflowError("You logged this case, so you cannot decide it: another counsel must.")


ENGINE_DENIES = (
    "The policy engine denies this request, so it cannot be approved. "
    "Deny it, or ask the agency for the legal process it lacks."
)


def rationale_missing(
    *,
    outcome: str,
    categories: Iterable[str],
    asked: Iterable[str],
    engine_decision: str,
    rationale: str,
) -> str:
    """What counsel is told when a decision needs a written rationale and `rationale` is
    empty: a denial, an approval of only some of the categories `asked`, and any approval of
    a request the engine sends to counsel's review (`engine_decision` "review"). Empty when
    none is needed or one is given. The decision form checks it before the service does, so
    that every error of the form is shown at once."""
    if (rationale or "").strip():
        return ""
    if outcome == DecisionOutcome.DENIED:
        return "Write the rationale for the denial."
    if engine_decision == EngineDecision.REVIEW:
        return "The engine asks for counsel's judgement: write your rationale."
    if set(categories) != set(asked):
        return "Write the rationale for approving only some categories."
    return ""


def _approval_guards(
    case: DisclosureRequest, evaluation: Evaluation, categories: list[str], rationale: str
) -> str:
    if evaluation["decision"] == EngineDecision.DENY:
        raise WorkflowError(ENGINE_DENIES)
    if not categories:
        raise WorkflowError({"categories": "Choose at least one category to approve."})
    outside = set(categories) - set(evaluation["releasable"])
    if outside:
        raise WorkflowError(
            {
                "categories": "These categories are not releasable under the profile: "
                + ", ".join(sorted(label(code) for code in outside))
                + ". Approve only releasable categories."
            }
        )
    partial = set(categories) != set(case.categories)
    missing = rationale_missing(
        outcome=DecisionOutcome.APPROVED,
        categories=categories,
        asked=case.categories,
        engine_decision=evaluation["decision"],
        rationale=rationale,
    )
    if missing:
        raise WorkflowError({"rationale": missing})
    return ReasonCode.APPROVED_PARTIAL if partial else ReasonCode.APPROVED_FULL


def _denial_guards(reason: str, rationale: str) -> None:
    if not reason or reason in APPROVAL_REASONS or reason not in ReasonCode.values:
        raise WorkflowError({"reason": "Choose the reason for the denial from the list."})
    missing = rationale_missing(
        outcome=DecisionOutcome.DENIED,
        categories=(),
        asked=(),
        engine_decision="",
        rationale=rationale,
    )
    if missing:
        raise WorkflowError({"rationale": missing})


def _emergency_terms(
    decision: Decision,
    case: DisclosureRequest,
    evaluation: Evaluation,
    emergency: bool,
    followup_due: datetime | None,
) -> None:
    """An emergency approval stands only with a due date for the follow-up legal process."""
    if not emergency:
        return
    if "EMERGENCY_CLAIM" not in _finding_codes(evaluation):
        raise WorkflowError(
            "Only a request the engine treats as an emergency can be approved on an emergency basis."
        )
    hours = WorkflowSettings.current().emergency_followup_hours
    due = followup_due or timezone.now() + timedelta(hours=hours)
    if due <= timezone.now():
        raise WorkflowError("The follow-up due time must be in the future.")
    decision.emergency, decision.followup_due = True, due


@transaction.atomic
def decision_confirm(
    *, decision: Decision, actor: User, expected_status: str = Status.IN_REVIEW
) -> DisclosureRequest:
    """The second counsel confirms an approval of an immigration agency's request."""
    case = lock(decision.case, expected_status)
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    new_status = check_move(case, CaseAction.CONFIRM, actor)
    if not decision.awaiting_second_approval:
        raise WorkflowError("This approval does not wait for a second counsel.")
    if actor.pk in (decision.decided_by_id, case.created_by_id):
        raise WorkflowError(
            "A second approval must come from another counsel than the one who approved "
            "or logged the case."
        )
    decision.second_approved_by, decision.second_approved_at = actor, timezone.now()
    save(decision, actor, "Second counsel approved")
    case.status, case.decided_at = new_status, decision.second_approved_at
    return save(case, actor)


@transaction.atomic
def decision_reject_pending(
    *, decision: Decision, actor: User, rationale: str, expected_status: str = Status.IN_REVIEW
) -> Decision:
    """The second counsel does not agree: the pending approval lapses and the case is denied."""
    rationale = (rationale or "").strip()
    if not rationale:
        raise WorkflowError({"rationale": "Write why you do not confirm the approval."})
    case = lock(decision.case, expected_status)
    require(case, actor, "decide")
    if not decision.awaiting_second_approval:
        raise WorkflowError("This approval does not wait for a second counsel.")
    if actor.pk == decision.decided_by_id:
        raise WorkflowError("You made this approval; another counsel must review it.")
    decision.second_approval_required = False
    save(decision, actor, f"Not confirmed by a second counsel: {rationale}")
    return case_decide(
        case=case,
        actor=actor,
        outcome=DecisionOutcome.DENIED,
        reason=ReasonCode.OTHER,
        rationale=f"Second counsel did not confirm the approval: {rationale}",
        expected_status=expected_status,
    )


@transaction.atomic
def notice_record_sent(
    *, notice: SubjectNotice, actor: User, sent_at: datetime, method: str
) -> SubjectNotice:
    notice = SubjectNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.status != NoticeStatus.DUE:
        raise WorkflowError("This notice is already recorded.")
    # Clerks and counsel who work on the case; not a share, an auditor or an administrator.
    require(notice.case, actor, "act")
    if sent_at > timezone.now() + timedelta(minutes=5):
        raise WorkflowError("The sending time is in the future. Enter when it was sent.")
    if not (method or "").strip():
        raise WorkflowError("Say how the notice was sent (for example, first-class mail).")
    notice.status, notice.sent_at, notice.method, notice.recorded_by = (
        NoticeStatus.SENT,
        sent_at,
        method.strip(),
        actor,
    )
    return save(notice, actor)


@transaction.atomic
def notice_exempt(*, notice: SubjectNotice, actor: User, reason: str) -> SubjectNotice:
    notice = SubjectNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.status != NoticeStatus.DUE:
        raise WorkflowError("This notice is already recorded.")
    require(notice.case, actor, "decide")
    if not (reason or "").strip():
        raise WorkflowError({"reason": "Write the legal reason for the exemption."})
    notice.status, notice.exemption_reason, notice.recorded_by = (
        NoticeStatus.EXEMPTED,
        reason.strip(),
        actor,
    )
    return save(notice, actor)


def release_time_refusal(
    case: DisclosureRequest, approval: Decision | None, released_at: datetime
) -> str:
    """Why `released_at` cannot be the time of a release of `case`, or "": in the future,
    or before the approval that allows it took effect (`approval`, the case's approval: its
    second counsel's confirmation where one was needed) or before the request was received.
    The release form says it at the field before the service refuses the same."""
    if approval is None:
        effective = (case.decided_at, "counsel's decision")
    elif approval.second_approval_required and approval.second_approved_at:
        effective = (approval.second_approved_at, "the second counsel confirmed the approval")
    else:
        effective = (approval.decided_at, "counsel approved the request")
    return time_refusal(
        released_at,
        what="A release",
        since=(effective, (case.received_at, "the request was received")),
        enter="Enter when the records were sent",
        future="The release time is in the future. Enter when it happened.",
    )


@transaction.atomic
def release_record(
    *,
    case: DisclosureRequest,
    actor: User,
    categories: list[str],
    recipient: str,
    method: str,
    released_at: datetime,
    records_count: int = 1,
    notes: str = "",
    expected_status: str = Status.APPROVED,
) -> Release:
    """The clerk records what was released, field by field, to whom, how and when."""
    case = lock(case, expected_status)
    new_status = check_move(case, CaseAction.FULFIL, actor)
    if needs_callback(case):
        raise WorkflowError(
            "The requester is not confirmed. Call the agency's published number and record "
            "the callback before releasing anything."
        )
    approved = case.decisions.filter(outcome=DecisionOutcome.APPROVED).first()
    allowed = set(approved.categories_approved if approved else [])
    categories = sorted(set(categories))
    if not categories:
        raise WorkflowError("Tick the categories you released.")
    if set(categories) - allowed:
        raise WorkflowError(
            "Only approved categories can be released: " + ", ".join(sorted(allowed)) + "."
        )
    refused = release_time_refusal(case, approved, released_at)
    if refused:
        raise WorkflowError({"released_at": refused})
    release = save(
        Release(
            case=case,
            categories=categories,
            recipient=recipient.strip(),
            method=method,
            released_at=released_at,
            records_count=records_count,
            notes=notes,
            recorded_by=actor,
        ),
        actor,
    )
    case.status = new_status
    save(case, actor)
    return release
