"""The case under the policy engine: its request object, its evaluation under the active
profile, and the subject notice the evaluation may require. Used by submission
(services/requests.py) and by counsel's decision (services/decisions.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.dateparse import parse_date

from dmvrequests.cases.models import NoticeStatus, SubjectNotice
from dmvrequests.cases.services.base import save
from dmvrequests.policy.engine import EngineDecision
from dmvrequests.policy.services import evaluate_with_profile, profile_active

if TYPE_CHECKING:
    from accounts.models import User
    from dmvrequests.cases.models import DisclosureRequest, LegalDocument
    from dmvrequests.policy.models import PolicyProfile

# An engine result as the services keep it: with the profile's version, stored as JSON.
Evaluation = dict[str, Any]


def _request_object(case: DisclosureRequest, documents: list[LegalDocument]) -> dict[str, Any]:
    return {
        "received": case.received_date.isoformat(),
        "agency": {
            "kind": case.agency.kind,
            "name": case.agency.name,
            "blocked": case.agency.blocked,
        },
        "purpose": case.purpose,
        "records": list(case.categories),
        "legal_process": [d.as_policy_input() for d in documents],
        "bulk": case.bulk,
        "emergency": case.emergency,
    }


DECISION_RANK = {EngineDecision.DENY: 0, EngineDecision.REVIEW: 1, EngineDecision.ELIGIBLE: 2}


def _better(trial: Evaluation, current: Evaluation) -> bool:
    """Would `trial` let more through than `current`?"""
    return DECISION_RANK[trial["decision"]] > DECISION_RANK[current["decision"]] or bool(
        set(trial["releasable"]) - set(current["releasable"])
    )


def case_policy_input(
    case: DisclosureRequest,
    profile: PolicyProfile | None = None,
    documents: list[LegalDocument] | None = None,
) -> dict[str, Any]:
    """The case as the policy engine's request object: verified documents, plus each
    unverified one that cannot improve the outcome (an I-200 still earns its findings:
    "not a judicial warrant"), judged under `profile` (the active one if None). No
    unverified document ever unlocks anything; see
    docs/decisions/0004-only-verified-documents-count.md. `documents` are the case's
    documents when the caller has read them already (the case page), else they are read."""
    documents = list(case.documents.all()) if documents is None else list(documents)
    counted = [d for d in documents if d.verified]
    if not case.categories:
        return _request_object(case, counted)
    profile = profile or profile_active()
    current = evaluate_with_profile(
        disclosure_request=_request_object(case, counted), profile=profile
    )
    for document in documents:
        if document.verified:
            continue
        trial = evaluate_with_profile(
            disclosure_request=_request_object(case, [*counted, document]), profile=profile
        )
        if not _better(trial, current):
            counted.append(document)
            current = trial
    return _request_object(case, counted)


def case_evaluate(
    case: DisclosureRequest, documents: list[LegalDocument] | None = None
) -> tuple[Evaluation | None, PolicyProfile]:
    """(evaluation, profile) under the active profile; evaluation is None without categories.
    `documents`: the case's documents, when the caller has read them (else they are read)."""
    profile = profile_active()
    if not case.categories:
        return None, profile
    request_object = case_policy_input(case, profile, documents)  # the profile read once
    evaluation = evaluate_with_profile(disclosure_request=request_object, profile=profile)
    return evaluation, profile


def notice_sync(
    *,
    case: DisclosureRequest,
    evaluation: Evaluation | None,
    profile: PolicyProfile,
    actor: User | None,
) -> SubjectNotice | None:
    """Create the subject notice obligation when the profile requires one."""
    notice_rule = (evaluation or {}).get("subject_notice")
    if not notice_rule or not notice_rule.get("required"):
        return None
    due = parse_date(notice_rule["due"]) if notice_rule.get("due") else None
    notice = SubjectNotice.objects.filter(case=case).first()
    if notice is None:
        return save(SubjectNotice(case=case, due_date=due, rule=profile.citation), actor)
    if notice.status == NoticeStatus.DUE and notice.due_date != due:
        notice.due_date = due
        save(notice, actor)
    return notice
