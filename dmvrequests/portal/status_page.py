"""What a request's status page shows its officer, and what the staff's portal page of a case
shows: read through the cases' selectors and related rows, never staff's internal notes
(callback notes, document checks, counsel's rationale, the policy evaluation)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from dmvrequests.cases.agency_letters import agency_letters
from dmvrequests.cases.services import Status
from dmvrequests.portal import casework
from dmvrequests.timewords import moment_words
from dmvrequests.vocabulary import label

if TYPE_CHECKING:
    from dmvrequests.agencies.models import Officer
    from dmvrequests.cases.capabilities import CaseCapabilities
    from dmvrequests.cases.models import DisclosureRequest

DECIDED = (Status.APPROVED, Status.DENIED, Status.FULFILLED, Status.CLOSED, Status.WITHDRAWN)
# Which step of the four the officer follows each status is at.
STEP_OF = {
    Status.RECEIVED: 0,
    Status.IN_REVIEW: 1,
    Status.NEEDS_INFO: 2,
    **dict.fromkeys(DECIDED, 3),
}


@dataclass(frozen=True)
class Step:
    """One step of the request's path: its words, when it happened (None: not yet), whether
    the request is at it now, and whether it is done."""

    words: str
    when: datetime | None
    current: bool
    done: bool


def steps(case: DisclosureRequest, question: Any | None) -> list[Step]:
    """Received, in review, needs information, decided, with their dates; `question` is
    the latest question to the agency (an InfoRequest) or None.

    A question answered while the case is back in legal review is a step done (asked,
    then answered) followed by "Back in legal review" since the answer, the step the
    request is at: the first version left "In legal review" current with its first date
    while the later "Needs information" step showed a time, as if still to come."""
    at = STEP_OF.get(Status(case.status), 0)
    decided_words = case.get_status_display() if at == 3 else "Decided"
    asked_at = question.asked_at if question is not None else None
    rows = [
        ("Received", case.received_at),
        ("In legal review", case.submitted_at),
        ("Needs information from you", asked_at),
        (decided_words, case.decided_at or (case.closed_at if at == 3 else None)),
    ]
    found = [
        Step(words=words, when=when, current=index == at, done=index < at)
        for index, (words, when) in enumerate(rows)
    ]
    answered_at = question.answered_at if question is not None else None
    if at == 1 and answered_at is not None:
        found[1] = Step(words="In legal review", when=case.submitted_at, current=False, done=True)
        found[2] = Step(
            words=f"Needs information from you: answered {_local(answered_at)}",
            when=asked_at,
            current=False,
            done=True,
        )
        found.insert(
            3, Step(words="Back in legal review", when=answered_at, current=True, done=False)
        )
    return found


def _local(when: datetime) -> str:
    return moment_words(when)


def _decision(case: DisclosureRequest) -> dict[str, Any] | None:
    if case.status not in DECIDED or case.decided_at is None:
        return None
    decision = case.decisions.order_by("-decided_at", "-id").first()
    if decision is None:
        return None
    return {
        "words": decision.outcome_label,
        "when": case.decided_at,
        "released": label(list(decision.categories_approved)),
    }


def officer_status(*, officer: Officer, case: DisclosureRequest) -> dict[str, Any]:
    """The status page's context for a case fetched with `officer_case_get`."""
    questions = list(case.info_requests.order_by("asked_at", "id"))
    open_question = next((q for q in reversed(questions) if q.answered_at is None), None)
    if case.status != Status.NEEDS_INFO:
        open_question = None
    files = list(case.release_files.order_by("uploaded_at", "id"))
    lifetime = casework.link_lifetime()
    return {
        "case": case,
        "steps": steps(case, questions[-1] if questions else None),
        "purpose_words": label(case.purpose),
        "categories_words": label(list(case.categories)),
        "documents": [
            (document, label(document.type), label(document.issuer))
            for document in case.documents.order_by("uploaded_at", "id")
        ],
        "questions": questions,
        "open_question": open_question,
        "decision": _decision(case),
        "letters": agency_letters(case),
        "files": [(f, casework.download_token(officer=officer, release_file=f)) for f in files],
        "link_days": lifetime.days,
        "link_until": timezone.now() + lifetime,
        "thread": list(case.portal_messages.order_by("sent_at", "id")),
        "refusal": officer.submit_refusal(),
    }


def staff_portal(*, case: DisclosureRequest, caps: CaseCapabilities) -> dict[str, Any]:
    """The staff's portal page of a case: the messages with the officer, the files delivered,
    and what the user may do (write: act on the case, and the case came from the portal;
    deliver: besides, the request is approved or released)."""
    officers = casework.officers_of(case)
    may_write = bool(caps.act and officers)
    return {
        "case": case,
        "caps": caps,
        "officers": officers,
        "thread": list(case.portal_messages.order_by("sent_at", "id")),
        "files": list(case.release_files.order_by("uploaded_at", "id")),
        "may_write": may_write,
        "refusal": "" if caps.act else caps.refusal("act"),
        "may_deliver": may_write and case.status in casework.DELIVERABLE_STATUSES,
        "link_days": casework.link_lifetime().days,
    }
