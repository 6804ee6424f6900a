"""A known set of cases, built through the services as users would build them.

Each case is described by a Spec; the tests count what they expect from the
specs themselves (plain Python over a short list), never from the code under
test, and compare.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from dmvrequests.cases import services
from dmvrequests.cases.models import DecisionOutcome, ReasonCode
from dmvrequests.cases.workflow import CaseAction
from dmvrequests.reports.filters import ReportFilters, months_back
from dmvrequests.testing import AgencyFactory, UserFactory, make_case


@dataclass(frozen=True)
class Spec:
    """One request and what became of it."""

    months_ago: int  # received in the month this many months before this one
    day: int
    kind: str  # the agency's kind
    channel: str = "mail"
    purpose: str = "criminal_investigation"
    categories: tuple = ("address", "license_record")
    docs: tuple = ()  # ((type, issuer), ...)
    # received | in_review | withdrawn | approved | partial | denied | awaiting_second
    fate: str = "received"
    approve: tuple = ()  # for "partial": the categories approved
    released: tuple = ()  # categories released (approved and partial only)
    subject: str = ""  # license number; "" with no_subject for a request by criteria
    no_subject: bool = False
    office: str = "ours"  # or "theirs"
    on: date | None = None  # a fixed day received, instead of months_ago and day

    @property
    def outcome(self):
        return {
            "approved": "approved",
            "partial": "approved_partial",
            "denied": "denied",
            "withdrawn": "withdrawn",
        }.get(self.fate, "pending")

    @property
    def decided(self):
        return self.fate in ("approved", "partial", "denied")

    def received_at(self, today):
        day = self.on or months_back(today, self.months_ago) + timedelta(days=self.day - 1)
        # Never in the future, even early on the first of the month.
        noon = timezone.make_aware(datetime.combine(day, time(12, 0)))
        return min(noon, timezone.now() - timedelta(minutes=5))

    def month_key(self, today):
        return f"{months_back(today, self.months_ago):%Y-%m}"


# Our known set: several months, agency kinds, channels, legal processes and
# every outcome, including a partial approval, withdrawals, releases, an
# approval still waiting for its second counsel, and a case of another office.
DATASET = (
    Spec(4, 3, "local_law_enforcement", docs=(("judicial_warrant", "state_judge"),),
         fate="approved", released=("address", "license_record"), subject="A1"),
    Spec(4, 9, "local_law_enforcement", channel="email", fate="denied", subject="A2"),
    Spec(4, 20, "immigration", channel="email", purpose="civil_immigration_enforcement",
         docs=(("administrative_warrant", "immigration_officer"),), fate="denied", subject="B1"),
    Spec(3, 2, "immigration", channel="fax",
         docs=(("judicial_warrant", "article_iii_judge"),
               ("administrative_subpoena", "immigration_officer")),
         fate="approved", released=("address",), subject="B2"),
    Spec(3, 5, "immigration", channel="phone", docs=(("detainer", "immigration_officer"),),
         fate="withdrawn", subject="B3"),
    Spec(3, 11, "state_law_enforcement", channel="portal",
         docs=(("court_order", "state_judge"),), fate="partial", approve=("license_record",),
         released=("license_record",), subject="A1"),
    Spec(3, 15, "federal_law_enforcement", channel="in_person",
         docs=(("grand_jury_subpoena", "court_clerk"),), fate="approved", subject="C1"),
    Spec(2, 1, "private", purpose="insurance", categories=("driving_history",),
         docs=(("subject_consent", "none"),), fate="approved", released=("driving_history",),
         subject="C2"),
    Spec(2, 8, "local_law_enforcement", channel="phone", fate="in_review", subject="C3"),
    Spec(2, 14, "prosecutor", channel="email", docs=(("trial_subpoena", "court_clerk"),),
         no_subject=True),
    Spec(1, 4, "immigration", channel="email", purpose="civil_immigration_enforcement",
         fate="awaiting_second", subject="B4"),
    Spec(1, 10, "court", docs=(("court_order", "state_judge"),), fate="approved",
         released=("address", "license_record"), subject="D1", office="theirs"),
    Spec(1, 12, "local_law_enforcement", channel="phone", fate="withdrawn", subject="A1"),
    Spec(0, 1, "local_law_enforcement", fate="received", subject="E1"),
)  # fmt: skip
# Received before the period the tests ask about: counted nowhere.
OUTSIDE = Spec(9, 5, "immigration", fate="approved", released=("address",), subject="Z9")
PERIOD_MONTHS = 5


def period_filters(today=None, **extra):
    today = today or timezone.localdate()
    return ReportFilters(date_from=months_back(today, PERIOD_MONTHS), date_to=today, **extra)


class Casebook:
    """Builds cases from specs through case_create, submit, decide and release."""

    def __init__(self, *, offices, second_counsel):
        self.offices = offices  # name → (office, clerk, counsel)
        self.second_counsel = second_counsel
        self.agencies = {}
        self.today = timezone.localdate()

    def agency(self, kind):
        if kind not in self.agencies:
            self.agencies[kind] = AgencyFactory(kind=kind, name=f"The {kind} agency")
        return self.agencies[kind]

    def add(self, spec):
        office, clerk, counsel = self.offices[spec.office]
        case = make_case(
            office=office,
            actor=clerk,
            agency=self.agency(spec.kind),
            channel=spec.channel,
            received_at=spec.received_at(self.today),
            purpose=spec.purpose,
            categories=list(spec.categories),
            subject_license_number=spec.subject,
            subject_name="" if spec.no_subject else "Maria Lopez",
            requester_verified=True,
            narrative=f"Narrative of the {spec.kind} request.",
        )
        for kind, issuer in spec.docs:
            services.document_add(case=case, actor=clerk, type=kind, issuer=issuer)
        self._move(case, spec, clerk, counsel)
        case.refresh_from_db()
        return case

    def add_all(self, specs):
        return [self.add(spec) for spec in specs]

    def _move(self, case, spec, clerk, counsel):
        if spec.fate == "received":
            return
        if spec.fate == "withdrawn":
            services.case_transition(case=case, action=CaseAction.WITHDRAW, actor=clerk)
            return
        services.case_submit(case=case, actor=clerk)
        if spec.fate == "in_review":
            return
        case.refresh_from_db()
        decision = self._decide(case, spec, counsel)
        if spec.fate == "awaiting_second":
            assert decision.awaiting_second_approval
            return
        if decision.awaiting_second_approval:
            services.decision_confirm(decision=decision, actor=self.second_counsel)
        self._release(case, spec, clerk)

    def _decide(self, case, spec, counsel):
        if spec.fate == "denied":
            return services.case_decide(
                case=case,
                actor=counsel,
                outcome=DecisionOutcome.DENIED,
                reason=ReasonCode.INSUFFICIENT_PROCESS,
                rationale="No accepted legal process.",
            )
        categories = spec.approve if spec.fate == "partial" else spec.categories
        return services.case_decide(
            case=case,
            actor=counsel,
            outcome=DecisionOutcome.APPROVED,
            categories=list(categories),
            rationale="Judicial process verified.",
        )

    def _release(self, case, spec, clerk):
        if not spec.released:
            return
        case.refresh_from_db()
        services.release_record(
            case=case,
            actor=clerk,
            categories=list(spec.released),
            recipient="Records officer",
            method="secure_email",
            released_at=timezone.now(),
        )


@pytest.fixture
def second_counsel(office):
    """Confirms approvals of immigration agencies' requests (the two-counsel rule)."""
    return UserFactory(username="counsel-b", office=office, role="Counsel")


@pytest.fixture
def casebook(office, other_office, clerk, other_clerk, counsel, other_counsel, second_counsel):
    return Casebook(
        offices={
            "ours": (office, clerk, counsel),
            "theirs": (other_office, other_clerk, other_counsel),
        },
        second_counsel=second_counsel,
    )


@pytest.fixture
def dataset(casebook):
    """The known set and one case outside the period; returns (specs, cases)."""
    cases = casebook.add_all(DATASET)
    casebook.add(OUTSIDE)
    return DATASET, cases


@pytest.fixture(params=["joined", "looked up"])
def related(request, monkeypatch):
    """Both ways the database reads a case's related rows (copyexport.case_select)."""
    from dmvrequests.reports import copyexport

    monkeypatch.setattr(copyexport, "JOIN_FROM_CASES", 0 if request.param == "joined" else 10**9)
    return request.param
