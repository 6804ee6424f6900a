"""One case's story: the steps it takes, and the rows each step leaves behind.

`story` draws every step a case would take from intake to closing, each some
days after the one before; the generator keeps those that have happened by now.
`CaseRows` then writes what the services would have written for those steps:
the case's historical rows, documents and counsel's checklists, the decision
with the engine's evaluation, questions to the agency, the release, the subject
notice, and reads in the access log.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from dmvrequests.cases.models import (
    Decision,
    DecisionOutcome,
    DisclosureRequest,
    DocumentVerification,
    InfoRequest,
    LegalDocument,
    NoticeStatus,
    ReasonCode,
    Release,
    ReleaseMethod,
    Status,
    SubjectNotice,
)
from dmvrequests.cases.synthetic.catalogue import (
    ANSWER,
    CHECKLIST_FIELDS,
    COUNTIES,
    DENIAL_REASONS,
    JUDICIAL_ISSUERS,
    NOTICE_EXEMPTION,
    NOTICE_METHOD,
    QUESTION,
    RATIONALES,
)
from dmvrequests.cases.synthetic.directory import Person
from dmvrequests.policy.engine import EngineDecision


@dataclass(frozen=True)
class Step:
    status: str
    when: datetime


def _days(rng, low, high):
    return timedelta(seconds=rng.uniform(low * 86400, high * 86400))


def story(rng, created, *, evaluation, emergency, immigration):
    """Every step the case would take, whatever today's date."""
    if rng.random() < 0.02:  # withdrawn before anyone reviewed it
        return [Step(Status.WITHDRAWN, created + _days(rng, 0.2, 5))]
    when = created + (_days(rng, 0.01, 0.2) if emergency else _days(rng, 0.1, 3))
    steps = [Step(Status.IN_REVIEW, when)]
    if rng.random() < 0.1:
        when += _days(rng, 1, 6)
        steps.append(Step(Status.NEEDS_INFO, when))
        when += _days(rng, 1, 15)
        steps.append(Step(Status.IN_REVIEW, when))
    if rng.random() < 0.02:
        return [*steps, Step(Status.WITHDRAWN, when + _days(rng, 1, 10))]
    when += _days(rng, 0.02, 0.9) if emergency else _days(rng, 0.5, 14)
    releasable = evaluation["decision"] != EngineDecision.DENY and evaluation["releasable"]
    if not releasable or rng.random() < 0.12:  # counsel deny some the engine would allow
        steps.append(Step(Status.DENIED, when))
        if rng.random() < 0.65:
            steps.append(Step(Status.CLOSED, when + _days(rng, 1, 30)))
        return steps
    if immigration:
        when += _days(rng, 0.1, 2)  # waiting for the second counsel
    steps.append(Step(Status.APPROVED, when))
    released = rng.random() < 0.9
    if released:
        when += _days(rng, 0.05, 4)
        steps.append(Step(Status.FULFILLED, when))
    if not released or rng.random() < 0.85:
        steps.append(Step(Status.CLOSED, when + _days(rng, 1, 30)))
    return steps


# The path to each status, for the few cases placed in every status whatever their age.
PATHS = {
    Status.RECEIVED: (),
    Status.IN_REVIEW: (Status.IN_REVIEW,),
    Status.NEEDS_INFO: (Status.IN_REVIEW, Status.NEEDS_INFO),
    Status.APPROVED: (Status.IN_REVIEW, Status.APPROVED),
    Status.DENIED: (Status.IN_REVIEW, Status.DENIED),
    Status.FULFILLED: (Status.IN_REVIEW, Status.APPROVED, Status.FULFILLED),
    Status.CLOSED: (Status.IN_REVIEW, Status.DENIED, Status.CLOSED),
    Status.WITHDRAWN: (Status.WITHDRAWN,),
}


def path_to(status, created):
    return [Step(s, created + timedelta(days=n + 1)) for n, s in enumerate(PATHS[status])]


@dataclass(frozen=True)
class Cast:
    clerk: Person
    counsel: Person
    second: Person
    logger: Person | None  # None: the case came by email, filed by the system
    recipient: str


# Counsel take these steps; clerks the others.
COUNSEL_STEPS = frozenset({Status.APPROVED, Status.DENIED, Status.NEEDS_INFO})


class CaseRows:
    """The rows a case and its steps leave behind. `sink` is the generator: it holds
    the batch's tables, hands out ids, and appends history rows and access records."""

    def __init__(self, sink, case, cast, evaluation):
        self.sink, self.case, self.cast, self.evaluation = sink, case, cast, evaluation
        self.rng, self.tables = sink.rng, sink.tables
        self.documents: list[dict[str, Any]] = []
        # The rows being written (dicts of column values), None until the story reaches them.
        self.decision: Any = None
        self.notice: Any = None
        self.question: Any = None

    def write(self, steps, document_types):
        case, cast = self.case, self.cast
        self.sink.history(DisclosureRequest, case, "+", case["created_at"], cast.logger)
        self.documents = [self.document(kind, issuer) for kind, issuer in document_types]
        self.sink.read(case, cast.clerk, case["created_at"] + timedelta(minutes=3))
        previous = None
        for step in steps:
            self.step(step, previous)
            previous = step
        self.finish()

    def document(self, kind, issuer):
        case, rng = self.case, self.rng
        received = case["received_at"]
        document = {
            "id": self.sink.next_id(LegalDocument),
            "case_id": case["id"],
            "type": kind,
            "issuer": issuer,
            "court": f"{rng.choice(COUNTIES)} County Court" if issuer in JUDICIAL_ISSUERS else "",
            "court_state": "NY" if issuer in ("state_judge", "court_clerk") else "",
            "docket_number": f"{received.year}-{rng.randrange(10**5):05d}",
            "issued_on": received.date() - timedelta(days=rng.randint(0, 20)),
            "original_filename": f"{kind}.pdf",
            "content_type": "application/pdf",
            "size": rng.randint(40_000, 2_000_000),
            "sha256": f"{rng.getrandbits(256):064x}",
            "uploaded_by_id": self.cast.logger.id if self.cast.logger else None,
            "uploaded_at": case["created_at"],
        }
        self.sink.history(LegalDocument, document, "+", document["uploaded_at"], self.cast.logger)
        return document

    def step(self, step, previous):
        reason = getattr(self, f"on_{step.status}")(step, previous)
        case = self.case
        case["status"], case["updated_at"] = step.status, step.when
        if step.status in (Status.CLOSED, Status.WITHDRAWN):
            case["closed_at"] = step.when
        actor = self.cast.counsel if step.status in COUNSEL_STEPS else self.cast.clerk
        self.sink.history(DisclosureRequest, case, "~", step.when, actor, reason)

    def on_in_review(self, step, previous):
        if previous is not None and previous.status == Status.NEEDS_INFO:
            return self.answered(step.when)
        case = self.case
        case["submitted_at"], case["requester_verified"] = step.when, True
        if self.rng.random() < 0.9:
            self.assign(self.cast.counsel)
        self.notice_due(step.when)
        return None

    def assign(self, counsel):
        """The case's assigned counsel, as services.case_assign sets it (the capability
        model reads it; no object permission is written)."""
        self.case["assigned_counsel_id"] = counsel.id

    def on_needs_info(self, step, previous):
        self.question = {
            "id": self.sink.next_id(InfoRequest),
            "case_id": self.case["id"],
            "question": QUESTION,
            "asked_by_id": self.cast.counsel.id,
            "asked_at": step.when,
        }
        self.sink.history(InfoRequest, self.question, "+", step.when, self.cast.counsel)
        return None

    def answered(self, when):
        answered = {**self.question, "answer": ANSWER, "answered_by_id": self.cast.clerk.id}
        answered["answered_at"] = when
        self.sink.history(InfoRequest, answered, "~", when, self.cast.clerk)
        self.tables[InfoRequest].add(**answered)
        self.question = None
        return "Agency answered; back to legal review"

    def on_approved(self, step, previous):
        approved = list(self.evaluation["releasable"])
        partial = set(approved) != set(self.case["categories"])
        reason = ReasonCode.APPROVED_PARTIAL if partial else ReasonCode.APPROVED_FULL
        self.decide(step.when, DecisionOutcome.APPROVED, reason, approved)

    def on_denied(self, step, previous):
        codes = [finding["code"] for finding in self.evaluation["findings"]]
        reason = next((DENIAL_REASONS[c] for c in codes if c in DENIAL_REASONS), None)
        self.decide(step.when, DecisionOutcome.DENIED, reason or ReasonCode.INSUFFICIENT_PROCESS)

    def decide(self, when, outcome, reason, categories=()):
        counsel, case = self.cast.counsel, self.case
        # An immigration approval waits for a second counsel (services.needs_second_approval).
        second = self.evaluation["immigration"] and outcome == DecisionOutcome.APPROVED
        decided_at = when - timedelta(hours=3) if second else when
        self.verify_documents(decided_at - timedelta(minutes=25))
        self.sink.read(case, counsel, decided_at - timedelta(minutes=30))
        decision = {
            "id": self.sink.next_id(Decision),
            "case_id": case["id"],
            "outcome": outcome,
            "categories_approved": list(categories),
            "reason": reason,
            "rationale": RATIONALES[outcome],
            "evaluation": self.evaluation,
            "profile_slug": self.evaluation["profile"],
            "profile_version": self.evaluation["profile_version"],
            "decided_by_id": counsel.id,
            "decided_at": decided_at,
            "second_approval_required": second,
        }
        if case["emergency"] and outcome == DecisionOutcome.APPROVED:
            self.emergency_terms(decision, when)
        self.sink.history(Decision, decision, "+", decided_at, counsel)
        if second:
            decision.update(second_approved_by_id=self.cast.second.id, second_approved_at=when)
            reason = "Second counsel approved"
            self.sink.history(Decision, decision, "~", when, self.cast.second, reason)
        self.tables[Decision].add(**decision)
        self.decision = decision
        case["decided_at"] = when
        self.notice_settle(when)

    def emergency_terms(self, decision, when):
        """The legal process must follow an emergency approval; most arrive in time."""
        decision.update(emergency=True, followup_due=when + timedelta(hours=48))
        if when + timedelta(hours=30) <= self.sink.now:
            decision["followup_received_at"] = when + timedelta(hours=30)

    def verify_documents(self, when):
        for document in self.documents:
            judicial = (
                document["issuer"] in JUDICIAL_ISSUERS or document["type"] == "subject_consent"
            )
            verification = {
                "id": self.sink.next_id(DocumentVerification),
                "document_id": document["id"],
                **dict.fromkeys(CHECKLIST_FIELDS, judicial),
                "result": "verified" if judicial else "rejected",
                "notes": "Checked against the court's docket." if judicial else "",
                "verified_by_id": self.cast.counsel.id,
                "verified_at": when,
            }
            self.tables[DocumentVerification].add(**verification)
            self.sink.history(DocumentVerification, verification, "+", when, self.cast.counsel)
            if judicial:
                document["verified"] = True
                self.sink.history(LegalDocument, document, "~", when, self.cast.counsel)

    def on_fulfilled(self, step, previous):
        release = {
            "id": self.sink.next_id(Release),
            "case_id": self.case["id"],
            "categories": self.decision["categories_approved"],
            "recipient": self.cast.recipient,
            "method": self.rng.choice(ReleaseMethod.values),
            "released_at": step.when - timedelta(minutes=10),
            "records_count": 1,
            "recorded_by_id": self.cast.clerk.id,
            "recorded_at": step.when,
        }
        self.tables[Release].add(**release)
        self.sink.history(Release, release, "+", step.when, self.cast.clerk)
        self.sink.read(self.case, self.cast.clerk, step.when - timedelta(minutes=15))

    def on_closed(self, step, previous):
        return None

    def on_withdrawn(self, step, previous):
        return None

    # Subject notices: owed from submission where the profile says so, settled after the decision.

    def notice_due(self, when):
        rule = self.evaluation.get("subject_notice") or {}
        if self.notice is not None or not rule.get("required"):
            return
        self.notice = {
            "id": self.sink.next_id(SubjectNotice),
            "case_id": self.case["id"],
            "due_date": date.fromisoformat(rule["due"]) if rule.get("due") else None,
            "rule": self.sink.profile.citation[:200],
            "status": NoticeStatus.DUE,
            "created_at": when,
        }
        self.sink.history(SubjectNotice, self.notice, "+", when, self.cast.clerk)

    def notice_settle(self, decided):
        # Within a day of the decision: a case closes only once its notice is settled.
        when = decided + _days(self.rng, 0.1, 0.9)
        if self.notice is None or when > self.sink.now:
            return
        if self.rng.random() < 0.1:
            by = self.cast.counsel
            self.notice.update(status=NoticeStatus.EXEMPTED, exemption_reason=NOTICE_EXEMPTION)
        else:
            by = self.cast.clerk
            self.notice.update(status=NoticeStatus.SENT, sent_at=when, method=NOTICE_METHOD)
        self.notice["recorded_by_id"] = by.id
        self.sink.history(SubjectNotice, self.notice, "~", when, by)

    def finish(self):
        for document in self.documents:
            self.tables[LegalDocument].add(**document)
        if self.question is not None:  # asked, not answered yet
            self.tables[InfoRequest].add(**self.question)
        if self.notice is not None:
            self.tables[SubjectNotice].add(**self.notice)
